"""Dates every app reckons the same way."""

from __future__ import annotations

import datetime

from django.utils import timezone


def age_on(born: datetime.date | None, day: datetime.date | None = None) -> int | None:
    """Full years from ``born`` to ``day`` (today by default); None when the date of birth is unknown."""
    if born is None:
        return None
    day = day or timezone.localdate()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
