"""Merging two person records, and undoing it exactly.

Nothing is merged automatically: a reviewer with ``matching.duplicate.merge``
at the sites of both persons chooses the surviving value field by field.
Every row of any app that points at the merged person (or, on request, at
its household) is found through Django's model metadata
(``_meta.related_objects``) and re-pointed at the survivor, so identity
documents, stays, pathway steps and support sessions move without this
module importing those apps. Rows that cannot move because the survivor
already has one of a kind that must be unique (a second valid registration
card, a second Arabic given name) stay with the merged record and are
listed as kept. The merged record is kept with the status ``merged``.

``PersonMerge`` stores the choices, the survivor's old values and every
moved row; :func:`person_merge_undo` uses it to put everything back.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import roles
from haven.accounts.access import may, require
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.matching.models import MERGED_STATUS, DuplicatePair, PairStatus, PersonMerge
from haven.registry.models import Household, Person, PersonName

MERGE_FIELDS = (
    "sex",
    "date_of_birth",
    "dob_precision",
    "place_of_birth",
    "household",
    "relationship",
    "nationalities",
    "phone",
    "phone_owner",
    "profession",
)
SURVIVOR, MERGED = "survivor", "merged"


def merge_fields() -> list[models.Field[Any, Any]]:
    """The Person fields a reviewer chooses between (those that exist in this registry version)."""
    out = []
    for name in MERGE_FIELDS:
        try:
            out.append(Person._meta.get_field(name))
        except Exception:  # noqa: BLE001, S112 - a field the registry does not have (yet)
            continue
    return out  # type: ignore[return-value]


def _dump(field: models.Field[Any, Any], obj: models.Model) -> Any:
    value = getattr(obj, field.attname)
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.value_to_string(obj)


def _load(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def related_links(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, foreign-key attname) of every row type that points at ``model``, in any app.

    Covers foreign keys, one-to-one fields and the through tables of
    many-to-many fields. The matching app's own bookkeeping (index, pairs,
    merges) is left out: it describes the merge rather than belonging to a person.
    """
    links: list[tuple[type[models.Model], str]] = []
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            through = rel.through if hasattr(rel, "through") else rel.field.remote_field.through  # type: ignore[attr-defined,union-attr]
            for f in through._meta.get_fields():
                if isinstance(f, models.ForeignKey) and f.related_model is model:
                    links.append((through, f.attname))
            continue
        related = rel.related_model
        if related._meta.app_label == "matching":  # type: ignore[union-attr]
            continue
        links.append((related, rel.field.attname))  # type: ignore[arg-type,union-attr]
    return links


