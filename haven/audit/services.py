"""Writing to the audit log. Call inside the transaction of the change."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F
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
    object_type, object_id = _object_ref(obj, object_type, object_id)
    with transaction.atomic():
        # The UPDATE takes the row lock first (on PostgreSQL) or the write
        # lock (on SQLite), so concurrent appends queue up here.
        AuditHead.objects.get_or_create(pk=1)
        AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1)
        head = AuditHead.objects.select_for_update().get(pk=1)
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            seq=head.seq,
            at=timezone.now(),
            actor=actor if is_user else None,
            actor_name=actor.get_username() if is_user else str(actor or ""),
            action=str(action),
            object_type=object_type,
            object_id=object_id,
            fields=sorted(set(fields)),
            values=_plain(values),
            purpose=purpose[:200],
            request_id=(current_request_id() or "")[:64],
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event
