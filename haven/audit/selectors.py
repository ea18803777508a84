"""Reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from haven.audit.models import GENESIS_HASH, AuditEvent, AuditHead


def events_for_object(*, object_type: str, object_ids: list[str]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id__in=object_ids).select_related("actor")


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walk the chain from the first event and name the first broken link."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return ChainReport(False, checked, expected_seq, f"event #{expected_seq} is missing")
            if event.prev_hash != prev_hash:
                return ChainReport(False, checked, event.seq, "its link to the previous event does not match")
            if event.compute_hash() != event.hash:
                return ChainReport(False, checked, event.seq, "its contents were changed after it was written")
            prev_hash = event.hash
            expected_seq += 1
            checked += 1
            last_seq = event.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != last_seq:
        return ChainReport(False, checked, last_seq + 1, "events at the end of the log are missing")
    if head is not None and checked and head.last_hash != prev_hash:
        # The newest event has no next link: only the head's hash shows it was rewritten.
        return ChainReport(False, checked - 1, last_seq, "it does not match the hash kept in the head")
    return ChainReport(True, checked)
