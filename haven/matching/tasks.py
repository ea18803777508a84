"""Batch deduplication over the registry: a background task, or Splink from a command.

The same engine as ``manage.py dedupe`` (``haven.matching.core.dedupe``)
runs over every person at the chosen sites; pairs scoring at least
``POSSIBLE`` fill the review queue (never merged automatically). Progress
is written to the ``BatchRun`` row, which the page polls.

At national scale ``manage.py dedupe_splink --registry`` runs
:func:`dedupe_registry_splink` instead: the persons stream into Splink on
DuckDB and its pairs stream back into the same queue, under a ``BatchRun``
the same page shows.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from haven.accounts import roles
from haven.accounts.access import require
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.matching.core.dedupe import dedupe_records
from haven.matching.core.score import POSSIBLE, PersonRecord
from haven.matching.models import MERGED_STATUS, BatchRun, BatchStatus, PairSource
from haven.matching.selectors import person_records
from haven.registry.models import Person, PersonName

log = logging.getLogger(__name__)
CHUNK = 5_000


def batch_run_create(*, actor: Any, site_ids: list[uuid.UUID], engine: str = "haven") -> BatchRun:
    """Check that ``actor`` may run batch deduplication at every site; create and audit a pending run.

    ``engine`` is ``"haven"`` (the background task :func:`dedupe_registry`)
    or ``"splink"`` (:func:`dedupe_registry_splink`, run by ``manage.py
    dedupe_splink --registry``); it is recorded in the audit event.
    """
    if not site_ids:
        require(actor, roles.BATCH_DEDUPE, purpose="batch deduplication")
        raise ValidationError(_("There are no sites whose persons you may compare yet."))
    for site_id in site_ids:
        require(actor, roles.BATCH_DEDUPE, site=site_id, purpose="batch deduplication")
    with transaction.atomic():
        run = BatchRun(site_id=site_ids[0], sites=[str(s) for s in site_ids], started_by=actor)
        run.full_clean()
        run.save(force_insert=True)
        values: dict[str, Any] = {"sites": run.sites}
        if engine != "haven":
            values["engine"] = engine
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            fields=["sites"],
            values=values,
            purpose="batch deduplication",
        )
    return run


def batch_run_start(*, actor: Any, site_ids: list[uuid.UUID]) -> BatchRun:
    """Create a run over the persons at ``site_ids`` and enqueue it (after commit)."""
    # Not inside a transaction of our own: a refusal's audit event must stay.
    run = batch_run_create(actor=actor, site_ids=site_ids)
    transaction.on_commit(lambda: dedupe_registry.enqueue(str(run.pk)))
    return run


def _persons(site_ids: list[str]) -> Any:
    return Person.objects.filter(site_id__in=site_ids).exclude(status_id=MERGED_STATUS)  # type: ignore[misc]


def registry_records(site_ids: list[str], *, chunk: int = CHUNK) -> Iterator[PersonRecord]:
    """One core record per non-merged person at ``site_ids`` (names in the script with the most parts).

    Reads ``chunk`` persons and their names at a time (keyset on the id),
    so a generator over a million persons holds one chunk.
    """
    qs = _persons(site_ids).order_by("pk")
    last = None
    while True:
        chunk_qs = qs.filter(pk__gt=last) if last is not None else qs
        persons = list(
            chunk_qs.only("pk", "date_of_birth", "dob_precision", "sex", "place_of_birth", "household_id")[:chunk]
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
            yield max(recs, key=lambda r: sum(bool(x) for x in (r.given_name, r.father_name, r.family_name)))
        last = persons[-1].pk


def _records(site_ids: list[str]) -> list[Any]:
    """Every record of :func:`registry_records`, in a list (the in-memory engine needs them all)."""
    return list(registry_records(site_ids))


def _update(run: BatchRun, **fields: Any) -> None:
    BatchRun.objects.filter(pk=run.pk).update(**fields)


def _fail(run: BatchRun, exc: BaseException) -> None:
    log.exception("batch deduplication %s failed", run.pk)
    _update(run, status=BatchStatus.FAILED, message=type(exc).__name__[:500], finished_at=timezone.now())


@task()
def dedupe_registry(run_id: str) -> int:
    """Run one BatchRun; returns the number of new pairs queued."""
    from haven.matching.services import duplicate_pairs_create_many

    run = BatchRun.objects.get(pk=run_id)
    _update(run, status=BatchStatus.RUNNING, stage="read", progress=0.0)

    def progress(stage: str, fraction: float) -> None:
        _update(run, stage=stage[:32], progress=round(0.1 + 0.8 * fraction, 3))

    try:
        records = _records(run.sites)
        _update(run, records=len(records), progress=0.1)
        pairs = dedupe_records(
            records, threshold=POSSIBLE, progress=progress, workers=1 if len(records) < 5000 else None
        )
        _update(run, stage="queue", progress=0.9, pairs_found=len(pairs))

        def queued(read: int, new: int) -> None:
            _update(run, pairs_new=new, progress=round(0.9 + 0.1 * read / max(1, len(pairs)), 3))

        new = duplicate_pairs_create_many(
            actor=run.started_by, pairs=pairs, source=PairSource.BATCH, batch_run=run, progress=queued
        )
        _update(run, status=BatchStatus.DONE, stage="done", progress=1.0, pairs_new=new, finished_at=timezone.now())
        return new
    except Exception as exc:
        _fail(run, exc)
        raise


# Share of the progress bar per stage of a Splink run (reading and
# normalising in Python is the longest part).
_SPLINK_STAGES = {"read": (0.0, 0.4), "train": (0.4, 0.6), "predict": (0.6, 0.7), "queue": (0.7, 1.0)}


def dedupe_registry_splink(
    run_id: str,
    *,
    threshold: float,
    memory_limit: str | None = None,
    temp_dir: str | os.PathLike[str] | None = None,
    progress: Callable[[str, float], None] | None = None,
    on_skipped: Callable[[list[str]], None] | None = None,
) -> int:
    """Run one BatchRun on Splink (``manage.py dedupe_splink --registry``); returns the new pairs queued.

    The persons at the run's sites stream from the database into DuckDB
    (``registry_records``, then ``splink_engine.predicted_pairs``, 50,000
    at a time); Splink's pairs at or above ``threshold`` stream back into
    the review queue (``duplicate_pairs_create_many``, a transaction per
    thousand pairs), source "batch", linked to the run. Nothing is merged.
    The run's row shows the stage and progress as the page polls it; on a
    failure it is marked failed and the pairs already queued stay.
    ``progress`` also hears each stage and fraction (for the command's
    output); ``on_skipped`` hears which training steps the data was too
    small for.
    """
    from haven.matching import splink_engine
    from haven.matching.services import duplicate_pairs_create_many

    run = BatchRun.objects.get(pk=run_id)
    _update(run, status=BatchStatus.RUNNING, stage="read", progress=0.0)

    def stage(name: str, fraction: float, **fields: Any) -> None:
        start, end = _SPLINK_STAGES.get(name, (1.0, 1.0))
        _update(run, stage=name[:32], progress=round(start + (end - start) * fraction, 3), **fields)
        if progress:
            progress(name, fraction)

    try:
        total = max(1, _persons(run.sites).count())

        def counted(records: Iterator[PersonRecord]) -> Iterator[PersonRecord]:
            n = 0
            for n, record in enumerate(records, 1):
                if n % CHUNK == 0:
                    stage("read", min(1.0, n / total), records=n)
                yield record
            stage("read", 1.0, records=n)

        with splink_engine.predicted_pairs(
            counted(registry_records(run.sites)),
            threshold=threshold,
            memory_limit=memory_limit,
            temp_dir=temp_dir,
            progress=stage,
            on_skipped=on_skipped,
        ) as found:
            stage("queue", 0.0, records=found.records, pairs_found=found.count)

            def queued(read: int, new: int) -> None:
                stage("queue", min(1.0, read / max(1, found.count)), pairs_new=new)

            new = duplicate_pairs_create_many(
                actor=run.started_by, pairs=found, source=PairSource.BATCH, batch_run=run, progress=queued
            )
        _update(run, status=BatchStatus.DONE, stage="done", progress=1.0, pairs_new=new, finished_at=timezone.now())
        if progress:
            progress("done", 1.0)
        return new
    except BaseException as exc:  # an interrupted command (Ctrl-C) too: the page must not show it running
        _fail(run, exc)
        raise
