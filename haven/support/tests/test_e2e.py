"""In headless Chromium: a psychologist's note stays in its compartment; a referral is a disclosure."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from haven.lib.testing.fixtures import login
from haven.support.models import DisclosureRecord, Session
from haven.support.services_referrals import provider_create
from haven.support.tests.conftest import make_person

NOTE = "Sleeps badly since the journey; nightmares about the coast. E2E-7c1d"
SEES_SESSIONS = ("caseworker", "doctor", "ombudsman")


def _as(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_note_stays_in_its_compartment_and_referral_is_registered(
    page: Any, live_server: Any, personas: Any, settings: Any
) -> None:
    settings.HAVEN_REQUIRE_2FA = False  # so the ombudsman's office can browse without a second factor
    person = make_person(personas.site_a)
    hospital = provider_create(actor="test", name="Perm Regional Hospital No. 2", kind="hospital")
    today = timezone.localdate()
    shown_date = date_format(today, "SHORT_DATE_FORMAT")
    person_url = f"{live_server.url}/support/persons/{person.pk}/"

    # The psychologist writes the note through the pages.
    login(page, live_server, "psychologist")
    page.goto(person_url)
    page.click("text=Record a session")
    assert page.locator("#id_session_type option:checked").inner_text() == "Psychological session"
    page.fill("#id_held_on", today.isoformat())
    page.fill("#id_duration_minutes", "50")
    page.fill("#id_place", "Room 3")
    page.fill("#id_note", NOTE)
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_url(f"{live_server.url}/support/sessions/*/")
    assert page.input_value("#id_note") == NOTE  # its author reads it back
    session = Session.objects.get(person=person)
    session_url = f"{live_server.url}/support/sessions/{session.pk}/"

    for username in (*SEES_SESSIONS, "admin"):
        _as(page, live_server, username)
        for url in (person_url, session_url):
            response = page.goto(url)
            html = page.content()
            assert NOTE not in html and "E2E-7c1d" not in html, (username, url)
            if username in SEES_SESSIONS:
                assert response.status == 200, (username, url)
                assert "Psychological session" in html and shown_date in html, (username, url)
            else:  # the administrator sees neither the person's support record nor the session
                assert response.status in {403, 404}, (username, url)
                assert "Psychological session" not in html
        if username in SEES_SESSIONS:
            assert page.get_by_test_id("note-confidential").is_visible()

    # A caseworker refers the person with consent; the disclosure is in the register.
    _as(page, live_server, "caseworker")
    page.goto(person_url)
    page.click("text=Refer to a service")
    page.select_option("#id_provider", label="Perm Regional Hospital No. 2")
    page.fill("#id_reason", "Chronic illness needs a specialist")
    page.check("input[name=data_shared][value=identity]")
    page.check("input[name=data_shared][value=medical]")
    page.fill("#id_purpose", "Specialist appointment")
    page.check("#id_consent_given")
    page.click("text=Send the referral")
    page.wait_for_url(f"{live_server.url}/support/referrals/")
    assert page.get_by_test_id("referral-row").count() == 1
    page.goto(f"{live_server.url}/support/disclosures/")
    row = page.get_by_test_id("disclosure-row")
    assert row.count() == 1
    text = row.inner_text()
    assert "Perm Regional Hospital No. 2" in text and person.registration_number in text
    assert "Specialist appointment" in text and "Consent of the person" in text
    assert DisclosureRecord.objects.get().recipient == hospital
