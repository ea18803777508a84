"""Two reviewers at once: no person is lost, proven with real concurrent requests on PostgreSQL.

A merge takes a person out of the registry and an undo brings them back:
two reviewers who press "merge" on the same pair in opposite directions, or
"undo" on the same merge, must leave exactly one of them done and the other
told so in their own language. SQLite serialises writers with one database
lock, so a race there proves nothing; these tests run only where the
database has row locks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from haven.lib.testing.concurrency import at_once, require_postgres
from haven.matching.models import PairStatus, PersonMerge
from haven.matching.services import duplicate_pair_create
from haven.matching.tests.helpers import hasan, make_household, make_person
from haven.registry.models import Person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(clients: list[Client], urls: list[str], forms: list[dict[str, str]]) -> list[Any]:
    """Each client POSTs its form at the same moment (a Russian browser, following redirects)."""
    return at_once(
        [
            lambda c=c, u=u, f=f: c.post(u, f, follow=True, HTTP_ACCEPT_LANGUAGE="ru")
            for c, u, f in zip(clients, urls, forms, strict=True)
        ]
    )


@pytest.fixture
def two_reviewers(personas: Any) -> list[Client]:
    from haven.lib.testing.personas import make_user

    personas.users["manager2"] = make_user("manager2", site=personas.site_a, role="manager")
    return [personas.client("manager"), personas.client("manager2")]


@pytest.fixture
def pair(personas: Any) -> Any:
    require_postgres()
    a = hasan(personas.site_a, household=make_household(site=personas.site_a))
    b = make_person(
        site=personas.site_a,
        names={("given", "la"): "Mohammad", ("father", "la"): "Ahmad", ("family", "la"): "Al-Hasan"},
        dob=date(1985, 3, 14),
        household=make_household(site=personas.site_a),
    )
    return duplicate_pair_create(actor=personas.manager, person_a=a, person_b=b, score=0.93, source="registration")


def test_two_reviewers_merging_one_pair_in_opposite_directions_merge_it_once(personas, two_reviewers, pair):
    url = f"/matching/duplicates/{pair.pk}/"
    forms = [{"survivor": "a", "reason": "Same passport"}, {"survivor": "b", "reason": "Same person"}]
    results = _race(two_reviewers, [url, url], forms)
    assert all(r is not None and r.status_code == 200 for r in results)
    merge = PersonMerge.objects.get()  # one merge, not two
    statuses = dict(Person.objects.filter(pk__in=[pair.person_a_id, pair.person_b_id]).values_list("pk", "status_id"))
    assert statuses == {merge.survivor_id: "active", merge.merged_id: "merged"}  # nobody lost
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    # The other reviewer is told, in Russian, that the pair was decided meanwhile.
    landed = [r.request["PATH_INFO"] for r in results]
    assert sorted(landed) == sorted([f"/matching/merges/{merge.pk}/", url]), landed
    text = results[landed.index(url)].content.decode()
    assert "уже принято решение" in text or "уже объединена" in text, text[:3000]


def test_two_reviewers_undoing_one_merge_undo_it_once(personas, two_reviewers, pair):
    from haven.matching.merging import person_merge

    merge = person_merge(
        actor=personas.manager,
        survivor=pair.person_a,
        merged=pair.person_b,
        pair=pair,
        reason="Same passport",
        choices={},
    )
    url = f"/matching/merges/{merge.pk}/"
    results = _race(two_reviewers, [url, url], [{"reason": "Mistake"}, {"reason": "Wrong pair"}])
    assert all(r is not None and r.status_code == 200 for r in results)
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert not Person.objects.filter(status_id="merged").exists()  # both persons back, once
    texts = [r.content.decode() for r in results]
    assert sum("Это объединение уже отменено." in t for t in texts) == 1, [t[:2000] for t in texts]


def test_one_person_registered_at_two_desks_at_once_is_queued_for_review(personas):
    # Two registrars register the same man at the same moment, one in Arabic and one in Latin
    # script. A check cannot see a record not yet committed; the second registration must still
    # put the pair in the review queue, or it is never noticed. (It does because a registration
    # holds two row locks until it commits, the year's number counter and the audit chain's
    # head: the later one's check runs after the earlier one is committed. Without both, this
    # test fails: neither check sees the other and no pair is queued.)
    require_postgres()
    import json

    from haven.api.services import token_issue
    from haven.lib.testing.personas import ApiClient, make_user
    from haven.matching.models import DuplicatePair

    second = make_user("registrar2", site=personas.site_a, role="registrar")
    clients = [personas.api("registrar"), ApiClient(token_issue(user=second)[1])]
    hasan(personas.site_b)  # someone else entirely, elsewhere
    spellings = [
        [("given", "ar", "محمد"), ("father", "ar", "أحمد"), ("family", "ar", "الحسن")],
        [("given", "la", "Mohammad"), ("father", "la", "Ahmad"), ("family", "la", "Al-Hassan")],
    ]
    bodies = [
        json.dumps(
            {
                "site_id": str(personas.site_a.pk),
                "names": [{"part": p, "script": s, "value": v} for p, s, v in names],
                "sex": "M",
                "date_of_birth": "1985-03-14",
            }
        )
        for names in spellings
    ]
    results = at_once(
        [
            lambda c=c, b=b: c.post("/api/v1/persons", b, content_type="application/json")
            for c, b in zip(clients, bodies, strict=True)
        ]
    )
    assert [r.status_code for r in results] == [201, 201], [r.content[:300] for r in results]
    ids = {r.json()["id"] for r in results}
    pairs = DuplicatePair.objects.filter(person_a_id__in=ids, person_b_id__in=ids)
    assert pairs.count() == 1
