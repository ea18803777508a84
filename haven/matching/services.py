"""Writes of the matching app: the search index, decisions at registration,
the review queue, batch runs. Merges live in :mod:`haven.matching.merging`
and are re-exported here (``person_merge``, ``person_merge_undo``).

Entry points for the registry (see docs/search-and-duplicates.md):

- :func:`person_index_update` after every change to a person's names, date
  of birth or site (idempotent; call it inside the registry's transaction);
- :func:`person_index_rebuild` (``manage.py rebuild_search_index``);
- :func:`duplicate_decision_record` when the officer decides about a
  candidate shown by the duplicate check, and
  :func:`duplicate_decisions_attach` once the new person exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import roles
from haven.accounts.access import require
from haven.audit.models import AuditAction
from haven.audit.services import AuditEntry, audit_record, audit_record_many
from haven.matching import search, selectors
from haven.matching.models import (
    MERGED_STATUS,
    Decision,
    DuplicateDecision,
    DuplicatePair,
    PairSource,
    PairStatus,
    PersonSearchIndex,
)
from haven.registry.models import Person, PersonName

__all__ = [
    "duplicate_decision_record",
    "duplicate_decisions_attach",
    "duplicate_pair_create",
    "duplicate_pairs_create_many",
    "duplicate_pair_dismiss",
    "person_index_delete",
    "person_index_rebuild",
    "person_index_update",
    "person_merge",
    "person_merge_undo",
]

REBUILD_CHUNK = 2_000
PAIRS_BATCH = 1_000
"""Pairs queued per transaction by :func:`duplicate_pairs_create_many`."""


def _index_rows(persons: Iterable[Person]) -> list[PersonSearchIndex]:
    """Index rows (unsaved) for persons whose ``names`` are prefetched or fetched here."""
    persons = list(persons)
    names: dict[uuid.UUID, list[tuple[str, str]]] = {p.pk: [] for p in persons}
    for person_id, part, value in PersonName.objects.filter(person__in=persons).values_list(
        "person_id", "part", "value"
    ):
        names[person_id].append((part, value))
    return [
        PersonSearchIndex(
            person_id=p.pk,
            site_id=p.site_id,
            text=search.person_index_text(names[p.pk], site_id=p.site_id, date_of_birth=p.date_of_birth),
        )
        for p in persons
    ]


def person_index_update(*, person: Person) -> PersonSearchIndex | None:
    """Bring the search index entry of one person up to date (idempotent).

    Call after any change to the person's names, date of birth or site,
    inside the same transaction. A person merged into another is removed
    from the index. No audit row: the index holds nothing the registry does
    not already hold, and the registry's own service audits the change.
    """
    with transaction.atomic():
        if person.status_id == MERGED_STATUS:
            person_index_delete(person=person)
            return None
        (row,) = _index_rows([person])
        existing = PersonSearchIndex.objects.filter(person_id=person.pk).first()
        if existing is not None:
            if existing.text == row.text and existing.site_id == row.site_id:
                return existing
            existing.text, existing.site_id = row.text, row.site_id
            existing.save(update_fields=["text", "site", "updated_at"])
            row = existing
        else:
            row.save(force_insert=True)
        search.index_write([(row.pk, row.text)])
        search.forget_recent_rows()
    return row


def person_index_delete(*, person: Person) -> None:
    """Remove a person from the search index."""
    with transaction.atomic():
        ids = list(PersonSearchIndex.objects.filter(person_id=person.pk).values_list("id", flat=True))
        search.index_delete(ids)
        PersonSearchIndex.objects.filter(id__in=ids).delete()
        search.forget_recent_rows()


def person_index_rebuild(*, progress: Callable[[int, int], None] | None = None, chunk: int = REBUILD_CHUNK) -> int:
    """Rebuild the whole search index from the registry; returns the number of persons indexed.

    Runs in chunks of ``chunk`` persons (one transaction each) so that a
    million persons never sit in memory at once.
    """
    search.index_clear()
    PersonSearchIndex.objects.all().delete()
    search.forget_recent_rows()
    total = Person.objects.exclude(status_id=MERGED_STATUS).count()  # type: ignore[misc]
    done = 0
    last_pk = None
    while True:
        qs = Person.objects.exclude(status_id=MERGED_STATUS).order_by("pk").only("pk", "site_id", "date_of_birth")  # type: ignore[misc]
        if last_pk is not None:
            qs = qs.filter(pk__gt=last_pk)
        batch = list(qs[:chunk])
        if not batch:
            break
        with transaction.atomic():
            rows = PersonSearchIndex.objects.bulk_create(_index_rows(batch), batch_size=1000)
            if any(r.pk is None for r in rows):  # databases without RETURNING
                by_person = dict(PersonSearchIndex.objects.filter(person__in=batch).values_list("person_id", "id"))
                for r in rows:
                    r.pk = by_person[r.person_id]
            search.index_write([(r.pk, r.text) for r in rows])
            search.forget_recent_rows()
        done += len(batch)
        last_pk = batch[-1].pk
        if progress:
            progress(done, total)
    return done


# --- Decisions at registration ----------------------------------------------------------


def duplicate_decision_record(
    *,
    actor: Any,
    new_person_data_hash: str,
    candidate: Person,
    decision: str,
    reason: str,
    score: float = 0.0,
) -> DuplicateDecision:
    """Record what the officer decided about one candidate shown at registration.

    ``decision`` is ``"link"`` (the new registration is this existing person:
    the registry opens the existing record instead) or ``"new"`` (a different
    person). A reason is required either way. Audited (CREATE, no names).
    """
    require(actor, roles.PERSON_REGISTER, candidate, purpose="duplicate check")
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose whether this is the same person or a new one.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why you decided so.")})
    with transaction.atomic():
        row = DuplicateDecision(
            data_hash=new_person_data_hash,
            candidate=candidate,
            site_id=candidate.site_id,
            decision=decision,
            reason=reason.strip()[:500],
            score=round(float(score), 4),
            decided_by=actor,
        )
        row.full_clean()
        row.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=row,
            fields=["decision", "reason", "candidate"],
            values={"decision": decision, "candidate": str(candidate.pk), "score": row.score},
            purpose="duplicate check at registration",
        )
    return row


def duplicate_decisions_attach(*, actor: Any, person: Person, new_person_data_hash: str) -> list[DuplicatePair]:
    """After registering ``person``, queue for review every candidate the officer called "new",
    and every possible duplicate the officer did not decide on.

    The registry's registration service calls this with the hash it showed
    the check (``selectors.person_data_hash``). An officer may save without
    answering the check's cards (or register through the API, which shows
    none): the check runs again on what was saved, and each candidate at
    "possible duplicate" or above that no decision covers goes to the review
    queue, so a second registration of the same person is never left
    unnoticed. Returns the pairs created.
    """
    from haven.matching.core.score import POSSIBLE

    pairs = []
    with transaction.atomic():
        decisions = list(
            DuplicateDecision.objects.select_for_update().filter(
                data_hash=new_person_data_hash, new_person__isnull=True
            )
        )
        decided: dict[Any, float] = {}
        for d in decisions:
            d.new_person = person
            d.save(update_fields=["new_person"])
            if d.decision == Decision.NEW and d.candidate_id != person.pk:
                decided[d.candidate_id] = d.score
        undecided = {
            c.person_id: c.score
            for c in selectors.candidates_of_registered(user=actor, person=person)
            if c.score >= POSSIBLE and c.person_id not in decided
        }
        queued = {**decided, **undecided}
        candidates = Person.objects.in_bulk(list(queued))
        for candidate_id, score in queued.items():
            pair = duplicate_pair_create(
                actor=actor,
                person_a=person,
                person_b=candidates[candidate_id],
                score=score,
                source=PairSource.REGISTRATION,
            )
            if pair is not None:
                pairs.append(pair)
    return pairs


# --- The review queue -------------------------------------------------------------------


def duplicate_pair_create(
    *,
    actor: Any,
    person_a: Person,
    person_b: Person,
    score: float,
    source: str,
    batch_run: Any = None,
) -> DuplicatePair | None:
    """Queue two persons for review (once; returns None if the pair is already known)."""
    if person_a.pk == person_b.pk:
        return None
    a, b = sorted((person_a, person_b), key=lambda p: str(p.pk))
    with transaction.atomic():
        if DuplicatePair.objects.filter(person_a=a, person_b=b).exists():
            return None
        pair = DuplicatePair(
            person_a=a, person_b=b, site_id=a.site_id, score=round(float(score), 4), source=source, batch_run=batch_run
        )
        pair.full_clean(validate_constraints=False)
        pair.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=pair,
            fields=["person_a", "person_b", "score", "source"],
            values={"person_a": str(a.pk), "person_b": str(b.pk), "score": pair.score, "source": source},
            purpose="possible duplicate queued for review",
        )
    return pair


def duplicate_pairs_create_many(
    *,
    actor: Any,
    pairs: Iterable[tuple[Any, Any, float]],
    source: str,
    batch_run: Any = None,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Queue many pairs ``(person_a_id, person_b_id, score)`` for review at once; returns how many are new.

    What :func:`duplicate_pair_create` does for each pair, in bulk: a person
    paired with themself is skipped; the ids are ordered, so a pair known
    in either order (in the queue with any status, or earlier in ``pairs``)
    is skipped; the first person's site and the score rounded to 4
    decimals are stored; one CREATE audit event per new pair, with the same
    fields, values and purpose. Pairs naming a person who no longer exists
    are skipped, as the batch task always did.

    ``pairs`` is read lazily, ``batch_size`` at a time; each batch (its
    pairs and their audit events; ``PAIRS_BATCH`` by default) is one transaction, so a failure leaves
    the earlier batches queued. ``progress(read, new)`` hears the running
    totals after each batch. No access check: the caller (a batch run) has
    checked who started it.
    """
    if source not in PairSource.values:
        raise ValueError(f"unknown source of a pair: {source!r}")
    read = new = 0
    it = iter(pairs)
    while batch := list(islice(it, batch_size or PAIRS_BATCH)):
        read += len(batch)
        new += _pairs_batch_create(actor=actor, batch=batch, source=source, batch_run=batch_run)
        if progress:
            progress(read, new)
    return new


