"""Pages: check in one person, move a person, buildings, rooms and beds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.shelter.models import Bed, Building, Room, RoomStatus, Stay, StayStatus
from haven.shelter.services import stay_check_in
from haven.shelter.tests.factories import beds_of, make_person, make_room

pytestmark = pytest.mark.django_db


def url(name, site, **kw):
    return reverse(f"shelter:{name}", kwargs={"site_id": site.pk, **kw})


# --- Check in one person ------------------------------------------------------------


def test_manager_checks_in_a_single_person(personas):
    site = personas.site_a
    person = make_person(site, given="Rana", family="Salem")
    bed = beds_of(make_room(site, beds=2, area="10", name="A-7"))[1]
    client = personas.client("manager")
    listing = client.get(url("checkin", site)).content.decode()
    assert "Rana Salem" in listing
    page = client.get(url("person_check_in", site, person_id=person.pk))
    assert page.status_code == 200 and "A-7" in page.content.decode()
    response = client.post(url("person_check_in", site, person_id=person.pk), {"bed": str(bed.pk)}, follow=True)
    assert "Rana Salem checked in to room A-7, bed 2." in response.content.decode()
    assert Stay.objects.get(person=person, status=StayStatus.CHECKED_IN).bed == bed
    assert "Rana Salem" not in client.get(url("checkin", site)).content.decode()


def test_a_bed_in_a_blocked_room_is_refused_and_nothing_changes(personas):
    site = personas.site_a
    person = make_person(site)
    blocked = beds_of(make_room(site, beds=1, area="10", name="B-1", status=RoomStatus.BLOCKED))[0]
    client = personas.client("manager")
    assert str(blocked.pk) not in client.get(url("person_check_in", site, person_id=person.pk)).content.decode()
    response = client.post(url("person_check_in", site, person_id=person.pk), {"bed": str(blocked.pk)})
    assert response.status_code == 400
    assert "The room B-1 is blocked" in response.content.decode()
    assert not Stay.objects.filter(person=person).exists()


def test_check_in_pages_denied_to_other_roles_and_sites(personas):
    site = personas.site_a
    person = make_person(site)
    bed = beds_of(make_room(site, beds=1))[0]
    target = url("person_check_in", site, person_id=person.pk)
    assert personas.client("caseworker").get(url("checkin", site)).status_code == 404
    assert personas.client("caseworker").post(target, {"bed": str(bed.pk)}).status_code == 404
    assert personas.client("caseworker_b").get(target).status_code == 404
    assert personas.client("outsider").get(target).status_code == 404
    assert not Stay.objects.filter(person=person).exists()


# --- Move ----------------------------------------------------------------------------


def test_manager_moves_a_person_to_another_bed(personas):
    site = personas.site_a
    person = make_person(site, given="Omar", family="Darwish", sex="M")
    first = beds_of(make_room(site, beds=1, area="10", name="A-1"))[0]
    target = beds_of(make_room(site, beds=1, area="10", name="A-2"))[0]
    stay = stay_check_in(actor=personas.manager, person=person, bed=first)
    client = personas.client("manager")
    grid = client.get(url("occupancy", site)).content.decode()
    assert url("stay_move", site, stay_id=stay.pk) in grid
    response = client.post(url("stay_move", site, stay_id=stay.pk), {"bed": str(target.pk)}, follow=True)
    assert "Omar Darwish moved to room A-2, bed 1." in response.content.decode()
    stay.refresh_from_db()
    assert stay.status == StayStatus.MOVED
    assert Stay.objects.get(person=person, status=StayStatus.CHECKED_IN).bed == target


def test_move_to_a_taken_bed_is_refused(personas):
    site = personas.site_a
    beds = beds_of(make_room(site, beds=2, area="10"))
    stay = stay_check_in(actor=personas.manager, person=make_person(site), bed=beds[0])
    stay_check_in(actor=personas.manager, person=make_person(site), bed=beds[1])
    response = personas.client("manager").post(url("stay_move", site, stay_id=stay.pk), {"bed": str(beds[1].pk)})
    assert response.status_code == 400
    assert "just taken" in response.content.decode()
    stay.refresh_from_db()
    assert stay.status == StayStatus.CHECKED_IN


def test_move_denied_to_caseworker_and_other_site(personas):
    site = personas.site_a
    beds = beds_of(make_room(site, beds=2, area="10"))
    stay = stay_check_in(actor=personas.manager, person=make_person(site), bed=beds[0])
    target = url("stay_move", site, stay_id=stay.pk)
    assert personas.client("caseworker").post(target, {"bed": str(beds[1].pk)}).status_code == 404
    assert personas.client("caseworker_b").get(target).status_code == 404
    stay.refresh_from_db()
    assert stay.status == StayStatus.CHECKED_IN


# --- Buildings, rooms, beds ----------------------------------------------------------------


def test_manager_adds_a_building_a_room_and_a_bed(personas):
    site = personas.site_a
    client = personas.client("manager")
    response = client.post(url("rooms", site), {"action": "building_add", "b-name": "Block C", "b-sort_order": "2"})
    building = Building.objects.get(site=site, name="Block C")
    assert response.status_code == 302
    client.post(
        url("rooms", site),
        {
            "action": "room_add",
            "building": str(building.pk),
            "r-name": "C-1",
            "r-floor": "1",
            "r-floor_area_m2": "18",
            "r-designation": "women",
            "r-status": "in_use",
            "r-beds": "3",
        },
    )
    room = Room.objects.get(building=building, name="C-1")
    assert room.designation == "women" and room.beds.count() == 3
    page = client.get(url("rooms", site) + f"?building={building.pk}").content.decode()
    assert "C-1" in page and "Women only" in page
    client.post(url("room_edit", site, room_id=room.pk), {"action": "bed_add", "bed-label": "4"})
    assert room.beds.count() == 4
    bed = room.beds.get(label="4")
    client.post(url("room_edit", site, room_id=room.pk), {"action": "bed_label", "bed": str(bed.pk), "label": "4a"})
    assert Bed.objects.get(pk=bed.pk).label == "4a"
    client.post(url("building_edit", site, building_id=building.pk), {"name": "Block C (new)", "sort_order": "1"})
    assert Building.objects.get(pk=building.pk).name == "Block C (new)"


def test_manager_changes_a_room_and_a_negative_area_is_refused(personas):
    site = personas.site_a
    room = make_room(site, beds=2, area="12")
    client = personas.client("manager")
    target = url("room_edit", site, room_id=room.pk)
    ok = client.post(target, {"action": "room", "floor_area_m2": "15", "designation": "accessible", "status": "repair"})
    assert ok.status_code == 302
    room.refresh_from_db()
    assert (room.floor_area_m2, room.designation, room.status) == (15, "accessible", "repair")
    bad = client.post(target, {"action": "room", "floor_area_m2": "-4", "designation": "family", "status": "in_use"})
    assert bad.status_code == 400
    assert "The floor area must be more than 0 m²." in bad.content.decode()
    room.refresh_from_db()
    assert (room.floor_area_m2, room.designation, room.status) == (15, "accessible", "repair")


def test_a_new_room_with_a_negative_area_is_refused(personas):
    site = personas.site_a
    building = make_room(site).building
    response = personas.client("manager").post(
        url("rooms", site),
        {
            "action": "room_add",
            "building": str(building.pk),
            "r-name": "X-1",
            "r-floor": "1",
            "r-floor_area_m2": "-10",
            "r-designation": "family",
            "r-status": "in_use",
            "r-beds": "2",
        },
    )
    assert response.status_code == 400
    assert "The floor area must be more than 0 m²." in response.content.decode()
    assert not Room.objects.filter(name="X-1").exists()


def test_room_pages_denied_without_site_manage_or_at_another_site(personas):
    site = personas.site_a
    room = make_room(site, beds=1, area="10")
    edit = url("room_edit", site, room_id=room.pk)
    for who in ("caseworker", "registrar", "caseworker_b", "outsider"):
        assert personas.client(who).get(url("rooms", site)).status_code == 404
        assert personas.client(who).post(edit, {"action": "bed_add", "bed-label": "9"}).status_code == 404
    assert (
        personas.client("caseworker").get(url("building_edit", site, building_id=room.building_id)).status_code == 404
    )
    assert room.beds.count() == 1
