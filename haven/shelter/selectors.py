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

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
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
    # No ordering: PersonName's default order joins the person table for nothing.
    names = PersonName.objects.order_by().only("person_id", "part", "script", "value")
    return Prefetch(f"{prefix}names", queryset=names)


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
    held: int = -1  # active stays in the room whatever the case status; -1: occupants + planned

    @property
    def capacity(self) -> int:
        return min(self.beds, self.area_capacity)

    @property
    def free_beds(self) -> int:
        if self.room.status != RoomStatus.IN_USE:
            return 0
        held = self.held if self.held >= 0 else self.occupants + self.planned
        return max(self.beds - held, 0)

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


PRESENT = Q(person__status__is_present=True)


@dataclass
class StayCounts:
    occupants: int = 0  # checked in, case open
    planned: int = 0
    held: int = 0  # planned or checked in, whatever the case status


def stay_counts(*, site: Site, room_ids: list[Any] | None = None) -> dict[Any, StayCounts]:
    """Occupants, planned and held beds per room id; one grouped query.

    Occupants are only persons whose registry status counts as present: a
    departed, transferred or deceased person still holding a bed is not a
    resident, but the bed stays held until the stay ends.
    """
    stays = Stay.objects.filter(site=site, status__in=ACTIVE_STAY_STATUSES)
    if room_ids is not None:
        stays = stays.filter(bed__room_id__in=room_ids)
    counts: dict[Any, StayCounts] = {}
    grouped = stays.order_by().values_list("bed__room_id", "status", "person__status__is_present")
    for room_id, status, present, n in grouped.annotate(n=Count("pk")):
        entry = counts.setdefault(room_id, StayCounts())
        entry.held += n
        if status == StayStatus.PLANNED:
            entry.planned += n
        elif present:
            entry.occupants += n
    return counts


def _load(room: Room, beds: int, counts: StayCounts | None, norm: Decimal) -> RoomLoad:
    c = counts or StayCounts()
    return RoomLoad(
        room=room,
        beds=beds,
        occupants=c.occupants,
        planned=c.planned,
        area_capacity=room.area_capacity(norm),
        held=c.held,
    )


def room_loads(*, site: Site, norm: Decimal, rooms: QuerySet[Room] | None = None) -> list[RoomLoad]:
    """Rooms (model instances, with building) and their loads; two queries.

    For the API and placement; the dashboard's figures use :func:`occupancy`,
    which builds no model instance per room.
    """
    queryset = (rooms if rooms is not None else Room.objects.filter(site=site)).select_related("building")
    ordered = list(queryset.annotate(n_beds=Count("beds")).order_by("building__sort_order", "building__name", "name"))
    counts = stay_counts(site=site, room_ids=[r.pk for r in ordered] if rooms is not None else None)
    return [_load(room, room.n_beds, counts.get(room.pk), norm) for room in ordered]


@dataclass(frozen=True)
class CrowdedRoom:
    id: Any
    building: str
    name: str
    occupants: int
    capacity: int


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
    closed_holding_beds: int = 0
    crowded_rooms: list[CrowdedRoom] = field(default_factory=list)


