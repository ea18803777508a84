"""In a real browser: each demo role logs in and reaches its home page in
English, Russian and Arabic; Arabic is laid out right-to-left."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from haven.core import demo
from haven.lib.testing.fixtures import login

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "demo password for e2e"
EXPECTED = {
    "en": ("Welcome, {user}", "ltr"),
    "ru": ("Здравствуйте, {user}", "ltr"),
    "ar": ("مرحبًا، {user}", "rtl"),
}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=True, HAVEN_REQUIRE_2FA=False)  # demo mode: two-factor is not enforced
def test_each_demo_role_reaches_home_in_three_languages(django_db_setup, live_server, page, monkeypatch):
    # django_db_setup first: the database is created before Playwright starts its event loop.
    monkeypatch.setattr(demo, "APP_ORDER", ())
    monkeypatch.setenv("HAVEN_DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for username in demo.DEMO_USERNAMES:
        login(page, live_server, username, PASSWORD)
        for language, (greeting, direction) in EXPECTED.items():
            page.select_option("#language-select", language)  # the switcher submits itself
            page.wait_for_function(f"document.documentElement.lang === '{language}'")
            assert page.evaluate("document.dir") == direction
            assert greeting.format(user=username) in page.inner_text("h1")
            assert page.locator("[data-testid=panel-value]").count() >= 1
            if username in ("caseworker", "admin"):
                page.screenshot(path=str(SCREENSHOTS / f"home-{username}-{language}.png"), full_page=True)
        if username == "admin":
            # Mirrored: the brand sits at the right edge in Arabic.
            brand = page.locator(".navbar-brand").bounding_box()
            assert brand["x"] > 640
        page.select_option("#language-select", "en")
        page.wait_for_function("document.documentElement.lang === 'en'")
        page.click("form[action='/accounts/logout/'] button")
        page.wait_for_url(f"{live_server.url}/accounts/login/")
