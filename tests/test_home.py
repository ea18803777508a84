"""The home page: one per role, with real figures."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from haven.accounts.models import Site, User
from haven.lib.testing.personas import ROLE_CODES

ROLE_NAMES = {
    "registrar": "Registration officer",
    "manager": "Centre manager",
    "caseworker": "Caseworker",
    "lawyer": "Legal adviser",
    "doctor": "Medical staff",
    "psychologist": "Psychologist",
    "credentials": "Credentials officer",
    "ombudsman": "Ombudsman&#x27;s office",
    "admin": "Administrator",
}


def _panels(html: str) -> dict[str, int]:
    pairs = re.findall(
        r'<div class="text-body-secondary small">([^<]+)</div>\s*'
        r'<div class="display-6" data-testid="panel-value">([\d,]+)</div>',
        html,
    )
    return {title.strip(): int(value.replace(",", "")) for title, value in pairs}


@override_settings(HAVEN_REQUIRE_2FA=False)
@pytest.mark.parametrize("role", ROLE_CODES)
def test_each_role_reaches_its_home_page(personas, role, django_assert_max_num_queries):
    client = personas.client(role)
    client.get("/")  # warm up per-process caches (content types, translations)
    with django_assert_max_num_queries(40):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Welcome, {role}" in html
    assert f"{ROLE_NAMES[role]} · Centre A" in html
    panels = _panels(html)
    assert panels["Your sites"] == 1


@override_settings(HAVEN_REQUIRE_2FA=False)
def test_administrator_sees_real_staff_and_site_counts(personas):
    panels = _panels(personas.client("admin").get("/").content.decode())
    assert panels["Active staff accounts"] == User.objects.filter(is_active=True).count() == 12
    assert panels["Active sites"] == Site.objects.filter(is_active=True).count() == 2
    # The figures follow the data.
    Site.objects.filter(pk=personas.site_b.pk).update(is_active=False)
    personas.outsider.is_active = False
    personas.outsider.save()
    panels = _panels(personas.client("admin").get("/").content.decode())
    assert panels["Active staff accounts"] == 11
    assert panels["Active sites"] == 1


def test_other_roles_do_not_see_staff_counts(personas):
    html = personas.client("caseworker").get("/").content.decode()
    assert "Active staff accounts" not in _panels(html)


def test_user_at_two_sites_counts_both(personas):
    from haven.accounts.models import Membership, Role

    Membership.objects.create(user=personas.caseworker, site=personas.site_b, role=Role.objects.get(code="caseworker"))
    assert _panels(personas.client("caseworker").get("/").content.decode())["Your sites"] == 2


def test_outsider_is_told_to_ask_for_a_role(personas):
    html = personas.client("outsider").get("/").content.decode()
    assert "You have no role at any site yet" in html
    assert _panels(html)["Your sites"] == 0


@override_settings(HAVEN_REQUIRE_2FA=False)
def test_administration_link_only_for_staff_administrators(personas):
    assert 'href="/admin/"' not in personas.client("admin").get("/").content.decode()  # not is_staff
    personas.admin.is_staff = True
    personas.admin.save()
    html = personas.client("admin").get("/").content.decode()
    assert 'href="/admin/"' in html
    assert 'href="/admin/accounts/user/"' in html
    personas.caseworker.is_staff = True
    personas.caseworker.save()
    assert 'href="/admin/"' not in personas.client("caseworker").get("/").content.decode()
