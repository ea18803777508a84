"""What pathways needs to know about a person, read defensively.

The registry grows while pathways is built (specific needs, profession,
languages, contacts). Everything here works with whatever the registry
offers today and picks up the new fields when they land.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from haven.lib import dates

ADULT_AGE = 18
SCRIPT_FOR_LANGUAGE = {"ar": "ar", "ru": "cy", "en": "la"}


@dataclass(frozen=True)
class Facts:
    """The attributes a step's ``applies_to`` rule looks at."""

    is_child: bool
    sex: str
    needs: frozenset[str]
    profession: str


def age_on(person: Any, day: datetime.date) -> int | None:
    return dates.age_on(getattr(person, "date_of_birth", None), day)


def arrival_date(person: Any) -> datetime.date:
    """Arrival of the person, else of the household, else registration day."""
    for value in (
        getattr(person, "arrival_date", None),
        getattr(getattr(person, "household", None), "arrival_date", None),
    ):
        if value:
            return value
    created = getattr(person, "created_at", None)
    return timezone.localdate(created) if created else timezone.localdate()


def need_codes(person: Any) -> frozenset[str]:
    """Current, not restricted specific-needs codes (e.g. SM-CI): a step never applies because of LP-RP."""
    try:
        from haven.registry import selectors as registry_selectors

        getter = getattr(registry_selectors, "person_need_codes", None)
        if getter is not None:
            return frozenset(str(c).upper() for c in getter(person=person))
    except ImportError:
        pass
    for relation in ("specific_needs", "needs"):
        manager = getattr(person, relation, None)
        if manager is None or not hasattr(manager, "all"):
            continue
        codes = set()
        for need in manager.all():
            if getattr(need, "resolved_on", None) or getattr(need, "resolved_at", None):
                continue
            code = getattr(need, "code", None) or getattr(getattr(need, "need", None), "code", None)
            if code:
                codes.add(str(code).upper())
        return frozenset(codes)
    return frozenset()


def profession(person: Any) -> str:
    value = getattr(person, "profession", "") or ""
    code = getattr(value, "code", value)
    return str(code).strip().lower()


def facts(person: Any, *, on: datetime.date | None = None) -> Facts:
    age = age_on(person, on or timezone.localdate())
    return Facts(
        is_child=age is not None and age < ADULT_AGE,
        sex=str(getattr(person, "sex", "U") or "U"),
        needs=need_codes(person),
        profession=profession(person),
    )


def language(person: Any) -> str:
    """The language to write to a person in: their preference, else Arabic."""
    for attr in ("preferred_language", "language", "main_language"):
        value = getattr(person, attr, "")
        if isinstance(value, str) and value[:2] in ("ar", "ru", "en"):
            return value[:2]
    manager = getattr(person, "languages", None)
    if manager is not None and hasattr(manager, "all"):
        spoken = [str(getattr(row, "language", ""))[:2] for row in manager.all()]
        for code in ("ar", "ru", "en"):
            if code in spoken:
                return code
    return "ar"


def display_name(person: Any) -> str:
    """The person's name in the script of the current language (names must be prefetched)."""
    names = list(person.names.all()) if hasattr(person, "names") else []
    if not names:
        return str(person.registration_number)
    wanted = SCRIPT_FOR_LANGUAGE.get((translation.get_language() or "en")[:2], "la")
    order = ("given", "father", "family")
    for script in (wanted, "la", "cy", "ar"):
        parts = {n.part: n.value for n in names if n.script == script}
        if parts:
            return " ".join(parts[p] for p in order if p in parts)
    return str(person.registration_number)
