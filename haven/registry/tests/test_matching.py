"""The registry wired to the matching engine: search, duplicate warnings, merged records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.matching.models import DuplicateDecision, DuplicatePair
from haven.registry import selectors, services, services_io
from haven.registry.models import Person
from haven.registry.services import NameInput
from haven.registry.tests import factories

pytestmark = pytest.mark.django_db


def _numbers(persons: list[Person]) -> list[str]:
    return [p.registration_number for p in persons]


def test_registered_person_is_found_at_once_by_a_cross_script_search(personas):
    person = factories.person(personas.registrar, personas.site_a)
    for query in ("Мухаммед Аль-Али", "محمد العلي", "Muhammad Alali"):
        found = selectors.person_search(user=personas.registrar, query=query, limit=10)
        assert person.registration_number in _numbers(found), query
    # Not at the other site.
    assert selectors.person_search(user=personas.registrar_b, query="Мухаммед Аль-Али", limit=10) == []


def test_list_page_searches_across_scripts_by_post(personas):
    person = factories.person(personas.registrar, personas.site_a)
    other = factories.person(
        personas.registrar, personas.site_a, names=factories.names("أحمد", "حداد", "Ahmad", "Haddad")
    )
    client = personas.client("registrar")
    response = client.post(reverse("registry:list"), {"query": "Мухаммед Аль-Али"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert person.registration_number in body
    # Ranked: the person typed comes first (weaker matches may follow).
    assert other.registration_number not in body or body.index(person.registration_number) < body.index(
        other.registration_number
    )
    assert "Мухаммед" not in response.request.get("QUERY_STRING", "")


def test_name_change_updates_search(personas):
    person = factories.person(personas.registrar, personas.site_a)
    services.person_set_names(
        actor=personas.registrar,
        person=person,
        names=[NameInput("given", "ar", "أحمد", True), NameInput("family", "ar", "حداد", True)],
    )
    assert _numbers(selectors.person_search(user=personas.registrar, query="Ахмад Хаддад", limit=10)) == [
        person.registration_number
    ]
    # The old name no longer matches well (at most a weak, fuzzy hit ranked as such).
    old = selectors.person_search(user=personas.registrar, query="Mohammed Al-Ali", limit=10)
    assert all(p.search_score < 0.85 for p in old)


def test_move_site_moves_the_person_in_search(personas):
    person = factories.person(personas.registrar, personas.site_a)
    services.person_move_site(actor=personas.manager, person=person, site=personas.site_b, reason="transfer")
    assert _numbers(selectors.person_search(user=personas.registrar_b, query="Mohammed Al-Ali", limit=10)) == [
        person.registration_number
    ]
    assert selectors.person_search(user=personas.registrar, query="Mohammed Al-Ali", limit=10) == []


def _check_data(**extra: str) -> dict[str, str]:
    data = {
        "prefix": "form-0",
        "form-0-given_cy": "Мухаммед",
        "form-0-family_cy": "Аль-Али",
        "form-0-date_of_birth": "1980-05-14",
        "form-0-sex": "M",
    }
    data.update(extra)
    return data


def test_duplicate_warning_for_a_cross_script_duplicate_and_audited_decision(personas):
    existing = factories.person(personas.registrar, personas.site_a)
    client = personas.client("registrar")
    response = client.post(reverse("registry:duplicates"), _check_data())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duplicate-warning"' in body
    assert existing.registration_number in body
    assert "محمد العلي" in body and "Mohammed Al-Ali" in body  # names in both scripts
    assert existing.household.registration_number in body
    assert personas.site_a.name in body
    assert "(45 years)" in body or "years)" in body  # age

    # Without a reason nothing is recorded and the officer is told what to do.
    url = reverse("registry:duplicate_decide")
    decide = _check_data(candidate=str(existing.pk), decision="new")
    response = client.post(url, decide)
    assert 'data-testid="duplicate-error"' in response.content.decode()
    assert not DuplicateDecision.objects.exists()

    decide[f"form-0-dup-{existing.pk}-reason"] = "Different father; checked the family booklet"
    response = client.post(url, decide)
    assert 'data-testid="duplicate-decided"' in response.content.decode()
    decision = DuplicateDecision.objects.get()
    assert decision.decision == "new" and decision.candidate_id == existing.pk
    assert AuditEvent.objects.filter(object_type="matching.duplicatedecision", object_id=str(decision.pk)).exists()

    # Registering the new person queues the pair for review.
    new = factories.household(
        personas.registrar,
        personas.site_a,
        factories.member(names=[NameInput("given", "cy", "Мухаммед"), NameInput("family", "cy", "Аль-Али")]),
    ).members.get()
    decision.refresh_from_db()
    assert decision.new_person_id == new.pk
    assert DuplicatePair.objects.filter(person_a__in=[new, existing], person_b__in=[new, existing]).exists()


def test_same_person_decision_opens_the_existing_record(personas):
    existing = factories.person(personas.registrar, personas.site_a)
    client = personas.client("registrar")
    data = _check_data(candidate=str(existing.pk), decision="link")
    data[f"form-0-dup-{existing.pk}-reason"] = "Same passport number"
    response = client.post(reverse("registry:duplicate_decide"), data, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("registry:person", args=[existing.pk])
    assert DuplicateDecision.objects.get().decision == "link"


def test_duplicate_check_and_decision_denied(personas):
    existing = factories.person(personas.registrar, personas.site_a)
    assert personas.client("outsider").post(reverse("registry:duplicates"), _check_data()).status_code == 403
    # Another site's registrar sees no candidate of site A and cannot decide about one.
    body = personas.client("registrar_b").post(reverse("registry:duplicates"), _check_data()).content.decode()
    assert existing.registration_number not in body
    data = _check_data(candidate=str(existing.pk), decision="new")
    data[f"form-0-dup-{existing.pk}-reason"] = "x"
    assert personas.client("registrar_b").post(reverse("registry:duplicate_decide"), data).status_code == 404
    assert not DuplicateDecision.objects.exists()


def test_merged_persons_disappear_from_lists_counts_and_exports(personas):
    kept = factories.person(personas.registrar, personas.site_a)
    merged = factories.person(
        personas.registrar, personas.site_a, names=factories.names("أحمد", "حداد", "Ahmad", "Haddad")
    )
    before = selectors.registry_figures(user=personas.registrar)
    Person.objects.filter(pk=merged.pk).update(status_id="merged")
    after = selectors.registry_figures(user=personas.registrar)
    assert after["persons"] == before["persons"] - 1
    assert after["households"] == before["households"] - 1
    listed = _numbers(selectors.person_search(user=personas.registrar, query="", limit=50))
    assert kept.registration_number in listed and merged.registration_number not in listed
    assert merged.registration_number not in _numbers(
        selectors.person_search(user=personas.registrar, query=merged.registration_number, limit=50)
    )
    body = personas.client("registrar").get(reverse("registry:list")).content.decode()
    assert merged.registration_number not in body
    api = personas.api("registrar").get("/api/v1/persons").json()
    assert merged.registration_number not in [p["registration_number"] for p in api["items"]]
    export = services_io.registry_export(actor=personas.manager)[0].decode("utf-8-sig")
    assert kept.registration_number in export and merged.registration_number not in export


def test_registration_page_offers_the_search_box(personas):
    body = personas.client("registrar").get(reverse("registry:register")).content.decode()
    assert 'data-testid="matching-search"' in body


@pytest.mark.parametrize("mode", ["each", "rebuild"])
def test_imported_persons_are_found_across_scripts_with_one_audit_event_each(personas, monkeypatch, mode):
    from haven.registry import services_import
    from haven.registry.tests.test_import_export import GOOD, csv_bytes

    monkeypatch.setattr(services_import, "INDEX_MODE", mode)
    before = AuditEvent.objects.filter(object_type="registry.person").count()
    job = services_io.import_job_create(
        actor=personas.registrar, site=personas.site_a, data=csv_bytes(GOOD), filename="f.csv"
    )
    assert job.status == "done", job.report
    assert AuditEvent.objects.filter(object_type="registry.person").count() - before == 3
    assert AuditEvent.objects.filter(object_type="registry.household").count() == 2
    numbers = set(Person.objects.values_list("registration_number", flat=True))
    assert len(numbers) == 3
    found = selectors.person_search(user=personas.registrar, query="Fatima Hasan", limit=10)
    assert found and found[0].names.filter(value="Фатима").exists()
    found = selectors.person_search(user=personas.registrar, query="سلمى العلي", limit=10)
    assert found and found[0].names.filter(value="Salma").exists()
