from __future__ import annotations

import datetime
import json

import pytest

from haven.audit.models import AuditEvent
from haven.shelter.models import PresenceEvent, Stay, StayStatus, Transfer
from haven.shelter.services import stay_check_in
from haven.shelter.tests.factories import beds_of, make_person, make_room

pytestmark = pytest.mark.django_db
BASE = "/api/v1/shelter"


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def test_manager_builds_a_room_and_sees_its_capacity(personas):
    api = personas.api("manager")
    site = personas.site_a
    building = post(api, f"{BASE}/sites/{site.pk}/buildings", {"name": "Block A"})
    assert building.status_code == 201
    room = post(
        api,
        f"{BASE}/buildings/{building.json()['id']}/rooms",
        {"name": "A-101", "floor_area_m2": "13.5", "designation": "family", "beds": 4},
    )
    assert room.status_code == 201, room.content
    body = room.json()
    assert body["beds"] == 4 and body["area_capacity"] == 3 and body["capacity"] == 3
    assert body["beds_exceed_area"] is True
    beds = api.get(f"{BASE}/rooms/{body['id']}/beds").json()
    assert [b["label"] for b in beds] == ["1", "2", "3", "4"]
    assert AuditEvent.objects.filter(object_type="shelter.room", action="create").exists()


def test_negative_area_through_the_api_is_a_clear_error(personas):
    room = make_room(personas.site_a)
    response = post(
        personas.api("manager"),
        f"{BASE}/buildings/{room.building_id}/rooms",
        {"name": "X", "floor_area_m2": "-4", "beds": 1},
    )
    assert response.status_code == 400
    assert "more than 0" in json.dumps(response.json()["error"]["details"])


def test_site_profile_sets_the_norm(personas):
    api = personas.api("manager")
    response = patch(api, f"{BASE}/sites/{personas.site_a.pk}", {"area_per_person_m2": "5.5", "address": "Perm"})
    assert response.status_code == 200
    assert response.json()["area_per_person_m2"] == "5.50"


def test_caseworker_may_not_change_the_site(personas):
    response = patch(personas.api("caseworker"), f"{BASE}/sites/{personas.site_a.pk}", {"address": "x"})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="permission_denied").count() == 0  # 404: no probing


def test_other_site_is_not_found(personas):
    assert personas.api("caseworker_b").get(f"{BASE}/sites/{personas.site_a.pk}/occupancy").status_code == 404
    assert personas.api("outsider").get(f"{BASE}/sites").json() == []


def test_check_in_move_check_out_through_the_api(personas):
    api = personas.api("manager")
    person = make_person(personas.site_a)
    bed1, bed2 = beds_of(make_room(personas.site_a, beds=2))
    created = post(api, f"{BASE}/stays", {"person_id": str(person.pk), "bed_id": str(bed1.pk)})
    assert created.status_code == 201 and created.json()["status"] == "checked_in"
    moved = post(api, f"{BASE}/stays/{created.json()['id']}/move", {"bed_id": str(bed2.pk)})
    assert moved.status_code == 201 and moved.json()["previous_id"] == created.json()["id"]
    out = post(api, f"{BASE}/stays/{moved.json()['id']}/check-out", {"reason": "departure"})
    assert out.status_code == 200 and out.json()["status"] == "checked_out"
    history = api.get(f"{BASE}/persons/{person.pk}/stays").json()
    assert [h["status"] for h in history] == ["checked_out", "moved"]


def test_taken_bed_is_a_409_with_a_translated_message(personas):
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    stay_check_in(actor=personas.manager, person=make_person(personas.site_a), bed=bed)
    api = personas.api("manager")
    response = api.post(
        f"{BASE}/stays",
        data=json.dumps({"person_id": str(make_person(personas.site_a).pk), "bed_id": str(bed.pk)}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "bed_taken"
    assert "только что" in response.json()["error"]["message"]


def test_registrar_may_not_check_in(personas):
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    person = make_person(personas.site_a)
    response = post(personas.api("registrar"), f"{BASE}/stays", {"person_id": str(person.pk), "bed_id": str(bed.pk)})
    assert response.status_code == 404
    assert not Stay.objects.exists()


def test_presence_event_and_absence_list(personas):
    person = make_person(personas.site_a)
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    stay_check_in(
        actor=personas.manager,
        person=person,
        bed=bed,
        at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    api = personas.api("manager")
    absent = api.get(f"{BASE}/sites/{personas.site_a.pk}/absent").json()
    assert [a["person_id"] for a in absent] == [str(person.pk)]
    seen = post(api, f"{BASE}/presence", {"person_id": str(person.pk), "kind": "seen"})
    assert seen.status_code == 201
    assert api.get(f"{BASE}/sites/{personas.site_a.pk}/absent").json() == []
    assert PresenceEvent.objects.filter(person=person).count() == 2


def test_presence_needs_the_capability(personas):
    person = make_person(personas.site_a)
    response = post(personas.api("registrar"), f"{BASE}/presence", {"person_id": str(person.pk), "kind": "seen"})
    assert response.status_code == 404


def test_transfer_needs_consent_before_the_case_moves(personas):
    person = make_person(personas.site_a)
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    stay = stay_check_in(actor=personas.manager, person=person, bed=bed)
    api = personas.api("manager")
    planned = post(
        api,
        f"{BASE}/transfers",
        {
            "person_id": str(person.pk),
            "planned_date": "2025-05-01",
            "reason": "Relatives",
            "to_site_id": str(personas.site_b.pk),
        },
    )
    assert planned.status_code == 201
    tid = planned.json()["id"]
    refused = post(api, f"{BASE}/transfers/{tid}/complete")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "consent_missing"
    person.refresh_from_db()
    assert person.site_id == personas.site_a.pk
    assert (
        post(api, f"{BASE}/transfers/{tid}/consent", {"given_by": "person", "given_on": "2025-04-01"}).status_code
        == 200
    )
    done = post(api, f"{BASE}/transfers/{tid}/complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    person.refresh_from_db()
    stay.refresh_from_db()
    assert person.site_id == personas.site_b.pk
    assert stay.status == StayStatus.CHECKED_OUT and stay.end_reason == "transfer"


def test_transfer_of_another_sites_person_is_not_found(personas):
    person = make_person(personas.site_b)
    response = post(
        personas.api("manager"),
        f"{BASE}/transfers",
        {
            "person_id": str(person.pk),
            "planned_date": "2025-05-01",
            "reason": "x",
            "to_site_id": str(personas.site_a.pk),
        },
    )
    assert response.status_code == 404
    assert not Transfer.objects.exists()


def test_occupancy_endpoint(personas):
    make_room(personas.site_a, beds=3, area="9")  # 2 by area: crowded once 3 sleep there
    room = make_room(personas.site_a, beds=3, area="9")
    for bed in beds_of(room):
        stay_check_in(actor=personas.manager, person=make_person(personas.site_a), bed=bed)
    body = personas.api("manager").get(f"{BASE}/sites/{personas.site_a.pk}/occupancy").json()
    assert body["residents"] == 3 and body["free_beds"] == 3 and body["arrivals_this_week"] == 3
    assert body["crowded_rooms"] == [str(room.pk)]
    assert personas.api("registrar").get(f"{BASE}/sites/{personas.site_a.pk}/occupancy").status_code == 404
