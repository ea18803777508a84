"""Reads for reception sites: occupancy, room grid, roll call, absences.

Every function here issues a fixed number of queries whatever the number
of residents (aggregates and subqueries in the database, one prefetch per
relation), so that the occupancy page stays fast at 5,000 residents.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from haven.accounts.models import Site
from haven.registry.models import Household, Person, PersonName
from haven.shelter.models import (
    ACTIVE_STAY_STATUSES,
    DEFAULT_ABSENCE_DAYS,
    DEFAULT_AREA_PER_PERSON,
    Bed,
    Building,
    PresenceEvent,
    Room,
    RoomDesignation,
    RoomStatus,
    SiteProfile,
    Stay,
    StayStatus,
    Transfer,
    TransferStatus,
)
from haven.shelter.rules import designation_allows, person_is_present, persons_needing_access

SCRIPT_FOR_LANGUAGE = {"ru": "cy", "ar": "ar", "en": "la"}
GRID_ROOMS_PER_PAGE = 40


# --- Names --------------------------------------------------------------------


def names_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(f"{prefix}names", queryset=PersonName.objects.only("person_id", "part", "script", "value"))


def person_display_name(person: Person) -> str:
    """Given and family name in the script of the current language, from prefetched names."""
    script = SCRIPT_FOR_LANGUAGE.get((translation.get_language() or "en")[:2], "la")
    by_script: dict[str, dict[str, str]] = {}
    for name in person.names.all():
        by_script.setdefault(name.script, {})[name.part] = name.value
    for candidate in (script, "la", "ar", "cy", *by_script):
        parts = by_script.get(candidate)
        if parts and (parts.get("given") or parts.get("family")):
            return " ".join(v for v in (parts.get("given"), parts.get("family")) if v)
    return person.registration_number


# --- Site settings ------------------------------------------------------------


def site_profile(*, site: Site) -> SiteProfile:
    """The site's profile, or an unsaved one with the defaults."""
    profile = SiteProfile.objects.filter(site=site).first()
    return profile or SiteProfile(
        site=site, area_per_person_m2=DEFAULT_AREA_PER_PERSON, absence_threshold_days=DEFAULT_ABSENCE_DAYS
    )


