"""Key rotation: old keys decrypt until rotation, after it they can be dropped."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from haven.support import crypto, selectors, services
from haven.support.models import Session, SessionType
from haven.support.tests.conftest import TEST_KEY

pytestmark = pytest.mark.django_db


def use_keys(settings: Any, *keys: str) -> None:
    settings.HAVEN_FIELD_KEYS = list(keys)
    crypto.reset_keys()


def test_rotation(personas: Any, person: Any, settings: Any) -> None:
    old, new = TEST_KEY, Fernet.generate_key().decode()
    session = services.session_record(
        actor=personas.psychologist,
        person=person,
        session_type=SessionType.objects.get(code="psychological"),
        held_on=datetime.date(2025, 4, 1),
        note="Talked about the journey.",
    )
    services.medical_exam_record(
        actor=personas.doctor,
        person=person,
        examined_on=datetime.date(2025, 4, 1),
        facility="Clinic",
        components=["tb", "hiv"],
        result="cleared",
        details="Chest X-ray clear.",
    )
    before = Session.objects.get().note_encrypted

    use_keys(settings, new, old)  # the new key first; the old one still decrypts
    session = Session.objects.get()
    assert selectors.session_note_read(user=personas.psychologist, session=session, purpose="t") == (
        "Talked about the journey."
    )

    call_command("rotate_note_keys")
    after = Session.objects.get().note_encrypted
    assert after != before

    use_keys(settings, new)  # the old key dropped
    session = Session.objects.get()
    assert selectors.session_note_read(user=personas.psychologist, session=session, purpose="t") == (
        "Talked about the journey."
    )
    exam = session.person.support_medical_exams.get()
    assert selectors.medical_details_read(user=personas.doctor, exam=exam, purpose="t") == "Chest X-ray clear."

    use_keys(settings, old)  # the old key alone no longer opens anything
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(Session.objects.get().note_encrypted)


def test_rotation_without_the_old_key_fails_and_changes_nothing(personas: Any, person: Any, settings: Any) -> None:
    services.session_record(
        actor=personas.caseworker,
        person=person,
        session_type=SessionType.objects.get(code="social"),
        held_on=datetime.date(2025, 4, 1),
        note="Clothes for winter.",
    )
    before = Session.objects.get().note_encrypted
    use_keys(settings, Fernet.generate_key().decode())
    with pytest.raises(CommandError):
        call_command("rotate_note_keys")
    assert Session.objects.get().note_encrypted == before
