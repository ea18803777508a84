"""After a transfer, the person's support records follow them to the receiving site.

A protection review found that only the open case and the sessions moved:
the sending site kept listing the person's referrals (to whom, what data)
and their medical examinations, and the receiving site did not see them.
See "After a transfer" in docs/support.md for the rules pinned here.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from haven.audit.models import AuditEvent
from haven.shelter.services_transfers import transfer_complete, transfer_plan, transfer_record_consent
from haven.support import services
from haven.support.models import Case, DisclosureRecord, MedicalExam, Referral, ReferralStatus, ServiceProvider
from haven.support.services_referrals import referral_set_status
from haven.support.tests.conftest import make_household, make_person, refer

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 1)


def transfer(personas: Any, person: Any) -> None:
    """Plan, record the handover consent and complete a transfer of ``person`` from A to B."""
    planned = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="Family reunion", to_site=personas.site_b
    )
    transfer_record_consent(actor=personas.manager, transfer=planned, given_by="person")
    transfer_complete(actor=personas.manager, transfer=planned)


def test_open_referral_leaves_the_sending_sites_list_and_reaches_the_receiving_site(
    personas: Any, hospital: ServiceProvider
) -> None:
    person = make_person(personas.site_a)
    services.case_open(actor=personas.caseworker, person=person)
    referral = refer(personas, person, hospital)
    sending, receiving = personas.client("caseworker"), personas.client("caseworker_b")
    assert b"Perm Regional Hospital No. 2" in sending.get("/support/referrals/").content
    assert b"Perm Regional Hospital No. 2" not in receiving.get("/support/referrals/").content

    transfer(personas, person)

    assert b"Perm Regional Hospital No. 2" not in sending.get("/support/referrals/").content
    assert b"Perm Regional Hospital No. 2" in receiving.get("/support/referrals/").content
    # The receiving site can now record the answer; the sending site no longer can.
    assert [r["id"] for r in personas.api("caseworker_b").get("/api/v1/support/referrals").json()] == [str(referral.pk)]
    assert personas.api("caseworker").get("/api/v1/support/referrals").json() == []
    assert sending.post(f"/support/referrals/{referral.pk}/status/", {"status": "accepted"}).status_code == 404


def test_finished_referral_without_a_moving_case_stays_with_the_sending_site(
    personas: Any, hospital: ServiceProvider
) -> None:
    """Declined or done, with no open case to follow: the sending site's record of its own work.

    A finished referral of the open case that moves goes with the case.
    """
    person = make_person(personas.site_a)
    declined = refer(personas, person, hospital)  # no case yet
    referral_set_status(actor=personas.caseworker, referral=declined, status=ReferralStatus.DECLINED)
    waiting = refer(personas, person, hospital)  # no case either, still open
    case = services.case_open(actor=personas.caseworker, person=person)
    done = refer(personas, person, hospital)
    assert (declined.case, waiting.case, done.case) == (None, None, case)
    referral_set_status(actor=personas.caseworker, referral=done, status=ReferralStatus.ACCEPTED)
    referral_set_status(actor=personas.caseworker, referral=done, status=ReferralStatus.DONE)

    services.cases_move_site(actor=personas.manager, person=person, site=personas.site_b)

    sites = dict(Referral.objects.values_list("pk", "site_id"))
    assert sites[declined.pk] == personas.site_a.pk
    assert sites[done.pk] == personas.site_b.pk
    assert sites[waiting.pk] == personas.site_b.pk


def test_medical_examination_follows_the_person(personas: Any) -> None:
    person = make_person(personas.site_a)
    exam = services.medical_exam_record(
        actor=personas.doctor,
        person=person,
        examined_on=datetime.date(2025, 4, 2),
        facility="Centre A medical unit",
        components=["tb"],
        result="cleared",
        details="Chest X-ray clear",
    )
    sending, receiving = personas.client("caseworker"), personas.client("caseworker_b")
    assert sending.get(f"/support/examinations/{exam.pk}/").status_code == 200
    assert receiving.get(f"/support/examinations/{exam.pk}/").status_code == 404

    transfer(personas, person)

    assert MedicalExam.objects.get().site_id == personas.site_b.pk
    assert sending.get(f"/support/examinations/{exam.pk}/").status_code == 404
    assert sending.get(f"/support/persons/{person.pk}/").status_code == 404
    assert personas.api("caseworker").get(f"/api/v1/support/persons/{person.pk}/examinations").status_code in (
        403,
        404,
    )
    assert receiving.get(f"/support/examinations/{exam.pk}/").status_code == 200
    assert b"Centre A medical unit" in receiving.get(f"/support/persons/{person.pk}/").content


def test_household_case_moves_only_with_the_last_present_member(personas: Any) -> None:
    household = make_household(personas.site_a)
    first, second = make_person(personas.site_a, household), make_person(personas.site_a, household)
    departed = make_person(personas.site_a, household)
    departed.status_id = "departed"
    departed.save(update_fields=["status"])
    case = services.case_open(actor=personas.caseworker, household=household)
    sending, receiving = personas.client("caseworker"), personas.client("caseworker_b")

    transfer(personas, first)
    case.refresh_from_db()
    assert case.site_id == personas.site_a.pk  # the second member is still at A
    assert sending.get(f"/support/cases/{case.pk}/").status_code == 200
    assert receiving.get(f"/support/cases/{case.pk}/").status_code == 404

    transfer(personas, second)  # the departed member does not hold the case at A
    case.refresh_from_db()
    assert case.site_id == personas.site_b.pk
    assert sending.get(f"/support/cases/{case.pk}/").status_code == 404
    assert receiving.get(f"/support/cases/{case.pk}/").status_code == 200


def test_disclosure_stays_in_the_sending_sites_register(personas: Any, hospital: ServiceProvider) -> None:
    """The referral moves, but what the sending site disclosed to whom stays its legal record."""
    person = make_person(personas.site_a)
    referral = refer(personas, person, hospital)
    record = DisclosureRecord.objects.get()

    transfer(personas, person)

    referral.refresh_from_db()
    assert referral.site_id == personas.site_b.pk
    record.refresh_from_db()
    assert record.site_id == personas.site_a.pk and record.referral_id == referral.pk
    sending = personas.client("caseworker").get("/support/disclosures/")
    assert sending.content.count(b'data-testid="disclosure-row"') == 1
    assert b"Perm Regional Hospital No. 2" in sending.content
    assert b'data-testid="disclosure-row"' not in personas.client("caseworker_b").get("/support/disclosures/").content


def test_one_audit_event_with_counts_only(personas: Any, hospital: ServiceProvider) -> None:
    household = make_household(personas.site_a)
    person = make_person(personas.site_a, household)
    services.case_open(actor=personas.caseworker, household=household)
    refer(personas, person, hospital)
    services.medical_exam_record(
        actor=personas.doctor,
        person=person,
        examined_on=datetime.date(2025, 4, 2),
        facility="Centre A medical unit",
        components=["tb"],
        result="follow_up",
    )
    person.site = personas.site_b  # as the registry does before the support records follow
    person.save(update_fields=["site"])
    before = AuditEvent.objects.count()

    services.cases_move_site(actor=personas.manager, person=person, site=personas.site_b)

    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert len(events) == 1 and events[0].object_id == str(person.pk)
    assert events[0].values == {
        "to_site": str(personas.site_b.pk),
        "cases": 0,
        "household_cases": 1,
        "sessions": 0,
        "exams": 1,
        "referrals": 1,
    }
    assert Case.objects.get().site_id == personas.site_b.pk