def _pairs_batch_create(*, actor: Any, batch: list[tuple[Any, Any, float]], source: str, batch_run: Any) -> int:
    """One transaction of :func:`duplicate_pairs_create_many`."""
    wanted: dict[tuple[uuid.UUID, uuid.UUID], float] = {}
    for x, y, score in batch:
        a, b = sorted((uuid.UUID(str(x)), uuid.UUID(str(y))), key=str)
        if a != b:
            wanted.setdefault((a, b), score)  # the first score wins, as with one call per pair
    if not wanted:
        return 0
    with transaction.atomic():
        site_of = dict(
            Person.objects.filter(pk__in={p for pair in wanted for p in pair}).order_by().values_list("pk", "site_id")
        )
        known = set(
            DuplicatePair.objects.filter(person_a_id__in={a for a, _ in wanted}, person_b_id__in={b for _, b in wanted})
            .order_by()
            .values_list("person_a_id", "person_b_id")
        )
        rows = [
            DuplicatePair(
                id=uuid.uuid4(),
                person_a_id=a,
                person_b_id=b,
                site_id=site_of[a],
                score=round(float(score), 4),
                source=source,
                batch_run=batch_run,
            )
            for (a, b), score in wanted.items()
            if (a, b) not in known and a in site_of and b in site_of
        ]
        if not rows:
            return 0
        # A registration may queue one of these pairs meanwhile: skip it
        # (the unique constraint) and audit only the rows really inserted.
        DuplicatePair.objects.bulk_create(rows, ignore_conflicts=True)
        inserted = set(DuplicatePair.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
        rows = [r for r in rows if r.pk in inserted]
        audit_record_many(
            actor=actor,
            entries=[
                AuditEntry(
                    action=AuditAction.CREATE,
                    obj=r,
                    fields=["person_a", "person_b", "score", "source"],
                    values={
                        "person_a": str(r.person_a_id),
                        "person_b": str(r.person_b_id),
                        "score": r.score,
                        "source": source,
                    },
                    purpose="possible duplicate queued for review",
                )
                for r in rows
            ],
        )
    return len(rows)


def duplicate_pair_dismiss(*, actor: Any, pair: DuplicatePair, reason: str) -> DuplicatePair:
    """The reviewer decided the two are different persons."""
    for person in (pair.person_a, pair.person_b):  # where they are now, not where the pair was found
        require(actor, roles.DUPLICATE_REVIEW, person, purpose="duplicate review")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why these are different persons.")})
    with transaction.atomic():
        locked = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
        if locked.status != PairStatus.OPEN:
            raise ValidationError(_("This pair has already been decided."))
        locked.status = PairStatus.DISTINCT
        locked.reason = reason.strip()[:500]
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            fields=["status", "reason"],
            values={"status": locked.status},
            purpose="duplicate review",
        )
    return locked


from haven.matching.merging import person_merge, person_merge_undo  # noqa: E402
