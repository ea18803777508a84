from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.api.errors import ServiceError
from haven.audit.models import AuditEvent
from haven.shelter.models import PresenceStatus, RoomDesignation, RoomStatus, Stay, StayEndReason, StayStatus
from haven.shelter.services import (
    household_check_in,
    household_check_out,
    room_create,
    room_update,
    stay_cancel,
    stay_check_in,
    stay_check_out,
    stay_move,
    stay_plan,
)
from haven.shelter.tests.factories import beds_of, make_household, make_person, make_room

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2025, 4, 10, 9, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_check_in_move_and_check_out_keep_the_history(personas):
    person = make_person(personas.site_a)
    room = make_room(personas.site_a, beds=2)
    bed1, bed2 = beds_of(room)
    stay = stay_check_in(actor=personas.manager, person=person, bed=bed1)
    assert stay.status == StayStatus.CHECKED_IN
    assert PresenceStatus.objects.get(person=person).last_kind == "in"
    moved = stay_move(actor=personas.manager, stay=stay, bed=bed2)
    stay.refresh_from_db()
    assert stay.status == StayStatus.MOVED and stay.end_reason == StayEndReason.MOVED
    assert moved.previous == stay and moved.bed == bed2
    out = stay_check_out(actor=personas.manager, stay=moved, reason=StayEndReason.DEPARTURE)
    assert out.status == StayStatus.CHECKED_OUT
    assert list(Stay.objects.filter(person=person).order_by("created_at").values_list("status", flat=True)) == [
        "moved",
        "checked_out",
    ]
    assert AuditEvent.objects.filter(object_type="shelter.stay").count() >= 4


def test_planned_stay_becomes_current_on_check_in(personas):
    person = make_person(personas.site_a)
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    planned = stay_plan(actor=personas.manager, person=person, bed=bed, planned_from=datetime.date(2025, 4, 11))
    stay = stay_check_in(actor=personas.manager, person=person, bed=bed)
    assert stay.pk == planned.pk and stay.status == StayStatus.CHECKED_IN


def test_planned_bed_is_not_free_for_someone_else(personas):
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    stay_plan(actor=personas.manager, person=make_person(personas.site_a), bed=bed, planned_from=timezone.localdate())
    with pytest.raises(ServiceError) as exc:
        stay_check_in(actor=personas.manager, person=make_person(personas.site_a), bed=bed)
    assert exc.value.code == "bed_taken"
    assert "just taken" in exc.value.message


def test_cancelled_plan_frees_the_bed(personas):
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    plan = stay_plan(
        actor=personas.manager, person=make_person(personas.site_a), bed=bed, planned_from=timezone.localdate()
    )
    stay_cancel(actor=personas.manager, stay=plan)
    assert stay_check_in(actor=personas.manager, person=make_person(personas.site_a), bed=bed).status == "checked_in"


def test_a_person_has_only_one_active_stay(personas):
    person = make_person(personas.site_a)
    bed1, bed2 = beds_of(make_room(personas.site_a, beds=2))
    stay_check_in(actor=personas.manager, person=person, bed=bed1)
    with pytest.raises(ServiceError) as exc:
        stay_check_in(actor=personas.manager, person=person, bed=bed2)
    assert exc.value.code == "person_has_stay"
    assert Stay.objects.filter(person=person).count() == 1


