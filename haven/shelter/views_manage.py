"""Pages that change stays: placing households, checking out, transfers."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts import access, roles
from haven.api.errors import ServiceError
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.models import Household, Person
from haven.shelter import selectors, services, services_transfers
from haven.shelter.forms import CheckOutForm, ConsentForm, PlaceForm, TransferForm
from haven.shelter.models import ACTIVE_STAY_STATUSES, Room, Stay, StayStatus, Transfer, TransferStatus
from haven.shelter.views import site_for, site_tabs


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ServiceError):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


# --- Households ---------------------------------------------------------------------


@login_required
def households(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """Households at the site: how many members, how many have a bed."""
    site = site_for(request, site_id, roles.STAY_MANAGE)
    queryset = (
        Household.objects.filter(site=site)
        .annotate(
            size=Count("members", filter=Q(members__status__is_present=True, members__site=site), distinct=True),
            housed=Count(
                "members__stays",
                filter=Q(members__stays__status=StayStatus.CHECKED_IN, members__stays__site=site),
                distinct=True,
            ),
        )
        .order_by("-arrival_date", "registration_number")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request, "shelter/households.html", {"site": site, "page": page, "tabs": site_tabs(request.user, site)}
    )


@login_required
def household(request: HttpRequest, site_id: uuid.UUID, household_id: uuid.UUID) -> HttpResponse:
    """Suggested rooms for the members without a bed; check the household in or out."""
    site = site_for(request, site_id, roles.STAY_MANAGE)
    hh = access.get_for_user(
        request.user, Household.objects.select_related("site"), household_id, capability=roles.STAY_MANAGE
    )
    if request.method == "POST":
        return _household_post(request, site, hh)
    to_place, suggestions = selectors.household_suggestions(household=hh)
    members = list(
        selectors.household_members(household=hh)
        .select_related("status")
        .prefetch_related(selectors.names_prefetch())
        .order_by("date_of_birth")
    )
    current = {
        s.person_id: s
        for s in Stay.objects.filter(
            person__in=members, site_id=hh.site_id, status__in=ACTIVE_STAY_STATUSES
        ).select_related("bed", "bed__room")
    }
    notices = selectors.checkin_notices(user=request.user, persons=to_place)
    rows = [
        {
            "person": p,
            "name": selectors.person_display_name(p),
            "stay": current.get(p.pk),
            "notices": notices.get(p.pk, []),
        }
        for p in members
    ]
    return render(
        request,
        "shelter/household.html",
        {
            "site": site,
            "household": hh,
            "rows": rows,
            "to_place": to_place,
            "notices": [row for row in rows if row["notices"]],
            "suggestions": suggestions,
            "checked_in": any(s.status == StayStatus.CHECKED_IN for s in current.values()),
            "checkout_form": CheckOutForm(),
            "tabs": site_tabs(request.user, site),
        },
    )


def _household_post(request: HttpRequest, site: Any, hh: Household) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "check_in":
            form = PlaceForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a room."))
            room = access.get_for_user(
                request.user, Room.objects.all(), form.cleaned_data["room"], capability=roles.STAY_MANAGE
            )
            stays = services.household_check_in(actor=request.user, household=hh, room=room)
            messages.success(
                request, _("%(count)s persons checked in to room %(room)s.") % {"count": len(stays), "room": room.name}
            )
        elif action == "check_out":
            checkout = CheckOutForm(request.POST)
            if not checkout.is_valid():
                raise ValidationError(_("Choose why the household leaves."))
            stays = services.household_check_out(
                actor=request.user, household=hh, reason=checkout.cleaned_data["reason"]
            )
            messages.success(request, _("%(count)s persons checked out.") % {"count": len(stays)})
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, ServiceError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("shelter:household", site_id=site.pk, household_id=hh.pk)


# --- Transfers -------------------------------------------------------------------------


def _resident_choices(site: Any) -> list[tuple[str, str]]:
    return [
        (str(s.person_id), f"{selectors.person_display_name(s.person)} · {s.person.registration_number}")
        for s in selectors.residents(site=site).order_by("person__registration_number")
    ]


def _transfer_row(transfer: Any, site: Any) -> dict[str, Any]:
    """A row of the transfers page.

    A planned transfer of a person no longer held by this site (a merge
    re-pointed it) names no one; it can only be cancelled. A transfer done
    is this site's own record of whom it sent where, and stays named.
    """
    if transfer.person.site_id == site.pk or transfer.status != TransferStatus.PLANNED:
        name, number = selectors.person_display_name(transfer.person), transfer.person.registration_number
    else:
        name, number = "—", ""
    return {"transfer": transfer, "name": name, "registration_number": number}


@login_required
def transfers(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """Planned and past transfers; plan a new one."""
    site = site_for(request, site_id, roles.STAY_VIEW)
    may_manage = access.may(request.user, roles.STAY_MANAGE, site=site)
    form = None
    if may_manage:
        form = TransferForm(request.POST or None, residents=_resident_choices(site), site=site)
        if request.method == "POST" and form.is_valid():
            person = access.get_for_user(
                request.user,
                Person.objects.select_related("status"),
                form.cleaned_data["person"],
                capability=roles.STAY_MANAGE,
            )
            try:
                services_transfers.transfer_plan(
                    actor=request.user,
                    person=person,
                    planned_date=form.cleaned_data["planned_date"],
                    reason=form.cleaned_data["reason"],
                    to_site=form.cleaned_data["to_site"],
                    to_region=form.cleaned_data["to_region"],
                )
            except (ValidationError, ServiceError) as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Transfer planned."))
                return redirect("shelter:transfers", site_id=site.pk)
    rows = [_transfer_row(t, site) for t in selectors.transfers(site=site)]
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, purpose="transfer list")
    return render(
        request,
        "shelter/transfers.html",
        {
            "site": site,
            "rows": rows,
            "form": form,
            "may_manage": may_manage,
            "consent_form": ConsentForm(initial={"given_on": timezone.localdate()}),
            "tabs": site_tabs(request.user, site),
        },
    )


@login_required
@require_POST
def transfer_action(request: HttpRequest, site_id: uuid.UUID, transfer_id: uuid.UUID, action: str) -> HttpResponse:
    site = site_for(request, site_id, roles.STAY_MANAGE)
    transfer = access.get_for_user(
        request.user,
        Transfer.objects.select_related("to_site"),
        transfer_id,
        capability=roles.STAY_MANAGE,
        site_field="from_site",
    )
    try:
        if action == "consent":
            form = ConsentForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say who gave the consent and when."))
            services_transfers.transfer_record_consent(
                actor=request.user,
                transfer=transfer,
                given_by=form.cleaned_data["given_by"],
                given_on=form.cleaned_data["given_on"],
            )
            messages.success(request, _("Consent to the handover recorded."))
        elif action == "complete":
            services_transfers.transfer_complete(actor=request.user, transfer=transfer)
            messages.success(request, _("Transfer completed: the stay has ended."))
        elif action == "cancel":
            services_transfers.transfer_cancel(actor=request.user, transfer=transfer)
            messages.success(request, _("Transfer cancelled."))
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, ServiceError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("shelter:transfers", site_id=site.pk)
