"""The caseworker's day in a real browser: worklist, booking, Arabic slip, bulk done, funnel."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from haven.lib.testing.fixtures import login
from haven.pathways.services import household_enrol, step_complete_by_code, templates_load_shipped
from haven.pathways.tests import factories

# Playwright's sync API runs an event loop in this thread; the test database
# may be touched after it starts (as the fixtures in haven/lib/testing do).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_caseworker_books_prints_the_arabic_slip_marks_done_and_sees_the_funnel(page, live_server, personas):
    templates_load_shipped()
    today = timezone.localdate()
    household, members = factories.family(personas.site_a, arrival=today - datetime.timedelta(days=40))
    household_enrol(actor="test", household=household)
    for member in members:  # intake done: the medical examination may now be done, and is 10 days late
        step_complete_by_code(actor="test", person=member, step_code="intake", completed_on=today)
    login(page, live_server, "caseworker")
    url = live_server.url

    page.goto(f"{url}/pathways/progress/")
    expect(page.get_by_test_id("done-medical-exam")).to_have_text("0 / 3 (0%)")

    page.goto(f"{url}/pathways/?due=overdue")
    overdue = page.get_by_test_id("worklist-row").filter(has_text="Medical examination")
    expect(overdue).to_have_count(3)
    expect(overdue.first.locator(".badge.text-bg-danger")).to_have_text("10 days late")

    page.goto(f"{url}/pathways/households/{household.pk}/")
    page.get_by_test_id("book-household").click()
    page.select_option("#id_step_code", "medical-exam")
    page.fill("#id_on_date", (today + datetime.timedelta(days=1)).isoformat())
    page.fill("#id_at_time", "09:30")
    page.fill("#id_place", "Polyclinic 2, room 14")
    page.check("#id_interpreter_needed")
    page.get_by_test_id("appointment-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("appointment-status")).to_have_text("Booked")

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": url}])
    page.get_by_test_id("slip-link").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    slips = page.get_by_test_id("slip")
    expect(slips).to_have_count(3)
    arabic = slips.first.locator("section[lang=ar]")
    expect(arabic).to_have_attribute("dir", "rtl")
    expect(arabic).to_contain_text("الفحص الطبي")
    expect(arabic).to_contain_text("سيكون هناك مترجم")  # the interpreter line
    expect(arabic).to_contain_text("المكان: Polyclinic 2, room 14")  # "place", not shelter's "placement"
    expect(slips.first.locator("section[lang=ru]")).to_contain_text("Место: Polyclinic 2, room 14")
    expect(page.get_by_role("button", name="طباعة")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "pathways-slip-ar.png"), full_page=True)
    # Right-to-left: the Arabic section's text starts at the right edge of its slip.
    slip_box = slips.first.bounding_box()
    heading_box = arabic.locator("h2").bounding_box()
    assert slip_box and heading_box
    assert heading_box["x"] + heading_box["width"] > slip_box["x"] + slip_box["width"] - 40

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": url}])
    page.goto(f"{url}/pathways/?due=all&step=medical-exam")
    rows = page.get_by_test_id("worklist-row")
    expect(rows).to_have_count(3)
    for checkbox in rows.locator("input[name=steps]").all():
        checkbox.check()
    page.fill("#id_result", "cleared")
    page.get_by_test_id("bulk-done").click()
    expect(page.get_by_role("alert")).to_contain_text("Steps marked done: 3.")

    page.goto(f"{url}/pathways/progress/")
    expect(page.get_by_test_id("done-medical-exam")).to_have_text("3 / 3 (100%)")