def week_start(*, site: Site, now: datetime.datetime | None = None) -> datetime.datetime:
    """Monday 00:00 of the current week in the site's time zone."""
    now = now or timezone.now()
    try:
        zone = zoneinfo.ZoneInfo(site.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    local = timezone.localtime(now, zone)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return datetime.datetime.combine(monday, datetime.time.min, tzinfo=zone)


# --- Rooms and occupancy --------------------------------------------------------


@dataclass
class RoomLoad:
    room: Room
    beds: int
    occupants: int
    planned: int
    area_capacity: int

    @property
    def capacity(self) -> int:
        return min(self.beds, self.area_capacity)

    @property
    def free_beds(self) -> int:
        if self.room.status != RoomStatus.IN_USE:
            return 0
        return max(self.beds - self.occupants - self.planned, 0)

    @property
    def over_area(self) -> bool:
        return self.occupants > self.area_capacity

    @property
    def over_beds(self) -> bool:
        return self.occupants > self.beds

    @property
    def beds_exceed_area(self) -> bool:
        return self.beds > self.area_capacity

    @property
    def crowded(self) -> bool:
        return self.over_area or self.over_beds


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def room_loads(*, site: Site, norm: Decimal, rooms: QuerySet[Room] | None = None) -> list[RoomLoad]:
    """Each room with its beds, occupants and capacity; one query."""
    rooms = (rooms if rooms is not None else Room.objects.filter(site=site)).select_related("building")
    annotated = rooms.annotate(
        n_beds=_count(Bed.objects.filter(room=OuterRef("pk")), "room"),
        n_in=_count(Stay.objects.filter(bed__room=OuterRef("pk"), status=StayStatus.CHECKED_IN), "bed__room"),
        n_planned=_count(Stay.objects.filter(bed__room=OuterRef("pk"), status=StayStatus.PLANNED), "bed__room"),
    ).order_by("building__sort_order", "building__name", "name")
    return [
        RoomLoad(room=r, beds=r.n_beds, occupants=r.n_in, planned=r.n_planned, area_capacity=r.area_capacity(norm))
        for r in annotated
    ]


@dataclass
class Occupancy:
    site: Site
    profile: SiteProfile
    residents: int
    planned: int
    beds_total: int
    beds_usable: int
    free_beds: int
    capacity: int
    arrivals_week: int
    departures_week: int
    absent: int
    rooms: list[RoomLoad] = field(default_factory=list)

    @property
    def crowded_rooms(self) -> list[RoomLoad]:
        return [load for load in self.rooms if load.crowded]


def occupancy(*, site: Site, now: datetime.datetime | None = None) -> Occupancy:
    """The figures of the dashboard; a fixed number of queries."""
    now = now or timezone.now()
    profile = site_profile(site=site)
    start = week_start(site=site, now=now)
    stays = Stay.objects.filter(site=site).aggregate(
        residents=Count("id", filter=Q(status=StayStatus.CHECKED_IN)),
        planned=Count("id", filter=Q(status=StayStatus.PLANNED)),
        arrivals=Count("id", filter=Q(checked_in_at__gte=start, previous__isnull=True)),
        departures=Count("id", filter=Q(status=StayStatus.CHECKED_OUT, checked_out_at__gte=start)),
    )
    loads = room_loads(site=site, norm=profile.area_per_person_m2)
    usable = [load for load in loads if load.room.status == RoomStatus.IN_USE]
    return Occupancy(
        site=site,
        profile=profile,
        residents=stays["residents"],
        planned=stays["planned"],
        beds_total=sum(load.beds for load in loads),
        beds_usable=sum(load.beds for load in usable),
        free_beds=sum(load.free_beds for load in usable),
        capacity=sum(load.capacity for load in usable),
        arrivals_week=stays["arrivals"],
        departures_week=stays["departures"],
        absent=absent_stays(site=site, profile=profile, now=now).count(),
        rooms=loads,
    )


def free_bed_count(*, site_ids: Any) -> int:
    active = Stay.objects.filter(bed=OuterRef("pk"), status__in=ACTIVE_STAY_STATUSES)
    return Bed.objects.filter(site_id__in=site_ids, room__status=RoomStatus.IN_USE).exclude(Exists(active)).count()


def resident_count(*, site_ids: Any) -> int:
    return Stay.objects.filter(site_id__in=site_ids, status=StayStatus.CHECKED_IN).count()


@dataclass
class GridPage:
    loads: list[RoomLoad]
    beds: dict[Any, list[Bed]]
    occupant: dict[Any, Stay]
    number: int
    pages: int


def room_grid(*, site: Site, page: int = 1, building: Building | None = None) -> GridPage:
    """One page of rooms, each with its beds and who is in them."""
    profile = site_profile(site=site)
    rooms = Room.objects.filter(site=site)
    if building is not None:
        rooms = rooms.filter(building=building)
    total = rooms.count()
    pages = max((total + GRID_ROOMS_PER_PAGE - 1) // GRID_ROOMS_PER_PAGE, 1)
    number = min(max(page, 1), pages)
    ordered = rooms.order_by("building__sort_order", "building__name", "name")
    ids = list(ordered.values_list("pk", flat=True)[(number - 1) * GRID_ROOMS_PER_PAGE : number * GRID_ROOMS_PER_PAGE])
    loads = room_loads(site=site, norm=profile.area_per_person_m2, rooms=Room.objects.filter(pk__in=ids))
    beds: dict[Any, list[Bed]] = {}
    for bed in Bed.objects.filter(room_id__in=ids).order_by("label"):
        beds.setdefault(bed.room_id, []).append(bed)
    occupant = {
        stay.bed_id: stay
        for stay in Stay.objects.filter(bed__room_id__in=ids, status__in=ACTIVE_STAY_STATUSES)
        .select_related("person")
        .prefetch_related(names_prefetch("person__"))
    }
    return GridPage(loads=loads, beds=beds, occupant=occupant, number=number, pages=pages)


# --- Residents, presence, absences ----------------------------------------------


def residents(*, site: Site) -> QuerySet[Stay]:
    """Current stays at the site with person, bed, room and presence status."""
    return (
        Stay.objects.filter(site=site, status=StayStatus.CHECKED_IN)
        .select_related("person", "person__presence_status", "bed", "bed__room")
        .prefetch_related(names_prefetch("person__"))
        .order_by("bed__room__name", "bed__label")
    )


def absent_stays(
    *, site: Site, profile: SiteProfile | None = None, now: datetime.datetime | None = None
) -> QuerySet[Stay]:
    """Residents not seen for longer than the site's threshold, longest first."""
    profile = profile or site_profile(site=site)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=profile.absence_threshold_days)
    return (
        residents(site=site)
        .filter(
            Q(person__presence_status__last_seen_at__lt=cutoff)
            | Q(person__presence_status__isnull=True, checked_in_at__lt=cutoff)
        )
        .order_by("person__presence_status__last_seen_at")
    )


def person_current_stay(*, person: Person) -> Stay | None:
    return (
        Stay.objects.filter(person=person, status__in=ACTIVE_STAY_STATUSES)
        .select_related("bed", "bed__room", "bed__room__building", "site")
        .first()
    )


def person_stays(*, person: Person) -> QuerySet[Stay]:
    return (
        Stay.objects.filter(person=person)
        .select_related("bed", "bed__room", "bed__room__building", "site")
        .order_by("-created_at")
    )


def person_presence(*, person: Person, limit: int = 20) -> QuerySet[PresenceEvent]:
    return PresenceEvent.objects.filter(person=person).order_by("-at", "-id")[:limit]


def transfers(*, site: Site) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(from_site=site)
        .select_related("person", "to_site", "to_region")
        .prefetch_related(names_prefetch("person__"))
        .order_by("status", "planned_date")
    )


