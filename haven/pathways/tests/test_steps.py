from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from haven.pathways.models import Step
from haven.pathways.services import (
    enrolment_create,
    household_enrol,
    step_complete,
    step_complete_by_code,
    step_set_status,
    steps_complete_bulk,
)
from haven.pathways.tests import factories
from haven.pathways.tests.conftest import ARRIVAL

D = datetime.date


def _codes(enrolment):
    return set(enrolment.steps.values_list("step_template__code", flat=True))


def test_enrolment_gives_each_applicable_step_its_due_date(perm, personas, frozen):
    household, (father, mother, child) = factories.family(personas.site_a, arrival=ARRIVAL)
    enrolments = household_enrol(actor=personas.caseworker, household=household)
    assert len(enrolments) == 3
    adult = next(e for e in enrolments if e.person_id == father.pk)
    kid = next(e for e in enrolments if e.person_id == child.pk)
    assert "school-enrolment" in _codes(kid) and "school-enrolment" not in _codes(adult)
    assert "sim-card" in _codes(adult) and "sim-card" not in _codes(kid)
    assert "medical-exam" in _codes(kid) and "medical-exam" in _codes(adult)  # family members too
    assert "doctor-admission" not in _codes(adult)
    steps = {s.step_template.code: s for s in adult.steps.select_related("step_template")}
    assert steps["intake"].due_date == ARRIVAL
    assert steps["migration-registration"].due_date == D(2025, 3, 12)  # 7 working days, 8 March a Saturday
    assert steps["medical-exam"].due_date == D(2025, 4, 2)
    assert steps["snils"].due_date is None  # counted from migration registration, not done yet


def test_profession_decides_admission_steps(perm, personas, frozen):
    doctor = factories.person(personas.site_a, profession="Doctor (surgeon)")
    teacher = factories.person(personas.site_a, profession="teacher")
    assert "doctor-admission" in _codes(enrolment_create(actor="test", person=doctor, arrival_date=ARRIVAL))
    codes = _codes(enrolment_create(actor="test", person=teacher, arrival_date=ARRIVAL))
    assert "teacher-admission" in codes and "doctor-admission" not in codes


def test_enrolling_twice_is_refused(perm, personas, frozen):
    person = factories.person(personas.site_a)
    enrolment_create(actor="test", person=person)
    with pytest.raises(ValidationError, match="already enrolled"):
        enrolment_create(actor="test", person=person)


def test_done_before_prerequisites_is_refused_and_changes_nothing(perm, personas, frozen):
    person = factories.person(personas.site_a)
    enrolment = enrolment_create(actor="test", person=person, arrival_date=ARRIVAL)
    sim = enrolment.steps.get(step_template__code="sim-card")
    with pytest.raises(ValidationError, match="cannot be done before: Biometric registration"):
        step_complete(actor=personas.caseworker, step=sim, completed_on=D(2025, 3, 11))
    sim.refresh_from_db()
    assert sim.status == "pending"


def test_completing_a_step_gives_its_dependants_due_dates(perm, personas, frozen):
    person = factories.person(personas.site_a)
    enrolment = enrolment_create(actor="test", person=person, arrival_date=ARRIVAL)
    for code in ("intake", "migration-registration"):
        step_complete_by_code(actor=personas.caseworker, person=person, step_code=code, completed_on=D(2025, 3, 5))
    snils = enrolment.steps.get(step_template__code="snils")
    assert snils.due_date == D(2025, 3, 19)  # 10 working days after Wednesday 5 March
    done = Step.objects.get(enrolment=enrolment, step_template__code="migration-registration")
    assert done.completed_by == personas.caseworker


