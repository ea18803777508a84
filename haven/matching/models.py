"""The Django side of identity matching: the search index, the review queue,
merges with their provenance, and batch runs.

The plain-Python engine (normalisation, keys, scoring, batch dedupe) lives in
``haven/matching/core/`` and imports no Django; these models only store what
it computes and what people decide.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MERGED_STATUS = "merged"
"""PersonStatus code of a person record merged into another (seeded by migration 0003)."""


class PersonSearchIndex(models.Model):
    """One row per person: the text the search backends index.

    ``text`` is a space-separated bag of tokens built by
    :func:`haven.matching.search.index_text`: cross-script phonetic keys
    (``q…``), folded spellings in each script, Latin readings, a year of
    birth token (``y1985``) and a site token. On SQLite the FTS5 table
    ``matching_person_fts`` (rowid = ``id``) indexes it; on PostgreSQL a GIN
    index over the stored column ``tsv`` (``to_tsvector('simple', text)``, generated; migration
    0005, not declared here) and a pg_trgm GIN index do.
    """

    id = models.BigAutoField(primary_key=True)
    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="+")
    # No index of its own: a B-tree on the site, which most rows share, made PostgreSQL's planner
    # pair it with the full-text index (BitmapAnd) or scan the table; searches filter by site
    # inside the full-text index or after it (see migration 0017).
    site = models.ForeignKey("accounts.Site", on_delete=models.CASCADE, related_name="+", db_index=False)
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")

    def __str__(self) -> str:
        return str(self.person_id)


class PairSource(models.TextChoices):
    REGISTRATION = "registration", _("Registration check")
    BATCH = "batch", _("Batch run")


class PairStatus(models.TextChoices):
    OPEN = "open", _("Awaiting review")
    DISTINCT = "distinct", _("Not the same person")
    MERGED = "merged", _("Merged")


class DuplicatePair(models.Model):
    """Two persons who may be one: waits for a reviewer. Never merged automatically.

    ``person_a`` is the one with the smaller id, so a pair exists once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_a = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        "accounts.Site", on_delete=models.CASCADE, related_name="+", help_text=_("Site of the first person")
    )
    score = models.FloatField(_("score"))
    source = models.CharField(_("found by"), max_length=16, choices=PairSource.choices)
    status = models.CharField(_("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN)
    batch_run = models.ForeignKey("BatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-score", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "site"], name="duplicate_pair_status_site_idx")]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.site_id


class Decision(models.TextChoices):
    LINK = "link", _("Same person: use the existing record")
    NEW = "new", _("A different person: register anew")


class DuplicateDecision(models.Model):
    """What an officer decided about one candidate shown at registration.

    The new registration is known only by a keyed hash of its data
    (:func:`haven.matching.selectors.person_data_hash`), so no name is kept
    here; the registry attaches the new person later with
    :func:`haven.matching.services.duplicate_decisions_attach`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_hash = models.CharField(max_length=64, db_index=True)
    candidate = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey("accounts.Site", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=4, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=500)
    score = models.FloatField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    new_person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")

    def __str__(self) -> str:
        return self.decision

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.site_id


class PersonMerge(models.Model):
    """Provenance of one merge: enough to show what happened and to undo it exactly.

    ``choices`` maps each field (``sex``, ``name:given:ar`` ...) to
    ``"survivor"`` or ``"merged"``; ``old_values`` holds the survivor's values
    (and the merged record's status) before the merge; ``moved`` lists every
    row that was re-pointed: ``[{"model": "registry.identitydocument",
    "field": "person", "pks": [...]}]``; ``kept`` lists rows that could not
    move (a uniqueness rule on the survivor) and stay with the merged record.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges")
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField(default=dict)
    old_values = models.JSONField(default=dict)
    new_values = models.JSONField(default=dict)
    moved = models.JSONField(default=list)
    kept = models.JSONField(default=list)
    reason = models.CharField(_("reason"), max_length=500)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.CharField(_("reason for undoing"), max_length=500, blank=True)

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="person_merge_one_active_per_merged"
            )
        ]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_id}->{self.survivor_id}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.site_id

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class BatchRun(models.Model):
    """One batch deduplication over the persons at the sites of the user who started it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="+")
    sites = models.JSONField(default=list, help_text=_("Ids of the sites whose persons are compared"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    stage = models.CharField(max_length=32, blank=True)
    progress = models.FloatField(default=0)
    records = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    pairs_new = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("batch run")
        verbose_name_plural = _("batch runs")

    def __str__(self) -> str:
        return str(self.id)

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.site_id

    @property
    def percent(self) -> int:
        return max(0, min(100, int(round(self.progress * 100))))

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)