def planned_transfer_count(*, site: Site) -> int:
    return Transfer.objects.filter(from_site=site, status=TransferStatus.PLANNED).count()


# --- Check-in notices -----------------------------------------------------------


def checkin_notices(*, user: Any, persons: Any) -> dict[Any, list[str]]:
    """Notices of case flags (support) to show before checking these persons in.

    Only the notice text, and only what the support app lets this user see;
    persons without a notice are left out.
    """
    from haven.support.selectors import checkin_notices as flag_notices

    notices: dict[Any, list[str]] = {}
    for person in persons:
        found = flag_notices(user=user, person=person)
        if found:
            notices[person.pk] = found
    return notices


# --- Placement ------------------------------------------------------------------


def households_to_place(*, site: Site) -> QuerySet[Household]:
    """Households at the site with a member who has no bed."""
    no_bed = Person.objects.filter(household=OuterRef("pk"), status__is_present=True).exclude(
        Exists(Stay.objects.filter(person=OuterRef("pk"), status__in=ACTIVE_STAY_STATUSES))
    )
    return (
        Household.objects.filter(site=site)
        .filter(Exists(no_bed))
        .annotate(size=Count("members", filter=Q(members__status__is_present=True)))
        .order_by("arrival_date", "registration_number")
    )


@dataclass
class Suggestion:
    load: RoomLoad
    free_beds: list[Bed]
    accessible_needed: bool
    score: int


def household_suggestions(*, household: Household, limit: int = 8) -> tuple[list[Person], list[Suggestion]]:
    """Rooms where the whole household fits together and that suit its members.

    A room qualifies when it is in use, has enough free beds for every member
    without a bed, stays within its floor-area capacity, and its designation
    admits every member. If any member has an open disability (DS) need,
    only accessible rooms are offered. Best fit (fewest beds left over) first.
    """
    site = household.site
    members = [
        p for p in household.members.select_related("status").prefetch_related(names_prefetch()) if person_is_present(p)
    ]
    housed = set(
        Stay.objects.filter(person__in=members, status__in=ACTIVE_STAY_STATUSES).values_list("person_id", flat=True)
    )
    to_place = [p for p in members if p.pk not in housed]
    if not to_place:
        return [], []
    needs_access = bool(persons_needing_access(p.pk for p in to_place))
    profile = site_profile(site=site)
    rooms = Room.objects.filter(site=site, status=RoomStatus.IN_USE)
    if needs_access:
        rooms = rooms.filter(designation=RoomDesignation.ACCESSIBLE)
    candidates = [
        load
        for load in room_loads(site=site, norm=profile.area_per_person_m2, rooms=rooms)
        if load.free_beds >= len(to_place)
        and load.occupants + load.planned + len(to_place) <= load.area_capacity
        and all(designation_allows(load.room.designation, p) for p in to_place)
    ]
    if not candidates:
        return to_place, []
    active = Stay.objects.filter(bed=OuterRef("pk"), status__in=ACTIVE_STAY_STATUSES)
    free: dict[Any, list[Bed]] = {}
    for bed in Bed.objects.filter(room__in=[c.room for c in candidates]).exclude(Exists(active)).order_by("label"):
        free.setdefault(bed.room_id, []).append(bed)
    suggestions = []
    for load in candidates:
        spare = load.free_beds - len(to_place)
        score = spare * 10 + (0 if load.occupants == 0 else 5)
        if len(to_place) > 1 and load.room.designation != RoomDesignation.FAMILY and not needs_access:
            score += 20
        suggestions.append(
            Suggestion(load=load, free_beds=free.get(load.room.pk, []), accessible_needed=needs_access, score=score)
        )
    suggestions.sort(key=lambda s: (s.score, s.load.room.building.name, s.load.room.name))
    return to_place, suggestions[:limit]
