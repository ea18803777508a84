"""Writing to the audit log. Call inside the transaction of the change."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from haven.audit.models import AuditAction, AuditEvent, AuditHead
from haven.lib.request_context import current_request_id


def _object_ref(obj: models.Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, object_id


def _plain(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """``values`` as plain JSON (UUIDs, dates and decimals become text).

    The hash is computed over exactly what the database gives back, so the
    stored form and the hashed form must be the same.
    """
    return json.loads(json.dumps(dict(values or {}), cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class AuditEntry:
    """One event for :func:`audit_record_many`; fields as in :func:`audit_record`."""

    action: AuditAction | str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    fields: Iterable[str] = ()
    values: Mapping[str, Any] | None = None
    purpose: str = ""


def _update_returns() -> bool:
    """True when the database has ``UPDATE … RETURNING`` (PostgreSQL; SQLite from 3.35, as Django's flag says)."""
    return bool(connection.features.can_return_columns_from_insert)


def _advance_head(count: int) -> AuditHead:
    """Reserve ``count`` sequence numbers; the head stays locked until commit.

    The UPDATE takes the row lock first (on PostgreSQL) or the write lock
    (on SQLite), so concurrent appends queue up here; it returns the new
    head in the same statement (``RETURNING``: PostgreSQL, SQLite 3.35+).
    """
    if not _update_returns():
        AuditHead.objects.get_or_create(pk=1)
        AuditHead.objects.filter(pk=1).update(seq=models.F("seq") + count)
        return AuditHead.objects.select_for_update().get(pk=1)
    sql = f"UPDATE {AuditHead._meta.db_table} SET seq = seq + %s WHERE id = 1 RETURNING seq, last_hash"  # noqa: S608 - table name only
    with connection.cursor() as cursor:
        cursor.execute(sql, [count])
        row = cursor.fetchone()
        if row is None:  # the very first event of a new database
            AuditHead.objects.get_or_create(pk=1)
            cursor.execute(sql, [count])
            row = cursor.fetchone()
    return AuditHead(pk=1, seq=row[0], last_hash=row[1])


def _chain(actor: Any, entries: Sequence[AuditEntry], head: AuditHead) -> list[AuditEvent]:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    actor_name = actor.get_username() if is_user else str(actor or "")
    request_id = (current_request_id() or "")[:64]
    prev_hash = head.last_hash
    first_seq = head.seq - len(entries) + 1
    now = timezone.now()
    events = []
    for offset, entry in enumerate(entries):
        object_type, object_id = _object_ref(entry.obj, entry.object_type, entry.object_id)
        event = AuditEvent(
            seq=first_seq + offset,
            at=now,
            actor=actor if is_user else None,
            actor_name=actor_name,
            action=str(entry.action),
            object_type=object_type,
            object_id=object_id,
            fields=sorted(set(entry.fields)),
            values=_plain(entry.values),
            purpose=entry.purpose[:200],
            request_id=request_id,
            prev_hash=prev_hash,
        )
        event.hash = event.compute_hash()
        prev_hash = event.hash
        events.append(event)
    return events


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    values: Mapping[str, Any] | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Append one event to the chain.

    ``fields`` names what changed; ``values`` holds values only for fields
    that are not sensitive (the caller decides; never names or notes).
    Runs in the caller's transaction, so the event exists exactly when the
    change it records does.
    """
    entry = AuditEntry(action, obj, object_type, object_id, fields, values, purpose)
    with transaction.atomic():
        head = _advance_head(1)
        (event,) = _chain(actor, [entry], head)
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def audit_record_many(*, actor: Any, entries: Sequence[AuditEntry], batch_size: int = 1000) -> list[AuditEvent]:
    """Append many events at once, for bulk work such as an import.

    The chain is exactly what as many :func:`audit_record` calls would
    write, one event per record, but the head moves once and the events
    are inserted in batches.
    """
    if not entries:
        return []
    with transaction.atomic():
        head = _advance_head(len(entries))
        events = _chain(actor, entries, head)
        AuditEvent.objects.bulk_create(events, batch_size=batch_size)
        AuditHead.objects.filter(pk=1).update(last_hash=events[-1].hash)
    return events


def audit_persons_shown(user: Any, what: str, person_ids: Sequence[Any], household_ids: Sequence[Any] = ()) -> None:
    """One ``view`` event naming the persons a list, search, duplicate check or queue showed (not what was typed).

    Who looked for whom is what an insider hunting a person would leave
    behind; the typed name itself stays out of the log, as every name does.
    """
    if not person_ids and not household_ids:
        return

    def record() -> None:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=what,
            values={"persons": [str(pid) for pid in person_ids]}
            | ({"households": [str(hid) for hid in household_ids]} if household_ids else {}),
            purpose=what.replace("_", " "),
        )

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # One event per keystroke: its own transaction does not wait for the disk
        # (synchronous_commit off, for this transaction only). A crash may lose the last
        # fraction of a second of search events, never a change nor a change's event,
        # and the hash chain stays whole (the head moves in the same transaction).
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            record()
    else:
        record()
