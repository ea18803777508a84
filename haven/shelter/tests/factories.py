"""Synthetic test data for the shelter tests (never real names)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from haven.accounts.models import Site
from haven.registry.models import Household, Person, PersonName
from haven.shelter.models import Bed, Room, RoomDesignation, RoomStatus
from haven.shelter.services import building_create, room_create

_counter = itertools.count(1)


def make_household(site: Site, **kwargs: Any) -> Household:
    n = next(_counter)
    return Household.objects.create(
        registration_number=f"T-H-{n:06d}",
        site=site,
        arrival_date=kwargs.pop("arrival_date", datetime.date(2025, 2, 1)),
    )


def make_person(
    site: Site,
    *,
    household: Household | None = None,
    sex: str = "F",
    born: datetime.date | None = datetime.date(1990, 1, 1),
    given: str = "Test",
    family: str = "Person",
    status: str = "active",
) -> Person:
    n = next(_counter)
    person = Person.objects.create(
        registration_number=f"T-P-{n:06d}",
        site=site,
        household=household,
        sex=sex,
        date_of_birth=born,
        status_id=status,
    )
    PersonName.objects.create(person=person, part="given", script="la", value=given)
    PersonName.objects.create(person=person, part="family", script="la", value=family)
    return person


def make_room(
    site: Site,
    *,
    beds: int = 4,
    area: str = "20",
    designation: str = RoomDesignation.FAMILY,
    status: str = RoomStatus.IN_USE,
    name: str | None = None,
    building_name: str = "Block A",
) -> Room:
    from haven.shelter.models import Building

    building = Building.objects.filter(site=site, name=building_name).first() or building_create(
        actor="test", site=site, name=building_name
    )
    return room_create(
        actor="test",
        building=building,
        name=name or f"R{next(_counter)}",
        floor_area_m2=area,
        designation=designation,
        status=status,
        beds=beds,
    )


def beds_of(room: Room) -> list[Bed]:
    return list(room.beds.order_by("label"))
