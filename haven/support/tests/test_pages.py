"""Caseload and case pages, navigation, home panels, person section; fast at scale."""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from haven.registry.models import Person
from haven.support import services
from haven.support.models import Case, CaseFlag, CaseFlagType, CaseStatus, SessionType
from haven.support.tests.conftest import make_person

pytestmark = pytest.mark.django_db


def insert_rows(model: Any, rows: list[dict[str, Any]], **same: Any) -> None:
    """Insert plain rows: each row's values, then ``same``, then each field's default.

    Values common to all rows are converted for the database once, so 10,000 rows
    cost a fraction of ``bulk_create`` (which prepares every field of every object).
    """
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField | models.BigAutoField)]
    constant: dict[str, Any] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = same.get(field.attname, field.get_default())
        constant[field.attname] = field.get_db_prep_save(value, connection)
    varying = {f.attname: f for f in fields if rows and f.attname in rows[0]}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    params = [
        [
            varying[f.attname].get_db_prep_save(row[f.attname], connection)
            if f.attname in varying
            else constant[f.attname]
            for f in fields
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})", params)  # noqa: S608


def bulk_cases(site: Any, caseworker: Any, n: int, prefix: str) -> None:
    """``n`` persons with an open case each, a third of them flagged."""
    person_ids = [uuid.uuid4() for _ in range(n)]
    case_ids = [uuid.uuid4() for _ in range(n)]
    insert_rows(
        Person,
        [{"id": pk, "registration_number": f"{prefix}-{i:06d}"} for i, pk in enumerate(person_ids)],
        site_id=site.pk,
    )
    insert_rows(
        Case,
        [{"id": case_id, "person_id": person_id} for case_id, person_id in zip(case_ids, person_ids, strict=True)],
        site_id=site.pk,
        status_id=CaseStatus.objects.get(code="open").pk,
        caseworker_id=caseworker.pk,
        opened_at=timezone.now(),
    )
    flag = CaseFlagType.objects.get(code="interpreter")
    insert_rows(CaseFlag, [{"case_id": pk} for pk in case_ids[::3]], flag_type_id=flag.pk, added_at=timezone.now())
    assert (
        Case.objects.filter(person__registration_number__startswith=f"{prefix}-", closed_at__isnull=True).count() == n
    )


def test_caseload_queries_do_not_grow(personas: Any, django_assert_max_num_queries: Any) -> None:
    client = personas.client("caseworker")
    bulk_cases(personas.site_a, personas.caseworker, 5, "S")
    with django_assert_max_num_queries(17) as small:  # 12, and the audit event naming the people listed
        assert client.get("/support/").status_code == 200
    bulk_cases(personas.site_a, personas.caseworker, 200, "M")
    with django_assert_max_num_queries(len(small.captured_queries)) as bigger:
        response = client.get("/support/")
    assert response.content.count(b'data-testid="case-row"') == 50
    assert len(bigger.captured_queries) == len(small.captured_queries)


def test_the_people_on_a_caseload_page_are_named_in_the_audit_log(personas: Any) -> None:
    # Having a support case (a psychologist's, say) is itself sensitive: who looked at whose.
    from haven.audit.models import AuditEvent

    bulk_cases(personas.site_a, personas.caseworker, 3, "A")
    personas.client("caseworker").get("/support/")
    event = AuditEvent.objects.get(actor_name="caseworker", action="view", object_type="caseload")
    assert sorted(event.values["persons"]) == sorted(
        str(pk) for pk in Case.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    )


def test_caseload_at_ten_thousand_open_cases(personas: Any, django_assert_max_num_queries: Any) -> None:
    bulk_cases(personas.site_a, personas.caseworker, 10_000, "L")
    client = personas.client("caseworker")
    client.get("/support/")  # warm caches
    started = time.perf_counter()
    with django_assert_max_num_queries(17):
        response = client.get("/support/?all=1&page=3")
    elapsed = time.perf_counter() - started
    assert b"10,000 open cases" in response.content or b"10000 open cases" in response.content
    assert response.content.count(b'data-testid="case-row"') == 50
    assert elapsed < 2.0, elapsed
    api_client = personas.api("caseworker")
    with django_assert_max_num_queries(8):
        api = api_client.get("/api/v1/support/cases?limit=100")
    assert len(api.json()) == 100


