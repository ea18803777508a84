"""Pages: occupancy dashboard and room grid, roll call, absences.

Placement of households and transfers are in :mod:`haven.shelter.views_manage`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from haven.accounts import access, roles
from haven.accounts.models import Site
from haven.api.errors import ServiceError
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.models import Person
from haven.shelter import selectors
from haven.shelter.models import Building, PresenceKind
from haven.shelter.services_presence import presence_record

PAGES = {
    "occupancy": (roles.OCCUPANCY_VIEW, roles.STAY_VIEW),
    "rollcall": (roles.PRESENCE_RECORD,),
    "absent": (roles.STAY_VIEW,),
    "checkin": (roles.STAY_MANAGE,),
    "households": (roles.STAY_MANAGE,),
    "transfers": (roles.STAY_VIEW,),
    "rooms": (roles.SITE_MANAGE,),
}


def site_for(request: HttpRequest, site_id: Any, *capabilities: str) -> Site:
    """The site if the user holds any of the capabilities there; else 404."""
    for capability in capabilities:
        try:
            return access.get_for_user(
                request.user, Site.objects.select_related("region"), site_id, capability=capability, site_field="pk"
            )
        except Http404:
            continue
    raise Http404


def sites_for(user: Any, *capabilities: str) -> list[Site]:
    ids: set[Any] = set()
    for capability in capabilities:
        ids |= access.sites_with(user, capability)
    return list(Site.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def site_tabs(user: Any, site: Site) -> list[dict[str, Any]]:
    """The sub-navigation of a site's pages, only those the user may open."""
    from django.utils.translation import gettext as _

    titles = {
        "occupancy": _("Occupancy"),
        "rollcall": _("Roll call"),
        "absent": _("Absent"),
        "checkin": _("Check in"),
        "households": _("Households"),
        "transfers": _("Transfers"),
        "rooms": _("Rooms and beds"),
    }
    return [
        {
            "page": page,
            "title": titles[page],
            "url": reverse(f"shelter:{page}", kwargs={"site_id": site.pk}),
        }
        for page, capabilities in PAGES.items()
        if any(access.may(user, c, site=site) for c in capabilities)
    ]


@login_required
def choose_site(request: HttpRequest, page: str) -> HttpResponse:
    """The nav links land here: straight to the page if the user has one site."""
    if page not in PAGES:
        raise Http404
    sites = sites_for(request.user, *PAGES[page])
    if not sites:
        raise Http404
    if len(sites) == 1:
        return redirect(f"shelter:{page}", site_id=sites[0].pk)
    return render(request, "shelter/site_list.html", {"sites": sites, "page": page})


# --- Occupancy ------------------------------------------------------------------


def _int(value: str | None, default: int = 1) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@login_required
def occupancy(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """Figures for everyone with occupancy access; names only with shelter.stay.view."""
    site = site_for(request, site_id, roles.OCCUPANCY_VIEW, roles.STAY_VIEW)
    show_names = access.may(request.user, roles.STAY_VIEW, site=site)
    buildings = list(Building.objects.filter(site=site))
    building = None
    building_id = request.GET.get("building")
    if building_id:
        building = next((b for b in buildings if str(b.pk) == building_id), None)
    profile = selectors.site_profile(site=site)
    grid = selectors.room_grid(site=site, page=_int(request.GET.get("page")), building=building, profile=profile)
    context = {
        "site": site,
        "show_names": show_names,
        "buildings": buildings,
        "building": building,
        "grid": grid,
        "grid_rows": _grid_rows(grid, show_names, _move_url(request.user, site)),
        "grid_page_numbers": range(1, grid.pages + 1),
        "tabs": site_tabs(request.user, site),
        "may_record": access.may(request.user, roles.PRESENCE_RECORD, site=site),
        "may_manage": access.may(request.user, roles.STAY_MANAGE, site=site),
    }
    if show_names:  # every page of the grid, the ones htmx loads too: it shows who sleeps where
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, purpose="room grid")
    if getattr(request, "htmx", False):
        return render(request, "shelter/_grid.html", context)
    context["occ"] = selectors.occupancy(site=site, profile=profile)
    return render(request, "shelter/occupancy.html", context)


def _move_url(user: Any, site: Site) -> str:
    if not access.may(user, roles.STAY_MANAGE, site=site):
        return ""
    placeholder = uuid.UUID(int=0)
    url = reverse("shelter:stay_move", kwargs={"site_id": site.pk, "stay_id": placeholder})
    return url.replace(str(placeholder), "{stay}")


def _grid_rows(grid: selectors.GridPage, show_names: bool, move_url: str = "") -> list[dict[str, Any]]:
    """Rows of the room grid; ``move_url`` has ``{stay}`` where the stay id goes.

    The move links are built here from one reversed URL: 200 ``{% url %}``
    tags per grid page were a tenth of the page's time.
    """
    rows = []
    for load in grid.loads:
        beds = []
        for bed in grid.beds.get(load.room.pk, []):
            stay = grid.occupant.get(bed.pk)
            beds.append(
                {
                    "bed": bed,
                    "stay": stay,
                    "name": selectors.person_display_name(stay.person) if (stay and show_names) else "",
                    "move_url": move_url.replace("{stay}", str(stay.pk)) if (stay and move_url) else "",
                }
            )
        rows.append({"load": load, "beds": beds})
    return rows


