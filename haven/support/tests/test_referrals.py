"""Referrals need consent; every disclosure is registered; never to the country of origin."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haven.api.errors import ServiceError
from haven.audit.models import AuditEvent
from haven.support.models import DisclosureRecord, Referral, ServiceProvider
from haven.support.services_referrals import (
    disclosure_record,
    provider_create,
    provider_update,
    referral_set_status,
)
from haven.support.tests.conftest import refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def embassy(personas: Any) -> ServiceProvider:
    return provider_create(
        actor="test",
        name="Consulate of the country of origin",
        kind="authority",
        is_origin_authority=True,
        country="SY",
    )


def test_referral_with_consent_is_in_the_disclosure_register(personas: Any, person: Any, hospital: Any) -> None:
    referral = refer(personas, person, hospital)
    record = DisclosureRecord.objects.get()
    assert record.referral == referral and record.recipient_name == "Perm Regional Hospital No. 2"
    assert record.data_categories == ["identity", "medical"] and record.legal_basis == "consent"
    event = AuditEvent.objects.get(action="disclose")
    assert event.object_id == str(person.pk) and event.purpose == "disclosure"  # what was typed stays in the register
    assert event.values["disclosure"] == str(record.pk) and record.purpose == "Specialist appointment"
    page = personas.client("caseworker").get("/support/disclosures/")
    assert page.status_code == 200 and b"Perm Regional Hospital No. 2" in page.content
    api = personas.api("caseworker").get("/api/v1/support/disclosures")
    assert [d["recipient_name"] for d in api.json()] == ["Perm Regional Hospital No. 2"]


def test_referral_without_consent_is_refused(personas: Any, person: Any, hospital: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        refer(personas, person, hospital, consent_given=False)
    assert exc.value.code == "consent_required"
    assert not Referral.objects.exists() and not DisclosureRecord.objects.exists()
    response = personas.api("caseworker").post(
        "/api/v1/support/referrals",
        {
            "person_id": str(person.pk),
            "provider_id": str(hospital.pk),
            "reason": "x",
            "data_shared": ["identity"],
            "purpose": "y",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "consent_required"
    assert "consent" in response.json()["error"]["message"]


def test_referral_page_refuses_without_consent(personas: Any, person: Any, hospital: Any) -> None:
    client = personas.client("caseworker")
    response = client.post(
        f"/support/persons/{person.pk}/referrals/new/",
        {"provider": hospital.pk, "reason": "x", "data_shared": ["identity"], "purpose": "y"},
    )
    assert response.status_code == 200 and b"consent" in response.content
    assert not Referral.objects.exists()
    response = client.post(
        f"/support/persons/{person.pk}/referrals/new/",
        {"provider": hospital.pk, "reason": "x", "data_shared": ["identity"], "purpose": "y", "consent_given": "on"},
    )
    assert response.status_code == 302 and DisclosureRecord.objects.count() == 1


def test_country_of_origin_authority_never_receives_data(personas: Any, person: Any, embassy: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        refer(personas, person, embassy)
    assert exc.value.code == "origin_authority_blocked"
    with pytest.raises(ServiceError):
        disclosure_record(
            actor=personas.caseworker, person=person, recipient=embassy, data_categories=["identity"], purpose="x"
        )
    response = personas.api("caseworker").post(
        "/api/v1/support/referrals",
        {
            "person_id": str(person.pk),
            "provider_id": str(embassy.pk),
            "reason": "Passport",
            "consent_given": True,
            "data_shared": ["identity"],
            "purpose": "Passport renewal",
        },
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "origin_authority_blocked"
    assert not DisclosureRecord.objects.exists() and not Referral.objects.exists()
    # Not even offered in the form.
    form = personas.client("caseworker").get(f"/support/persons/{person.pk}/referrals/new/")
    assert b"Consulate" not in form.content


def test_internal_service_is_not_a_disclosure(personas: Any, person: Any) -> None:
    school = provider_create(actor="test", name="Centre classroom", kind="school", is_internal=True)
    refer(personas, person, school, data_shared=["identity"])
    assert not DisclosureRecord.objects.exists()


def test_no_user_may_take_a_shared_service_out_of_the_disclosure_register(personas: Any, hospital: Any) -> None:
    # A referral to a service inside the centre is no disclosure. Marking the hospital that every
    # centre refers to so would take it out of every centre's register at once.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ValidationError):
        provider_update(actor=personas.caseworker, provider=hospital, is_internal=True)
    hospital.refresh_from_db()
    assert not hospital.is_internal
    # A service of one centre may be marked by who manages referrals there, and it is audited.
    classroom = provider_create(
        actor=personas.caseworker, name="Centre classroom", kind="school", site=personas.site_a, is_internal=True
    )
    event = AuditEvent.objects.get(action="create", object_id=str(classroom.pk))
    assert event.values["is_internal"] is True
    with pytest.raises(PermissionDenied):  # not by another centre's staff
        provider_update(actor=personas.caseworker_b, provider=classroom, is_internal=False, name="Classroom")


def test_status_moves(personas: Any, person: Any, hospital: Any) -> None:
    referral = refer(personas, person, hospital)
    with pytest.raises(ServiceError):
        referral_set_status(actor=personas.caseworker, referral=referral, status="done")
    referral_set_status(actor=personas.caseworker, referral=referral, status="accepted")
    response = personas.api("lawyer").post(
        f"/api/v1/support/referrals/{referral.pk}/status",
        {"status": "done", "outcome": "Seen by the cardiologist"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "done"


def test_referrals_denied(personas: Any, person: Any, person_b: Any, hospital: Any) -> None:
    refer(personas, person, hospital)
    assert personas.client("doctor").get("/support/referrals/").status_code == 403
    assert personas.client("outsider").get("/support/disclosures/").status_code == 403
    assert personas.api("registrar").get("/api/v1/support/referrals").status_code == 403
    assert personas.api("caseworker_b").get("/api/v1/support/referrals").json() == []
    assert personas.api("caseworker_b").get("/api/v1/support/disclosures").json() == []
    assert b"Perm Regional" not in personas.client("caseworker_b").get("/support/disclosures/").content
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the access module
        refer(personas, person_b, hospital)
    page = personas.client("caseworker").get("/support/referrals/")
    assert page.status_code == 200 and page.content.count(b'data-testid="referral-row"') == 1
