"""Findings of the security review: what a user at one site sees of another site's work."""

from __future__ import annotations

from typing import Any

import pytest

from haven.accounts.models import Membership, Role
from haven.support import services
from haven.support.models import Proposal
from haven.support.selectors import questionnaire_current
from haven.support.services_referrals import assessment_record, provider_create, referral_create
from haven.support.tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db


def test_case_page_shows_no_referral_made_at_another_site(personas: Any) -> None:
    """A household case at A; one member now lives at B, where B's caseworker refers them.

    That referral (to whom, its outcome) belongs to site B: A's caseworker must
    not see it on the case page, as they do not see it in their referral list.
    """
    household = make_household(personas.site_a)
    make_person(personas.site_a, household)
    moved = make_person(personas.site_b, household)
    case = services.case_open(actor=personas.caseworker, household=household)
    clinic = provider_create(actor="test", name="Trauma clinic of site B", kind="psychosocial")
    referral_create(
        actor=personas.caseworker_b,
        person=moved,
        provider=clinic,
        reason="Nightmares since the journey",
        consent_given=True,
        data_shared=["identity"],
        purpose="Therapy",
    )
    assert b"Trauma clinic of site B" in personas.client("caseworker_b").get("/support/referrals/").content
    assert b"Trauma clinic of site B" not in personas.client("caseworker").get("/support/referrals/").content
    page = personas.client("caseworker").get(f"/support/cases/{case.pk}/")
    assert page.status_code == 200
    assert b"Trauma clinic of site B" not in page.content


@pytest.fixture
def intake(personas: Any) -> Any:
    """A role an administrator made: works on cases, but may not see protection risks."""
    from haven.accounts import roles
    from haven.lib.testing.personas import make_user

    role = Role.objects.create(
        code="intake",
        name="Intake worker",
        capabilities=[roles.PERSON_VIEW, roles.NEEDS_VIEW, roles.CASE_VIEW, roles.CASE_MANAGE],
    )
    user = make_user("intake")
    Membership.objects.create(user=user, site=personas.site_a, role=role)
    personas.users["intake"] = user
    return user


def test_restricted_needs_are_hidden_from_who_may_not_see_protection_risks(personas: Any, intake: Any) -> None:
    """Mental illness (SM-MI) and witness of violence (TR-WV) are restricted codes in the registry,
    like LP-RP: a user without ``registry.needs.protection.view`` must not learn them from an
    assessment, neither as a proposal nor as the answer that proposed it."""
    person = make_person(personas.site_a)
    case = services.case_open(actor=personas.caseworker, person=person)
    assessment = assessment_record(
        actor=personas.caseworker,
        case=case,
        questionnaire=questionnaire_current(),
        answers={"interpreter": True, "distress": True, "witnessed_violence": True, "risk_profile": True},
    )
    assert set(Proposal.objects.values_list("need_code", flat=True)) >= {"SM-MI", "TR-WV", "LP-RP"}

    # The caseworker may see them.
    page = personas.client("caseworker").get(f"/support/cases/{case.pk}/")
    assert b"SM-MI" in page.content and b"TR-WV" in page.content and b"LP-RP" in page.content

    page = personas.client("intake").get(f"/support/cases/{case.pk}/")
    assert page.status_code == 200
    assert b"Needs an interpreter" in page.content  # what they may see is still there
    for code in (b"SM-MI", b"TR-WV", b"LP-RP"):
        assert code not in page.content

    data = personas.api("intake").get(f"/api/v1/support/assessments/{assessment.pk}").json()
    assert {p["need_code"] for p in data["proposals"]} == {""}
    assert data["answers"]["interpreter"] is True
    for question in ("distress", "witnessed_violence", "risk_profile"):
        assert question not in data["answers"]
    full = personas.api("caseworker").get(f"/api/v1/support/assessments/{assessment.pk}").json()
    assert full["answers"]["distress"] is True
    assert {"SM-MI", "TR-WV", "LP-RP"} <= {p["need_code"] for p in full["proposals"]}


