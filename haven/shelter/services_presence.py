"""Presence: append an event and keep the person's current status with it.

``PresenceEvent`` rows are never changed or deleted (database triggers
refuse it); ``PresenceStatus`` is the one row per person that the roll
call and the absence list read, written here in the same transaction as
the event it reflects.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.models import Person
from haven.shelter.models import PresenceEvent, PresenceKind, PresenceStatus, Stay, StayStatus
from haven.shelter.rules import person_is_present

PRESENT_KINDS = (PresenceKind.IN, PresenceKind.SEEN)


def presence_apply(*, actor: Any, person: Person, site_id: Any, kind: str, at: datetime.datetime) -> PresenceEvent:
    """Append one event and update the status row; the caller holds the transaction."""
    if kind not in PresenceKind.values:
        raise ValidationError({"kind": _("Choose in, out or seen.")})
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("Presence cannot be recorded in the future.")})
    with transaction.atomic():
        event = PresenceEvent(
            site_id=site_id,
            person=person,
            kind=kind,
            at=at,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event.full_clean(exclude=["person", "site"])
        event.save(force_insert=True)
        status = PresenceStatus.objects.select_for_update().filter(person=person).first()
        if status is None:
            PresenceStatus.objects.create(
                person=person, site_id=site_id, last_kind=kind, last_event_at=at, last_seen_at=at
            )
        else:
            fields = []
            if at >= status.last_event_at:
                status.last_kind, status.last_event_at, status.site_id = kind, at, site_id
                fields += ["last_kind", "last_event_at", "site"]
            if kind in PRESENT_KINDS and at > status.last_seen_at:
                status.last_seen_at = at
                fields.append("last_seen_at")
            if fields:
                status.save(update_fields=fields)
    return event


def presence_record(*, actor: Any, person: Person, kind: str, at: datetime.datetime | None = None) -> PresenceEvent:
    """Record that a resident came in, went out or was seen (roll call)."""
    at = at or timezone.now()
    with transaction.atomic():
        current = Person.objects.select_related("status").get(pk=person.pk)
        if not person_is_present(current):
            raise ValidationError({"person": _("This person's case is closed: presence is not recorded.")})
        stay = Stay.objects.filter(person=person, status=StayStatus.CHECKED_IN).only("site_id").first()
        if stay is None:
            raise ValidationError({"person": _("This person is not checked in at a site: check them in first.")})
        event = presence_apply(actor=actor, person=person, site_id=stay.site_id, kind=kind, at=at)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=event,
            fields=["kind", "at"],
            values={"kind": kind, "at": at.isoformat()},
            purpose="presence",
        )
    return event
