"""People who leave a site (transferred alone, departed, deceased) after being enrolled or booked.

A household stays at its site when one member is transferred: staff there
must not go on seeing that member's pathway, and nobody may be reminded
of an appointment at a site they have left.
"""

from __future__ import annotations

import datetime

import pytest

from haven.pathways.models import Enrolment, Step
from haven.pathways.services import (
    appointment_book,
    appointment_reminders_send,
    enrolment_create,
    household_enrol,
    step_set_status,
)
from haven.pathways.tests import factories
from haven.pathways.tests.conftest import ARRIVAL
from haven.registry.models import Person
from haven.registry.services import person_move_site

D = datetime.date
T = datetime.time


@pytest.fixture
def family(perm, personas, frozen, outbox):
    """A household at site A, enrolled and booked for tomorrow; the father is then transferred to site B."""
    household = factories.household(personas.site_a, arrival=ARRIVAL)
    father = factories.person(personas.site_a, household=household, born=D(1985, 1, 1), given="Farid")
    mother = factories.person(personas.site_a, household=household, born=D(1988, 1, 1), sex="F", given="Mariam")
    household_enrol(actor="test", household=household)
    for p, phone in ((father, "+7 900 111-22-33"), (mother, "+7 900 444-55-66")):
        factories.reachable(p, phone)
    appointment = appointment_book(
        actor="test",
        site=personas.site_a,
        step_code="medical-exam",
        on_date=D(2025, 3, 13),
        at_time=T(9, 30),
        place="Polyclinic 2",
        household=household,
    )
    step_set_status(
        actor="test",
        step=Step.objects.get(person=father, step_template__code="oms"),
        status="blocked",
        reason="Waiting for the insurer in Centre B",
    )
    person_move_site(actor="test", person=father, site=personas.site_b, reason="transfer")
    outbox.clear()
    return {"household": household, "father": father, "mother": mother, "appointment": appointment}


def test_household_page_does_not_show_a_member_now_at_another_site(family, personas):
    page = personas.client("caseworker").get(f"/pathways/households/{family['household'].pk}/").content.decode()
    assert "Mariam" in page
    assert "Farid" not in page and "Waiting for the insurer" not in page
    assert family["father"].registration_number not in page


def test_appointment_page_and_slip_do_not_show_a_person_now_at_another_site(family, personas):
    client = personas.client("caseworker")
    appointment = family["appointment"]
    mother = family["mother"]
    for url, shown in (
        (f"/pathways/appointments/{appointment.pk}/", "Mariam"),  # the name in the page's language
        (f"/pathways/appointments/{appointment.pk}/slip/", mother.registration_number),  # Arabic and Russian names
    ):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert shown in page, url
        assert "Farid" not in page and family["father"].registration_number not in page, url


def test_no_reminder_for_people_who_left_the_site(family, outbox):
    mother = family["mother"]
    Person.objects.filter(pk=mother.pk).update(status_id="departed")
    assert appointment_reminders_send() == 0
    assert outbox == []


def test_reminder_still_reaches_those_who_stay(family, outbox):
    assert appointment_reminders_send() == 1
    assert [m["to"] for m in outbox] == ["+7 900 444-55-66"]


def test_household_enrolment_and_booking_leave_out_a_member_at_another_site(perm, personas, frozen, outbox):
    household = factories.household(personas.site_a, arrival=ARRIVAL)
    father = factories.person(personas.site_a, household=household, born=D(1985, 1, 1), given="Farid")
    mother = factories.person(personas.site_a, household=household, born=D(1988, 1, 1), sex="F", given="Mariam")
    person_move_site(actor="test", person=father, site=personas.site_b, reason="transfer")
    client = personas.client("caseworker")
    response = client.post(f"/pathways/households/{household.pk}/enrol/")
    assert response.status_code == 302
    assert set(Enrolment.objects.filter(person__household=household).values_list("person_id", flat=True)) == {mother.pk}
    # the father is enrolled at site B by its staff; booking the household at A books only the mother
    household_enrol(actor="test", household=household)
    response = client.post(
        f"/pathways/appointments/new/?household={household.pk}",
        {"step_code": "medical-exam", "on_date": "2025-03-14", "at_time": "09:30", "place": "Polyclinic 2"},
    )
    assert response.status_code == 302, response.content.decode()
    booked = Step.objects.filter(appointments__isnull=False).values_list("person_id", flat=True)
    assert list(booked) == [mother.pk]


def test_a_person_who_departed_cannot_be_booked_nor_told(perm, personas, frozen, outbox):
    person = factories.person(personas.site_a, given="Farid")
    enrolment_create(actor="test", person=person)
    factories.reachable(person, "+7 900 111-22-33")
    Person.objects.filter(pk=person.pk).update(status_id="departed")
    response = personas.api("caseworker").post(
        "/api/v1/pathways/appointments",
        {
            "step_code": "medical-exam",
            "on_date": "2025-03-14",
            "at_time": "09:30",
            "place": "Polyclinic 2",
            "person_ids": [str(person.pk)],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert outbox == []
    assert not Step.objects.filter(person=person, appointments__isnull=False).exists()
