"""A referral is linked to the registry's consent to referrals, and refused once it is withdrawn."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from haven.api.errors import ServiceError
from haven.audit.models import AuditEvent
from haven.registry.services import consent_record, consent_withdraw
from haven.support.models import DisclosureRecord, Referral, ServiceProvider
from haven.support.services_referrals import provider_create, referral_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(datetime.datetime(2025, 4, 10, 9, tzinfo=datetime.UTC), tick=False):
        yield


FORM = {
    "reason": "Specialist appointment",
    "data_shared": ["identity", "medical"],
    "purpose": "Cardiology",
    "consent_given": "on",
}


@pytest.fixture
def hospital(personas: Any) -> ServiceProvider:
    return provider_create(actor="test", name="Perm Regional Hospital No. 2", kind="hospital")


def consent(personas: Any, person: Any, given_on: datetime.date = datetime.date(2025, 3, 1)) -> Any:
    return consent_record(
        actor=personas.caseworker, person=person, purpose="referral", notice_language="ar", given_on=given_on
    )


def refer(personas: Any, person: Any, provider: ServiceProvider) -> Referral:
    return referral_create(
        actor=personas.caseworker,
        person=person,
        provider=provider,
        reason="Specialist appointment",
        consent_given=True,
        data_shared=["identity", "medical"],
        purpose="Cardiology",
    )


def test_referral_is_linked_to_the_registry_consent(personas: Any, person: Any, hospital: Any) -> None:
    given = consent(personas, person)
    form = personas.client("caseworker").get(f"/support/persons/{person.pk}/referrals/new/")
    assert b'data-testid="registry-consent"' in form.content and b"Consent to referrals is recorded" in form.content
    response = personas.client("caseworker").post(
        f"/support/persons/{person.pk}/referrals/new/", {**FORM, "provider": hospital.pk}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.registry_consent == given
    event = AuditEvent.objects.get(action="create", object_id=str(referral.pk))
    assert event.values["registry_consent"] == str(given.pk)
    api = personas.api("caseworker").get("/api/v1/support/referrals").json()
    assert api[0]["registry_consent_id"] == str(given.pk)


def test_without_a_registry_record_the_referral_consent_suffices(personas: Any, person: Any, hospital: Any) -> None:
    referral = refer(personas, person, hospital)
    assert referral.registry_consent is None and DisclosureRecord.objects.count() == 1


def test_withdrawn_consent_refuses_the_referral(personas: Any, person: Any, hospital: Any) -> None:
    consent_withdraw(
        actor=personas.caseworker, consent=consent(personas, person), withdrawn_on=datetime.date(2025, 4, 2)
    )
    with pytest.raises(ServiceError) as exc:
        refer(personas, person, hospital)
    assert exc.value.code == "consent_withdrawn" and exc.value.status == 409

    client = personas.client("caseworker")
    form = client.get(f"/support/persons/{person.pk}/referrals/new/")
    assert b"withdrew their consent to referrals" in form.content
    page = client.post(f"/support/persons/{person.pk}/referrals/new/", {**FORM, "provider": hospital.pk})
    assert page.status_code == 200 and b"withdrew their consent to referrals on 04/02/2025" in page.content

    api = personas.api("caseworker").post(
        "/api/v1/support/referrals",
        {
            "person_id": str(person.pk),
            "provider_id": str(hospital.pk),
            "reason": "x",
            "consent_given": True,
            "data_shared": ["identity"],
            "purpose": "y",
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == "consent_withdrawn"
    assert "отозвал" in api.json()["error"]["message"]  # translated
    assert not Referral.objects.exists() and not DisclosureRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_consent_given_again_allows_referrals(personas: Any, person: Any, hospital: Any) -> None:
    consent_withdraw(
        actor=personas.caseworker, consent=consent(personas, person), withdrawn_on=datetime.date(2025, 3, 5)
    )
    again = consent(personas, person, given_on=datetime.date(2025, 4, 1))
    assert refer(personas, person, hospital).registry_consent == again


def test_withdrawal_dated_later_does_not_count_yet(personas: Any, person: Any, hospital: Any) -> None:
    from haven.support.selectors import referral_consent

    given = consent(personas, person)
    consent_withdraw(actor=personas.caseworker, consent=given, withdrawn_on=datetime.date(2025, 4, 20))
    assert referral_consent(person) == ("active", given)
    assert referral_consent(person, today=datetime.date(2025, 4, 20))[0] == "withdrawn"
