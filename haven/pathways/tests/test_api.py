from __future__ import annotations

import datetime

import pytest
import time_machine

from haven.pathways.services import household_enrol
from haven.pathways.tests import factories
from haven.pathways.tests.conftest import ARRIVAL
from haven.pathways.tests.test_templates import GOOD


@pytest.fixture
def family(perm, personas, frozen):
    household, members = factories.family(personas.site_a, arrival=ARRIVAL)
    return household, members


def test_enrol_complete_and_book_through_the_api(family, personas):
    household, members = family
    api = personas.api("caseworker")
    response = api.post(
        "/api/v1/pathways/enrolments", {"household_id": str(household.pk)}, content_type="application/json"
    )
    assert response.status_code == 201 and len(response.json()) == 3
    enrolment_id = response.json()[0]["id"]
    detail = api.get(f"/api/v1/pathways/enrolments/{enrolment_id}").json()
    intake = next(s for s in detail["steps"] if s["code"] == "intake")
    done = api.post(
        f"/api/v1/pathways/steps/{intake['id']}/complete",
        {"completed_on": "2025-03-03"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    sim = next(s for s in detail["steps"] if s["code"] == "sim-card")
    early = api.post(
        f"/api/v1/pathways/steps/{sim['id']}/complete", {"completed_on": "2025-03-10"}, content_type="application/json"
    )
    assert early.status_code == 400 and "cannot be done before" in str(early.json()["error"]["details"])
    booked = api.post(
        "/api/v1/pathways/appointments",
        {
            "household_id": str(household.pk),
            "step_code": "medical-exam",
            "on_date": "2025-03-14",
            "at_time": "09:00",
            "place": "Room 1",
        },
        content_type="application/json",
    )
    assert booked.status_code == 201 and len(booked.json()["person_ids"]) == 3
    past = api.post(
        "/api/v1/pathways/appointments",
        {
            "person_ids": [str(members[0].pk)],
            "step_code": "russian-course",
            "on_date": "2025-03-01",
            "at_time": "09:00",
            "place": "Room 1",
        },
        content_type="application/json",
    )
    assert past.status_code == 400
    missed = api.post(f"/api/v1/pathways/appointments/{booked.json()['id']}/missed")
    assert missed.json()["status"] == "missed"
    rebooked = api.post(
        f"/api/v1/pathways/appointments/{booked.json()['id']}/rebook",
        {"on_date": "2025-03-17", "at_time": "10:00"},
        content_type="application/json",
    )
    assert rebooked.status_code == 201
    assert len(api.get("/api/v1/pathways/appointments?start=2025-03-10&days=14").json()) == 2
    worklist = api.get("/api/v1/pathways/steps?due=all").json()
    assert any(s["code"] == "medical-exam" for s in worklist)


def test_api_refuses_other_sites_and_outsiders(family, personas):
    household, members = family
    household_enrol(actor="test", household=household)
    step_id = members[0].pathway_steps.first().pk
    for who in ("caseworker_b", "outsider"):
        api = personas.api(who)
        assert api.get(f"/api/v1/pathways/steps/{step_id}").status_code in (403, 404)
        assert api.post(
            "/api/v1/pathways/enrolments", {"person_id": str(members[0].pk)}, content_type="application/json"
        ).status_code in (403, 404)
        assert api.get(f"/api/v1/pathways/persons/{members[0].pk}/enrolment").status_code in (403, 404)
    assert personas.api("outsider").get("/api/v1/pathways/steps").status_code == 403
    assert personas.api("caseworker_b").get("/api/v1/pathways/steps?due=all").json() == []
    assert (
        personas.api("registrar")
        .post(
            f"/api/v1/pathways/steps/{step_id}/complete",
            {"completed_on": "2025-03-03"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_templates_api(perm, personas, settings):
    settings.HAVEN_REQUIRE_2FA = False
    listing = personas.api("caseworker").get("/api/v1/pathways/templates")
    assert {t["code"] for t in listing.json()} >= {"ru-perm", "de-arrival"}
    detail = personas.api("caseworker").get(f"/api/v1/pathways/templates/{perm.pk}").json()
    assert [s["code"] for s in detail["steps"]][:2] == ["intake", "migration-registration"]
    assert personas.api("outsider").get("/api/v1/pathways/templates").status_code == 403
    assert (
        personas.api("caseworker")
        .post("/api/v1/pathways/templates", {"source": GOOD}, content_type="application/json")
        .status_code
        == 403
    )
    created = personas.api("admin").post(
        "/api/v1/pathways/templates", {"source": GOOD}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["outcome"] == "created"
    bad = personas.api("admin").post(
        "/api/v1/pathways/templates",
        {"source": GOOD.replace("after: first", "after: ghost")},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "ghost" in str(bad.json()["error"]["details"])


@time_machine.travel(datetime.datetime(2025, 4, 25, 8, tzinfo=datetime.UTC), tick=False)
def test_german_template_loads_and_runs_the_same_way(germany, personas):
    from haven.pathways.services import enrolment_create, site_template_assign, step_complete_by_code

    site_template_assign(actor="test", site=personas.site_b, template_code="de-arrival")
    person = factories.person(personas.site_b)
    enrolment = enrolment_create(actor="test", person=person, arrival_date=datetime.date(2025, 4, 17))
    assert enrolment.template.code == "de-arrival"
    steps = {s.step_template.code: s for s in enrolment.steps.select_related("step_template")}
    assert set(steps) == {"registration", "arrival-certificate", "health-exam", "asylum-application", "transfer"}
    step_complete_by_code(
        actor="test", person=person, step_code="registration", completed_on=datetime.date(2025, 4, 17)
    )
    certificate = enrolment.steps.get(step_template__code="arrival-certificate")
    # 3 working days in Baden-Württemberg after Thursday 17 April: Good Friday and Easter Monday are holidays.
    assert certificate.due_date == datetime.date(2025, 4, 24)
    page = personas.client("caseworker_b").get("/pathways/?due=all&everyone=on").content.decode()
    assert "Health examination" in page
