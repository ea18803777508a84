from __future__ import annotations

import datetime

import pytest

from haven.audit.models import AuditEvent
from haven.pathways.models import Appointment, Step
from haven.pathways.services import appointment_book, household_enrol, step_complete_by_code
from haven.pathways.tests import factories
from haven.pathways.tests.conftest import ARRIVAL

D = datetime.date


@pytest.fixture
def world(perm, personas, frozen):
    household, members = factories.family(personas.site_a, arrival=ARRIVAL)
    household_enrol(actor="test", household=household)
    appointment = appointment_book(
        actor="test",
        site=personas.site_a,
        step_code="medical-exam",
        on_date=D(2025, 3, 13),
        at_time=datetime.time(9, 0),
        place="Polyclinic 2",
        household=household,
    )
    return {"household": household, "members": members, "appointment": appointment, "personas": personas}


def _urls(world):
    person = world["members"][0]
    step = Step.objects.filter(person=person).first()
    a = world["appointment"]
    return [
        "/pathways/",
        "/pathways/expiring/",
        f"/pathways/steps/{step.pk}/",
        f"/pathways/people/{person.pk}/",
        f"/pathways/households/{world['household'].pk}/",
        "/pathways/progress/",
        "/pathways/calendar/",
        f"/pathways/appointments/{a.pk}/",
        f"/pathways/appointments/{a.pk}/slip/",
        f"/pathways/appointments/new/?person={person.pk}",
    ]


def test_caseworker_sees_every_page(world):
    client = world["personas"].client("caseworker")
    for url in _urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        head, body = response.content.decode().split("</head>", 1)
        assert "pathways/pathways.css" in head, url  # the stylesheet loads in <head>, before the page paints
        assert "<link" not in body, url


def test_outsiders_are_refused_everywhere(world):
    client = world["personas"].client("outsider")
    for url in _urls(world):
        assert client.get(url).status_code in (403, 404), url


def test_another_site_sees_none_of_site_a(world):
    client = world["personas"].client("caseworker_b")
    for url in _urls(world)[:]:
        response = client.get(url)
        if url in ("/pathways/", "/pathways/expiring/", "/pathways/progress/", "/pathways/calendar/"):
            page = response.content.decode()
            assert response.status_code == 200 and "Centre A" not in page and "Test" not in page, url
        else:
            assert response.status_code == 404, url


def test_psychologist_without_step_capability_is_refused(world):
    client = world["personas"].client("psychologist")
    assert client.get("/pathways/").status_code == 403
    assert client.get(f"/pathways/people/{world['members'][0].pk}/").status_code == 404


@pytest.fixture
def no_2fa(settings):
    settings.HAVEN_REQUIRE_2FA = False


def test_template_pages_only_for_administrators(world, no_2fa):
    personas = world["personas"]
    perm = world["members"][0].enrolments.first().template
    assert personas.client("admin").get("/pathways/templates/").status_code == 200
    assert personas.client("admin").get(f"/pathways/templates/{perm.pk}/").status_code == 200
    assert personas.client("caseworker").get("/pathways/templates/").status_code == 403
    assert personas.client("caseworker").get(f"/pathways/templates/{perm.pk}/").status_code == 403


def test_admin_edits_a_template_in_use_and_migrates_people(world, no_2fa):
    personas = world["personas"]
    perm = world["members"][0].enrolments.first().template
    client = personas.client("admin")
    bad = client.post(
        f"/pathways/templates/{perm.pk}/",
        {"source": perm.source.replace("  - code: oms", "  - code: oms\n    colour: red")},
    )
    assert bad.status_code == 400 and "unknown field" in bad.content.decode()
    edited = perm.source.replace(
        "deadline: {days: 30, unit: calendar, after: arrival}\n    output: {document: Medical",
        "deadline: {days: 14, unit: calendar, after: arrival}\n    output: {document: Medical",
    )
    response = client.post(f"/pathways/templates/{perm.pk}/", {"source": edited})
    assert response.status_code == 302
    new = perm.__class__.objects.get(code="ru-perm", active=True)
    assert new.version == 2
    response = client.post(f"/pathways/templates/{perm.pk}/migrate/")
    assert response.status_code == 302
    exam = Step.objects.get(person=world["members"][0], step_template__code="medical-exam")
    assert exam.step_template.template_id == new.pk
    assert exam.due_date == D(2025, 3, 17)
    assert personas.client("caseworker").post(f"/pathways/templates/{perm.pk}/migrate/").status_code == 403


def test_worklist_query_count_does_not_grow_with_rows(perm, personas, frozen, django_assert_max_num_queries):
    client = personas.client("caseworker")
    household, _members = factories.family(personas.site_a, arrival=ARRIVAL)
    household_enrol(actor="test", household=household)
    with django_assert_max_num_queries(19) as small:  # measured: 17 (session, user, memberships, names, nav, audit)
        response = client.get("/pathways/?everyone=on&due=all")
    small_rows = response.content.decode().count('data-testid="worklist-row"')
    for _ in range(3):
        household, _members = factories.family(personas.site_a, arrival=ARRIVAL)
        household_enrol(actor="test", household=household)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/pathways/?everyone=on&due=all")
    rows = response.content.decode().count('data-testid="worklist-row"')
    assert rows == 4 * small_rows and rows > 100  # four times the rows, not one query more


