"""THE COMPARTMENT MATRIX: every persona x every session type, pages and API.

Exactly the compartment's own role reads a note; the others with
``support.session.view`` see that the session took place (type, date,
who) and not one byte of the note; everyone else gets 404.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection

from haven.audit.models import AuditEvent
from haven.lib.testing.personas import ROLE_CODES
from haven.support import services
from haven.support.models import Session, SessionType

pytestmark = pytest.mark.django_db

PERSONAS = (*ROLE_CODES, "caseworker_b", "registrar_b", "outsider")
WRITER = {"social": "caseworker", "legal": "lawyer", "psychological": "psychologist", "medical": "doctor"}
SEES_SESSIONS = {"caseworker", "lawyer", "doctor", "psychologist", "ombudsman"}
TYPES = ("social", "legal", "psychological", "medical")


def secret(kind: str) -> str:
    return f"CONFIDENTIAL-{kind.upper()}-7f3a9"


@pytest.fixture
def sessions(personas: Any, person: Any, settings: Any) -> dict[str, Session]:
    settings.HAVEN_REQUIRE_2FA = False  # this matrix is about compartments, not two-factor login
    result = {}
    for kind in TYPES:
        result[kind] = services.session_record(
            actor=personas.users[WRITER[kind]],
            person=person,
            session_type=SessionType.objects.get(code=kind),
            held_on=datetime.date(2025, 4, 2),
            note=secret(kind),
            place="Room 12",
        )
    return result


def expected(persona: str, kind: str) -> str:
    if persona == WRITER[kind]:
        return "read"
    if persona in SEES_SESSIONS:
        return "sees"
    return "none"


def check_session_pages(personas: Any, sessions: dict[str, Session], persona: str) -> None:
    client = personas.client(persona)
    for kind, session in sessions.items():
        response = client.get(f"/support/sessions/{session.pk}/")
        want = expected(persona, kind)
        body = response.content
        assert secret(kind).encode() not in body or want == "read", (persona, kind)
        if want == "none":
            assert response.status_code == 404, (persona, kind)
            continue
        assert response.status_code == 200, (persona, kind)
        assert session.session_type.name_en.encode() in body  # the session took place
        assert WRITER[kind].encode() in body  # and who held it
        assert (secret(kind).encode() in body) == (want == "read"), (persona, kind)
        for other in TYPES:
            if other != kind:
                assert secret(other).encode() not in body

    response = client.get(f"/support/persons/{sessions['social'].person_id}/")
    for kind in TYPES:
        assert secret(kind).encode() not in response.content
    if persona in SEES_SESSIONS:
        assert response.status_code == 200
        assert response.content.count(b'data-testid="session-row"') == 4
    else:
        assert response.status_code in {403, 404}


def check_api(personas: Any, sessions: dict[str, Session], persona: str) -> None:
    client = personas.api(persona)
    for kind, session in sessions.items():
        response = client.get(f"/api/v1/support/sessions/{session.pk}")
        want = expected(persona, kind)
        if want == "none":
            assert response.status_code == 404, (persona, kind)
            assert secret(kind).encode() not in response.content
            continue
        assert response.status_code == 200, (persona, kind)
        data = response.json()
        assert data["session_type"] == kind and data["staff"] == WRITER[kind]
        assert data["note_readable"] is (want == "read")
        assert (secret(kind).encode() in response.content) == (want == "read"), (persona, kind)
    listing = client.get(f"/api/v1/support/persons/{sessions['social'].person_id}/sessions")
    for kind in TYPES:
        assert secret(kind).encode() not in listing.content
    if persona in SEES_SESSIONS:
        assert sorted(s["session_type"] for s in listing.json()) == sorted(TYPES)
    else:
        assert listing.status_code in {403, 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(personas: Any, sessions: dict[str, Session], persona: str) -> None:
    """One persona, every session type: the session page, the person page and the API."""
    check_session_pages(personas, sessions, persona)
    check_api(personas, sessions, persona)


def test_every_note_read_is_audited(personas: Any, sessions: dict[str, Session]) -> None:
    session = sessions["psychological"]
    personas.client("psychologist").get(f"/support/sessions/{session.pk}/")
    personas.api("psychologist").get(f"/api/v1/support/sessions/{session.pk}?purpose=review")
    personas.client("caseworker").get(f"/support/sessions/{session.pk}/")
    reads = AuditEvent.objects.filter(action="view", object_id=str(session.pk), fields=["note"])
    assert [e.actor_name for e in reads] == ["psychologist", "psychologist"]
    assert reads.last().purpose == "api: review"


def test_a_note_read_through_the_api_states_its_purpose_as_a_code_never_a_name(
    personas: Any, sessions: dict[str, Session]
) -> None:
    # The purpose goes into the URL (kept by proxies and access logs) and into the audit log,
    # which can never be corrected: a short code only.
    session = sessions["psychological"]
    api = personas.api("psychologist")
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    refused = api.get(f"/api/v1/support/sessions/{session.pk}", {"purpose": "Farida Haddad follow-up"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "purpose_code"
    assert "review" in refused.json()["error"]["message"]  # told what to send, in Russian
    assert not AuditEvent.objects.filter(action="view", object_id=str(session.pk), fields=["note"]).exists()
    assert api.get(f"/api/v1/support/sessions/{session.pk}", {"purpose": "handover"}).status_code == 200


def test_superuser_flag_opens_no_compartment(personas: Any, sessions: dict[str, Session]) -> None:
    admin = personas.admin
    admin.is_superuser = admin.is_staff = True
    admin.save()
    response = personas.client("admin").get(f"/support/sessions/{sessions['psychological'].pk}/")
    assert secret("psychological").encode() not in response.content


def test_psychologist_note_is_unreadable_in_the_database(sessions: dict[str, Session]) -> None:
    session = sessions["psychological"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT note_encrypted FROM {Session._meta.db_table} WHERE id = %s",  # noqa: S608
            [session.pk.hex if connection.vendor == "sqlite" else session.pk],
        )
        (raw,) = cursor.fetchone()
    assert raw and raw.startswith("gAAAAA")  # a Fernet token
    assert secret("psychological") not in raw
    assert "CONFIDENTIAL" not in raw


def test_done_when_new_psychologist_writes_through_the_page(personas: Any, person: Any, settings: Any) -> None:
    from haven.lib.testing.personas import make_user

    settings.HAVEN_REQUIRE_2FA = False
    make_user("new_psychologist", site=personas.site_a, role="psychologist")
    from django.test import Client

    author = Client()
    author.force_login(make_user.__globals__["User"].objects.get(username="new_psychologist"))
    text = "Sleeps badly since the journey; nightmares about the coast."
    psych = SessionType.objects.get(code="psychological")
    response = author.post(
        f"/support/persons/{person.pk}/sessions/new/",
        {"session_type": psych.pk, "held_on": "2025-04-03", "duration_minutes": 50, "place": "Room 3", "note": text},
    )
    assert response.status_code == 302
    session = Session.objects.get(staff__username="new_psychologist")
    assert text.encode() in author.get(f"/support/sessions/{session.pk}/").content
    for persona in ("caseworker", "doctor", "admin", "ombudsman"):
        page = personas.client(persona).get(f"/support/sessions/{session.pk}/")
        api = personas.api(persona).get(f"/api/v1/support/sessions/{session.pk}")
        assert text.encode() not in page.content and text.encode() not in api.content
        if persona != "admin":  # the administrator has no session view at all
            assert page.status_code == 200 and b"Psychological session" in page.content
            assert api.json()["note"] is None and api.json()["session_type"] == "psychological"
