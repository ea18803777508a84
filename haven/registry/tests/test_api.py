from __future__ import annotations

import json

import pytest

from haven.audit.models import AuditEvent
from haven.registry.models import Person
from haven.registry.tests.factories import person

pytestmark = pytest.mark.django_db

HOUSEHOLD = {
    "arrival_date": "2025-02-12",
    "origin_governorate": "Latakia",
    "members": [
        {
            "names": [
                {"part": "given", "script": "ar", "value": "محمد", "is_document_spelling": True},
                {"part": "family", "script": "ar", "value": "العلي"},
            ],
            "sex": "M",
            "date_of_birth": "1980-05-14",
            "relationship": "head",
        },
        {
            "names": [
                {"part": "given", "script": "la", "value": "Salma"},
                {"part": "family", "script": "la", "value": "Al-Ali"},
            ],
            "sex": "F",
            "date_of_birth": "2015-01-01",
            "relationship": "child",
            "needs": ["CR"],
        },
    ],
}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_registrar_creates_household_and_lists_persons(personas):
    api = personas.api("registrar")
    response = post(api, "/api/v1/households", HOUSEHOLD)
    assert response.status_code == 201, response.content
    assert len(response.json()["member_ids"]) == 2
    listing = api.get("/api/v1/persons?limit=1").json()
    assert listing["count"] == 2 and len(listing["items"]) == 1
    assert api.get("/api/v1/persons?sex=F").json()["count"] == 1


def test_invalid_household_is_a_structured_error_and_changes_nothing(personas):
    body = json.loads(json.dumps(HOUSEHOLD))
    body["members"][1]["names"][0]["script"] = "ar"  # "Salma" is not Arabic
    response = post(personas.api("registrar"), "/api/v1/households", body)
    assert response.status_code == 400
    assert "Arabic" in json.dumps(response.json()["error"], ensure_ascii=False)
    assert not Person.objects.exists()


def test_caseworker_cannot_create_household(personas):
    response = post(personas.api("caseworker"), "/api/v1/households", HOUSEHOLD)
    assert response.status_code == 403


def test_person_detail_is_audited_and_hidden_from_other_site(personas):
    p = person(personas.registrar, personas.site_a)
    response = personas.api("caseworker").get(f"/api/v1/persons/{p.pk}")
    assert response.status_code == 200
    assert response.json()["registration_number"] == p.registration_number
    assert AuditEvent.objects.filter(object_id=str(p.pk), action="view").exists()
    assert personas.api("caseworker_b").get(f"/api/v1/persons/{p.pk}").status_code == 404
    assert personas.api("outsider").get("/api/v1/persons").json()["count"] == 0


def test_needs_hide_restricted_codes_by_role(personas):
    p = person(personas.registrar, personas.site_a)
    cw = personas.api("caseworker")
    assert post(cw, f"/api/v1/persons/{p.pk}/needs", {"code": "LP-RP"}).status_code == 201
    assert post(cw, f"/api/v1/persons/{p.pk}/needs", {"code": "WR"}).status_code == 201
    seen_by_cw = {n["code"] for n in cw.get(f"/api/v1/persons/{p.pk}/needs").json()}
    seen_by_registrar = {n["code"] for n in personas.api("registrar").get(f"/api/v1/persons/{p.pk}/needs").json()}
    assert seen_by_cw == {"LP-RP", "WR"}
    assert seen_by_registrar == {"WR"}
    assert post(cw, f"/api/v1/persons/{p.pk}/needs", {"code": "ZZ"}).status_code == 400
    codes = {c["code"] for c in personas.api("registrar").get("/api/v1/need-codes").json()}
    assert "LP-RP" not in codes and "WR" in codes


def test_documents_and_consent(personas):
    p = person(personas.registrar, personas.site_a)
    reg = personas.api("registrar")
    doc = post(reg, f"/api/v1/persons/{p.pk}/documents", {"document_type": "passport", "number": "N1"})
    assert doc.status_code == 201
    patched = reg.patch(
        f"/api/v1/documents/{doc.json()['id']}", json.dumps({"number": "N2"}), content_type="application/json"
    )
    assert patched.json()["number"] == "N2"
    assert personas.api("doctor").get(f"/api/v1/persons/{p.pk}/documents").status_code == 403
    consent = post(reg, f"/api/v1/persons/{p.pk}/consents", {"purpose": "registration", "notice_language": "ar"})
    assert consent.status_code == 201
    withdrawn = post(reg, f"/api/v1/consents/{consent.json()['id']}/withdraw", {})
    assert withdrawn.json()["withdrawn_on"]


def test_patch_person_and_names(personas):
    p = person(personas.registrar, personas.site_a)
    reg = personas.api("registrar")
    response = reg.patch(
        f"/api/v1/persons/{p.pk}", json.dumps({"profession": "Doctor"}), content_type="application/json"
    )
    assert response.json()["profession"] == "Doctor"
    names = [{"part": "given", "script": "cy", "value": "Мухаммед"}, {"part": "family", "script": "cy", "value": "Али"}]
    response = reg.put(f"/api/v1/persons/{p.pk}/names", json.dumps(names), content_type="application/json")
    assert {n["value"] for n in response.json()} == {"Мухаммед", "Али"}
    assert (
        personas.api("lawyer")
        .patch(f"/api/v1/persons/{p.pk}", json.dumps({"profession": "x"}), content_type="application/json")
        .status_code
        == 403
    )
