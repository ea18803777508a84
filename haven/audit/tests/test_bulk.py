from __future__ import annotations

from haven.audit.models import AuditAction, AuditEvent
from haven.audit.selectors import audit_chain_verify
from haven.audit.services import AuditEntry, audit_record, audit_record_many


def test_bulk_events_continue_the_chain_one_event_per_record(personas):
    before = AuditEvent.objects.count()
    audit_record(actor=personas.registrar, action=AuditAction.VIEW, obj=personas.site_a)
    events = audit_record_many(
        actor=personas.registrar,
        entries=[
            AuditEntry(AuditAction.CREATE, object_type="registry.person", object_id=str(i), fields=["sex"])
            for i in range(25)
        ],
    )
    audit_record(actor=personas.registrar, action=AuditAction.VIEW, obj=personas.site_b)

    assert AuditEvent.objects.count() == before + 27
    assert [e.object_id for e in events] == [str(i) for i in range(25)]
    assert audit_chain_verify().ok


def test_bulk_with_nothing_writes_nothing(personas):
    before = AuditEvent.objects.count()
    assert audit_record_many(actor=personas.registrar, entries=[]) == []
    assert AuditEvent.objects.count() == before
