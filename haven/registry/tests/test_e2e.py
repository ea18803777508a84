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


# What a user test found on the registration page (see test_register_ux.py for the pages' side).


def _has_class(locator, name: str) -> bool:
    return locator.evaluate("(el, name) => el.classList.contains(name)", name)


def _hold_suggestions(page) -> list:
    """Keep every transliteration request waiting until the test lets it through (a slow network)."""
    held: list = []

    def hold(route) -> None:
        held.append(route)

    page.route("**/registry/register/suggest/", hold)
    return held


def _release(page, held: list) -> None:
    """Let the held requests through, once the one just asked for has been held (it may still be on its way)."""
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "no transliteration request was made"
    while held:
        route = held.pop(0)
        route.fulfill(response=route.fetch())


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_late_suggestion_never_mixes_with_what_the_officer_types(page, live_server, personas):
    login(page, live_server, "registrar")
    page.goto(f"{live_server.url}/registry/register/")
    held = _hold_suggestions(page)

    # Typed before the suggestion arrived: the typed name stays as typed.
    page.fill("#id_form-0-given_ar", "مها")
    page.press("#id_form-0-given_ar", "Tab")
    expect(page.locator("#id_form-0-given_la")).to_be_focused()
    page.keyboard.type("Mahaa")
    _release(page, held)
    expect(page.locator("#id_form-0-given_cy")).to_have_value("Маха")  # the untouched field is filled
    expect(page.locator("#id_form-0-given_la")).to_have_value("Mahaa")
    assert not _has_class(page.locator("#id_form-0-given_la"), "is-suggested")

    # In the empty field but not typed yet: the suggestion comes selected, and typing replaces it.
    page.fill("#id_form-0-family_ar", "المحمد")
    page.press("#id_form-0-family_ar", "Tab")
    expect(page.locator("#id_form-0-family_la")).to_be_focused()
    _release(page, held)
    expect(page.locator("#id_form-0-family_la")).not_to_have_value("")
    assert _has_class(page.locator("#id_form-0-family_la"), "is-suggested")
    page.keyboard.type("Al-Muhammad")
    expect(page.locator("#id_form-0-family_la")).to_have_value("Al-Muhammad")

    # Once typed in, a field is left alone by later suggestions.
    page.fill("#id_form-0-given_ar", "منى")
    page.press("#id_form-0-given_ar", "Tab")
    _release(page, held)
    expect(page.locator("#id_form-0-given_cy")).to_have_value("Мона")  # still a suggestion: replaced
    expect(page.locator("#id_form-0-given_la")).to_have_value("Mahaa")
    expect(page.locator("#id_form-0-family_la")).to_have_value("Al-Muhammad")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_duplicate_decisions_survive_add_member_and_a_validation_error(page, live_server, personas):
    from haven.registry.tests.factories import person

    existing = person(personas.registrar, personas.site_a)
    login(page, live_server, "registrar")
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    page.goto(f"{live_server.url}/registry/register/")
    page.fill("#id_form-0-given_ar", "محمد")
    page.press("#id_form-0-given_ar", "Tab")
    expect(page.locator("#id_form-0-given_cy")).not_to_have_value("")
    page.fill("#id_form-0-family_ar", "العلي")
    page.press("#id_form-0-family_ar", "Tab")
    expect(page.locator("#id_form-0-family_cy")).not_to_have_value("")
    page.select_option("#id_form-0-sex", "M")
    page.fill("#id_form-0-date_of_birth", "1980-05-14")
    page.press("#id_form-0-date_of_birth", "Tab")
    card = page.locator(f"#dups-form-0 [data-person-id='{existing.pk}']")
    expect(card).to_be_visible()
    page.fill(f"#id_form-0-dup-{existing.pk}-reason", "Другой отец: проверено по семейной книжке")
    card.locator("[data-testid=duplicate-new]").click()
    expect(card.locator("[data-testid=duplicate-decided]")).to_be_visible()
    page.wait_for_timeout(350)
    expect(page.locator(".htmx-request")).to_have_count(0)

    # "Add member": the page is rendered again, the check runs again, the decision is still there.
    page.click("[data-testid=add-member]")
    expect(page.locator("#id_form-1-given_ar")).to_be_visible()
    expect(card.locator("[data-testid=duplicate-decided]")).to_be_visible()
    expect(page.locator("#dups-form-1")).to_be_empty()  # nothing to check for the new member

    # Saved without an arrival date: the summary says what to fix; the decision is still there.
    page.click("button[value=remove]")
    page.click("[data-testid=save-household]")
    summary = page.locator("[data-testid=form-errors]")
    expect(summary).to_contain_text("Дата прибытия")
    expect(summary.locator("a[href='#id_hh-arrival_date']")).to_be_visible()
    expect(card.locator("[data-testid=duplicate-decided]")).to_be_visible()
    summary.locator("a[href='#id_hh-arrival_date']").click()
    expect(page.locator("#id_hh-arrival_date")).to_be_focused()
    assert Household.objects.count() == 1  # only the existing person's


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ru", "ar"])
def test_phone_width_pages_do_not_scroll_sideways_and_labels_are_whole(browser, live_server, personas, language):
    from haven.registry.tests.factories import household, member, names

    household(
        personas.registrar,
        personas.site_a,
        member(names=names("مها", "المحمد", "Maha Fadi Sadiq", "Al-Mohammad", "Маха", "Аль-Мухаммад")),
    )
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, "registrar")
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for path in ("/registry/", "/registry/register/"):
            page.goto(f"{live_server.url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        # Each name-part heading and field label is shown whole, inside the screen.
        labels = page.locator(".names-table th.names-part, .names-table .names-cell-label")
        assert labels.count() == 16
        for i in range(labels.count()):
            inside = labels.nth(i).evaluate(
                """el => {
                    const r = el.getBoundingClientRect();
                    const box = el.closest(".table-responsive").getBoundingClientRect();
                    return r.width > 8 && r.left >= box.left - 1 && r.right <= box.right + 1
                        && r.left >= 0 && r.right <= window.innerWidth;
                }"""
            )
            assert inside, labels.nth(i).inner_text()
    finally:
        context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_latin_typed_on_an_arabic_page_reads_left_to_right(page, live_server, personas):
    login(page, live_server, "registrar")
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    page.goto(f"{live_server.url}/registry/")
    page.fill("#id_query", "Maha Al-")
    assert page.locator("#id_query").evaluate("el => getComputedStyle(el).direction") == "ltr"
    page.fill("#id_query", "مها")
    assert page.locator("#id_query").evaluate("el => getComputedStyle(el).direction") == "rtl"
