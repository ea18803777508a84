"""Merge two records field by field, move everything attached, undo exactly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from haven.audit.models import AuditEvent
from haven.matching.merging import person_merge, person_merge_undo, related_links
from haven.matching.models import DuplicatePair, PairStatus, PersonMerge
from haven.matching.selectors import person_search
from haven.matching.services import duplicate_pair_create
from haven.matching.tests.helpers import hasan, make_household, make_person
from haven.registry.models import DocumentType, IdentityDocument, Person, PersonLanguage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(personas):
    a = hasan(personas.site_a, household=make_household(site=personas.site_a))
    b = make_person(
        site=personas.site_a,
        names={
            ("given", "la"): "Mohammad",
            ("father", "la"): "Ahmad",
            ("family", "la"): "Al-Hasan",
            ("given", "ar"): "محمّد",
        },
        dob=date(1985, 1, 1),
        household=make_household(site=personas.site_a),
    )
    passport = DocumentType.objects.get(code="passport")
    IdentityDocument.objects.create(person=b, document_type=passport, number="N0000001")
    IdentityDocument.objects.create(person=a, document_type=passport, number="N0000002")
    PersonLanguage.objects.create(person=b, language="ru", level="basic")
    PersonLanguage.objects.create(person=b, language="ar")
    PersonLanguage.objects.create(person=a, language="ar")
    return duplicate_pair_create(actor=personas.manager, person_a=a, person_b=b, score=0.93, source="registration")


def snapshot(*persons: Person) -> dict[str, Any]:
    """Every row pointing at the persons, and the persons' own fields."""
    out: dict[str, Any] = {}
    ids = [p.pk for p in persons]
    for model, attname in related_links(Person):
        rows = model._base_manager.filter(**{f"{attname}__in": ids}).order_by("pk").values()
        out[f"{model._meta.label_lower}.{attname}"] = [dict(r) for r in rows]
    out["persons"] = [dict(r) for r in Person.objects.filter(pk__in=ids).order_by("pk").values()]
    return out


def test_merge_moves_rows_and_undo_restores_exactly(personas, pair):
    a, b = pair.person_a, pair.person_b
    survivor, merged = (a, b) if a.date_of_birth == date(1985, 3, 14) else (b, a)
    before = snapshot(a, b)
    merge = person_merge(
        actor=personas.manager,
        survivor=survivor,
        merged=merged,
        pair=pair,
        reason="Same passport photo",
        choices={"household": "merged"},
    )
    docs = IdentityDocument.objects.filter(person=survivor)
    assert docs.count() == 2  # the merged record's passport moved
    assert set(PersonLanguage.objects.filter(person=survivor).values_list("language", flat=True)) == {"ar", "ru"}
    # The survivor already spoke Arabic: that row cannot move and stays with the merged record.
    assert PersonLanguage.objects.filter(person=merged).count() == 1
    assert any(k["model"] == "registry.personlanguage" for k in merge.kept)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert survivor.household_id == before_household(before, merged)
    assert merged.status_id == "merged"
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    # The merged record disappears from search; the survivor is found by the merged record's Latin name.
    hits = person_search(user=personas.manager, query="Mohammad Al-Hasan")
    assert [h.person_id for h in hits] == [survivor.pk]
    assert AuditEvent.objects.filter(action="merge", object_id=str(survivor.pk)).exists()

    person_merge_undo(actor=personas.manager, merge=merge, reason="Twins after all")
    assert snapshot(a, b) == before
    assert AuditEvent.objects.filter(action="unmerge", object_id=str(survivor.pk)).exists()
    assert PersonMerge.objects.get().undone_at is not None
    assert DuplicatePair.objects.get().status == PairStatus.OPEN
    assert {h.person_id for h in person_search(user=personas.manager, query="Mohammad Al-Hasan")} == {a.pk, b.pk}


def before_household(before: dict[str, Any], merged: Person) -> Any:
    return next(p["household_id"] for p in before["persons"] if p["id"] == merged.pk)


def test_merge_refused_without_capability(personas, pair):
    with pytest.raises(PermissionDenied):
        person_merge(actor=personas.registrar, survivor=pair.person_a, merged=pair.person_b, choices={}, reason="x")
    assert not PersonMerge.objects.exists()
    assert Person.objects.filter(status_id="merged").count() == 0


def test_merge_and_undo_pages(personas, pair):
    client = personas.client("manager")
    page = client.get(f"/matching/duplicates/{pair.pk}/")
    assert page.status_code == 200 and b"merge-form" in page.content
    response = client.post(
        f"/matching/duplicates/{pair.pk}/",
        {"survivor": "a", "date_of_birth": "a", "household": "b", "reason": "Same person"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    merge = PersonMerge.objects.get()
    assert response.url == f"/matching/merges/{merge.pk}/"
    detail = client.get(response.url)
    assert b"registry.identitydocument: 1" in detail.content and b"undo-form" in detail.content
    undone = client.post(response.url, {"reason": "Mistake"})
    assert undone.status_code == 302
    assert b'data-testid="undone"' in client.get(response.url).content
    assert not Person.objects.filter(status_id="merged").exists()


def test_merge_pages_denied(personas, pair):
    # A registrar may review but not merge; another site's user sees nothing.
    response = personas.client("registrar").post(f"/matching/duplicates/{pair.pk}/", {"survivor": "a", "reason": "x"})
    assert response.status_code == 403
    assert personas.client("registrar_b").get(f"/matching/duplicates/{pair.pk}/").status_code == 404
    merge = person_merge(
        actor=personas.manager, survivor=pair.person_a, merged=pair.person_b, choices={}, reason="same"
    )
    assert personas.client("registrar_b").get(f"/matching/merges/{merge.pk}/").status_code == 404
    assert personas.client("registrar").post(f"/matching/merges/{merge.pk}/", {"reason": "x"}).status_code == 403
    assert PersonMerge.objects.get().undone_at is None


def test_merge_with_households_moves_the_members_and_undo_puts_them_back(personas, pair):
    a, b = pair.person_a, pair.person_b
    # The merged record's household has a child; the survivor's household keeps its own.
    child = make_person(
        site=personas.site_a,
        names={("given", "la"): "Yara", ("father", "la"): "Mohammad", ("family", "la"): "Al-Hasan"},
        dob=date(2015, 5, 5),
        sex="F",
        household=b.household,
    )
    home, away = a.household_id, b.household_id
    before = snapshot(a, b, child)
    merge = person_merge(
        actor=personas.manager, survivor=a, merged=b, choices={}, reason="Same family", merge_households=True
    )
    child.refresh_from_db()
    assert child.household_id == home  # the child now lives in the survivor's household
    assert set(Person.objects.filter(household_id=home).values_list("pk", flat=True)) >= {a.pk, b.pk, child.pk}
    assert any(child.pk in m["pks"] or str(child.pk) in m["pks"] for m in merge.moved)  # provenance names the child
    person_merge_undo(actor=personas.manager, merge=merge, reason="Two families after all")
    child.refresh_from_db()
    assert child.household_id == away
    assert snapshot(a, b, child) == before
