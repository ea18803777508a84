"""Pages for one person: check in to a bed, move to another bed."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts import access, roles
from haven.api.errors import ServiceError
from haven.registry.models import Person
from haven.shelter import selectors, services
from haven.shelter.forms import BedChoiceForm
from haven.shelter.models import Bed, Stay, StayStatus
from haven.shelter.views import site_for, site_tabs
from haven.shelter.views_manage import _error_text


@login_required
def checkin_list(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """Persons held by the site who have no bed: choose one to check in."""
    site = site_for(request, site_id, roles.STAY_MANAGE)
    page = Paginator(selectors.persons_without_bed(site=site), 50).get_page(request.GET.get("page"))
    rows = [{"person": p, "name": selectors.person_display_name(p)} for p in page]
    return render(
        request,
        "shelter/checkin_list.html",
        {"site": site, "page": page, "rows": rows, "tabs": site_tabs(request.user, site)},
    )


def _bed(request: HttpRequest, form: BedChoiceForm) -> Bed:
    if not form.is_valid():
        raise ValidationError(_("Choose a bed."))
    return access.get_for_user(request.user, Bed.objects.all(), form.cleaned_data["bed"], capability=roles.STAY_MANAGE)


@login_required
def person_check_in(request: HttpRequest, site_id: uuid.UUID, person_id: uuid.UUID) -> HttpResponse:
    """Check one person into a free bed; the case-flag notices come first."""
    site = site_for(request, site_id, roles.STAY_MANAGE)
    person = access.get_for_user(
        request.user,
        Person.objects.select_related("status").prefetch_related(selectors.names_prefetch()),
        person_id,
        capability=roles.STAY_MANAGE,
    )
    name = selectors.person_display_name(person)
    error = ""
    if request.method == "POST":
        try:
            stay = services.stay_check_in(
                actor=request.user, person=person, bed=_bed(request, BedChoiceForm(request.POST))
            )
        except (ValidationError, ServiceError) as exc:
            error = _error_text(exc)
        else:
            messages.success(
                request,
                _("%(name)s checked in to room %(room)s, bed %(bed)s.")
                % {"name": name, "room": stay.bed.room.name, "bed": stay.bed.label},
            )
            return redirect("shelter:checkin", site_id=site.pk)
    notices = selectors.checkin_notices(user=request.user, persons=[person])
    current = selectors.person_current_stay(person=person)
    return render(
        request,
        "shelter/person_checkin.html",
        {
            "site": site,
            "person": person,
            "name": name,
            "current": current,
            "notices": [{"name": "", "notices": notices.get(person.pk, [])}] if notices else [],
            "beds": selectors.free_beds_for(person=person, site=site),
            "error": error,
            "tabs": site_tabs(request.user, site),
        },
        status=400 if error else 200,
    )


@login_required
def stay_move(request: HttpRequest, site_id: uuid.UUID, stay_id: uuid.UUID) -> HttpResponse:
    """Move a checked-in person to another free bed at the same site."""
    site = site_for(request, site_id, roles.STAY_MANAGE)
    stay = access.get_for_user(
        request.user,
        Stay.objects.select_related("person", "person__status", "bed", "bed__room", "bed__room__building"),
        stay_id,
        capability=roles.STAY_MANAGE,
    )
    name = selectors.person_display_name(stay.person)
    error = ""
    if stay.status != StayStatus.CHECKED_IN:
        error = _("Only a person who is checked in can be moved.")
    elif request.method == "POST":
        try:
            new = services.stay_move(actor=request.user, stay=stay, bed=_bed(request, BedChoiceForm(request.POST)))
        except (ValidationError, ServiceError) as exc:
            error = _error_text(exc)
        else:
            messages.success(
                request,
                _("%(name)s moved to room %(room)s, bed %(bed)s.")
                % {"name": name, "room": new.bed.room.name, "bed": new.bed.label},
            )
            return redirect("shelter:occupancy", site_id=site.pk)
    return render(
        request,
        "shelter/stay_move.html",
        {
            "site": site,
            "stay": stay,
            "name": name,
            "beds": selectors.free_beds_for(person=stay.person, site=site),
            "error": error,
            "tabs": site_tabs(request.user, site),
        },
        status=400 if error and request.method == "POST" else 200,
    )
