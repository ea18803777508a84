from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from haven.pathways import notify
from haven.pathways.models import Appointment, Notification, Step
from haven.pathways.services import (
    appointment_book,
    appointment_mark_missed,
    appointment_rebook,
    household_enrol,
    step_complete_by_code,
)
from haven.pathways.tests import factories
from haven.pathways.tests.conftest import ARRIVAL

D = datetime.date
T = datetime.time


@pytest.fixture
def household(perm, personas, frozen):
    household, members = factories.family(personas.site_a, arrival=ARRIVAL)
    household_enrol(actor="test", household=household)
    return household


def test_book_a_whole_household_and_tell_them_without_sensitive_data(household, personas, outbox):
    factories.reachable(household.members.order_by("registration_number").first(), "+7 900 111-22-33")
    appointment = appointment_book(
        actor=personas.caseworker,
        site=personas.site_a,
        step_code="medical-exam",
        on_date=D(2025, 3, 14),
        at_time=T(9, 30),
        place="Polyclinic 2",
        interpreter_needed=True,
        household=household,
    )
    assert appointment.steps.count() == 3
    assert set(appointment.steps.values_list("status", flat=True)) == {"scheduled"}
    assert len(outbox) == 1  # only the father has a phone
    message = outbox[0]["message"]
    assert "09:30" in message and "موعد" in message  # Arabic, the default language
    assert "Polyclinic" not in message and "medical" not in message.lower()
    assert Notification.objects.filter(person__household=household, delivery="no_contact").count() == 2
    assert Notification.objects.filter(user=personas.caseworker).exists()


def test_appointment_in_the_past_is_refused_and_changes_nothing(household, personas):
    with pytest.raises(ValidationError, match="in the past"):
        appointment_book(
            actor=personas.caseworker,
            site=personas.site_a,
            step_code="medical-exam",
            on_date=D(2025, 3, 12),
            at_time=T(9, 0),
            place="Room 1",
            household=household,
        )
    assert not Appointment.objects.exists()
    assert not Step.objects.filter(status="scheduled").exists()


def test_booking_a_step_someone_does_not_have_is_refused(household, personas):
    child = household.members.get(names__value="Child")
    with pytest.raises(ValidationError, match="has no step “sim-card”"):
        appointment_book(
            actor=personas.caseworker,
            site=personas.site_a,
            step_code="sim-card",
            on_date=D(2025, 3, 14),
            at_time=T(9, 0),
            place="Operator",
            persons=[child],
        )


def test_missed_then_rebooked(household, personas):
    appointment = appointment_book(
        actor=personas.caseworker,
        site=personas.site_a,
        step_code="medical-exam",
        on_date=D(2025, 3, 13),
        at_time=T(10, 0),
        place="Room 1",
        household=household,
    )
    appointment_mark_missed(actor=personas.caseworker, appointment=appointment)
    assert set(appointment.steps.values_list("status", flat=True)) == {"pending"}
    new = appointment_rebook(
        actor=personas.caseworker, appointment=appointment, on_date=D(2025, 3, 17), at_time=T(10, 0)
    )
    assert new.rebooked_from_id == appointment.pk and new.household_id == household.pk
    assert new.steps.count() == 3 and new.place == "Room 1"
    with pytest.raises(ValidationError, match="already been rebooked"):
        appointment_rebook(actor=personas.caseworker, appointment=appointment, on_date=D(2025, 3, 18), at_time=T(9, 0))


def test_completing_every_step_marks_the_appointment_attended(household, personas):
    appointment = appointment_book(
        actor=personas.caseworker,
        site=personas.site_a,
        step_code="medical-exam",
        on_date=D(2025, 3, 13),
        at_time=T(10, 0),
        place="Room 1",
        household=household,
    )
    for member in household.members.all():
        step_complete_by_code(actor="test", person=member, step_code="intake", completed_on=ARRIVAL)
        step_complete_by_code(
            actor="test", person=member, step_code="medical-exam", completed_on=D(2025, 3, 12), result="cleared"
        )
    appointment.refresh_from_db()
    assert appointment.status == "attended"


def test_console_backend_masks_the_recipient(capsys):
    notify.ConsoleBackend().send(channel="sms", to="+79001112233", message="You have an appointment")
    out = capsys.readouterr().out
    assert "33" in out and "+7900" not in out
