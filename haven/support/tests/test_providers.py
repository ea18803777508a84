"""The services page: add and edit where people are referred; the origin-authority mark is one-way."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from haven.audit.models import AuditEvent
from haven.support.models import ServiceProvider
from haven.support.services_referrals import provider_create, provider_update

pytestmark = pytest.mark.django_db

NEW = {"name": "Perm Legal Aid Bureau", "kind": "legal_aid", "country": "ru", "contact": "+7 342 000 00 00"}


def test_caseworker_adds_and_edits_a_service(personas: Any, person: Any, django_assert_max_num_queries: Any) -> None:
    client = personas.client("caseworker")
    response = client.post("/support/providers/new/", {**NEW, "site": personas.site_a.pk, "is_active": "on"})
    assert response.status_code == 302
    provider = ServiceProvider.objects.get()
    assert provider.country == "RU" and provider.site == personas.site_a and not provider.is_origin_authority
    with django_assert_max_num_queries(10) as one:
        listing = client.get("/support/providers/")
    assert listing.content.count(b'data-testid="provider-row"') == 1 and b"Perm Legal Aid Bureau" in listing.content
    for i in range(5):
        provider_create(actor="test", name=f"School {i}", kind="school", site=personas.site_a)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/support/providers/").content.count(b'data-testid="provider-row"') == 6

    response = client.post(f"/support/providers/{provider.pk}/", {**NEW, "name": "Perm Legal Aid", "kind": "legal_aid"})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Perm Legal Aid" and provider.site is None and not provider.is_active
    event = AuditEvent.objects.filter(action="update", object_id=str(provider.pk)).get()
    assert set(event.fields) == {"name", "site", "is_active"}
    assert b"No longer in use" in client.get("/support/providers/").content
    assert b"Perm Legal Aid" not in client.get(f"/support/persons/{person.pk}/referrals/new/").content


def test_bad_country_code_is_explained(personas: Any) -> None:
    response = personas.client("lawyer").post("/support/providers/new/", {**NEW, "country": "R1"})
    assert response.status_code == 200 and b"two-letter country code" in response.content
    assert not ServiceProvider.objects.exists()


def test_origin_authority_mark_can_be_set_but_never_cleared(personas: Any, person: Any) -> None:
    client = personas.client("caseworker")
    client.post("/support/providers/new/", {"name": "Consulate", "kind": "authority", "is_active": "on"})
    consulate = ServiceProvider.objects.get()
    assert b"Consulate" in client.get(f"/support/persons/{person.pk}/referrals/new/").content

    client.post(
        f"/support/providers/{consulate.pk}/",
        {"name": "Consulate", "kind": "authority", "is_active": "on", "is_origin_authority": "on"},
    )
    consulate.refresh_from_db()
    assert consulate.is_origin_authority
    edit = client.get(f"/support/providers/{consulate.pk}/")
    assert b'name="is_origin_authority"' in edit.content and b"disabled" in edit.content
    # Posting the form without the box leaves the mark as it is.
    client.post(f"/support/providers/{consulate.pk}/", {"name": "Consulate", "kind": "authority", "is_active": "on"})
    consulate.refresh_from_db()
    assert consulate.is_origin_authority
    with pytest.raises(ValidationError):
        provider_update(actor=personas.caseworker, provider=consulate, is_origin_authority=False)
    # Marked: never offered as a recipient.
    assert b"Consulate" not in client.get(f"/support/persons/{person.pk}/referrals/new/").content
    listing = client.get("/support/providers/")
    assert b'data-testid="origin-authority"' in listing.content


def test_services_denied(personas: Any) -> None:
    other = provider_create(actor="test", name="Centre B clinic", kind="hospital", site=personas.site_b)
    shared = provider_create(actor="test", name="Regional hospital", kind="hospital")
    for persona in ("doctor", "registrar", "admin", "outsider"):
        client = personas.client(persona)
        assert client.get("/support/providers/").status_code == 403, persona
        assert client.post("/support/providers/new/", NEW).status_code == 403, persona
        assert client.post(f"/support/providers/{shared.pk}/", NEW).status_code == 403, persona
    caseworker = personas.client("caseworker")
    assert caseworker.get(f"/support/providers/{other.pk}/").status_code == 404  # another site's service
    assert b"Centre B clinic" not in caseworker.get("/support/providers/").content
    # A site the user does not manage is not a choice, and the service refuses it.
    response = caseworker.post("/support/providers/new/", {**NEW, "site": personas.site_b.pk})
    assert response.status_code == 200 and ServiceProvider.objects.count() == 2
    with pytest.raises(PermissionDenied):
        provider_create(actor=personas.caseworker, name="x", kind="other", site=personas.site_b)
    with pytest.raises(PermissionDenied):
        provider_update(actor=personas.doctor, provider=shared, name="Renamed")
    shared.refresh_from_db()
    assert shared.name == "Regional hospital"