def test_refused_support_record_is_audited_as_a_denial_not_as_a_read(personas: Any) -> None:
    """A registrar may see the person but not their support record: the log must say they were
    refused, and must not say they read the person's record for "support record"."""
    from haven.audit.models import AuditEvent

    person = make_person(personas.site_a)
    registrar, registrar_api, caseworker = (
        personas.client("registrar"),
        personas.api("registrar"),
        personas.client("caseworker"),
    )
    for url in (
        f"/support/persons/{person.pk}/",
        f"/support/persons/{person.pk}/examinations/new/",
        f"/support/persons/{person.pk}/sessions/new/",
        f"/support/persons/{person.pk}/referrals/new/",
    ):
        before = AuditEvent.objects.count()
        response = registrar.get(url)
        assert response.status_code == 403, url
        events = list(AuditEvent.objects.order_by("seq")[before:])
        assert [e.action for e in events] == ["permission_denied"], url
    for url in (f"/api/v1/support/persons/{person.pk}/sessions", f"/api/v1/support/persons/{person.pk}/examinations"):
        before = AuditEvent.objects.count()
        response = registrar_api.get(url)
        assert response.status_code == 403, url
        events = list(AuditEvent.objects.order_by("seq")[before:])
        assert [e.action for e in events] == ["permission_denied"], url
    # Who may see it still reads it, and the read is logged.
    before = AuditEvent.objects.count()
    assert caseworker.get(f"/support/persons/{person.pk}/").status_code == 200
    assert [(e.action, e.purpose) for e in AuditEvent.objects.order_by("seq")[before:]] == [("view", "support record")]


def test_caseload_badge_does_not_reveal_a_hidden_restricted_proposal(personas: Any, intake: Any) -> None:
    """Only a restricted need (SM-MI) waits to be confirmed: who may not see it gets no
    "Needs to confirm" badge pointing at it; who may, does."""
    person = make_person(personas.site_a)
    case = services.case_open(actor=personas.caseworker, person=person)
    assessment_record(
        actor=personas.caseworker, case=case, questionnaire=questionnaire_current(), answers={"distress": True}
    )
    Proposal.objects.exclude(need_code="SM-MI").delete()
    assert b"Needs to confirm" in personas.client("caseworker").get("/support/?all=1").content
    page = personas.client("intake").get("/support/?all=1")
    assert page.status_code == 200 and page.content.count(b'data-testid="case-row"') == 1
    assert b"Needs to confirm" not in page.content


def test_a_session_cannot_be_filed_in_another_persons_case(personas: Any) -> None:
    """Neither person has a household: the check "is this case the person's?" must still hold,
    or a psychological session of one person lands in another person's case."""
    import datetime

    from django.core.exceptions import ValidationError

    from haven.support.models import Session, SessionType

    person, other = make_person(personas.site_a), make_person(personas.site_a)
    others_case = services.case_open(actor=personas.caseworker, person=other)
    with pytest.raises(ValidationError):
        services.session_record(
            actor=personas.psychologist,
            person=person,
            session_type=SessionType.objects.get(code="psychological"),
            held_on=datetime.date(2025, 4, 2),
            case=others_case,
        )
    assert not Session.objects.filter(case=others_case).exists()


def test_moving_sessions_to_another_site_is_always_audited(personas: Any) -> None:
    """After a transfer the person's sessions go to the new site (its staff now see them). With no
    open case that move happened without a trace in the audit log."""
    import datetime

    from haven.audit.models import AuditEvent
    from haven.support.models import Session, SessionType

    person = make_person(personas.site_a)
    services.session_record(
        actor=personas.psychologist,
        person=person,
        session_type=SessionType.objects.get(code="psychological"),
        held_on=datetime.date(2025, 4, 2),
    )
    before = AuditEvent.objects.count()
    services.cases_move_site(actor=personas.manager, person=person, site=personas.site_b)
    assert Session.objects.get().site_id == personas.site_b.pk
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert len(events) == 1 and events[0].object_id == str(person.pk)
    assert events[0].values["sessions"] == 1 and events[0].values["to_site"] == str(personas.site_b.pk)
