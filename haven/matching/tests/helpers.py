"""Synthetic persons for the matching app's tests (no real names of real people)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from haven.registry.models import Household, Person, PersonName

_SEQ = itertools.count(1)


def make_household(*, site: Any) -> Household:
    n = next(_SEQ)
    return Household.objects.create(registration_number=f"HH-T-{n:06d}", site=site, arrival_date=date(2025, 2, 1))


def make_person(
    *,
    site: Any,
    names: dict[tuple[str, str], str],
    dob: date | None = date(1985, 3, 14),
    sex: str = "M",
    household: Household | None = None,
    index: bool = True,
) -> Person:
    """A person with names {(part, script): value}; indexed through the matching service."""
    n = next(_SEQ)
    person = Person.objects.create(
        registration_number=f"PRM-T-{n:06d}", site=site, date_of_birth=dob, sex=sex, household=household
    )
    for (part, script), value in names.items():
        PersonName.objects.create(person=person, part=part, script=script, value=value)
    if index:
        from haven.matching.services import person_index_update

        person_index_update(person=person)
    return person


def hasan(site: Any, **kwargs: Any) -> Person:
    """Mohammad son of Ahmad al-Hasan, registered in Arabic script only."""
    return make_person(
        site=site,
        names={("given", "ar"): "محمد", ("father", "ar"): "أحمد", ("family", "ar"): "الحسن"},
        **kwargs,
    )
