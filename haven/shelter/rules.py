"""Placement rules that need no database writes: who may sleep where.

Kept apart from the services so that the suggestions (selectors) and the
check-in (services) apply exactly the same rules.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from haven.lib import dates
from haven.shelter.models import RoomDesignation

ADULT_AGE = 18
ACCESSIBILITY_NEED_PREFIX = "DS"


def age_on(person: Any, day: datetime.date | None = None) -> int | None:
    return dates.age_on(getattr(person, "date_of_birth", None), day)


def is_child(person: Any) -> bool:
    age = age_on(person)
    return age is not None and age < ADULT_AGE


def designation_allows(designation: str, person: Any) -> bool:
    """Women-only rooms take women and children; men-only rooms take men and boys."""
    sex = getattr(person, "sex", "U")
    if designation == RoomDesignation.WOMEN:
        return sex == "F" or is_child(person)
    if designation == RoomDesignation.MEN:
        return sex == "M"
    return True


def person_is_present(person: Any) -> bool:
    """False for a case that is closed (departed, transferred, deceased)."""
    status = getattr(person, "status", None)
    flag = getattr(status, "is_present", None)
    if flag is not None:
        return bool(flag)
    return str(getattr(person, "status_id", status) or "active") == "active"


def persons_needing_access(person_ids: Iterable[Any]) -> set[Any]:
    """Ids of persons with an open disability (DS) need, if the registry records needs."""
    ids = list(person_ids)
    if not ids:
        return set()
    try:
        from haven.registry.models import PersonNeed
    except ImportError:  # the registry has no needs yet
        return set()
    return set(
        PersonNeed.objects.filter(
            person_id__in=ids, resolved_on__isnull=True, code__code__startswith=ACCESSIBILITY_NEED_PREFIX
        ).values_list("person_id", flat=True)
    )
