from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from haven.shelter.models import PresenceEvent, PresenceStatus
from haven.shelter.selectors import absent_stays
from haven.shelter.services import site_profile_update, stay_check_in
from haven.shelter.services_presence import presence_record
from haven.shelter.tests.factories import beds_of, make_person, make_room

pytestmark = pytest.mark.django_db


def resident(personas, days_ago=0):
    person = make_person(personas.site_a)
    (bed,) = beds_of(make_room(personas.site_a, beds=1))
    stay_check_in(actor=personas.manager, person=person, bed=bed, at=timezone.now() - datetime.timedelta(days=days_ago))
    return person


def test_events_cannot_be_updated_or_deleted(personas):
    person = resident(personas)
    event = PresenceEvent.objects.get(person=person)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PresenceEvent.objects.filter(pk=event.pk).update(kind="out")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PresenceEvent.objects.filter(pk=event.pk).delete()
    assert PresenceEvent.objects.get(pk=event.pk).kind == "in"


def test_status_row_follows_the_events(personas):
    person = resident(personas, days_ago=3)
    presence_record(actor=personas.manager, person=person, kind="out")
    status = PresenceStatus.objects.get(person=person)
    assert status.last_kind == "out"
    before = status.last_seen_at
    presence_record(actor=personas.manager, person=person, kind="seen")
    status.refresh_from_db()
    assert status.last_kind == "seen" and status.last_seen_at > before
    assert PresenceEvent.objects.filter(person=person).count() == 3


def test_backdated_event_does_not_rewind_the_status(personas):
    person = resident(personas, days_ago=3)
    presence_record(actor=personas.manager, person=person, kind="seen")
    presence_record(actor=personas.manager, person=person, kind="out", at=timezone.now() - datetime.timedelta(days=1))
    assert PresenceStatus.objects.get(person=person).last_kind == "seen"


def test_presence_for_a_non_resident_is_refused(personas):
    person = make_person(personas.site_a)
    with pytest.raises(ValidationError, match="not checked in"):
        presence_record(actor=personas.manager, person=person, kind="seen")
    assert not PresenceEvent.objects.exists()


def test_future_presence_is_refused(personas):
    person = resident(personas)
    with pytest.raises(ValidationError, match="future"):
        presence_record(
            actor=personas.manager, person=person, kind="seen", at=timezone.now() + datetime.timedelta(days=1)
        )
    assert PresenceEvent.objects.filter(person=person).count() == 1


def test_absence_threshold_is_per_site(personas):
    person = resident(personas, days_ago=4)
    assert list(absent_stays(site=personas.site_a)) == []
    site_profile_update(actor=personas.manager, site=personas.site_a, absence_threshold_days=3)
    assert [s.person_id for s in absent_stays(site=personas.site_a)] == [person.pk]


def test_threshold_below_one_day_is_refused(personas):
    with pytest.raises(ValidationError):
        site_profile_update(actor=personas.manager, site=personas.site_a, absence_threshold_days=0)


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_presence_events(personas):
    """Throwaway databases (tests, flush) can still be emptied despite the triggers."""
    from django.core.management import call_command

    from haven.registry.models import PersonStatus

    PersonStatus.objects.get_or_create(code="active", defaults={"label_en": "Active", "is_present": True})
    resident(personas)
    assert PresenceEvent.objects.count() == 1
    call_command("flush", interactive=False, verbosity=0)
    assert PresenceEvent.objects.count() == 0
    # ...and the triggers are back afterwards.
    from haven.accounts.services import roles_sync_defaults
    from haven.lib.testing.personas import make_user

    roles_sync_defaults()
    PersonStatus.objects.get_or_create(code="active", defaults={"label_en": "Active", "is_present": True})
    site = personas.region.__class__.objects.create(code="r2", name="R2").sites.create(code="s2", name="S2")
    person = make_person(site)
    (bed,) = beds_of(make_room(site, beds=1))
    stay_check_in(actor=make_user("m2"), person=person, bed=bed)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PresenceEvent.objects.all().delete()
