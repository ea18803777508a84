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
    assert b'data-model="registry.personlanguage">languages: 1' in detail.content and b"undo-form" in detail.content
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


def _grant(user: Any, site: Any, role: str) -> None:
    from haven.accounts.access import forget_capabilities
    from haven.accounts.models import Membership, Role

    Membership.objects.create(user=user, site=site, role=Role.objects.get(code=role))
    forget_capabilities(user)


def test_a_household_merge_needs_the_right_where_the_members_live(personas, pair):
    # The merged record's daughter was transferred alone to centre B, where the manager holds no
    # rights: merging the households would move her (and show her at centre A). Refused, audited,
    # nothing changed; the persons alone can still be merged.
    from haven.registry.services import person_move_site

    b = pair.person_b
    daughter = make_person(
        site=personas.site_a,
        names={("given", "la"): "Rana", ("family", "la"): "Al-Hasan"},
        sex="F",
        household=b.household,
    )
    person_move_site(actor=personas.admin, person=daughter, site=personas.site_b)
    before = snapshot(pair.person_a, b, daughter)
    client = personas.client("manager")
    form = {"survivor": "a", "reason": "Same person", "merge_households": "on"}
    assert client.post(f"/matching/duplicates/{pair.pk}/", form).status_code == 403
    assert snapshot(pair.person_a, b, daughter) == before and not PersonMerge.objects.exists()
    assert AuditEvent.objects.filter(action="permission_denied", fields=["matching.duplicate.merge"]).exists()
    del form["merge_households"]
    assert client.post(f"/matching/duplicates/{pair.pk}/", form).status_code == 302
    daughter.refresh_from_db()
    assert daughter.household_id == before_household(before, b)  # still her own family's household


