"""The audit log: chained events, verification, tampering, triggers."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from haven.audit.models import GENESIS_HASH, AuditAction, AuditEvent, AuditHead
from haven.audit.selectors import audit_chain_verify, events_for_object
from haven.audit.services import audit_record
from haven.audit.triggers import create_triggers, drop_triggers
from haven.lib.request_context import reset_request_id, set_request_id


def _append(n: int, actor="test") -> list[AuditEvent]:
    return [
        audit_record(actor=actor, action=AuditAction.UPDATE, object_type="test.thing", object_id=str(i), fields=["x"])
        for i in range(n)
    ]


def _tamper(sql: str, params: list) -> None:
    """What an attacker with database access does: lift the triggers, edit, put them back."""
    drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    create_triggers(connection)


def _base() -> int:
    """Events already written (other apps' post_migrate data is audited too)."""
    return AuditEvent.objects.count()


def test_events_are_chained(db):
    base = _base()
    events = _append(3)
    assert [e.seq for e in events] == [base + 1, base + 2, base + 3]
    first = AuditEvent.objects.get(seq=1)
    assert first.prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    for event in AuditEvent.objects.all():
        assert event.compute_hash() == event.hash
    head = AuditHead.objects.get()
    assert (head.seq, head.last_hash) == (base + 3, events[2].hash)


def test_event_records_who_what_and_why(personas):
    token = set_request_id("req-12345678")
    try:
        event = audit_record(
            actor=personas.caseworker,
            action=AuditAction.UPDATE,
            obj=personas.site_a,
            fields=["name", "code", "name"],
            values={"code": "centre-a"},
            purpose="correct the code",
        )
    finally:
        reset_request_id(token)
    event.refresh_from_db()
    assert event.actor == personas.caseworker
    assert event.actor_name == "caseworker"
    assert (event.object_type, event.object_id) == ("accounts.site", str(personas.site_a.pk))
    assert event.fields == ["code", "name"]
    assert event.values == {"code": "centre-a"}
    assert event.purpose == "correct the code"
    assert event.request_id == "req-12345678"
    assert list(events_for_object(object_type="accounts.site", object_ids=[str(personas.site_a.pk)])) == [event]


def test_values_that_json_cannot_hold_are_stored_as_text(db):
    """UUIDs, dates and decimals: stored and hashed in the same form."""
    some_id = uuid.uuid4()
    event = audit_record(
        actor="test",
        action=AuditAction.CREATE,
        object_type="test.thing",
        object_id="1",
        values={"id": some_id, "on": dt.date(2025, 3, 1), "amount": Decimal("1.50")},
    )
    event.refresh_from_db()
    assert event.values == {"id": str(some_id), "on": "2025-03-01", "amount": "1.50"}
    assert audit_chain_verify().ok


def test_audit_row_rolls_back_with_the_change(db):
    base = _base()
    _append(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _append(1)
        raise RuntimeError("the change failed")
    _append(1)
    assert list(AuditEvent.objects.filter(seq__gt=base).values_list("seq", flat=True)) == [base + 1, base + 2]
    assert audit_chain_verify().ok


def test_audit_verify_passes_on_an_intact_chain(db, capsys):
    _append(5)
    call_command("audit_verify")
    assert f"Audit chain intact: {_base()} events verified." in capsys.readouterr().out


def test_audit_verify_on_an_empty_log(db, capsys):
    drop_triggers(connection)
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    create_triggers(connection)
    call_command("audit_verify")
    assert "Audit chain intact: 0 events verified." in capsys.readouterr().out


def test_hand_edited_row_is_caught(db):
    events = _append(5)
    seq = events[2].seq
    _tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["nothing to see", seq])
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_seq == seq
    assert report.checked == seq - 1
    with pytest.raises(CommandError, match=rf"broken at event #{seq}: its contents were changed"):
        call_command("audit_verify")


def test_rehashed_row_is_caught_by_the_next_link(db):
    """An attacker who also recomputes the edited row's hash breaks the next link."""
    events = _append(4)
    event = AuditEvent.objects.get(seq=events[1].seq)
    event.purpose = "forged"
    forged_hash = event.compute_hash()
    _tamper("UPDATE audit_auditevent SET purpose = %s, hash = %s WHERE seq = %s", ["forged", forged_hash, event.seq])
    report = audit_chain_verify()
    assert (report.ok, report.broken_seq) == (False, events[2].seq)
    assert "link" in report.reason
    assert events[2].prev_hash != forged_hash


def test_deleted_row_is_caught(db):
    events = _append(4)
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    report = audit_chain_verify()
    assert (report.ok, report.broken_seq) == (False, events[1].seq)
    assert "missing" in report.reason


def test_deleted_last_row_is_caught(db):
    events = _append(4)
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[3].seq])
    report = audit_chain_verify()
    assert (report.ok, report.broken_seq) == (False, events[3].seq)


def test_verify_walks_in_batches(db):
    _append(7)
    assert audit_chain_verify(batch_size=2).checked == _base()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET purpose = 'x'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_triggers_refuse_update_and_delete(db, sql):
    _append(2)
    count = _base()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.count() == count
    assert audit_chain_verify().ok


def test_orm_cannot_change_or_delete_events(db):
    (event,) = _append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    event.refresh_from_db()
    assert event.purpose == ""


@override_settings(HAVEN_REQUIRE_2FA=False)
def test_admin_shows_events_read_only(personas, client):
    _append(1)
    personas.admin.is_staff = True
    personas.admin.is_superuser = True
    personas.admin.save()
    client.force_login(personas.admin)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so there is no race to test")
    threads_count, per_thread = 8, 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_count)

    def worker(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=f"worker-{n}", action=AuditAction.VIEW, object_type="t", object_id=str(i))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = _base()
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert AuditEvent.objects.filter(actor_name__startswith="worker-").count() == threads_count * per_thread
    assert AuditEvent.objects.values("prev_hash").distinct().count() == total
    report = audit_chain_verify()
    assert report.ok, report
    assert report.checked == total


def test_the_chain_is_the_same_where_the_database_cannot_return_the_head(db, monkeypatch):
    """SQLite older than 3.35 has no RETURNING: the head is read back after the update instead."""
    first = audit_record(actor=None, action="view", object_type="t", object_id="1")
    monkeypatch.setattr("haven.audit.services._update_returns", lambda: False)
    second = audit_record(actor=None, action="view", object_type="t", object_id="2")
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert audit_chain_verify().ok


def test_rewritten_last_event_is_caught_by_the_head(db):
    """Rewriting the newest event (and its hash) leaves no next link to break: the head's hash tells."""
    events = _append(3)
    event = AuditEvent.objects.get(seq=events[-1].seq)
    event.purpose = "forged"
    forged_hash = event.compute_hash()
    _tamper("UPDATE audit_auditevent SET purpose = %s, hash = %s WHERE seq = %s", ["forged", forged_hash, event.seq])
    report = audit_chain_verify()
    assert (report.ok, report.broken_seq) == (False, event.seq)
    with pytest.raises(CommandError, match=rf"broken at event #{event.seq}"):
        call_command("audit_verify")
