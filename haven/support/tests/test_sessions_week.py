"""The "Sessions this week" panel leads to the list of those sessions, scoped like the figure."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.apps import apps

from haven.support import services
from haven.support.models import SessionType
from haven.support.tests.conftest import make_person

pytestmark = pytest.mark.django_db
THURSDAY = datetime.datetime(2025, 4, 10, 9, 0, tzinfo=datetime.UTC)
NOTE = "CONFIDENTIAL-WEEK-NOTE-41c"


@pytest.fixture
def week(personas: Any, person: Any, person_b: Any) -> Any:
    with time_machine.travel(THURSDAY, tick=False):
        kinds = {"social": personas.caseworker, "psychological": personas.psychologist, "medical": personas.doctor}
        for day, (kind, author) in zip((7, 9, 10), kinds.items(), strict=True):
            services.session_record(
                actor=author,
                person=person,
                session_type=SessionType.objects.get(code=kind),
                held_on=datetime.date(2025, 4, day),
                note=NOTE,
            )
        # Sunday of last week, and a session at the other site: neither is listed.
        services.session_record(
            actor=personas.caseworker,
            person=person,
            session_type=SessionType.objects.get(code="social"),
            held_on=datetime.date(2025, 4, 6),
        )
        services.session_record(
            actor=personas.caseworker_b,
            person=person_b,
            session_type=SessionType.objects.get(code="social"),
            held_on=datetime.date(2025, 4, 8),
        )
        yield


def test_panel_links_to_this_weeks_sessions(
    personas: Any, person: Any, week: Any, django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        panel = next(
            p
            for p in apps.get_app_config("support").home_panels(personas.caseworker)
            if str(p["title"]) == "Sessions this week"
        )
        assert panel["value"] == 3 and panel["url"] == "/support/sessions/week/"
        client = personas.client("caseworker")
        with django_assert_max_num_queries(14) as few:
            response = client.get(panel["url"])
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count('data-testid="session-row"') == 3
        assert "3 sessions from 04/07/2025 to 04/10/2025" in body
        assert person.registration_number in body and "Psychological session" in body
        assert NOTE not in body
        assert body.count("You may read it") == 1  # the social session only
        for day in range(7, 10):
            services.session_record(
                actor=personas.lawyer,
                person=make_person(personas.site_a),
                session_type=SessionType.objects.get(code="legal"),
                held_on=datetime.date(2025, 4, day),
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(panel["url"]).content.count(b'data-testid="session-row"') == 6


def test_sessions_week_scoped_and_denied(personas: Any, week: Any, settings: Any) -> None:
    settings.HAVEN_REQUIRE_2FA = False
    with time_machine.travel(THURSDAY, tick=False):
        other_site = personas.client("caseworker_b").get("/support/sessions/week/")
        assert other_site.content.count(b'data-testid="session-row"') == 1
        ombudsman = personas.client("ombudsman").get("/support/sessions/week/")
        assert ombudsman.content.count(b'data-testid="session-row"') == 3 and NOTE.encode() not in ombudsman.content
        assert b"You may read it" not in ombudsman.content
        for persona in ("admin", "registrar", "credentials", "outsider"):
            assert personas.client(persona).get("/support/sessions/week/").status_code == 403, persona
