from __future__ import annotations

import datetime

import pytest
import time_machine

from haven.pathways.deadlines import add_days

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (D(2025, 3, 3), 7, D(2025, 3, 12), "a plain week: Mon + 7 working days = Wed next week"),
        (D(2024, 12, 28), 7, D(2025, 1, 17), "New Year holidays 1-8 January and 31 Dec are skipped"),
        (D(2024, 2, 21), 2, D(2024, 2, 26), "23 February 2024 (Friday) and the weekend are skipped"),
        (D(2024, 3, 6), 2, D(2024, 3, 11), "8 March 2024 (Friday) and the weekend are skipped"),
        (D(2025, 4, 29), 3, D(2025, 5, 6), "1 and 2 May are days off, then the weekend"),
        (D(2025, 5, 7), 2, D(2025, 5, 13), "8 and 9 May are days off"),
        (D(2025, 6, 11), 1, D(2025, 6, 16), "12 and 13 June are days off"),
        (D(2025, 10, 30), 2, D(2025, 11, 1), "Saturday 1 November 2025 is a working day (moved)"),
        (D(2025, 10, 31), 2, D(2025, 11, 5), "3 and 4 November are days off"),
    ],
)
def test_working_days_skip_russian_holidays_and_weekends(start, days, expected, why):
    assert add_days(start, days, unit="working", country="RU") == expected, why


def test_calendar_days_ignore_holidays():
    assert add_days(D(2024, 12, 31), 7, unit="calendar", country="RU") == D(2025, 1, 7)


def test_zero_working_days_on_a_holiday_moves_to_the_next_working_day():
    assert add_days(D(2025, 1, 1), 0, unit="working", country="RU") == D(2025, 1, 9)


def test_german_subdivision_holidays_are_used():
    # Epiphany (6 January) is a holiday in Baden-Württemberg, not in Berlin.
    assert add_days(D(2025, 1, 3), 1, unit="working", country="DE", subdivision="BW") == D(2025, 1, 7)
    assert add_days(D(2025, 1, 3), 1, unit="working", country="DE", subdivision="BE") == D(2025, 1, 6)


def test_migration_registration_due_date_across_new_year(perm, personas):
    """Someone arriving on 30 December must be registered by 17 January: 31 Dec and 1-8 Jan are days off."""
    from haven.pathways.services import enrolment_create
    from haven.pathways.tests import factories

    with time_machine.travel(datetime.datetime(2024, 12, 30, 6, tzinfo=datetime.UTC), tick=False):
        person = factories.person(personas.site_a)
        enrolment = enrolment_create(actor="test", person=person, arrival_date=D(2024, 12, 30))
    step = enrolment.steps.get(step_template__code="migration-registration")
    assert step.due_date == D(2025, 1, 17)