def test_case_page_queries_are_constant(personas: Any, person: Any, django_assert_max_num_queries: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    client = personas.client("caseworker")
    social = SessionType.objects.get(code="social")

    def add(i: int) -> None:
        goal = services.goal_add(actor=personas.caseworker, case=case, title=f"Goal {i}")
        services.action_add(actor=personas.caseworker, goal=goal, title=f"Action {i}", owner=personas.lawyer)
        services.session_record(
            actor=personas.caseworker, person=person, session_type=social, held_on=datetime.date(2025, 4, 1)
        )

    add(0)
    services.case_flag_add(actor=personas.caseworker, case=case, flag_code="interpreter")
    with django_assert_max_num_queries(40) as few:
        client.get(f"/support/cases/{case.pk}/")
    for i in range(1, 10):
        add(i)
    services.case_flag_add(actor=personas.caseworker, case=case, flag_code="no_location")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/support/cases/{case.pk}/")
    assert response.content.count(b'data-testid="session-row"') == 10
    assert response.content.count(b'data-testid="action"') == 10


def test_case_page_allowed_and_denied(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    for persona in ("caseworker", "lawyer", "psychologist"):
        assert personas.client(persona).get(f"/support/cases/{case.pk}/").status_code == 200
    for persona in ("doctor", "registrar", "manager", "caseworker_b", "outsider"):
        assert personas.client(persona).get(f"/support/cases/{case.pk}/").status_code == 404
    assert personas.api("caseworker_b").get(f"/api/v1/support/cases/{case.pk}").status_code == 404
    assert personas.api("caseworker").get(f"/api/v1/support/cases/{case.pk}").json()["status"] == "open"
    assert personas.client("outsider").get("/support/").status_code == 403
    assert personas.client("doctor").get("/support/").status_code == 403
    assert personas.api("doctor").get("/api/v1/support/cases").status_code == 403


def test_case_changes_through_the_page(personas: Any, person: Any) -> None:
    client = personas.client("caseworker")
    assert client.post(f"/support/persons/{person.pk}/case/").status_code == 302
    case = Case.objects.get()
    response = client.post(f"/support/cases/{case.pk}/status/", {"status": "closed", "reason": "", "priority": 2})
    case.refresh_from_db()
    assert response.status_code == 302 and case.closed_at is None
    assert b"Give the reason" in client.get(f"/support/cases/{case.pk}/").content
    client.post(
        f"/support/cases/{case.pk}/status/", {"status": "closed", "reason": "Left for relatives", "priority": 2}
    )
    case.refresh_from_db()
    assert case.closed_at is not None
    # The psychologist may look at the case but not change it.
    other = make_person(personas.site_a)
    assert personas.client("psychologist").post(f"/support/persons/{other.pk}/case/").status_code == 403


def test_case_through_the_api(personas: Any, person: Any) -> None:
    client = personas.api("caseworker")
    created = client.post("/api/v1/support/cases", {"person_id": str(person.pk)}, content_type="application/json")
    assert created.status_code == 201
    case_id = created.json()["id"]
    goal = client.post(
        f"/api/v1/support/cases/{case_id}/goals", {"title": "School place"}, content_type="application/json"
    ).json()
    action = client.post(
        f"/api/v1/support/goals/{goal['id']}/actions",
        {"title": "Visit school No. 12", "owner_id": str(personas.caseworker.pk), "due_on": "2025-05-01"},
        content_type="application/json",
    )
    assert action.status_code == 201
    flag = client.post(
        f"/api/v1/support/cases/{case_id}/flags", {"flag": "interpreter"}, content_type="application/json"
    )
    assert flag.json()["flags"] == ["interpreter"]
    closed = client.post(
        f"/api/v1/support/cases/{case_id}/status", {"status": "closed"}, content_type="application/json"
    )
    assert closed.status_code == 400 and "reason" in closed.json()["error"]["details"]
    denied = personas.api("psychologist").post(
        f"/api/v1/support/cases/{case_id}/goals", {"title": "x"}, content_type="application/json"
    )
    assert denied.status_code == 403


def test_navigation_and_home_panels(personas: Any, person: Any) -> None:
    case = services.case_open(actor=personas.caseworker, person=person)
    services.session_record(
        actor=personas.caseworker,
        person=person,
        session_type=SessionType.objects.get(code="social"),
        held_on=timezone.localdate(),
        case=case,
    )
    config = apps.get_app_config("support")
    titles = [str(i["title"]) for i in config.nav_items(personas.caseworker)]
    assert titles == ["Caseload", "Referrals", "Disclosures"]
    assert config.nav_items(personas.outsider) == []
    assert [str(i["title"]) for i in config.nav_items(personas.doctor)] == []
    panels = {str(p["title"]): p["value"] for p in config.home_panels(personas.caseworker)}
    assert panels == {"Open cases": 1, "Sessions this week": 1, "Referrals awaiting answer": 0}
    assert {str(p["title"]): p["value"] for p in config.home_panels(personas.caseworker_b)} == {
        "Open cases": 0,
        "Sessions this week": 0,
        "Referrals awaiting answer": 0,
    }
    assert config.home_panels(personas.registrar) == []
    home = personas.client("caseworker").get("/")
    assert b"Sessions this week" in home.content


def test_person_section_hook(personas: Any, person: Any) -> None:
    services.session_record(
        actor=personas.psychologist,
        person=person,
        session_type=SessionType.objects.get(code="psychological"),
        held_on=datetime.date(2025, 4, 1),
        note="Private words",
    )
    config = apps.get_app_config("support")
    sections = config.person_sections(personas.lawyer, person)
    assert "Psychological session" in sections[0]["html"] and "Private words" not in sections[0]["html"]
    assert config.person_sections(personas.registrar, person) == []
    assert config.person_sections(personas.caseworker_b, person) == []


@pytest.mark.parametrize(("language", "expected"), [("ru", "Мои дела"), ("ar", "ملفاتي")])
def test_caseload_in_each_language(personas: Any, person: Any, language: str, expected: str) -> None:
    from django.utils import translation

    services.case_open(actor=personas.caseworker, person=person)
    with translation.override(language):
        response = personas.client("caseworker").get("/support/", HTTP_ACCEPT_LANGUAGE=language)
    assert expected in response.text
    assert CaseStatus.objects.get(code="open").name_ru in response.text or language != "ru"