@login_required
@require_POST
def closed_stays_end(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """End the stays of persons whose case is closed (departed, transferred, deceased)."""
    from django.contrib import messages
    from django.utils.translation import ngettext

    from haven.shelter.services import stays_end_for_closed_cases

    site = site_for(request, site_id, roles.STAY_MANAGE)
    ended = stays_end_for_closed_cases(actor=request.user, site=site)
    messages.success(
        request,
        ngettext("%(count)d stay ended: the bed is free.", "%(count)d stays ended: the beds are free.", ended)
        % {"count": ended},
    )
    return redirect("shelter:occupancy", site_id=site.pk)


# --- Roll call ------------------------------------------------------------------------


@login_required
def rollcall(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """Today's roll call, one building at a time: tap "Seen" for each resident."""
    site = site_for(request, site_id, roles.PRESENCE_RECORD)
    buildings = list(Building.objects.filter(site=site))
    building_id = request.GET.get("building")
    building = next((b for b in buildings if str(b.pk) == building_id), buildings[0] if buildings else None)
    stays = selectors.residents(site=site)
    if building is not None:
        stays = stays.filter(bed__room__building=building)
    today = timezone.localdate()
    rows = [_rollcall_row(stay.person, stay, today) for stay in stays]
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, purpose="roll call")
    return render(
        request,
        "shelter/rollcall.html",
        {
            "site": site,
            "buildings": buildings,
            "building": building,
            "rows": rows,
            "seen_today": sum(1 for r in rows if r["seen_today"]),
            "tabs": site_tabs(request.user, site),
        },
    )


def _rollcall_row(person: Person, stay: Any, today: Any) -> dict[str, Any]:
    status = getattr(person, "presence_status", None)
    last_seen = status.last_seen_at if status else None
    return {
        "person": person,
        "name": selectors.person_display_name(person),
        "stay": stay,
        "last_seen": last_seen,
        "last_kind": status.last_kind if status else "",
        "seen_today": bool(last_seen and timezone.localtime(last_seen).date() == today),
    }


@login_required
@require_POST
def rollcall_mark(request: HttpRequest, site_id: uuid.UUID, person_id: uuid.UUID) -> HttpResponse:
    """Record "seen" (or in/out) for one resident; returns the updated row."""
    site = site_for(request, site_id, roles.PRESENCE_RECORD)
    person = access.get_for_user(
        request.user,
        Person.objects.prefetch_related(selectors.names_prefetch()),
        person_id,
        capability=roles.PRESENCE_RECORD,
    )
    # Only a resident of this site, before anything is written (not after).
    if not selectors.residents(site=site).filter(person=person).exists():
        raise Http404
    kind = request.POST.get("kind", PresenceKind.SEEN)
    error = ""
    try:
        presence_record(actor=request.user, person=person, kind=kind)
    except (ValidationError, ServiceError) as exc:
        error = "; ".join(getattr(exc, "messages", None) or [getattr(exc, "message", str(exc))])
    stay = selectors.residents(site=site).filter(person=person).first()
    if stay is None:
        raise Http404
    row = _rollcall_row(stay.person, stay, timezone.localdate())
    row["error"] = error
    if getattr(request, "htmx", False):
        return render(request, "shelter/_rollcall_row.html", {"row": row, "site": site})
    return redirect(reverse("shelter:rollcall", kwargs={"site_id": site.pk}) + f"?building={stay.bed.room.building_id}")


# --- Absences -------------------------------------------------------------------------


@login_required
def absent(request: HttpRequest, site_id: uuid.UUID) -> HttpResponse:
    """Residents not seen for longer than the site's threshold (default 5 days)."""
    site = site_for(request, site_id, roles.STAY_VIEW)
    profile = selectors.site_profile(site=site)
    now = timezone.now()
    rows = []
    for stay in selectors.absent_stays(site=site, profile=profile, now=now):
        status = getattr(stay.person, "presence_status", None)
        since = (status.last_seen_at if status else stay.checked_in_at) or now
        rows.append(
            {
                "stay": stay,
                "name": selectors.person_display_name(stay.person),
                "since": since,
                "days": (now - since).days,
                "went_out": bool(status and status.last_kind == PresenceKind.OUT),
            }
        )
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, purpose="absence list")
    return render(
        request,
        "shelter/absent.html",
        {
            "site": site,
            "rows": rows,
            "threshold": profile.absence_threshold_days,
            "may_record": access.may(request.user, roles.PRESENCE_RECORD, site=site),
            "may_manage": access.may(request.user, roles.STAY_MANAGE, site=site),
            "tabs": site_tabs(request.user, site),
        },
    )