def test_worklist_shows_the_role_its_steps_and_overdue_first(world):
    page = world["personas"].client("caseworker").get("/pathways/?due=all").content.decode()
    assert "Medical examination" in page
    assert "Temporary asylum application" not in page  # the lawyer's
    lawyer = world["personas"].client("lawyer").get("/pathways/?due=all").content.decode()
    assert "Temporary asylum application" in lawyer


def test_the_people_a_worklist_or_the_expiry_list_shows_are_named_in_the_audit_log(world):
    client = world["personas"].client("caseworker")
    client.get("/pathways/?due=all")
    client.get("/pathways/expiring/?days=3650")
    events = {e.object_type: e for e in AuditEvent.objects.filter(actor_name="caseworker", action="view")}
    assert set(events["pathway_worklist"].values["persons"]) == {str(m.pk) for m in world["members"]}
    assert "expiring_documents" in events or not Step.objects.filter(expires_on__isnull=False).exists()


def test_bulk_done_from_the_worklist(world):
    personas = world["personas"]
    for m in world["members"]:
        step_complete_by_code(actor="test", person=m, step_code="intake", completed_on=ARRIVAL)
    exams = Step.objects.filter(step_template__code="medical-exam")
    response = personas.client("caseworker").post(
        "/pathways/bulk/", {"steps": [str(s.pk) for s in exams], "completed_on": "2025-03-12", "result": "cleared"}
    )
    assert response.status_code == 302
    assert exams.filter(status="done").count() == 3
    assert Appointment.objects.get().status == "attended"
    other = personas.client("caseworker_b").post(
        "/pathways/bulk/", {"steps": [str(s.pk) for s in exams], "completed_on": "2025-03-12"}
    )
    assert other.status_code == 403


def test_marking_done_before_prerequisites_shows_the_error(world):
    step = Step.objects.filter(person=world["members"][0], step_template__code="sim-card").get()
    response = (
        world["personas"]
        .client("caseworker")
        .post(
            f"/pathways/steps/{step.pk}/",
            {"action": "complete", "completed_on": "2025-03-12", "evidence_phone_number": "1"},
        )
    )
    assert response.status_code == 400
    assert "cannot be done before" in response.content.decode()


def test_slip_is_in_arabic_and_russian(world):
    page = (
        world["personas"]
        .client("caseworker")
        .get(f"/pathways/appointments/{world['appointment'].pk}/slip/")
        .content.decode()
    )
    assert 'lang="ar"' in page and 'lang="ru"' in page
    assert "الفحص الطبي" in page and "Медицинское освидетельствование" in page
    assert "<style" not in page and "style=" not in page and "<script>" not in page


def test_progress_funnel_and_audited_export(world):
    personas = world["personas"]
    for m in world["members"]:
        step_complete_by_code(actor="test", person=m, step_code="intake", completed_on=ARRIVAL)
    page = personas.client("manager").get("/pathways/progress/").content.decode()
    assert 'data-testid="done-intake">3 / 3' in page
    response = personas.client("manager").get("/pathways/progress/export.csv")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("step,title") and any(line.startswith("intake,") for line in lines)
    assert AuditEvent.objects.filter(action="export", object_type="accounts.site").exists()
    assert personas.client("outsider").get("/pathways/progress/export.csv").status_code == 403


def test_book_appointment_page_rejects_the_past(world):
    person = world["members"][1]
    response = (
        world["personas"]
        .client("caseworker")
        .post(
            f"/pathways/appointments/new/?person={person.pk}",
            {"step_code": "russian-course", "on_date": "2025-03-01", "at_time": "10:00", "place": "Room 3"},
        )
    )
    assert response.status_code == 400 and "in the past" in response.content.decode()
    assert (
        world["personas"].client("registrar").get(f"/pathways/appointments/new/?person={person.pk}").status_code == 404
    )


def test_home_panels_and_nav(world, no_2fa):
    page = world["personas"].client("caseworker").get("/").content.decode()
    assert "Overdue steps" in page and "Appointments today" in page and "/pathways/calendar/" in page
    assert "/pathways/templates/" not in page
    assert "/pathways/templates/" in world["personas"].client("admin").get("/").content.decode()


def test_person_section_shows_the_timeline_only_to_those_who_may_see_steps(world):
    from django.apps import apps

    config = apps.get_app_config("pathways")
    person = world["members"][0]
    sections = config.person_sections(world["personas"].caseworker, person)
    assert sections and "Medical examination" in sections[0]["html"]
    assert config.person_sections(world["personas"].psychologist, person) == []
    assert config.person_sections(world["personas"].caseworker_b, person) == []


def test_notifications_page_shows_only_my_own(world):
    from haven.pathways.notify import notify_user

    notify_user(user=world["personas"].caseworker, message="Appointment booked for 3 people")
    mine = world["personas"].client("caseworker").get("/pathways/notifications/").content.decode()
    assert "Appointment booked for 3 people" in mine
    other = world["personas"].client("lawyer").get("/pathways/notifications/").content.decode()
    assert "Appointment booked for 3 people" not in other
    assert world["personas"].client("caseworker").post("/pathways/notifications/").status_code == 302