def _move(
    model: type[models.Model], source: Any, target: Any, exclude_pks: set[Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    moved: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for rel_model, attname in related_links(model):
        manager = rel_model._base_manager
        pks = [
            pk for pk in manager.filter(**{attname: source.pk}).values_list("pk", flat=True) if pk not in exclude_pks
        ]
        done, left = [], []
        for pk in pks:
            try:
                with transaction.atomic():
                    manager.filter(pk=pk).update(**{attname: target.pk})
                done.append(pk)
            except IntegrityError:
                left.append(pk)
        label = rel_model._meta.label_lower
        if done:
            moved.append(
                {
                    "model": label,
                    "field": attname,
                    "from": str(source.pk),
                    "to": str(target.pk),
                    "pks": [str(p) for p in done],
                }
            )
        if left:
            kept.append({"model": label, "field": attname, "pks": [str(p) for p in left]})
    return moved, kept


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def check_may_merge(actor: Any, *persons: Person) -> None:
    """The merge right at both persons' sites (a refusal is audited)."""
    for p in persons:
        require(actor, roles.DUPLICATE_MERGE, p, purpose="merge duplicate records")


def _sites_of_rows(model: type[models.Model], **lookup: Any) -> set[Any]:
    """The sites of the rows of ``model`` that ``lookup`` selects (none for a model without a site)."""
    if not any(f.name == "site" for f in model._meta.concrete_fields):
        return set()
    return set(model._base_manager.filter(**lookup).values_list("site_id", flat=True).distinct())


def _points_at(model: type[models.Model], attname: str) -> Any:
    """The model a foreign key (by attname, ``household_id``) of ``model`` points at."""
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.related_model
    return None


def _check_may_move_household(actor: Any, source_id: Any, target_id: Any, purpose: str) -> None:
    """The merge right at every site a household merge writes to.

    A person can be transferred alone, so a household's members, its stays,
    appointments and cases may sit at other sites than the two persons
    merged: re-pointing them changes records there (and shows their members
    at the survivor's site), so it needs the right there too. Checked before
    the merge's transaction, so that a refusal is audited and nothing moves.
    """
    sites = set(Household.objects.filter(pk__in=[source_id, target_id]).values_list("site_id", flat=True))
    for rel_model, attname in related_links(Household):
        sites |= _sites_of_rows(rel_model, **{attname: source_id})
    for site_id in sorted(s for s in sites if s is not None):
        require(actor, roles.DUPLICATE_MERGE, site=site_id, purpose=purpose)


def person_merge(
    *,
    actor: Any,
    survivor: Person,
    merged: Person,
    choices: dict[str, str],
    reason: str,
    pair: DuplicatePair | None = None,
    merge_households: bool = False,
) -> PersonMerge:
    """Merge ``merged`` into ``survivor``; returns the provenance record.

    ``choices`` maps a Person field name (see :data:`MERGE_FIELDS`) or
    ``name:<part>:<script>`` to ``"survivor"`` (default) or ``"merged"``.
    With ``merge_households`` (and two different households) every row that
    points at the merged person's household, its members included, moves to
    the survivor's household too. Audited (MERGE); undo with
    :func:`person_merge_undo`.
    """
    check_may_merge(actor, survivor, merged)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why these records are the same person.")})
    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    bad = {v for v in choices.values() if v not in (SURVIVOR, MERGED)}
    if bad:
        raise ValidationError(_("Each field must keep the value of one of the two records."))
    households = Person.objects.filter(pk__in=[survivor.pk, merged.pk]).values_list("pk", "household_id")
    household_of = dict(households)
    if merge_households and None not in household_of.values() and len(set(household_of.values())) == 2:
        _check_may_move_household(
            actor, household_of[merged.pk], household_of[survivor.pk], purpose="merge duplicate records"
        )
    with transaction.atomic():
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        if MERGED_STATUS in (survivor.status_id, merged.status_id):
            raise ValidationError(_("One of these records has already been merged."))
        old: dict[str, Any] = {"status:merged": merged.status_id}
        new: dict[str, Any] = {}
        updates: dict[str, Any] = {}
        for f in merge_fields():
            if choices.get(f.name) == MERGED and _dump(f, survivor) != _dump(f, merged):
                old[f.name] = _dump(f, survivor)
                new[f.name] = _dump(f, merged)
                setattr(survivor, f.attname, getattr(merged, f.attname))
                updates[f.attname] = getattr(merged, f.attname)
        if updates:
            survivor.full_clean(validate_unique=False, validate_constraints=False)
            Person.objects.filter(pk=survivor.pk).update(**updates)
        # Names chosen from the merged record overwrite the survivor's name in that part and script.
        mine = {(n.part, n.script): n for n in PersonName.objects.filter(person=survivor)}
        theirs = {(n.part, n.script): n for n in PersonName.objects.filter(person=merged)}
        for (part, script), name in theirs.items():
            key = f"name:{part}:{script}"
            if choices.get(key) == MERGED and (part, script) in mine and mine[(part, script)].value != name.value:
                target = mine[(part, script)]
                old[key] = {"pk": target.pk, "value": target.value, "normalized": target.normalized}
                new[key] = name.value
                PersonName.objects.filter(pk=target.pk).update(value=name.value, normalized=name.normalized)
        moved, kept = _move(Person, merged, survivor, exclude_pks=set())
        if (
            merge_households
            and survivor.household_id
            and merged.household_id
            and survivor.household_id != merged.household_id
        ):
            source = Household.objects.select_for_update().get(pk=merged.household_id)
            target_h = Household.objects.get(
                pk=Person.objects.values_list("household_id", flat=True).get(pk=survivor.pk)
            )
            if (source.pk, target_h.pk) != (household_of.get(merged.pk), household_of.get(survivor.pk)):
                # A household changed since the rights were checked: check them again from the top.
                raise ValidationError(_("A household of these records changed meanwhile; try the merge again."))
            if source.pk != target_h.pk:
                hm, hk = _move(Household, source, target_h, exclude_pks=set())
                moved += hm
                kept += hk
        Person.objects.filter(pk=merged.pk).update(status_id=MERGED_STATUS)
        record = PersonMerge(
            survivor=survivor,
            merged=merged,
            pair=pair,
            site_id=survivor.site_id,
            choices={k: v for k, v in choices.items() if v == MERGED},
            old_values=old,
            new_values=new,
            moved=moved,
            kept=kept,
            reason=reason.strip()[:500],
            merged_by=actor,
        )
        record.save(force_insert=True)
        if pair is not None:
            DuplicatePair.objects.filter(pk=pair.pk).update(
                status=PairStatus.MERGED, decided_by=actor, decided_at=timezone.now(), reason=reason.strip()[:500]
            )
        from haven.matching.services import person_index_delete, person_index_update

        merged.status_id = MERGED_STATUS
        person_index_delete(person=merged)
        person_index_update(person=Person.objects.get(pk=survivor.pk))
        audit_record(
            actor=actor,
            action=AuditAction.MERGE,
            obj=survivor,
            fields=sorted(k for k in old if k != "status:merged"),
            values={
                "merged": str(merged.pk),
                "merge": str(record.pk),
                "moved": {m["model"]: len(m["pks"]) for m in moved},
                "kept": {k["model"]: len(k["pks"]) for k in kept},
            },
            # The reason is free text (reviewers write "same passport N…"): it stays in the merge
            # record, which can be read only with the review right, never in the permanent log.
            purpose="merge duplicate records",
        )
    return record


def person_merge_undo(*, actor: Any, merge: PersonMerge, reason: str) -> PersonMerge:
    """Undo a merge: rows move back, the survivor's old values and names return.

    Exactly, except what changed since: a row that no longer points where
    the merge put it, and a survivor's value corrected after the merge,
    stay as they are now (counted and named in the audit event). Refused
    while a later merge involves either person (undo that first). Audited
    (UNMERGE).
    """
    check_may_merge(actor, merge.survivor, merge.merged)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the merge is being undone.")})
    for entry in merge.moved:
        model = _model(entry["model"])
        if _points_at(model, entry["field"]) is not Household:
            continue  # the merged person's own rows go back with them, as they came
        for site_id in sorted(s for s in _sites_of_rows(model, pk__in=entry["pks"]) if s is not None):
            require(actor, roles.DUPLICATE_MERGE, site=site_id, purpose="undo merge")
    with transaction.atomic():
        m = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if m.undone_at is not None:
            raise ValidationError(_("This merge has already been undone."))
        ids = [m.survivor_id, m.merged_id]
        later = PersonMerge.objects.filter(undone_at__isnull=True, merged_at__gt=m.merged_at).filter(
            models.Q(survivor_id__in=ids) | models.Q(merged_id__in=ids)
        )
        if later.exists():
            raise ValidationError(_("A later merge involves one of these records; undo it first."))
        not_moved_back: dict[str, int] = {}
        for entry in reversed(m.moved):
            model = _model(entry["model"])
            # Only rows that still point where the merge put them: one moved on since (to another
            # household, say) stays where it is now, and is counted in the audit event.
            back = model._base_manager.filter(pk__in=entry["pks"], **{entry["field"]: entry["to"]})
            count = back.update(**{entry["field"]: entry["from"]})
            if count < len(entry["pks"]):
                not_moved_back[entry["model"]] = not_moved_back.get(entry["model"], 0) + len(entry["pks"]) - count
        # The survivor's old values come back where they still hold what the merge put there; a
        # value corrected since (a phone changed after the merge) is kept, and named in the audit.
        updates: dict[str, Any] = {}
        kept_since: list[str] = []
        survivor = Person.objects.select_for_update().get(pk=m.survivor_id)
        for key, value in m.old_values.items():
            if key.startswith("name:"):
                restored = PersonName.objects.filter(pk=value["pk"], value=m.new_values.get(key)).update(
                    value=value["value"], normalized=value["normalized"]
                )
                if not restored:
                    kept_since.append(key)
            elif key != "status:merged":
                f = Person._meta.get_field(key)
                if _dump(f, survivor) != m.new_values.get(key):  # type: ignore[arg-type]
                    kept_since.append(key)
                    continue
                updates[f.attname] = _load(f, value)  # type: ignore[arg-type,union-attr]
        if updates:
            Person.objects.filter(pk=m.survivor_id).update(**updates)
        Person.objects.filter(pk=m.merged_id).update(status_id=m.old_values.get("status:merged", "active"))
        m.undone_at = timezone.now()
        m.undone_by = actor
        m.undo_reason = reason.strip()[:500]
        m.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        if m.pair_id:
            DuplicatePair.objects.filter(pk=m.pair_id).update(status=PairStatus.OPEN, decided_by=None, decided_at=None)
        from haven.matching.services import person_index_update

        for pid in ids:
            person_index_update(person=Person.objects.get(pk=pid))
        audit_record(
            actor=actor,
            action=AuditAction.UNMERGE,
            obj=m.survivor,
            fields=sorted(k for k in m.old_values if k != "status:merged"),
            values={
                "merged": str(m.merged_id),
                "merge": str(m.pk),
                "not_moved_back": not_moved_back,
                "kept_since": sorted(kept_since),
            },
            purpose="undo merge",
        )
    return m


def may_merge(user: Any, pair: DuplicatePair) -> bool:
    return may(user, roles.DUPLICATE_MERGE, pair.person_a) and may(user, roles.DUPLICATE_MERGE, pair.person_b)


def ensure_may_review(user: Any, pair: DuplicatePair) -> None:
    if not (may(user, roles.DUPLICATE_REVIEW, pair.person_a) and may(user, roles.DUPLICATE_REVIEW, pair.person_b)):
        raise PermissionDenied(roles.DUPLICATE_REVIEW)