def occupancy(*, site: Site, now: datetime.datetime | None = None, profile: SiteProfile | None = None) -> Occupancy:
    """The figures of the dashboard in a fixed number of queries.

    Works on plain tuples (one row per room with its bed count) and one
    grouped count of stays: at 5,000 residents the site has about 1,100
    rooms, and building a model instance and a :class:`RoomLoad` for each
    was most of the page's time. Over-crowded rooms come back as small
    :class:`CrowdedRoom` records from the same rows, so the number of
    queries does not depend on how many rooms are crowded.
    """
    now = now or timezone.now()
    profile = profile or site_profile(site=site)
    start = week_start(site=site, now=now)
    stays = Stay.objects.filter(site=site).aggregate(
        residents=Count("id", filter=Q(status=StayStatus.CHECKED_IN) & PRESENT),
        planned=Count("id", filter=Q(status=StayStatus.PLANNED) & PRESENT),
        closed=Count("id", filter=Q(status__in=ACTIVE_STAY_STATUSES, person__status__is_present=False)),
        arrivals=Count("id", filter=Q(checked_in_at__gte=start, previous__isnull=True)),
        departures=Count("id", filter=Q(status=StayStatus.CHECKED_OUT, checked_out_at__gte=start)),
    )
    counts = stay_counts(site=site)
    norm = Decimal(profile.area_per_person_m2)
    beds_total = beds_usable = free = capacity = 0
    crowded: list[CrowdedRoom] = []
    rooms = (
        Room.objects.filter(site=site)
        .order_by("building__sort_order", "building__name", "name")
        .values_list("pk", "status", "floor_area_m2", "building__name", "name")
        .annotate(n_beds=Count("beds"))
    )
    for room_id, status, area, building_name, name, beds in rooms:
        c = counts.get(room_id) or StayCounts()
        beds_total += beds
        area_capacity = int(area // norm)
        if status == RoomStatus.IN_USE:
            beds_usable += beds
            free += max(beds - c.held, 0)
            capacity += min(beds, area_capacity)
        if c.occupants > beds or c.occupants > area_capacity:
            crowded.append(CrowdedRoom(room_id, building_name, name, c.occupants, min(beds, area_capacity)))
    return Occupancy(
        site=site,
        profile=profile,
        residents=stays["residents"],
        planned=stays["planned"],
        beds_total=beds_total,
        beds_usable=beds_usable,
        free_beds=free,
        capacity=capacity,
        arrivals_week=stays["arrivals"],
        departures_week=stays["departures"],
        absent=absent_stays(site=site, profile=profile, now=now).count(),
        closed_holding_beds=stays["closed"],
        crowded_rooms=crowded,
    )


def free_bed_count(*, site_ids: Any) -> int:
    active = Stay.objects.filter(bed=OuterRef("pk"), status__in=ACTIVE_STAY_STATUSES)
    return Bed.objects.filter(site_id__in=site_ids, room__status=RoomStatus.IN_USE).exclude(Exists(active)).count()


def resident_count(*, site_ids: Any) -> int:
    return Stay.objects.filter(PRESENT, site_id__in=site_ids, status=StayStatus.CHECKED_IN).count()


@dataclass
class GridPage:
    loads: list[RoomLoad]
    beds: dict[Any, list[Bed]]
    occupant: dict[Any, Stay]
    number: int
    pages: int


def room_grid(
    *, site: Site, page: int = 1, building: Building | None = None, profile: SiteProfile | None = None
) -> GridPage:
    """One page of rooms, each with its beds and who is in them; five queries."""
    profile = profile or site_profile(site=site)
    rooms = Room.objects.filter(site=site)
    if building is not None:
        rooms = rooms.filter(building=building)
    total = rooms.count()
    pages = max((total + GRID_ROOMS_PER_PAGE - 1) // GRID_ROOMS_PER_PAGE, 1)
    number = min(max(page, 1), pages)
    ordered = rooms.select_related("building").order_by("building__sort_order", "building__name", "name")
    page_rooms = list(ordered[(number - 1) * GRID_ROOMS_PER_PAGE : number * GRID_ROOMS_PER_PAGE])
    ids = [room.pk for room in page_rooms]
    beds: dict[Any, list[Bed]] = {}
    for bed in Bed.objects.filter(room_id__in=ids).order_by("label"):
        beds.setdefault(bed.room_id, []).append(bed)
    stays = list(
        Stay.objects.filter(bed__room_id__in=ids, status__in=ACTIVE_STAY_STATUSES)
        .select_related("person", "person__status", "bed")
        .prefetch_related(names_prefetch("person__"))
    )
    counts: dict[Any, StayCounts] = {}
    for stay in stays:
        entry = counts.setdefault(stay.bed.room_id, StayCounts())
        entry.held += 1
        if stay.status == StayStatus.PLANNED:
            entry.planned += 1
        elif person_is_present(stay.person):
            entry.occupants += 1
    norm = Decimal(profile.area_per_person_m2)
    loads = [_load(room, len(beds.get(room.pk, [])), counts.get(room.pk), norm) for room in page_rooms]
    return GridPage(loads=loads, beds=beds, occupant={stay.bed_id: stay for stay in stays}, number=number, pages=pages)


# --- Residents, presence, absences ----------------------------------------------


def residents(*, site: Site) -> QuerySet[Stay]:
    """Current stays at the site with person, bed, room and presence status.

    Only persons whose registry status counts as present: a departed,
    transferred or deceased person is not called on the roll call nor
    listed as absent, even before their stay is ended.
    """
    return (
        Stay.objects.filter(PRESENT, site=site, status=StayStatus.CHECKED_IN)
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


def person_presence(*, person: Person, limit: int = 20, site_ids: Any = None) -> QuerySet[PresenceEvent]:
    """The person's latest presence events; only at ``site_ids`` when given."""
    events = PresenceEvent.objects.filter(person=person)
    if site_ids is not None:
        events = events.filter(site_id__in=site_ids)
    return events.order_by("-at", "-id")[:limit]


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


def persons_without_bed(*, site: Site) -> QuerySet[Person]:
    """Persons held by the site, case open, with no planned or current stay."""
    active = Stay.objects.filter(person=OuterRef("pk"), status__in=ACTIVE_STAY_STATUSES)
    return (
        Person.objects.filter(site=site, status__is_present=True)
        .exclude(Exists(active))
        .prefetch_related(names_prefetch())
        .order_by("registration_number")
    )


def free_beds_for(*, person: Person, site: Site, exclude_room: Room | None = None) -> list[Bed]:
    """Free beds at the site, in rooms in use whose designation admits the person."""
    active = Stay.objects.filter(bed=OuterRef("pk"), status__in=ACTIVE_STAY_STATUSES)
    beds = (
        Bed.objects.filter(site=site, room__status=RoomStatus.IN_USE)
        .exclude(Exists(active))
        .select_related("room", "room__building")
        .order_by("room__building__sort_order", "room__building__name", "room__name", "label")
    )
    if exclude_room is not None:
        beds = beds.exclude(room=exclude_room)
    return [bed for bed in beds if designation_allows(bed.room.designation, person)]


def household_members(*, household: Household) -> QuerySet[Person]:
    """The members whose case the household's site holds.

    A person can be transferred alone: a member now held by another site is
    that site's to place, and where they sleep is none of this site's business.
    """
    return Person.objects.filter(household=household, site_id=household.site_id)


def households_to_place(*, site: Site) -> QuerySet[Household]:
    """Households at the site with a member who has no bed."""
    no_bed = Person.objects.filter(household=OuterRef("pk"), site=site, status__is_present=True).exclude(
        Exists(Stay.objects.filter(person=OuterRef("pk"), status__in=ACTIVE_STAY_STATUSES))
    )
    return (
        Household.objects.filter(site=site)
        .filter(Exists(no_bed))
        .annotate(size=Count("members", filter=Q(members__status__is_present=True, members__site=site)))
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
        p
        for p in household_members(household=household).select_related("status").prefetch_related(names_prefetch())
        if person_is_present(p)
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
