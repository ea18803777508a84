"""A person whose case is closed (departed, transferred, deceased) is not a resident."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from haven.registry.models import Person
from haven.shelter import selectors
from haven.shelter.models import PresenceEvent, Stay, StayStatus
from haven.shelter.services import stay_check_in, stay_plan, stays_end_for_person
from haven.shelter.tests.factories import beds_of, make_person, make_room

pytestmark = pytest.mark.django_db


def close_case(person: Person, status: str = "departed") -> None:
    # What the registry's status change does today, without calling the shelter.
    Person.objects.filter(pk=person.pk).update(status_id=status)


def two_residents(personas):
    beds = beds_of(make_room(personas.site_a, beds=2, area="10"))
    staying = make_person(personas.site_a, given="Rana", family="Salem")
    gone = make_person(personas.site_a, given="Omar", family="Darwish")
    stay_check_in(actor=personas.manager, person=staying, bed=beds[0])
    stay_check_in(actor=personas.manager, person=gone, bed=beds[1])
    return staying, gone


def test_status_change_ends_the_stay_through_the_entry_point(personas):
    _, gone = two_residents(personas)
    close_case(gone, "deceased")
    ended = stays_end_for_person(actor=personas.manager, person=gone)
    assert ended is not None
    assert ended.status == StayStatus.CHECKED_OUT and ended.end_reason == "status_closed"
    assert PresenceEvent.objects.filter(person=gone).first().kind == "out"
    assert stays_end_for_person(actor=personas.manager, person=gone) is None  # nothing left to end


def test_a_planned_stay_of_a_closed_case_is_cancelled(personas):
    person = make_person(personas.site_a)
    stay = stay_plan(
        actor=personas.manager,
        person=person,
        bed=beds_of(make_room(personas.site_a, beds=1))[0],
        planned_from=datetime.date(2025, 6, 1),
    )
    close_case(person)
    stays_end_for_person(actor=personas.manager, person=person)
    stay.refresh_from_db()
    assert stay.status == StayStatus.CANCELLED


def test_figures_roll_call_and_absences_ignore_a_closed_case(personas):
    staying, gone = two_residents(personas)
    close_case(gone)
    occ = selectors.occupancy(site=personas.site_a)
    assert occ.residents == 1
    assert occ.closed_holding_beds == 1
    assert occ.free_beds == 0  # the bed is still held until the stay ends
    client = personas.client("manager")
    rollcall = client.get(reverse("shelter:rollcall", kwargs={"site_id": personas.site_a.pk})).content.decode()
    assert "Rana Salem" in rollcall and "Omar Darwish" not in rollcall
    page = client.get(reverse("shelter:occupancy", kwargs={"site_id": personas.site_a.pk})).content.decode()
    assert 'data-testid="residents">1<' in page
    assert 'data-testid="closed-holding-beds"' in page
    assert selectors.resident_count(site_ids=[personas.site_a.pk]) == 1


def test_manager_ends_the_stays_of_closed_cases_from_the_dashboard(personas):
    _, gone = two_residents(personas)
    close_case(gone)
    url = reverse("shelter:closed_stays_end", kwargs={"site_id": personas.site_a.pk})
    response = personas.client("manager").post(url, follow=True)
    assert response.status_code == 200
    assert "1 stay ended" in response.content.decode()
    assert Stay.objects.get(person=gone, status=StayStatus.CHECKED_OUT).end_reason == "status_closed"
    assert selectors.occupancy(site=personas.site_a).free_beds == 1


def test_ending_closed_stays_is_denied_without_stay_manage_or_at_another_site(personas):
    _, gone = two_residents(personas)
    close_case(gone)
    url = reverse("shelter:closed_stays_end", kwargs={"site_id": personas.site_a.pk})
    assert personas.client("caseworker").post(url).status_code == 404
    assert personas.client("caseworker_b").post(url).status_code == 404
    assert Stay.objects.filter(person=gone, status=StayStatus.CHECKED_IN).exists()