def test_medical_result_and_certificate_validity(perm, personas, frozen):
    person = factories.person(personas.site_a)
    enrolment_create(actor="test", person=person, arrival_date=ARRIVAL)
    step_complete_by_code(actor="test", person=person, step_code="intake", completed_on=ARRIVAL)
    with pytest.raises(ValidationError, match="Choose a result"):
        step_complete_by_code(
            actor=personas.doctor, person=person, step_code="medical-exam", completed_on=D(2025, 3, 10)
        )
    step = step_complete_by_code(
        actor=personas.doctor, person=person, step_code="medical-exam", completed_on=D(2025, 3, 10), result="cleared"
    )
    assert step.expires_on == D(2026, 3, 10)


def test_evidence_checks(perm, personas, frozen):
    person = factories.person(personas.site_a)
    enrolment_create(actor="test", person=person, arrival_date=ARRIVAL)
    step_complete_by_code(actor="test", person=person, step_code="intake", completed_on=ARRIVAL)
    with pytest.raises(ValidationError, match="Unknown evidence fields: fingerprint"):
        step_complete_by_code(
            actor="test",
            person=person,
            step_code="migration-registration",
            completed_on=D(2025, 3, 10),
            evidence={"fingerprint": "x"},
        )
    with pytest.raises(ValidationError, match="future"):
        step_complete_by_code(
            actor="test", person=person, step_code="migration-registration", completed_on=D(2025, 3, 20)
        )
    step = step_complete_by_code(
        actor="test",
        person=person,
        step_code="migration-registration",
        completed_on=D(2025, 3, 10),
        evidence={"document_number": "59-0001", "issued_on": "2025-03-10", "expires_on": "2025-06-10"},
    )
    assert (step.document_number, step.expires_on) == ("59-0001", D(2025, 6, 10))


def test_sim_card_records_phone_and_contract_date(perm, personas, frozen):
    person = factories.person(personas.site_a)
    enrolment_create(actor="test", person=person, arrival_date=ARRIVAL)
    for code in ("intake", "migration-registration", "snils", "gosuslugi", "biometrics"):
        step_complete_by_code(actor="test", person=person, step_code=code, completed_on=D(2025, 3, 11))
    step = step_complete_by_code(
        actor="test",
        person=person,
        step_code="sim-card",
        completed_on=D(2025, 3, 12),
        evidence={"phone_number": "+7 900 000-00-00", "contract_date": "2025-03-12"},
    )
    assert step.details == {"phone_number": "+7 900 000-00-00", "contract_date": "2025-03-12"}


def test_blocked_needs_a_reason(perm, personas, frozen):
    person = factories.person(personas.site_a)
    enrolment = enrolment_create(actor="test", person=person)
    step = enrolment.steps.get(step_template__code="inn")
    with pytest.raises(ValidationError, match="Say why"):
        step_set_status(actor="test", step=step, status="blocked")
    step = step_set_status(actor="test", step=step, status="blocked", reason="Passport held by the MVD")
    assert step.blocked_reason == "Passport held by the MVD"
    with pytest.raises(ValidationError):
        step_set_status(actor="test", step=step, status="done")


def test_bulk_completion_is_all_or_nothing(perm, personas, frozen):
    people = [factories.person(personas.site_a) for _ in range(4)]
    for p in people:
        enrolment_create(actor="test", person=p, arrival_date=ARRIVAL)
        step_complete_by_code(actor="test", person=p, step_code="intake", completed_on=ARRIVAL)
    exams = list(Step.objects.filter(step_template__code="medical-exam").select_related("person", "step_template"))
    with pytest.raises(ValidationError, match="Nothing was changed"):
        steps_complete_bulk(actor=personas.doctor, steps=exams, completed_on=D(2025, 3, 12), result="")
    assert not Step.objects.filter(step_template__code="medical-exam", status="done").exists()
    done = steps_complete_bulk(actor=personas.doctor, steps=exams, completed_on=D(2025, 3, 12), result="cleared")
    assert len(done) == 4


def test_services_refuse_a_user_from_another_site(perm, personas, frozen):
    person = factories.person(personas.site_a)
    with pytest.raises(PermissionDenied):
        enrolment_create(actor=personas.caseworker_b, person=person)
