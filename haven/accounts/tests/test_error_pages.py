"""Refusals and missing records are pages of Haven, in the user's language, with the menu."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_refusal_says_what_to_do_in_the_users_language(personas):
    # Someone with no role at any centre opens the duplicates queue: a page of Haven, not a bare 403.
    page = personas.client("outsider").get("/matching/duplicates/", HTTP_ACCEPT_LANGUAGE="ru")
    body = page.content.decode()
    assert page.status_code == 403 and 'data-testid="forbidden"' in body
    assert "Вам нельзя" in body and "администратора" in body and "navbar" in body


def test_a_record_of_another_centre_is_not_found_in_arabic(personas):
    page = personas.client("registrar").get(
        "/registry/00000000-0000-0000-0000-000000000000/", HTTP_ACCEPT_LANGUAGE="ar"
    )
    body = page.content.decode()
    assert page.status_code == 404 and 'data-testid="not-found"' in body and 'dir="rtl"' in body
    assert "غير موجود" in body
