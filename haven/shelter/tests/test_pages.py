from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.shelter.models import PresenceEvent, Stay, StayStatus, Transfer
from haven.shelter.services import stay_check_in
from haven.shelter.services_presence import presence_record
from haven.shelter.tests.factories import beds_of, make_household, make_person, make_room

pytestmark = pytest.mark.django_db


def url(name, site, **kw):
    return reverse(f"shelter:{name}", kwargs={"site_id": site.pk, **kw})


def populate(site, manager, rooms=3, per_room=4):
    people = []
    for _ in range(rooms):
        room = make_room(site, beds=per_room, area="20")
        for bed in beds_of(room):
            person = make_person(site, given="Amal", family="Haddad")
            stay_check_in(actor=manager, person=person, bed=bed)
            people.append(person)
    return people


def test_manager_sees_occupancy_and_names_in_the_grid(personas):
    populate(personas.site_a, personas.manager, rooms=2, per_room=2)
    response = personas.client("manager").get(url("occupancy", personas.site_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="residents">4<' in body
    assert "Amal Haddad" in body


def test_admin_sees_counts_but_no_names(personas, settings):
    settings.HAVEN_REQUIRE_2FA = False
    populate(personas.site_a, personas.manager, rooms=1, per_room=2)
    response = personas.client("admin").get(url("occupancy", personas.site_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amal Haddad" not in body
    assert "0 free of 2 beds" in body


def test_occupancy_query_count_does_not_grow_with_residents(personas, django_assert_max_num_queries):
    client = personas.client("manager")
    populate(personas.site_a, personas.manager, rooms=2, per_room=2)
    with django_assert_max_num_queries(40) as small:
        client.get(url("occupancy", personas.site_a))
    populate(personas.site_a, personas.manager, rooms=6, per_room=5)
    with django_assert_max_num_queries(40) as large:
        response = client.get(url("occupancy", personas.site_a))
    assert len(large.captured_queries) == len(small.captured_queries)
    # 5 people in 20 m² at 4.5 m² each: the new rooms are over-crowded, at no extra query
    assert 'data-testid="crowded">6<' in response.content.decode()


def test_other_site_and_outsider_get_404(personas):
    assert personas.client("caseworker_b").get(url("occupancy", personas.site_a)).status_code == 404
    assert personas.client("outsider").get(url("occupancy", personas.site_a)).status_code == 404
    assert personas.client("outsider").get(reverse("shelter:index")).status_code == 404


def test_roll_call_marks_seen_without_reload(personas):
    (person,) = populate(personas.site_a, personas.manager, rooms=1, per_room=1)
    client = personas.client("manager")
    page = client.get(url("rollcall", personas.site_a))
    assert page.status_code == 200 and 'data-testid="mark-seen"' in page.content.decode()
    response = client.post(
        url("rollcall_mark", personas.site_a, person_id=person.pk), {"kind": "seen"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "✓" in response.content.decode() and "<html" not in response.content.decode()
    assert PresenceEvent.objects.filter(person=person, kind="seen").count() == 1


def test_roll_call_denied_without_presence_capability(personas):
    (person,) = populate(personas.site_a, personas.manager, rooms=1, per_room=1)
    client = personas.client("registrar")
    assert client.get(url("rollcall", personas.site_a)).status_code == 404
    assert client.post(url("rollcall_mark", personas.site_a, person_id=person.pk)).status_code == 404
    assert not PresenceEvent.objects.filter(kind="seen").exists()


def test_absent_list_shows_who_has_been_away_five_days(personas, settings):
    settings.HAVEN_REQUIRE_2FA = False
    away, here = make_person(personas.site_a, given="Rami", family="Away"), make_person(personas.site_a, given="Nour")
    bed1, bed2 = beds_of(make_room(personas.site_a, beds=2))
    long_ago = timezone.now() - datetime.timedelta(days=10)
    stay_check_in(actor=personas.manager, person=away, bed=bed1, at=long_ago)
    stay_check_in(actor=personas.manager, person=here, bed=bed2, at=long_ago)
    presence_record(actor=personas.manager, person=here, kind="seen")
    body = personas.client("manager").get(url("absent", personas.site_a)).content.decode()
    assert "Rami Away" in body and "Nour" not in body
    assert personas.client("admin").get(url("absent", personas.site_a)).status_code == 404


def test_household_placement_suggests_and_checks_in(personas):
    household = make_household(personas.site_a)
    for sex in "FMF":
        make_person(personas.site_a, household=household, sex=sex)
    make_room(personas.site_a, beds=2, area="20", name="Small")
    make_room(personas.site_a, beds=4, area="4", name="Tiny-area")
    room = make_room(personas.site_a, beds=4, area="20", name="Fits")
    client = personas.client("manager")
    page = client.get(url("household", personas.site_a, household_id=household.pk)).content.decode()
    assert "Fits" in page and "Small" not in page and "Tiny-area" not in page
    response = client.post(
        url("household", personas.site_a, household_id=household.pk), {"action": "check_in", "room": room.pk}
    )
    assert response.status_code == 302
    assert Stay.objects.filter(household=household, status=StayStatus.CHECKED_IN, bed__room=room).count() == 3
    client.post(
        url("household", personas.site_a, household_id=household.pk), {"action": "check_out", "reason": "departure"}
    )
    assert Stay.objects.filter(household=household, status=StayStatus.CHECKED_OUT).count() == 3


def test_households_page_denied_to_caseworker(personas):
    assert personas.client("caseworker").get(url("households", personas.site_a)).status_code == 404
    assert personas.client("manager").get(url("households", personas.site_a)).status_code == 200


def test_transfer_page_plans_and_refuses_completion_without_consent(personas):
    (person,) = populate(personas.site_a, personas.manager, rooms=1, per_room=1)
    client = personas.client("manager")
    response = client.post(
        url("transfers", personas.site_a),
        {
            "person": str(person.pk),
            "to_site": str(personas.site_b.pk),
            "planned_date": "2025-06-01",
            "reason": "Relatives",
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    response = client.post(
        url("transfer_action", personas.site_a, transfer_id=transfer.pk, action="complete"), follow=True
    )
    assert "record the person" in response.content.decode()
    person.refresh_from_db()
    assert person.site_id == personas.site_a.pk
    client.post(
        url("transfer_action", personas.site_a, transfer_id=transfer.pk, action="consent"),
        {"given_by": "person", "given_on": timezone.localdate().isoformat()},
    )
    client.post(url("transfer_action", personas.site_a, transfer_id=transfer.pk, action="complete"))
    person.refresh_from_db()
    assert person.site_id == personas.site_b.pk


def test_transfer_actions_denied_to_registrar(personas):
    (person,) = populate(personas.site_a, personas.manager, rooms=1, per_room=1)
    from haven.shelter.services_transfers import transfer_plan

    transfer = transfer_plan(
        actor=personas.manager,
        person=person,
        planned_date=datetime.date(2025, 6, 1),
        reason="x",
        to_site=personas.site_b,
    )
    response = personas.client("registrar").post(
        url("transfer_action", personas.site_a, transfer_id=transfer.pk, action="cancel")
    )
    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "planned"


def test_nav_and_home_panels(personas):
    populate(personas.site_a, personas.manager, rooms=1, per_room=2)
    from django.apps import apps

    config = apps.get_app_config("shelter")
    titles = [str(i["title"]) for i in config.nav_items(personas.manager)]
    assert titles == ["Occupancy", "Roll call", "Absent"]
    assert config.nav_items(personas.outsider) == []
    panels = {str(p["title"]): p["value"] for p in config.home_panels(personas.manager)}
    assert panels == {"Residents": 2, "Free beds": 0, "Absent": 0}
    assert {str(p["title"]): p["value"] for p in config.home_panels(personas.caseworker_b)}["Residents"] == 0


def test_person_section_shows_bed_and_history(personas):
    (person,) = populate(personas.site_a, personas.manager, rooms=1, per_room=1)
    from django.apps import apps

    config = apps.get_app_config("shelter")
    (section,) = config.person_sections(personas.manager, person)
    assert "Current bed" in section["html"]
    assert config.person_sections(personas.caseworker_b, person) == []
    assert config.person_sections(personas.doctor, person) == []
