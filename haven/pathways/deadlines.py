"""Deadline arithmetic: N calendar or working days after a date.

Working days skip weekends and the jurisdiction's public holidays, and
count the weekend days a government moved into the working week (Russia
does this every year), all from the ``holidays`` package.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def calendar_for(country: str, subdivision: str = "") -> holidays.HolidayBase:
    """The public-holiday calendar of a country (and subdivision, if any)."""
    return holidays.country_holidays(country, subdiv=subdivision or None)


def is_working_day(day: datetime.date, *, country: str, subdivision: str = "") -> bool:
    return bool(calendar_for(country, subdivision).is_working_day(day))


def add_days(start: datetime.date, days: int, *, unit: str, country: str, subdivision: str = "") -> datetime.date:
    """The date ``days`` calendar or working days after ``start``.

    The start day itself is day 0: seven working days after an arrival on
    a Monday with no holidays is the Wednesday of the following week.
    Zero calendar days is the start day; zero working days is the start
    day if it is a working day, else the next working day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if unit == "calendar":
        return start + datetime.timedelta(days=days)
    if unit != "working":
        raise ValueError(f"unknown unit {unit!r}")
    calendar = calendar_for(country, subdivision)
    if days == 0:
        day = start
        while not calendar.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day
    return calendar.get_nth_working_day(start, days)
