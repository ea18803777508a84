"""The centre manager's day in a browser: occupancy, a household in and out,
the roll call on a phone (in Arabic), a transfer, and who has been absent."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from haven.lib.testing.fixtures import login
from haven.registry.models import PersonName
from haven.shelter.models import Stay, StayStatus, Transfer, TransferStatus
from haven.shelter.services import stay_check_in
from haven.shelter.tests.factories import beds_of, make_household, make_person, make_room

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _arabic(person, given, family):
    PersonName.objects.create(person=person, part="given", script="ar", value=given)
    PersonName.objects.create(person=person, part="family", script="ar", value=family)
    return person


def _centre(personas):
    site = personas.site_a
    family_room = make_room(site, beds=4, area="20", name="A-101")
    other = beds_of(make_room(site, beds=2, area="10", name="A-102"))
    household = make_household(site)
    _arabic(make_person(site, household=household, given="Rana", family="Salem"), "رنا", "سالم")
    _arabic(make_person(site, household=household, given="Omar", family="Salem", sex="M"), "عمر", "سالم")
    away = _arabic(make_person(site, given="Yusuf", family="Darwish", sex="M"), "يوسف", "درويش")
    leaving = _arabic(make_person(site, given="Mariam", family="Khalil"), "مريم", "خليل")
    stay_check_in(actor=personas.manager, person=away, bed=other[0], at=timezone.now() - datetime.timedelta(days=8))
    stay_check_in(actor=personas.manager, person=leaving, bed=other[1])
    return site, family_room, household, away, leaving


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_manager_runs_the_centre(page, browser, live_server, personas):
    site, family_room, household, away, leaving = _centre(personas)
    base = f"{live_server.url}/shelter/{site.pk}"
    login(page, live_server, "manager")

    # Occupancy and the room grid
    page.goto(f"{base}/")
    expect(page.get_by_test_id("residents")).to_have_text("2")
    expect(page.get_by_test_id("absent")).to_have_text("1")
    expect(page.get_by_test_id("room").filter(has_text="A-102")).to_contain_text("Yusuf Darwish")

    # A household in, then out
    page.goto(f"{base}/households/{household.pk}/")
    page.get_by_test_id("suggestion").filter(has_text="A-101").get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("2 persons checked in to room A-101")
    assert Stay.objects.filter(household=household, status=StayStatus.CHECKED_IN, bed__room=family_room).count() == 2
    page.select_option("#id_reason", "departure")
    page.get_by_role("button", name="Check the household out").click()
    expect(page.locator(".alert-success")).to_contain_text("2 persons checked out")
    assert not Stay.objects.filter(household=household, status=StayStatus.CHECKED_IN).exists()

    # Roll call on a phone, in Arabic
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar", is_mobile=True, has_touch=True)
    try:
        mobile = phone.new_page()
        mobile.set_default_timeout(15_000)
        login(mobile, live_server, "manager")
        phone.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
        mobile.goto(f"{base}/roll-call/")
        assert mobile.locator("html").get_attribute("dir") == "rtl"
        row = mobile.get_by_test_id("rollcall-row").filter(has_text="مريم خليل")
        row.get_by_test_id("mark-seen").tap()
        expect(mobile.get_by_test_id("rollcall-row").filter(has_text="مريم خليل")).to_have_class(
            "list-group-item d-flex align-items-center gap-2 py-3 list-group-item-success"
        )
        # Nothing wider than the phone: no sideways scrolling.
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
        shots = Path(settings.BASE_DIR) / "var" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        mobile.screenshot(path=str(shots / "shelter-rollcall-ar.png"), full_page=True)
    finally:
        phone.close()

    # A transfer to centre B, with the consent to hand the case over
    page.goto(f"{base}/transfers/")
    page.select_option("#id_person", str(leaving.pk))
    page.select_option("#id_to_site", str(personas.site_b.pk))
    page.fill("#id_planned_date", timezone.localdate().isoformat())
    page.fill("#id_reason", "Joins relatives")
    page.get_by_role("button", name="Plan the transfer").click()
    expect(page.locator(".alert-success")).to_contain_text("Transfer planned")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".alert-success")).to_contain_text("Consent to the handover recorded")
    page.get_by_role("button", name="Complete").click()
    expect(page.locator(".alert-success")).to_contain_text("Transfer completed")
    transfer = Transfer.objects.get(person=leaving)
    assert transfer.status == TransferStatus.COMPLETED
    leaving.refresh_from_db()
    assert leaving.site_id == personas.site_b.pk

    # Who has been away for more than five days
    page.goto(f"{base}/absent/")
    absent = page.get_by_test_id("absent-row")
    expect(absent).to_have_count(1)
    expect(absent).to_contain_text("Yusuf Darwish")
    expect(absent.locator("td.fw-semibold")).to_have_text("8")
