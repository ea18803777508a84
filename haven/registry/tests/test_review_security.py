"""Regression tests from a security review of the registry."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from haven.matching.models import MERGED_STATUS
from haven.registry import selectors, services
from haven.registry.models import Person, PersonNeed
from haven.registry.tests.factories import household, member, names, person

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_person_page_lists_only_household_members_at_the_readers_sites(personas):
    hh = household(
        personas.registrar,
        personas.site_a,
        member(),
        member(names=names(given_ar="سلمى", given_la="Salma"), sex="F", relationship="spouse"),
    )
    head = hh.members.get(relationship="head")
    spouse = hh.members.get(relationship="spouse")
    services.person_move_site(actor=personas.registrar, person=spouse, site=personas.site_b, reason="transfer")
    body = personas.client("registrar").get(reverse("registry:person", args=[head.pk])).content.decode()
    # The spouse's case is now held by site B: staff at A learn nothing of them.
    assert spouse.registration_number not in body
    assert str(spouse.pk) not in body


def test_api_registration_cannot_record_a_restricted_need_without_the_protection_right(personas):
    body = {
        "names": [
            {"part": "given", "script": "la", "value": "Salma"},
            {"part": "family", "script": "la", "value": "Al-Ali"},
        ],
        "sex": "F",
        "date_of_birth": "1990-01-01",
        "needs": ["LP-RP"],
    }
    response = post(personas.api("registrar"), "/api/v1/persons", body)
    assert response.status_code == 403
    assert not Person.objects.exists()
    assert not PersonNeed.objects.exists()
    hh = {"arrival_date": "2025-02-12", "members": [body | {"relationship": "head"}]}
    response = post(personas.api("registrar"), "/api/v1/households", hh)
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_card_of_a_record_merged_away_no_longer_verifies(personas):
    p = person(personas.registrar, personas.site_a)
    card = services.card_issue(actor=personas.registrar, person=p)
    token = selectors.card_token(card)
    Person.objects.filter(pk=p.pk).update(status_id=MERGED_STATUS)
    response = personas.client("registrar").get(reverse("registry:verify", args=[token]))
    assert b"Valid card." not in response.content
    assert b"no longer valid" in response.content


def test_api_reads_of_documents_needs_and_consents_are_audited(personas):
    from haven.audit.models import AuditEvent

    p = person(personas.registrar, personas.site_a)
    services.document_add(actor=personas.registrar, person=p, document_type="passport", number="N0000001")
    api = personas.api("registrar")
    for tail in ("documents", "needs", "consents"):
        before = AuditEvent.objects.filter(object_id=str(p.pk), action="view").count()
        response = api.get(f"/api/v1/persons/{p.pk}/{tail}")
        assert response.status_code == 200
        # Who read a person's document numbers, needs or consents is on record.
        assert AuditEvent.objects.filter(object_id=str(p.pk), action="view").count() == before + 1, tail


def test_document_of_a_record_merged_away_cannot_be_edited(personas):
    p = person(personas.registrar, personas.site_a)
    doc = services.document_add(actor=personas.registrar, person=p, document_type="passport", number="N0000001")
    Person.objects.filter(pk=p.pk).update(status_id=MERGED_STATUS)
    response = personas.api("registrar").patch(
        f"/api/v1/documents/{doc.pk}", json.dumps({"number": "N0000002"}), content_type="application/json"
    )
    assert response.status_code == 400
    doc.refresh_from_db()
    assert doc.number == "N0000001"
