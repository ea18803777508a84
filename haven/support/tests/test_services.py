"""Cases, plans, flags and sessions through the services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from haven.api.errors import ServiceError
from haven.audit.models import AuditEvent
from haven.support import selectors, services
from haven.support.models import Case, CaseStatus, SessionType
from haven.support.tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db


def test_reference_data_is_seeded() -> None:
    assert set(CaseStatus.objects.values_list("code", flat=True)) == {"open", "on_hold", "closed"}
    assert CaseStatus.objects.get(code="closed").requires_reason
    assert dict(SessionType.objects.values_list("code", "compartment")) == {
        "social": "social",
        "legal": "legal",
        "psychological": "psychological",
        "medical": "medical",
    }


def test_missing_reference_data_comes_back_after_migrate_or_flush() -> None:
    """A transactional test's flush empties the tables; post_migrate puts the rows back."""
    from django.core.management.sql import emit_post_migrate_signal

    from haven.support.models import CaseFlagType, Question, Questionnaire

    Question.objects.all().delete()
    Questionnaire.objects.all().delete()
    SessionType.objects.exclude(code="social").delete()
    CaseStatus.objects.filter(code="open").update(name_en="Active")  # an administrator's edit
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert SessionType.objects.count() == 4 and CaseFlagType.objects.count() >= 6
    assert Questionnaire.objects.get(code="arrival-needs").questions.count() == 12
    assert CaseStatus.objects.get(code="open").name_en == "Active"  # kept


def test_open_case_for_person_and_household(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    assert case.site == personas.site_a and case.caseworker == personas.caseworker
    assert case.status.code == "open"
    with pytest.raises(ServiceError):
        services.case_open(actor=personas.caseworker, person=person)
    household = make_household(personas.site_a)
    assert services.case_open(actor=personas.caseworker, household=household).household == household


def test_only_case_managers_at_the_site_open_cases(personas: Any, person: Any, person_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.case_open(actor=personas.psychologist, person=person)
    with pytest.raises(PermissionDenied):
        services.case_open(actor=personas.caseworker, person=person_b)
    assert not Case.objects.exists()


def test_closing_needs_a_reason(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    with pytest.raises(ValidationError) as exc:
        services.case_set_status(actor=personas.caseworker, case=case, status_code="closed")
    assert "reason" in exc.value.message_dict
    case.refresh_from_db()
    assert case.closed_at is None
    services.case_set_status(actor=personas.caseworker, case=case, status_code="closed", reason="Moved to relatives")
    case.refresh_from_db()
    assert case.closed_at is not None and case.status_reason == "Moved to relatives"
    # A new case may be opened after closing.
    assert services.case_open(actor=personas.caseworker, person=person).pk != case.pk


def test_flag_notice_shows_at_checkin(personas: Any) -> None:
    household = make_household(personas.site_a)
    member = make_person(personas.site_a, household)
    case = services.case_open(actor=personas.caseworker, household=household)
    services.case_flag_add(actor=personas.caseworker, case=case, flag_code="no_location", comment="Private reason")
    services.case_flag_add(actor=personas.caseworker, case=case, flag_code="psychosocial")
    notices = selectors.checkin_notices(user=personas.manager, person=member)
    assert notices == ["Do not tell anyone whether this person lives here."]
    assert selectors.checkin_notices(user=personas.caseworker_b, person=member) == []
    assert selectors.checkin_notices(user=personas.outsider, person=member) == []


@time_machine.travel(datetime.datetime(2025, 4, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_plan_with_goals_and_actions(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    goal = services.goal_add(actor=personas.caseworker, case=case, title="Temporary asylum granted")
    action = services.action_add(
        actor=personas.caseworker,
        goal=goal,
        title="Accompany to the MVD",
        owner=personas.lawyer,
        due_on=datetime.date(2025, 4, 1),
    )
    row = selectors.caseload(user=personas.caseworker).get()
    assert row.has_overdue
    services.action_done(actor=personas.lawyer, action=action)
    row = selectors.caseload(user=personas.caseworker).get()
    assert not row.has_overdue
    with pytest.raises(ValidationError):
        services.action_add(actor=personas.caseworker, goal=goal, title="x", owner=personas.caseworker_b)


def test_session_written_only_by_its_compartment(personas: Any, person: Any) -> None:
    psych = SessionType.objects.get(code="psychological")
    with pytest.raises(PermissionDenied):
        services.session_record(
            actor=personas.caseworker, person=person, session_type=psych, held_on=datetime.date(2025, 4, 1), note="x"
        )
    session = services.session_record(
        actor=personas.psychologist, person=person, session_type=psych, held_on=datetime.date(2025, 4, 1), note="ok"
    )
    event = AuditEvent.objects.filter(object_id=str(session.pk), action="create").get()
    assert "note" in event.fields and "ok" not in str(event.values)
