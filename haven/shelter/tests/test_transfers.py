from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.api.errors import ServiceError
from haven.shelter.models import StayStatus, TransferStatus
from haven.shelter.services import stay_check_in
from haven.shelter.services_transfers import transfer_complete, transfer_plan, transfer_record_consent
from haven.shelter.tests.factories import beds_of, make_person, make_room

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 1)


def test_transfer_without_consent_changes_nothing(personas):
    person = make_person(personas.site_a)
    stay = stay_check_in(actor=personas.manager, person=person, bed=beds_of(make_room(personas.site_a, beds=1))[0])
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    with pytest.raises(ServiceError) as exc:
        transfer_complete(actor=personas.manager, transfer=transfer)
    assert exc.value.code == "consent_missing" and "Centre B" in exc.value.message
    person.refresh_from_db()
    stay.refresh_from_db()
    transfer.refresh_from_db()
    assert person.site_id == personas.site_a.pk
    assert stay.status == StayStatus.CHECKED_IN
    assert transfer.status == TransferStatus.PLANNED


def test_transfer_to_a_region_ends_the_stay_and_keeps_the_case(personas):
    person = make_person(personas.site_a)
    stay = stay_check_in(actor=personas.manager, person=person, bed=beds_of(make_room(personas.site_a, beds=1))[0])
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_region=personas.region
    )
    transfer_complete(actor=personas.manager, transfer=transfer)
    stay.refresh_from_db()
    person.refresh_from_db()
    assert stay.status == StayStatus.CHECKED_OUT and stay.end_reason == "transfer"
    assert person.site_id == personas.site_a.pk


def test_transfer_with_consent_moves_the_case(personas):
    person = make_person(personas.site_a)
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    transfer = transfer_record_consent(actor=personas.manager, transfer=transfer, given_by="guardian")
    done = transfer_complete(actor=personas.manager, transfer=transfer)
    person.refresh_from_db()
    assert done.status == TransferStatus.COMPLETED and person.site_id == personas.site_b.pk


def test_transfer_needs_a_destination(personas):
    with pytest.raises(ValidationError, match="destination"):
        transfer_plan(actor=personas.manager, person=make_person(personas.site_a), planned_date=DAY, reason="x")


def test_consent_in_the_future_is_refused(personas):
    person = make_person(personas.site_a)
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    with pytest.raises(ValidationError, match="future"):
        transfer_record_consent(
            actor=personas.manager,
            transfer=transfer,
            given_by="person",
            given_on=timezone.localdate() + datetime.timedelta(days=2),
        )
    transfer.refresh_from_db()
    assert not transfer.has_consent


def test_second_planned_transfer_is_refused(personas):
    person = make_person(personas.site_a)
    transfer_plan(actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b)
    with pytest.raises(ServiceError):
        transfer_plan(actor=personas.manager, person=person, planned_date=DAY, reason="y", to_site=personas.site_b)


def test_completed_transfer_hands_the_support_case_to_the_receiving_site(personas):
    from django.urls import reverse

    from haven.support.models import Case
    from haven.support.services import case_open

    person = make_person(personas.site_a)
    stay_check_in(actor=personas.manager, person=person, bed=beds_of(make_room(personas.site_a, beds=1))[0])
    case = case_open(actor=personas.caseworker, person=person)
    case_url = reverse("support:case", kwargs={"case_id": case.pk})
    assert personas.client("caseworker").get(case_url).status_code == 200
    assert personas.client("caseworker_b").get(case_url).status_code == 404
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    transfer_record_consent(actor=personas.manager, transfer=transfer, given_by="person")
    transfer_complete(actor=personas.manager, transfer=transfer)
    assert Case.objects.get(pk=case.pk).site_id == personas.site_b.pk
    assert personas.client("caseworker_b").get(case_url).status_code == 200
    assert personas.client("caseworker").get(case_url).status_code == 404
