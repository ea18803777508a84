from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from haven.audit.models import AuditEvent
from haven.pathways.models import Appointment, Notification
from haven.pathways.services import (
    appointment_book,
    appointment_mark_missed,
    appointment_reminders_send,
    household_enrol,
)
from haven.pathways.tasks import send_reminders
from haven.pathways.tests import factories
from haven.pathways.tests.conftest import ARRIVAL
from haven.registry.models import PersonLanguage

D = datetime.date
T = datetime.time


@pytest.fixture
def booked(perm, personas, frozen, outbox):
    """Wednesday 12 March: a household booked for Thursday 13 March at 09:30, one person the week after."""
    household, (father, mother, child) = factories.family(personas.site_a, arrival=ARRIVAL)
    household_enrol(actor="test", household=household)
    factories.reachable(father, "+7 900 111-22-33")
    factories.reachable(mother, "+7 900 444-55-66")
    PersonLanguage.objects.create(person=mother, language="ru")  # speaks Russian only
    tomorrow = appointment_book(
        actor=personas.caseworker,
        site=personas.site_a,
        step_code="medical-exam",
        on_date=D(2025, 3, 13),
        at_time=T(9, 30),
        place="Polyclinic 2, room 14",
        household=household,
    )
    later = appointment_book(
        actor="test",
        site=personas.site_a,
        step_code="oms",
        on_date=D(2025, 3, 19),
        at_time=T(11, 0),
        place="Insurer",
        persons=[father],
    )
    outbox.clear()  # forget the booking notices
    return {"tomorrow": tomorrow, "later": later, "father": father, "mother": mother, "child": child}


def test_reminder_the_day_before_says_only_when_in_each_persons_language(booked, outbox):
    booking_notices = list(Notification.objects.values_list("pk", flat=True))
    assert appointment_reminders_send() == 3  # everyone booked for tomorrow; the child has no phone
    messages = {m["to"]: m["message"] for m in outbox}
    assert messages == {
        "+7 900 111-22-33": "لديك موعد في 13 مارس، 2025 الساعة 09:30.",
        "+7 900 444-55-66": "У вас запись на приём 13 марта 2025 г. в 09:30.",
    }
    for text in messages.values():  # never a place, step, name or anything about health
        assert "Polyclinic" not in text and "14" not in text and "Test" not in text and "Тест" not in text
    reminders = Notification.objects.filter(appointment=booked["tomorrow"]).exclude(pk__in=booking_notices)
    assert reminders.count() == 3 and reminders.filter(delivery="no_contact").get().person == booked["child"]
    booked["tomorrow"].refresh_from_db()
    assert booked["tomorrow"].reminded_at is not None
    assert Appointment.objects.get(pk=booked["later"].pk).reminded_at is None  # next week: not yet
    assert AuditEvent.objects.filter(action="update", object_id=str(booked["tomorrow"].pk)).exists()


def test_reminders_are_never_sent_twice(booked, outbox):
    assert appointment_reminders_send() == 3
    assert appointment_reminders_send() == 0
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders sent: 0." in out.getvalue()
    send_reminders.enqueue()  # the django-tasks task (immediate backend under tests)
    assert len(outbox) == 2


def test_the_command_reminds_and_skips_missed_appointments(booked, outbox, personas):
    appointment_mark_missed(actor=personas.caseworker, appointment=booked["tomorrow"])
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders sent: 0." in out.getvalue() and outbox == []


def test_reminder_follows_the_sites_time_zone(booked, outbox, frozen):
    frozen.move_to(datetime.datetime(2025, 3, 12, 19, 30, tzinfo=datetime.UTC))  # already 00:30 on 13 March in Perm
    assert appointment_reminders_send() == 0  # the appointment is today there, not tomorrow
    frozen.move_to(datetime.datetime(2025, 3, 18, 5, 0, tzinfo=datetime.UTC))
    assert appointment_reminders_send() == 1  # the father, for 19 March


def test_nav_shows_unread_count_only_when_there_are_notifications(booked, personas):
    client = personas.client("caseworker")
    page = client.get("/pathways/").content.decode()
    assert "1 new notification" in page and 'href="/pathways/notifications/"' in page  # the booking notice
    client.post("/pathways/notifications/")
    page = client.get("/pathways/").content.decode()
    assert "new notification" not in page
    lawyer = personas.client("lawyer").get("/pathways/").content.decode()
    assert "new notification" not in lawyer
    assert personas.client("outsider").get("/").status_code == 200


def test_home_panel_counts_my_unread_notifications(booked, personas):
    from django.apps import apps

    config = apps.get_app_config("pathways")
    panels = {str(p["title"]): p for p in config.home_panels(personas.caseworker)}
    assert panels["Unread notifications"]["value"] == 1
    assert panels["Unread notifications"]["url"] == "/pathways/notifications/"
    lawyer = {str(p["title"]): p["value"] for p in config.home_panels(personas.lawyer)}
    assert lawyer["Unread notifications"] == 0
    assert config.home_panels(personas.outsider) == []


def test_no_message_leaves_without_consent_to_be_contacted(booked, outbox, personas):
    # The phone number goes to a third party, the SMS gateway: only for a person who agreed to be
    # contacted. The mother withdraws her consent; the father's phone was recorded without one.
    from haven.registry.models import Consent
    from haven.registry.services_documents import consent_withdraw

    consent_withdraw(actor=personas.registrar, consent=Consent.objects.get(person=booked["mother"], purpose="contact"))
    Consent.objects.filter(person=booked["father"], purpose="contact").delete()
    assert appointment_reminders_send() == 3
    assert outbox == []
    reminders = Notification.objects.filter(appointment=booked["tomorrow"], delivery="no_consent")
    assert {n.person for n in reminders} == {booked["father"], booked["mother"]}
    assert str(reminders.first().get_delivery_display()) == "No consent to be contacted"
