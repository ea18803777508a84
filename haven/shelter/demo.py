"""Demo data for the Perm centre: two buildings, rooms and beds, residents
placed by household, a few weeks of presence, absences and one transfer.

Runs after the registry demo; with no persons at the site it only builds
the rooms. Synthetic and seeded; skipped if the site already has buildings.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Region, Site
from haven.registry.models import Household, Person
from haven.shelter.models import Building, RoomDesignation, RoomStatus, Stay, StayStatus
from haven.shelter.selectors import household_suggestions
from haven.shelter.services import (
    building_create,
    household_check_in,
    room_create,
    site_profile_update,
    stay_check_in,
)
from haven.shelter.services_presence import presence_apply
from haven.shelter.services_transfers import transfer_plan

ACTOR = "load_demo"
HISTORY_DAYS = 21

# building, prefix, count, beds, area m², designation, status
ROOMS: list[tuple[str, str, int, int, str, str, str]] = [
    ("Корпус 1 / Block 1", "1-", 22, 5, "24.0", RoomDesignation.FAMILY, RoomStatus.IN_USE),
    ("Корпус 1 / Block 1", "1A-", 4, 3, "16.5", RoomDesignation.ACCESSIBLE, RoomStatus.IN_USE),
    ("Корпус 1 / Block 1", "1R-", 1, 4, "18.0", RoomDesignation.FAMILY, RoomStatus.REPAIR),
    ("Корпус 2 / Block 2", "2-", 12, 4, "18.5", RoomDesignation.FAMILY, RoomStatus.IN_USE),
    ("Корпус 2 / Block 2", "2W-", 5, 4, "18.0", RoomDesignation.WOMEN, RoomStatus.IN_USE),
    ("Корпус 2 / Block 2", "2M-", 4, 4, "18.0", RoomDesignation.MEN, RoomStatus.IN_USE),
    ("Корпус 2 / Block 2", "2B-", 1, 4, "18.0", RoomDesignation.FAMILY, RoomStatus.BLOCKED),
]


def _build_rooms(site: Site) -> None:
    buildings: dict[str, Building] = {}
    for building_name, prefix, count, beds, area, designation, status in ROOMS:
        if building_name not in buildings:
            buildings[building_name] = building_create(
                actor=ACTOR, site=site, name=building_name, sort_order=len(buildings)
            )
        for n in range(1, count + 1):
            room_create(
                actor=ACTOR,
                building=buildings[building_name],
                name=f"{prefix}{n:02d}",
                floor=1 + (n - 1) // 8,
                floor_area_m2=Decimal(area),
                designation=designation,
                status=status,
                beds=beds,
            )


def _arrival_at(rng: random.Random, day: datetime.date, tz: Any) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(rng.randint(10, 19), rng.randint(0, 59)), tzinfo=tz)


def _place_households(site: Site, rng: random.Random, now: datetime.datetime) -> list[Person]:
    tz = timezone.get_current_timezone()
    for household in Household.objects.filter(site=site).order_by("arrival_date", "registration_number"):
        to_place, suggestions = household_suggestions(household=household)
        if not to_place:
            continue
        at = min(_arrival_at(rng, household.arrival_date, tz), now - datetime.timedelta(hours=1))
        if suggestions:
            household_check_in(actor=ACTOR, household=household, room=suggestions[0].load.room, at=at)
            continue
        for person in to_place:  # too large for one room: the nearest free beds
            for bed in site.beds.filter(room__status=RoomStatus.IN_USE).order_by("room__name", "label"):
                if not bed.stays.filter(status__in=[StayStatus.PLANNED, StayStatus.CHECKED_IN]).exists():
                    try:
                        stay_check_in(actor=ACTOR, person=person, bed=bed, at=at)
                    except Exception:  # noqa: BLE001,S112 - designation does not fit: try the next bed
                        continue
                    break
    return [
        s.person
        for s in Stay.objects.filter(site=site, status=StayStatus.CHECKED_IN).select_related("person").order_by("pk")
    ]


def _presence_history(residents: list[Person], rng: random.Random, now: datetime.datetime) -> list[Person]:
    """Daily roll calls over recent weeks; a few have been away more than five days."""
    adults = [p for p in residents if p.date_of_birth and (now.date() - p.date_of_birth).days > 18 * 365]
    absent = set(rng.sample(adults, k=min(3, len(adults))))
    stays = {s.person_id: s for s in Stay.objects.filter(person__in=residents, status=StayStatus.CHECKED_IN)}
    today = timezone.localdate(now)
    for person in residents:
        checked_in = stays[person.pk].checked_in_at
        site_id = stays[person.pk].site_id
        last_day = today - datetime.timedelta(days=rng.randint(6, 9)) if person in absent else today
        events: list[tuple[datetime.datetime, str]] = []
        for back in range(HISTORY_DAYS, -1, -1):
            day = today - datetime.timedelta(days=back)
            if day > last_day:
                break
            morning = datetime.datetime.combine(day, datetime.time(8, rng.randint(0, 59)), tzinfo=now.tzinfo)
            if rng.random() < 0.85:
                events.append((morning, "seen"))
            if rng.random() < 0.25:
                out = morning + datetime.timedelta(hours=rng.randint(2, 5))
                events.append((out, "out"))
                events.append((out + datetime.timedelta(hours=rng.randint(1, 6)), "in"))
        if person in absent:
            leave = datetime.datetime.combine(last_day, datetime.time(17, 30), tzinfo=now.tzinfo)
            events.append((leave, "out"))
        for at, kind in events:
            if checked_in is not None and checked_in < at < now:
                presence_apply(actor=ACTOR, person=person, site_id=site_id, kind=kind, at=at)
    return sorted(absent, key=lambda p: p.registration_number)


def _plan_transfer(residents: list[Person], rng: random.Random, today: datetime.date) -> None:
    from haven.accounts.services import region_create

    region = Region.objects.filter(code="sverdlovsk-oblast").first() or region_create(
        actor=ACTOR, code="sverdlovsk-oblast", name="Свердловская область / Sverdlovsk Oblast"
    )
    adults = [p for p in residents if p.date_of_birth and (today - p.date_of_birth).days > 18 * 365]
    if not adults:
        return
    person = rng.choice(adults)
    transfer_plan(
        actor=ACTOR,
        person=person,
        planned_date=today + datetime.timedelta(days=12),
        reason="Relatives in Yekaterinburg offered housing / Родственники в Екатеринбурге",
        to_region=region,
    )


def load(*, site: Site, seed: int, progress: Callable[[str], Any]) -> None:
    if Building.objects.filter(site=site).exists():
        progress("shelter: demo rooms already loaded; skipped")
        return
    rng = random.Random(seed + 5)
    now = timezone.now()
    with transaction.atomic():
        site_profile_update(
            actor=ACTOR,
            site=site,
            address="614000, Пермь, ул. Примерная, 1 / 1 Primernaya St, Perm 614000, Russia",
            contact_name="Дежурный администратор / Duty manager",
            contact_phone="+7 342 000-00-00",
            contact_email="centre@example.org",
            area_per_person_m2=Decimal("4.5"),
            absence_threshold_days=5,
        )
        _build_rooms(site)
    progress("shelter: 2 buildings and their rooms and beds")
    with transaction.atomic():
        residents = _place_households(site, rng, now)
    if not residents:
        progress("shelter: no persons at the site yet; rooms only")
        return
    progress(f"shelter: {len(residents)} residents placed by household")
    with transaction.atomic():
        absent = _presence_history(residents, rng, now)
        _plan_transfer([p for p in residents if p not in absent], rng, timezone.localdate(now))
    progress(
        f"shelter: presence over {HISTORY_DAYS} days, {len(absent)} absent for more than 5 days, 1 planned transfer"
    )
