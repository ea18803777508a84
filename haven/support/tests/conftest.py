"""Fixtures of the support tests: keys, reference data, a person at each site."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from cryptography.fernet import Fernet

from haven.support import crypto

TEST_KEY = Fernet.generate_key().decode("ascii")
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _field_keys(settings: Any) -> Any:
    settings.HAVEN_FIELD_KEYS = [TEST_KEY]
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def make_person(site: Any, household: Any = None) -> Any:
    from haven.registry.models import Person

    return Person.objects.create(
        registration_number=f"T-{next(_numbers):06d}",
        site=site,
        household=household,
        date_of_birth=datetime.date(1990, 1, 1),
    )


def make_household(site: Any) -> Any:
    from haven.registry.models import Household

    return Household.objects.create(
        registration_number=f"H-{next(_numbers):06d}", site=site, arrival_date=datetime.date(2025, 2, 1)
    )


@pytest.fixture
def person(personas: Any) -> Any:
    return make_person(personas.site_a)


@pytest.fixture
def person_b(personas: Any) -> Any:
    return make_person(personas.site_b)


@pytest.fixture
def hospital(personas: Any) -> Any:
    from haven.support.services_referrals import provider_create

    return provider_create(actor="test", name="Perm Regional Hospital No. 2", kind="hospital")


def refer(personas: Any, person: Any, provider: Any, **kw: Any) -> Any:
    """A referral by the site A caseworker, with consent, sharing identity and medical data (``kw`` overrides)."""
    from haven.support.services_referrals import referral_create

    data: dict[str, Any] = {
        "reason": "Chronic illness needs a specialist",
        "consent_given": True,
        "consent_given_by": "the person",
        "data_shared": ["identity", "medical"],
        "purpose": "Specialist appointment",
    }
    data.update(kw)
    return referral_create(actor=personas.caseworker, person=person, provider=provider, **data)
