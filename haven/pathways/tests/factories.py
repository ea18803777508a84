"""Synthetic people for pathway tests (no real names)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from haven.registry.models import Household, Person, PersonName

_counter = itertools.count(1)


def household(site: Any, *, arrival: datetime.date) -> Household:
    return Household.objects.create(registration_number=f"TST-H-{next(_counter):05d}", site=site, arrival_date=arrival)


def person(
    site: Any,
    *,
    household: Household | None = None,
    born: datetime.date = datetime.date(1990, 5, 5),
    sex: str = "M",
    profession: str = "",
    given: str = "Test",
) -> Person:
    fields: dict[str, Any] = {}
    if hasattr(Person, "profession"):
        fields["profession"] = profession
    p = Person.objects.create(
        registration_number=f"TST-{next(_counter):06d}",
        site=site,
        household=household,
        sex=sex,
        date_of_birth=born,
        **fields,
    )
    PersonName.objects.create(person=p, part="given", script="la", value=given)
    PersonName.objects.create(person=p, part="given", script="ar", value="اختبار")
    PersonName.objects.create(person=p, part="given", script="cy", value="Тест")
    return p


def family(site: Any, *, arrival: datetime.date) -> tuple[Household, list[Person]]:
    h = household(site, arrival=arrival)
    members = [
        person(site, household=h, born=datetime.date(1985, 1, 1), sex="M", given="Father"),
        person(site, household=h, born=datetime.date(1988, 1, 1), sex="F", given="Mother"),
        person(site, household=h, born=datetime.date(2015, 1, 1), sex="F", given="Child"),
    ]
    return h, members


def reachable(person_: Person, phone: str) -> Person:
    """Give a person a phone number and their consent to be contacted on it (reminders need both)."""
    from haven.registry.models import Consent

    person_.phone = phone
    person_.save()
    Consent.objects.create(person=person_, purpose="contact", given_on=datetime.date(2025, 3, 1))
    return person_
