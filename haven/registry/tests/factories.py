"""Synthetic households and persons for the registry's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from haven.registry.models import Household, Person
from haven.registry.services import MemberInput, NameInput, household_register


def names(
    given_ar: str = "محمد",
    family_ar: str = "العلي",
    given_la: str = "Mohammed",
    family_la: str = "Al-Ali",
    given_cy: str = "",
    family_cy: str = "",
) -> list[NameInput]:
    out = [NameInput("given", "ar", given_ar, True), NameInput("family", "ar", family_ar, True)]
    if given_la:
        out.append(NameInput("given", "la", given_la))
    if family_la:
        out.append(NameInput("family", "la", family_la))
    if given_cy:
        out.append(NameInput("given", "cy", given_cy))
    if family_cy:
        out.append(NameInput("family", "cy", family_cy))
    return out


def member(**kwargs: Any) -> MemberInput:
    defaults: dict[str, Any] = {
        "names": names(),
        "sex": "M",
        "date_of_birth": dt.date(1980, 5, 14),
        "relationship": "head",
    }
    defaults.update(kwargs)
    return MemberInput(**defaults)


def household(actor: Any, site: Any, *members: MemberInput, arrival: dt.date = dt.date(2025, 2, 12)) -> Household:
    return household_register(actor=actor, site=site, arrival_date=arrival, members=list(members) or [member()])


def person(actor: Any, site: Any, **kwargs: Any) -> Person:
    hh = household(actor, site, member(**kwargs))
    return hh.members.get()
