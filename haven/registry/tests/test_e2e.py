"""Register a household of five through the pages, in Russian and in Arabic."""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import expect

from haven.lib.testing.fixtures import login
from haven.registry.models import Household

MEMBERS = [
    # given (Arabic), family (Arabic), sex, date of birth, expected Cyrillic given name
    ("محمد", "العلي", "M", "1980-05-14", "Мухаммед"),
    ("فاطمة", "حسن", "F", "1984-09-02", "Фатима"),
    ("علي", "العلي", "M", "2010-01-20", "Али"),
    ("مريم", "العلي", "F", "2013-07-11", "Марьям"),
    ("حسن", "العلي", "M", "2018-03-30", "Хасан"),
]

# Playwright's sync API runs an event loop in this thread; the test database
# may be created after it starts (as the fixtures in haven/lib/testing do for pages).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _register_five(page, live_server, language: str) -> float:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    started = time.monotonic()
    page.goto(f"{live_server.url}/registry/register/")
    for _ in range(4):
        page.click("[data-testid=add-member]")
        page.wait_for_load_state("domcontentloaded")
    page.fill("#id_hh-arrival_date", "2025-02-12")
    page.fill("#id_hh-origin_governorate", "Latakia")
    for i, (given, family, sex, dob, expected_cy) in enumerate(MEMBERS):
        prefix = f"form-{i}"
        page.fill(f"#id_{prefix}-given_ar", given)
        page.press(f"#id_{prefix}-given_ar", "Tab")
        expect(page.locator(f"#id_{prefix}-given_cy")).to_have_value(expected_cy)
        expect(page.locator(f"#id_{prefix}-given_la")).not_to_have_value("")
        page.fill(f"#id_{prefix}-family_ar", family)
        page.press(f"#id_{prefix}-family_ar", "Tab")
        expect(page.locator(f"#id_{prefix}-family_la")).not_to_have_value("")
        page.select_option(f"#id_{prefix}-sex", sex)
        page.fill(f"#id_{prefix}-date_of_birth", dob)
        if i == 1:
            page.select_option(f"#id_{prefix}-relationship", "spouse")
    # Let the live duplicate checks (hx-post, 300 ms after a change) finish first: the test
    # server's threads share one in-memory SQLite connection, so requests must not overlap.
    page.wait_for_timeout(350)
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.click("[data-testid=save-household]")
    page.wait_for_selector("[data-testid=household-members]")
    return time.monotonic() - started


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ru", "ar"])
def test_register_household_of_five(page, live_server, personas, language):
    login(page, live_server, "registrar")
    elapsed = _register_five(page, live_server, language)
    household = Household.objects.get()
    assert household.members.count() == 5
    assert household.members.filter(names__script="cy", names__value="Мухаммед").exists()
    assert page.locator("html").get_attribute("lang") == language
    if language == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
    assert elapsed < 180  # the bar for a trained officer; the browser is much faster
