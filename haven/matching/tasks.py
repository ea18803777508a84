"""Batch deduplication over the registry as a background task (django-tasks).

The same engine as ``manage.py dedupe`` (``haven.matching.core.dedupe``)
runs over every person at the chosen sites; pairs scoring at least
``POSSIBLE`` fill the review queue (never merged automatically). Progress
is written to the ``BatchRun`` row, which the page polls.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from haven.accounts import roles
from haven.accounts.access import require
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.matching.core.dedupe import dedupe_records
from haven.matching.core.score import POSSIBLE
from haven.matching.models import MERGED_STATUS, BatchRun, BatchStatus, PairSource
from haven.matching.selectors import person_records
from haven.registry.models import Person, PersonName

log = logging.getLogger(__name__)
CHUNK = 5_000


def batch_run_start(*, actor: Any, site_ids: list[uuid.UUID]) -> BatchRun:
    """Create a run over the persons at ``site_ids`` and enqueue it (after commit)."""
    if not site_ids:
        require(actor, roles.BATCH_DEDUPE, purpose="batch deduplication")
    for site_id in site_ids:
        require(actor, roles.BATCH_DEDUPE, site=site_id, purpose="batch deduplication")
    with transaction.atomic():
        run = BatchRun(site_id=site_ids[0], sites=[str(s) for s in site_ids], started_by=actor)
        run.full_clean()
        run.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            fields=["sites"],
            values={"sites": run.sites},
            purpose="batch deduplication",
        )
        transaction.on_commit(lambda: dedupe_registry.enqueue(str(run.pk)))
    return run


def _records(site_ids: list[str]) -> list[Any]:
    """One core record per person (names in the script with the most parts), read in chunks."""
    out = []
    qs = Person.objects.filter(site_id__in=site_ids).exclude(status_id=MERGED_STATUS).order_by("pk")  # type: ignore[misc]
    last = None
    while True:
        chunk_qs = qs.filter(pk__gt=last) if last is not None else qs
        persons = list(
            chunk_qs.only("pk", "date_of_birth", "dob_precision", "sex", "place_of_birth", "household_id")[:CHUNK]
        )
        if not persons:
            break
        names: dict[Any, dict[tuple[str, str], str]] = {p.pk: {} for p in persons}
        for pid, part, script, value in PersonName.objects.filter(person__in=persons).values_list(
            "person_id", "part", "script", "value"
        ):
            names[pid][(part, script)] = value
        for p in persons:
            recs = person_records(p, names[p.pk])
            rec = max(recs, key=lambda r: sum(bool(x) for x in (r.given_name, r.father_name, r.family_name)))
            out.append(rec)
        last = persons[-1].pk
    return out


@task()
def dedupe_registry(run_id: str) -> int:
    """Run one BatchRun; returns the number of new pairs queued."""
    from haven.matching.services import duplicate_pair_create

    run = BatchRun.objects.get(pk=run_id)
    BatchRun.objects.filter(pk=run.pk).update(status=BatchStatus.RUNNING, stage="read", progress=0.0)

    def progress(stage: str, fraction: float) -> None:
        BatchRun.objects.filter(pk=run.pk).update(stage=stage[:32], progress=round(0.1 + 0.8 * fraction, 3))

    try:
        records = _records(run.sites)
        BatchRun.objects.filter(pk=run.pk).update(records=len(records), progress=0.1)
        pairs = dedupe_records(
            records, threshold=POSSIBLE, progress=progress, workers=1 if len(records) < 5000 else None
        )
        BatchRun.objects.filter(pk=run.pk).update(stage="queue", progress=0.9, pairs_found=len(pairs))
        persons = Person.objects.in_bulk({uuid.UUID(x) for p in pairs for x in p[:2]})
        new = 0
        for a, b, score in pairs:
            pa, pb = persons.get(uuid.UUID(a)), persons.get(uuid.UUID(b))
            if pa is None or pb is None:
                continue
            if duplicate_pair_create(
                actor=run.started_by, person_a=pa, person_b=pb, score=score, source=PairSource.BATCH, batch_run=run
            ):
                new += 1
        BatchRun.objects.filter(pk=run.pk).update(
            status=BatchStatus.DONE, stage="done", progress=1.0, pairs_new=new, finished_at=timezone.now()
        )
        return new
    except Exception as exc:
        log.exception("batch deduplication %s failed", run.pk)
        BatchRun.objects.filter(pk=run.pk).update(
            status=BatchStatus.FAILED, message=type(exc).__name__[:500], finished_at=timezone.now()
        )
        raise
