"""Pages for shelter.site.manage: buildings, rooms (area, designation, status) and beds."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts import access, roles
from haven.shelter import selectors, services
from haven.shelter.forms import BedForm, BuildingForm, RoomEditForm, RoomForm
from haven.shelter.models import Bed, Building, Room
from haven.shelter.views import site_for, site_tabs


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the form's fields (or on top), so nothing is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _building(request: HttpRequest, building_id: Any) -> Building:
    return access.get_for_user(request.user, Building.objects.all(), building_id, capability=roles.SITE_MANAGE)


@login_required
def rooms(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """Buildings of the site and the rooms of one building; add either."""
    site = site_for(request, site_id, roles.SITE_MANAGE)
    buildings = list(Building.objects.filter(site=site))
    chosen = request.POST.get("building") or request.GET.get("building")
    building = next((b for b in buildings if str(b.pk) == chosen), buildings[0] if buildings else None)
    building_form = BuildingForm(prefix="b")
    room_form = RoomForm(prefix="r")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "building_add":
            building_form = BuildingForm(request.POST, prefix="b")
            if building_form.is_valid():
                try:
                    new = services.building_create(
                        actor=request.user,
                        site=site,
                        name=building_form.cleaned_data["name"],
                        sort_order=building_form.cleaned_data["sort_order"] or 0,
                    )
                except ValidationError as exc:
                    _add_errors(building_form, exc)
                else:
                    messages.success(request, _("Building %(name)s added.") % {"name": new.name})
                    return redirect(f"{request.path}?building={new.pk}")
        elif action == "room_add" and building is not None:
            room_form = RoomForm(request.POST, prefix="r")
            if room_form.is_valid():
                try:
                    room = services.room_create(
                        actor=request.user, building=_building(request, building.pk), **room_form.cleaned_data
                    )
                except ValidationError as exc:
                    _add_errors(room_form, exc)
                else:
                    messages.success(request, _("Room %(name)s added.") % {"name": room.name})
                    return redirect(f"{request.path}?building={building.pk}")
        status = 400
    profile = selectors.site_profile(site=site)
    loads = (
        selectors.room_loads(site=site, norm=profile.area_per_person_m2, rooms=Room.objects.filter(building=building))
        if building is not None
        else []
    )
    return render(
        request,
        "shelter/rooms.html",
        {
            "site": site,
            "buildings": buildings,
            "building": building,
            "loads": loads,
            "building_form": building_form,
            "room_form": room_form,
            "tabs": site_tabs(request.user, site),
        },
        status=status,
    )


@login_required
def building_edit(request: HttpRequest, site_id: uuid.UUID, building_id: uuid.UUID) -> HttpResponse:
    site = site_for(request, site_id, roles.SITE_MANAGE)
    building = _building(request, building_id)
    form = BuildingForm(request.POST or None, initial={"name": building.name, "sort_order": building.sort_order})
    if request.method == "POST" and form.is_valid():
        try:
            services.building_update(
                actor=request.user,
                building=building,
                name=form.cleaned_data["name"],
                sort_order=form.cleaned_data["sort_order"] or 0,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Building saved."))
            return redirect(f"{_rooms_url(site)}?building={building.pk}")
    return render(
        request,
        "shelter/building_edit.html",
        {"site": site, "building": building, "form": form, "tabs": site_tabs(request.user, site)},
        status=400 if form.errors else 200,
    )


def _rooms_url(site: Any) -> str:
    from django.urls import reverse

    return reverse("shelter:rooms", kwargs={"site_id": site.pk})


@login_required
def room_edit(request: HttpRequest, site_id: uuid.UUID, room_id: uuid.UUID) -> HttpResponse:
    """Change a room's area, designation or status; add and relabel its beds."""
    site = site_for(request, site_id, roles.SITE_MANAGE)
    room = access.get_for_user(
        request.user, Room.objects.select_related("building"), room_id, capability=roles.SITE_MANAGE
    )
    initial = {"floor_area_m2": room.floor_area_m2, "designation": room.designation, "status": room.status}
    form = RoomEditForm(initial=initial)
    bed_form = BedForm(prefix="bed")
    action = request.POST.get("action")
    if request.method == "POST":
        try:
            if action == "room":
                form = RoomEditForm(request.POST)
                if form.is_valid():
                    try:
                        services.room_update(actor=request.user, room=room, **form.cleaned_data)
                    except ValidationError as exc:
                        _add_errors(form, exc)
                    else:
                        messages.success(request, _("Room saved."))
                        return redirect(request.path)
            elif action == "bed_add":
                bed_form = BedForm(request.POST, prefix="bed")
                if bed_form.is_valid():
                    services.bed_create(actor=request.user, room=room, label=bed_form.cleaned_data["label"])
                    messages.success(request, _("Bed added."))
                    return redirect(request.path)
            elif action == "bed_label":
                bed = access.get_for_user(
                    request.user, Bed.objects.filter(room=room), request.POST.get("bed"), capability=roles.SITE_MANAGE
                )
                services.bed_update(actor=request.user, bed=bed, label=request.POST.get("label", ""))
                messages.success(request, _("Bed saved."))
                return redirect(request.path)
        except ValidationError as exc:
            _add_errors(bed_form, exc)
    profile = selectors.site_profile(site=site)
    (load,) = selectors.room_loads(site=site, norm=profile.area_per_person_m2, rooms=Room.objects.filter(pk=room.pk))
    return render(
        request,
        "shelter/room_edit.html",
        {
            "site": site,
            "room": load.room,
            "load": load,
            "beds": list(room.beds.order_by("label")),
            "form": form,
            "bed_form": bed_form,
            "tabs": site_tabs(request.user, site),
        },
        status=400 if request.method == "POST" else 200,
    )
