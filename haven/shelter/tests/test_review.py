"""Findings of a security and data-protection review, each pinned by a test.

Every test here failed before its fix: a read of who sleeps where that was
not audited, a change at a site where the user holds no right, an action on
a closed case that should have been refused.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from haven.audit.models import AuditAction, AuditEvent
from haven.lib.testing.personas import make_user
from haven.registry.models import Person
from haven.shelter.models import PresenceEvent, Stay, StayStatus, Transfer, TransferStatus
from haven.shelter.services import stay_check_in, stay_move
from haven.shelter.services_transfers import transfer_complete, transfer_plan, transfer_record_consent
from haven.shelter.tests.factories import beds_of, make_household, make_person, make_room

pytestmark = pytest.mark.django_db
API = "/api/v1/shelter"
DAY = datetime.date(2025, 6, 1)


def url(name, site, **kw):
    return reverse(f"shelter:{name}", kwargs={"site_id": site.pk, **kw})


def views_with(purpose: str) -> int:
    return AuditEvent.objects.filter(action=AuditAction.VIEW, purpose=purpose).count()


# --- A household split between two sites ------------------------------------------


def split_household(personas):
    """A household at A; one member was transferred (with consent) to B and sleeps there."""
    manager_b = make_user("manager_b", site=personas.site_b, role="manager")
    household = make_household(personas.site_a)
    here = make_person(personas.site_a, household=household, given="Rana", family="Salem")
    moved = make_person(personas.site_a, household=household, given="Omar", family="Darwish")
    stay_check_in(actor=personas.manager, person=here, bed=beds_of(make_room(personas.site_a, beds=1))[0])
    transfer = transfer_plan(
        actor=personas.manager, person=moved, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    transfer_record_consent(actor=personas.manager, transfer=transfer, given_by="person")
    transfer_complete(actor=personas.manager, transfer=transfer)
    moved.refresh_from_db()
    room_b = make_room(personas.site_b, beds=1, name="B-Room-77")
    there = stay_check_in(actor=manager_b, person=moved, bed=beds_of(room_b)[0])
    return household, here, moved, there


def test_household_check_out_does_not_end_a_stay_at_another_site(personas):
    household, here, _, there = split_household(personas)
    response = personas.client("manager").post(
        url("household", personas.site_a, household_id=household.pk), {"action": "check_out", "reason": "departure"}
    )
    assert response.status_code == 302
    there.refresh_from_db()
    assert there.status == StayStatus.CHECKED_IN  # site A's manager holds no right at B
    assert Stay.objects.get(person=here).status == StayStatus.CHECKED_OUT


def test_household_page_does_not_show_where_a_member_at_another_site_sleeps(personas):
    household, _, _, _ = split_household(personas)
    page = personas.client("manager").get(url("household", personas.site_a, household_id=household.pk))
    body = page.content.decode()
    assert page.status_code == 200 and "Rana Salem" in body
    assert "B-Room-77" not in body
    assert "Omar Darwish" not in body


# --- Reads of who sleeps where are audited ----------------------------------------


def test_room_grid_page_loaded_by_htmx_is_audited(personas):
    person = make_person(personas.site_a, given="Amal", family="Haddad")
    stay_check_in(actor=personas.manager, person=person, bed=beds_of(make_room(personas.site_a, beds=1))[0])
    before = views_with("room grid")
    response = personas.client("manager").get(url("occupancy", personas.site_a) + "?page=1", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Amal Haddad" in response.content.decode()
    assert views_with("room grid") == before + 1


def test_transfer_list_is_audited(personas):
    person = make_person(personas.site_a, given="Amal", family="Haddad")
    transfer_plan(actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b)
    before = views_with("transfer list")
    page = personas.client("manager").get(url("transfers", personas.site_a))
    assert page.status_code == 200 and "Amal Haddad" in page.content.decode()
    assert views_with("transfer list") == before + 1
    response = personas.api("manager").get(f"{API}/sites/{personas.site_a.pk}/transfers")
    assert response.status_code == 200 and len(response.json()) == 1
    assert views_with("transfer list") == before + 2


# --- Closed cases ------------------------------------------------------------------


def checked_in_then_departed(personas):
    person = make_person(personas.site_a, given="Omar", family="Darwish")
    beds = beds_of(make_room(personas.site_a, beds=2))
    stay = stay_check_in(actor=personas.manager, person=person, bed=beds[0])
    # The status changed without the shelter's entry point (an import): the stay is still open.
    Person.objects.filter(pk=person.pk).update(status_id="departed")
    return person, stay, beds[1]


def test_roll_call_does_not_record_presence_of_a_departed_person(personas):
    person, _, _ = checked_in_then_departed(personas)
    response = personas.client("manager").post(
        url("rollcall_mark", personas.site_a, person_id=person.pk), {"kind": "seen"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert not PresenceEvent.objects.filter(person=person, kind="seen").exists()


def test_api_refuses_presence_of_a_departed_person(personas):
    person, _, _ = checked_in_then_departed(personas)
    payload = json.dumps({"person_id": str(person.pk), "kind": "seen"})
    response = personas.api("manager").post(f"{API}/presence", data=payload, content_type="application/json")
    assert response.status_code == 400
    assert not PresenceEvent.objects.filter(person=person, kind="seen").exists()


def test_a_departed_person_cannot_be_moved_to_another_bed(personas):
    person, stay, other_bed = checked_in_then_departed(personas)
    with pytest.raises(ValidationError, match="closed"):
        stay_move(actor=personas.manager, stay=stay, bed=other_bed)
    stay.refresh_from_db()
    assert stay.status == StayStatus.CHECKED_IN
    assert Stay.objects.filter(person=person).count() == 1


# --- A transfer whose person is no longer at the sending site ------------------------


def test_sending_site_cannot_complete_a_transfer_of_a_person_now_at_another_site(personas):
    # A transfer planned at A for a record that a merge then re-pointed to a
    # survivor held by B (the merge moves every row that points at the person).
    manager_b = make_user("manager_b", site=personas.site_b, role="manager")
    merged = make_person(personas.site_a)
    survivor = make_person(personas.site_b, given="Omar", family="Darwish")
    stay_b = stay_check_in(actor=manager_b, person=survivor, bed=beds_of(make_room(personas.site_b, beds=1))[0])
    transfer = transfer_plan(
        actor=personas.manager, person=merged, planned_date=DAY, reason="x", to_region=personas.region
    )
    Transfer.objects.filter(pk=transfer.pk).update(person=survivor)
    client = personas.client("manager")
    page = client.get(url("transfers", personas.site_a)).content.decode()
    assert "Omar Darwish" not in page
    client.post(url("transfer_action", personas.site_a, transfer_id=transfer.pk, action="complete"))
    stay_b.refresh_from_db()
    transfer.refresh_from_db()
    assert stay_b.status == StayStatus.CHECKED_IN  # site A's manager ended no stay at B
    assert transfer.status == TransferStatus.PLANNED


def test_the_sending_site_still_sees_whom_it_transferred(personas):
    # A transfer done is the sending site's own record of whom it sent where.
    person = make_person(personas.site_a, given="Rami", family="Khoury")
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    transfer = transfer_record_consent(actor=personas.manager, transfer=transfer, given_by="person")
    transfer_complete(actor=personas.manager, transfer=transfer)
    page = personas.client("manager").get(url("transfers", personas.site_a)).content.decode()
    assert "Rami Khoury" in page


# --- After a transfer, the receiving site reads only its own stays ------------------


def test_receiving_site_does_not_read_where_the_person_slept_at_the_sending_site(personas):
    manager_b = make_user("manager_b", site=personas.site_b, role="manager")
    person = make_person(personas.site_a)
    stay_check_in(
        actor=personas.manager, person=person, bed=beds_of(make_room(personas.site_a, beds=1, name="A-Room-55"))[0]
    )
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    transfer_record_consent(actor=personas.manager, transfer=transfer, given_by="person")
    transfer_complete(actor=personas.manager, transfer=transfer)
    person.refresh_from_db()
    stay_check_in(actor=manager_b, person=person, bed=beds_of(make_room(personas.site_b, beds=1, name="B-Room-66"))[0])
    from django.apps import apps

    (section,) = apps.get_app_config("shelter").person_sections(manager_b, person)
    assert "B-Room-66" in section["html"] and "A-Room-55" not in section["html"]
    api = personas.api("caseworker_b")
    stays = api.get(f"{API}/persons/{person.pk}/stays")
    assert stays.status_code == 200 and len(stays.json()) == 1
    presence = api.get(f"{API}/persons/{person.pk}/presence")
    assert presence.status_code == 200
    assert {event["site_id"] for event in presence.json()} == {str(personas.site_b.pk)}


# --- A transfer and a case that closed, or a record merged away ---------------------


def test_a_transfer_planned_before_the_case_closed_cannot_be_completed(personas):
    # Planned, then the person left on their own: nothing is handed over, and
    # the closing of the case cancels what was planned for it.
    person = make_person(personas.site_a)
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    transfer = transfer_record_consent(actor=personas.manager, transfer=transfer, given_by="person")
    Person.objects.filter(pk=person.pk).update(status_id="departed")  # closed without the registry's service
    with pytest.raises(ValidationError, match="closed"):
        transfer_complete(actor=personas.manager, transfer=transfer)
    person.refresh_from_db()
    transfer.refresh_from_db()
    assert person.site_id == personas.site_a.pk and transfer.status == TransferStatus.PLANNED


def test_closing_a_case_cancels_its_planned_transfer(personas):
    from haven.registry.services import person_update

    person = make_person(personas.site_a)
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_site=personas.site_b
    )
    person_update(actor=personas.registrar, person=person, status="deceased")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    assert AuditEvent.objects.filter(object_id=str(transfer.pk), purpose="case closed").exists()


def test_a_merged_away_records_transfer_does_not_block_the_survivors_and_ends_with_it(personas):
    # The merge re-pointed site A's planned transfer to the survivor, held by B.
    manager_b = make_user("manager_b", site=personas.site_b, role="manager")
    merged = make_person(personas.site_a)
    survivor = make_person(personas.site_b)
    stale = transfer_plan(
        actor=personas.manager, person=merged, planned_date=DAY, reason="x", to_region=personas.region
    )
    Transfer.objects.filter(pk=stale.pk).update(person=survivor)
    fresh = transfer_plan(actor=manager_b, person=survivor, planned_date=DAY, reason="y", to_site=personas.site_a)
    assert fresh.from_site_id == personas.site_b.pk
    stale.refresh_from_db()
    assert stale.status == TransferStatus.PLANNED  # site A's to cancel; it can no longer complete it
    # Completing B's transfer voids it: else A could complete it later, with its old
    # consent, once the person is back at A.
    transfer_record_consent(actor=manager_b, transfer=fresh, given_by="person")
    transfer_complete(actor=manager_b, transfer=fresh)
    stale.refresh_from_db()
    assert stale.status == TransferStatus.CANCELLED


def test_a_transfer_out_of_haven_closes_the_case_and_its_card(personas):
    from haven.registry import services as registry_services
    from haven.registry.selectors import card_token, card_verify

    person = make_person(personas.site_a)
    token = card_token(registry_services.card_issue(actor=personas.registrar, person=person))
    transfer = transfer_plan(
        actor=personas.manager, person=person, planned_date=DAY, reason="x", to_region=personas.region
    )
    transfer_complete(actor=personas.manager, transfer=transfer)
    person.refresh_from_db()
    assert person.site_id == personas.site_a.pk  # the sending site keeps its record of whom it sent
    assert person.status_id == "transferred" and not person.status.is_present
    assert card_verify(user=personas.caseworker, token=token)[0] == "closed"
