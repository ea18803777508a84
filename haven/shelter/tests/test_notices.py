"""Check-in notices: case flags that carry a notice are shown before the check-in."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from haven.shelter.tests.factories import beds_of, make_household, make_person, make_room
from haven.support.services import case_flag_add, case_open

pytestmark = pytest.mark.django_db
BASE = "/api/v1/shelter"
NOTICE = "Needs an interpreter: arrange one before any conversation about the case."


def flag(personas, person, code="interpreter"):
    case = case_open(actor=personas.caseworker, person=person)
    case_flag_add(actor=personas.caseworker, case=case, flag_code=code, comment="private comment")
    return case


def test_household_page_shows_the_notice_before_check_in(personas):
    site = personas.site_a
    hh = make_household(site)
    flagged = make_person(site, household=hh, given="Rana", family="Salem")
    make_person(site, household=hh, given="Omar", family="Salem", sex="M")
    make_room(site, beds=4, area="20")
    flag(personas, flagged)
    response = personas.client("manager").get(
        reverse("shelter:household", kwargs={"site_id": site.pk, "household_id": hh.pk})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="checkin-notices"' in body
    assert NOTICE in body and "Rana Salem" in body
    assert "private comment" not in body  # the flag's comment stays in the case
    assert body.index("checkin-notices") < body.index("Check in here")


def test_household_page_in_russian_shows_the_russian_notice(personas):
    site = personas.site_a
    hh = make_household(site)
    flag(personas, make_person(site, household=hh))
    client = personas.client("manager")
    client.cookies["django_language"] = "ru"
    body = client.get(
        reverse("shelter:household", kwargs={"site_id": site.pk, "household_id": hh.pk}),
        headers={"accept-language": "ru"},
    ).content.decode()
    assert "Нужен переводчик" in body


def test_no_notice_box_without_flags(personas):
    site = personas.site_a
    hh = make_household(site)
    make_person(site, household=hh)
    body = (
        personas.client("manager")
        .get(reverse("shelter:household", kwargs={"site_id": site.pk, "household_id": hh.pk}))
        .content.decode()
    )
    assert "checkin-notices" not in body


def test_api_gives_notices_before_and_with_the_check_in(personas):
    site = personas.site_a
    person = make_person(site)
    bed = beds_of(make_room(site, beds=1, area="10"))[0]
    flag(personas, person)
    api = personas.api("manager")
    before = api.get(f"{BASE}/persons/{person.pk}/checkin-notices")
    assert before.status_code == 200
    assert before.json()["notices"] == [NOTICE]
    response = api.post(
        f"{BASE}/stays",
        data=json.dumps({"person_id": str(person.pk), "bed_id": str(bed.pk)}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["notices"] == [NOTICE]


def test_api_notices_denied_at_another_site_and_without_the_role(personas):
    person = make_person(personas.site_a)
    flag(personas, person)
    assert personas.api("caseworker_b").get(f"{BASE}/persons/{person.pk}/checkin-notices").status_code == 404
    assert personas.api("outsider").get(f"{BASE}/persons/{person.pk}/checkin-notices").status_code == 404