def test_database_refuses_two_active_stays_per_bed(personas):
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    a, b = make_person(personas.site_a), make_person(personas.site_a)
    now = timezone.now()
    Stay.objects.create(site=personas.site_a, person=a, bed=bed, status="checked_in", checked_in_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(site=personas.site_a, person=b, bed=bed, status="planned")


def test_database_refuses_two_active_stays_per_person(personas):
    bed1, bed2 = beds_of(make_room(personas.site_a, beds=2))
    a = make_person(personas.site_a)
    Stay.objects.create(site=personas.site_a, person=a, bed=bed1, status="planned")
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(site=personas.site_a, person=a, bed=bed2, status="planned")


# --- Bad input: clear errors, nothing changed --------------------------------------


@pytest.mark.parametrize("status", [RoomStatus.BLOCKED, RoomStatus.REPAIR])
def test_no_stay_in_a_blocked_room(personas, status):
    (bed,) = beds_of(make_room(personas.site_a, beds=1, status=status, name="B-9"))
    person = make_person(personas.site_a)
    with pytest.raises(ValidationError) as exc:
        stay_check_in(actor=personas.manager, person=person, bed=bed)
    assert "B-9" in str(exc.value) and "in use" in str(exc.value)
    assert not Stay.objects.exists()
    assert not PresenceStatus.objects.exists()


def test_check_out_before_check_in_is_refused(personas):
    person = make_person(personas.site_a)
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    stay = stay_check_in(actor=personas.manager, person=person, bed=bed, at=NOW)
    with pytest.raises(ValidationError) as exc:
        stay_check_out(actor=personas.manager, stay=stay, at=NOW - datetime.timedelta(days=1))
    assert "cannot be before the check-in" in str(exc.value)
    stay.refresh_from_db()
    assert stay.status == StayStatus.CHECKED_IN and stay.checked_out_at is None


def test_check_out_of_a_planned_stay_is_refused(personas):
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    plan = stay_plan(
        actor=personas.manager, person=make_person(personas.site_a), bed=bed, planned_from=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="never checked in"):
        stay_check_out(actor=personas.manager, stay=plan)
    plan.refresh_from_db()
    assert plan.status == StayStatus.PLANNED


@pytest.mark.parametrize("status", ["departed", "transferred", "deceased"])
def test_no_stay_for_a_departed_person(personas, status):
    person = make_person(personas.site_a, status=status)
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    with pytest.raises(ValidationError, match="case is closed"):
        stay_check_in(actor=personas.manager, person=person, bed=bed)
    with pytest.raises(ValidationError, match="case is closed"):
        stay_plan(actor=personas.manager, person=person, bed=bed, planned_from=timezone.localdate())
    assert not Stay.objects.exists()


@pytest.mark.parametrize("area", ["-5", "0"])
def test_negative_or_zero_area_is_refused(personas, area):
    from haven.shelter.models import Room

    with pytest.raises(ValidationError, match="floor_area_m2"):
        make_room(personas.site_a, area=area, name="Z-1")
    assert not Room.objects.filter(name="Z-1").exists()


def test_negative_area_on_update_is_refused(personas):
    room = make_room(personas.site_a, area="18")
    with pytest.raises(ValidationError):
        room_update(actor=personas.manager, room=room, floor_area_m2="-1")
    room.refresh_from_db()
    assert room.floor_area_m2 == 18


def test_database_refuses_negative_area(personas):
    from haven.shelter.models import Room

    room = make_room(personas.site_a, area="18")
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.filter(pk=room.pk).update(floor_area_m2=-3)


def test_negative_bed_count_is_refused(personas):
    building = make_room(personas.site_a).building
    with pytest.raises(ValidationError, match="negative"):
        room_create(actor="t", building=building, name="N", floor_area_m2="10", beds=-1)


def test_women_only_room_takes_women_and_children_not_men(personas):
    room = make_room(personas.site_a, beds=3, designation=RoomDesignation.WOMEN, name="W-1")
    bed1, bed2, bed3 = beds_of(room)
    stay_check_in(actor=personas.manager, person=make_person(personas.site_a, sex="F"), bed=bed1)
    boy = make_person(personas.site_a, sex="M", born=timezone.localdate().replace(year=timezone.localdate().year - 8))
    stay_check_in(actor=personas.manager, person=boy, bed=bed2)
    with pytest.raises(ValidationError, match="women only"):
        stay_check_in(actor=personas.manager, person=make_person(personas.site_a, sex="M"), bed=bed3)


def test_bed_at_another_site_is_refused(personas):
    (bed,) = beds_of(make_room(personas.site_b, beds=1))
    with pytest.raises(ValidationError, match="another site"):
        stay_check_in(actor=personas.manager, person=make_person(personas.site_a), bed=bed)


# --- Households ---------------------------------------------------------------------


def test_household_checks_in_together_and_out_together(personas):
    household = make_household(personas.site_a)
    members = [make_person(personas.site_a, household=household, sex=s) for s in "FMF"]
    room = make_room(personas.site_a, beds=4, area="20")
    stays = household_check_in(actor=personas.manager, household=household, room=room)
    assert {s.person_id for s in stays} == {m.pk for m in members}
    assert {s.bed.room_id for s in stays} == {room.pk}
    out = household_check_out(actor=personas.manager, household=household)
    assert all(s.status == StayStatus.CHECKED_OUT for s in out)


def test_household_too_big_for_the_room_changes_nothing(personas):
    household = make_household(personas.site_a)
    for _ in range(3):
        make_person(personas.site_a, household=household)
    room = make_room(personas.site_a, beds=2, area="20", name="S-1")
    with pytest.raises(ServiceError) as exc:
        household_check_in(actor=personas.manager, household=household, room=room)
    assert exc.value.code == "room_too_small" and "S-1" in exc.value.message
    assert not Stay.objects.exists()