def test_a_merge_is_shown_only_to_who_may_review_both_persons_where_they_are_now(personas):
    # The manager, who holds rights at both centres, merged a record of centre B into one of centre A
    # and undid it. A registrar of centre A only may not see the merge: it names a person of centre B.
    _grant(personas.manager, personas.site_b, "manager")
    a = hasan(personas.site_a)
    b = hasan(personas.site_b)
    merge = person_merge(
        actor=personas.manager, survivor=a, merged=b, choices={}, reason="Same passport N7654321, father Ahmad"
    )
    person_merge_undo(actor=personas.manager, merge=merge, reason="Two persons")
    registrar = personas.client("registrar")
    views = AuditEvent.objects.filter(action="view").count()
    assert registrar.get(f"/matching/merges/{merge.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="view").count() == views  # nothing was shown, nothing read
    assert b.registration_number not in registrar.get("/matching/duplicates/").content.decode()
    manager = personas.client("manager")
    assert b.registration_number in manager.get(f"/matching/merges/{merge.pk}/").content.decode()
    assert b.registration_number in manager.get("/matching/duplicates/").content.decode()
    # The reason is free text (here a passport number): kept with the merge, never in the permanent log.
    assert "N7654321" in manager.get(f"/matching/merges/{merge.pk}/").content.decode()
    purposes = set(AuditEvent.objects.filter(action__in=["merge", "unmerge"]).values_list("purpose", flat=True))
    assert purposes == {"merge duplicate records", "undo merge"}


def test_the_merge_page_counts_only_the_rows_the_reader_may_see(personas, pair):
    # A restricted specific need (LP-RP) and a passport moved. The registrar sees the passport counted
    # but not the need: "specific needs: 1" would tell that a restricted one exists.
    from haven.registry.services_documents import need_add

    need_add(actor=personas.caseworker, person=pair.person_b, code="LP-RP")
    merge = person_merge(
        actor=personas.manager, survivor=pair.person_a, merged=pair.person_b, choices={}, reason="Same"
    )
    page = personas.client("registrar").get(f"/matching/merges/{merge.pk}/").content.decode()
    assert 'data-model="registry.identitydocument">identity documents: 1' in page
    assert "registry.personneed" not in page
    manager_page = personas.client("manager").get(f"/matching/merges/{merge.pk}/").content.decode()
    assert "registry.identitydocument" not in manager_page  # a manager does not see documents
    _grant(personas.registrar, personas.site_a, "caseworker")  # now also sees restricted needs
    page = personas.client("registrar").get(f"/matching/merges/{merge.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert 'data-model="registry.personneed">особые потребности: 1' in page.content.decode()


def test_undo_leaves_where_it_is_a_row_that_moved_on_since(personas, pair):
    a, b = pair.person_a, pair.person_b
    child = make_person(
        site=personas.site_a,
        names={("given", "la"): "Yara", ("family", "la"): "Al-Hasan"},
        sex="F",
        household=b.household,
    )
    merge = person_merge(
        actor=personas.manager, survivor=a, merged=b, choices={}, reason="Same family", merge_households=True
    )
    elsewhere = make_household(site=personas.site_a)
    Person.objects.filter(pk=child.pk).update(household=elsewhere)  # she has since joined another family
    person_merge_undo(actor=personas.manager, merge=merge, reason="Two families after all")
    child.refresh_from_db()
    assert child.household_id == elsewhere.pk  # not dragged back
    event = AuditEvent.objects.get(action="unmerge")
    assert event.values["not_moved_back"] == {"registry.person": 1}


def test_a_decided_pair_says_so_instead_of_refusing(personas, pair):
    person_merge(
        actor=personas.manager, survivor=pair.person_a, merged=pair.person_b, choices={}, reason="Same", pair=pair
    )
    client = personas.client("manager")
    response = client.post(f"/matching/duplicates/{pair.pk}/", {"survivor": "a", "reason": "x"}, follow=True)
    assert response.status_code == 200 and "This pair has already been decided." in response.content.decode()
    assert PersonMerge.objects.count() == 1


def test_a_merged_away_record_is_not_changed_and_no_record_is_merged_by_hand(personas, pair):
    # Its documents, needs and card are the survivor's now; a change to it would be lost to the
    # undo, and a card issued to it would name a record shown nowhere.
    from django.core.exceptions import ValidationError

    from haven.registry import services

    merged = pair.person_b
    person_merge(actor=personas.manager, survivor=pair.person_a, merged=merged, choices={}, reason="Same")
    merged.refresh_from_db()
    for change in (
        lambda: services.person_update(actor=personas.registrar, person=merged, phone="+79150000000"),
        lambda: services.person_update(actor=personas.registrar, person=merged, status="active"),
        lambda: services.card_issue(actor=personas.registrar, person=merged),
        lambda: services.need_add(actor=personas.registrar, person=merged, code="WR"),
    ):
        with pytest.raises(ValidationError, match="merged into another one"):
            change()
    with pytest.raises(ValidationError, match="review of duplicates"):
        services.person_update(actor=personas.registrar, person=pair.person_a, status="merged")
    assert Person.objects.get(pk=merged.pk).status_id == "merged"


def test_undo_keeps_a_value_corrected_since_the_merge(personas, pair):
    # The merge took the merged record's date of birth; a registrar then corrected it on the
    # survivor. Undoing the merge puts back what the merge changed, not over the correction.
    from haven.registry import services

    a, b = pair.person_a, pair.person_b
    Person.objects.filter(pk=b.pk).update(phone="+79150000001")
    merge = person_merge(
        actor=personas.manager, survivor=a, merged=b, choices={"date_of_birth": "merged", "phone": "merged"}, reason="x"
    )
    a.refresh_from_db()
    services.person_update(actor=personas.registrar, person=a, date_of_birth=date(1985, 3, 15))
    person_merge_undo(actor=personas.manager, merge=merge, reason="Two persons")
    a.refresh_from_db()
    assert a.date_of_birth == date(1985, 3, 15)  # the correction stays
    assert a.phone != "+79150000001"  # what the merge put there and nobody changed goes back
    assert AuditEvent.objects.get(action="unmerge").values["kept_since"] == ["date_of_birth"]
