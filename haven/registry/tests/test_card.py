"""The registration card PDF: a landscape ID-1 card (85.6 × 54 mm)."""

from __future__ import annotations

import re

import pytest

from haven.registry import cards, selectors
from haven.registry.services import card_issue
from haven.registry.tests import factories

pytestmark = pytest.mark.django_db


def test_card_is_a_landscape_id1_card(personas):
    person = factories.person(personas.registrar, personas.site_a)
    card = card_issue(actor=personas.manager, person=person)
    person = selectors.person_get(user=personas.manager, person_id=person.pk, audit_read=False)
    pdf = cards.card_pdf(person=person, card=card)
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box is not None
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in box.groups())
    assert width_mm == pytest.approx(85.6, abs=0.1)
    assert height_mm == pytest.approx(54.0, abs=0.1)
