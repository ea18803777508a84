"""Medical examinations complete the pathway step; assessments propose needs and flags."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from haven.audit.models import AuditEvent
from haven.support import services
from haven.support.models import CaseFlag, MedicalExam, Proposal

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 4, 10, 9, 0, tzinfo=datetime.UTC)


def exam(personas: Any, person: Any, **kw: Any) -> MedicalExam:
    data = {
        "examined_on": datetime.date(2025, 4, 8),
        "facility": "Perm clinic No. 4",
        "components": ["drug_test", "tb", "leprosy", "syphilis", "hiv"],
        "result": "follow_up",
        "details": "TB screening inconclusive; repeat X-ray.",
    }
    data.update(kw)
    return services.medical_exam_record(actor=personas.doctor, person=person, **data)


@time_machine.travel(TODAY, tick=False)
def test_exam_without_pathway_is_recorded_and_says_so(personas: Any, person: Any) -> None:
    recorded = exam(personas, person)
    assert not recorded.pathway_synced
    assert recorded.certificate_expires_on == datetime.date(2026, 4, 8)
    event = AuditEvent.objects.get(action="create", object_id=str(recorded.pk))
    assert "TB screening" not in str(event.values)


@time_machine.travel(TODAY, tick=False)
def test_exam_completes_the_pathway_step(personas: Any, person: Any) -> None:
    pathways = pytest.importorskip("haven.pathways.services")
    from haven.pathways.models import Step

    pathways.templates_load_shipped()
    pathways.site_template_assign(actor="test", site=personas.site_a, template_code="ru-perm")
    pathways.enrolment_create(actor=personas.caseworker, person=person, arrival_date=datetime.date(2025, 4, 1))
    pathways.step_complete_by_code(
        actor=personas.caseworker, person=person, step_code="intake", completed_on=datetime.date(2025, 4, 1)
    )
    recorded = exam(personas, person, result="cleared")
    assert recorded.pathway_synced
    step = Step.objects.get(person=person, step_template__code="medical-exam")
    assert step.status == "done" and step.result == "cleared" and step.completed_on == datetime.date(2025, 4, 8)


@time_machine.travel(TODAY, tick=False)
def test_general_record_shows_the_flag_only(personas: Any, person: Any, settings: Any) -> None:
    settings.HAVEN_REQUIRE_2FA = False
    recorded = exam(personas, person)
    for persona in ("caseworker", "psychologist", "lawyer", "ombudsman"):
        page = personas.client(persona).get(f"/support/persons/{person.pk}/")
        assert b"Follow-up" in page.content and b"TB screening" not in page.content
        detail = personas.client(persona).get(f"/support/examinations/{recorded.pk}/")
        assert b"TB screening" not in detail.content
    doctor = personas.client("doctor").get(f"/support/examinations/{recorded.pk}/")
    assert b"TB screening inconclusive" in doctor.content
    api = personas.api("caseworker").get(f"/api/v1/support/persons/{person.pk}/examinations")
    assert api.json()[0]["result"] == "follow_up" and b"TB screening" not in api.content


@time_machine.travel(TODAY, tick=False)
def test_only_medical_staff_record_exams(personas: Any, person: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.medical_exam_record(
            actor=personas.caseworker,
            person=person,
            examined_on=datetime.date(2025, 4, 8),
            facility="x",
            components=["tb"],
            result="cleared",
        )
    assert personas.client("psychologist").get(f"/support/persons/{person.pk}/examinations/new/").status_code == 403
    response = personas.client("doctor").post(
        f"/support/persons/{person.pk}/examinations/new/",
        {"examined_on": "2025-04-09", "facility": "Clinic", "components": ["tb", "hiv"], "result": "cleared"},
    )
    assert response.status_code == 302 and MedicalExam.objects.get().components == ["hiv", "tb"]


def test_assessment_proposes_needs_and_flags(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    client = personas.api("caseworker")
    questions = client.get("/api/v1/support/questionnaires/arrival-needs", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert len(questions["questions"]) == 12
    response = client.post(
        f"/api/v1/support/cases/{case.pk}/assessments",
        {"kind": "arrival", "answers": {"interpreter": True, "chronic_illness": True, "risk_profile": True}},
        content_type="application/json",
    )
    assert response.status_code == 201
    proposals = {(p["need_code"], p["flag"]) for p in response.json()["proposals"]}
    assert proposals == {
        ("", "interpreter"),
        ("SM-CI", None),
        ("", "medical_follow_up"),
        ("LP-RP", None),
        ("", "no_location"),
    }
    flag = Proposal.objects.get(flag_type__code="no_location")
    need = Proposal.objects.get(need_code="SM-CI")
    assert (
        client.post(
            f"/api/v1/support/proposals/{flag.pk}/decision", {"confirm": True}, content_type="application/json"
        ).json()["status"]
        == "confirmed"
    )
    assert CaseFlag.objects.filter(case=case, flag_type__code="no_location").exists()
    page = personas.client("caseworker").post(f"/support/proposals/{need.pk}/", {"decision": "confirm"})
    assert page.status_code == 302
    need.refresh_from_db()
    assert need.status == "confirmed"
    from haven.registry.models import PersonNeed

    assert PersonNeed.objects.filter(person=person, code__code="SM-CI").exists()


def test_assessment_page(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    client = personas.client("caseworker")
    assert "Does the person need an interpreter" in client.get(f"/support/cases/{case.pk}/assessment/").text
    response = client.post(f"/support/cases/{case.pk}/assessment/", {"kind": "arrival", "q_distress": "on"})
    assert response.status_code == 302
    page = client.get(f"/support/cases/{case.pk}/")
    assert b"SM-MI" in page.content and b"Psychosocial support" in page.content
    assert personas.client("psychologist").get(f"/support/cases/{case.pk}/assessment/").status_code == 403
    assert personas.client("caseworker_b").get(f"/support/cases/{case.pk}/assessment/").status_code == 404
