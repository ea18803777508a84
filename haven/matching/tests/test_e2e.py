"""In a real browser: find an Arabic-registered person by typing Cyrillic; merge a pair and undo it."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from haven.lib.testing.fixtures import login
from haven.matching.models import PersonMerge
from haven.matching.services import duplicate_pair_create
from haven.matching.tests.helpers import hasan, make_person
from haven.registry.models import Person

# Playwright's sync API runs an event loop in this thread; the test database is touched after it starts.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_registrar_finds_in_cyrillic_and_manager_merges_and_undoes(page, live_server, personas):
    target = hasan(personas.site_a)  # محمد أحمد الحسن, Arabic script only
    other = make_person(
        site=personas.site_a,
        names={("given", "la"): "Mohammad", ("father", "la"): "Ahmed", ("family", "la"): "Al-Hassan"},
        dob=date(1985, 1, 1),
    )
    pair = duplicate_pair_create(actor="test", person_a=target, person_b=other, score=0.93, source="registration")
    url = live_server.url

    login(page, live_server, "registrar")
    page.goto(f"{url}/matching/search/")
    page.get_by_test_id("matching-search").locator("input").press_sequentially("Мухаммед Аль-Хасан", delay=20)
    first = page.get_by_test_id("search-results").locator("li").first
    expect(first).to_contain_text("محمد أحمد الحسن")
    expect(page.get_by_test_id("search-results")).to_contain_text(target.registration_number)

    page.context.clear_cookies()
    login(page, live_server, "manager")
    page.goto(f"{url}/matching/duplicates/")
    page.locator(f'a[href="/matching/duplicates/{pair.pk}/"]').first.click()
    expect(page.get_by_test_id("comparison")).to_contain_text("Al-Hassan")
    form = page.get_by_test_id("merge-form")
    survivor_is_a = pair.person_a_id == target.pk
    form.locator('input[name="survivor"][value="%s"]' % ("a" if survivor_is_a else "b")).check()
    # Keep the date of birth of the Latin record (the other one).
    form.locator('input[name="date_of_birth"][value="%s"]' % ("b" if survivor_is_a else "a")).check()
    form.locator('textarea[name="reason"], input[name="reason"]').fill("Same passport number")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("undo-form")).to_be_visible()
    target.refresh_from_db()
    assert target.date_of_birth == date(1985, 1, 1)
    assert Person.objects.get(pk=other.pk).status_id == "merged"

    undo = page.get_by_test_id("undo-form")
    undo.locator('textarea[name="reason"], input[name="reason"]').fill("Wrong pair")
    undo.get_by_role("button").click()
    expect(page.get_by_test_id("undone")).to_contain_text("Wrong pair")
    target.refresh_from_db()
    assert target.date_of_birth == date(1985, 3, 14)
    assert Person.objects.get(pk=other.pk).status_id != "merged"
    assert PersonMerge.objects.get().undone_at is not None


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=True, HAVEN_REQUIRE_2FA=False)  # demo mode: two-factor is not enforced
def test_a_new_user_finds_a_demo_resident_typing_in_each_script(django_db_setup, live_server, page, monkeypatch):
    """The demo's registrar types a resident's name key by key, once per script, with the spellings
    another paper would use (no hyphen, other vowels, lower case), and finds them each time."""
    from django.core.management import call_command

    from haven.core import demo

    monkeypatch.setattr(demo, "APP_ORDER", ("registry",))
    monkeypatch.setenv("HAVEN_DEMO_PASSWORD", "demo password for e2e")
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    resident = Person.objects.filter(names__part="father").order_by("registration_number").first()
    names = {(n.part, n.script): n.value for n in resident.names.all()}

    def typed(script: str) -> str:
        words = [names[(part, script)] for part in ("given", "father", "family") if (part, script) in names]
        text = " ".join(words)
        if script == "la":  # another paper's Latin: no hyphen, lower case, ou for u
            text = text.replace("-", " ").lower().replace("u", "ou")
        if script == "cy":
            text = text.replace("-", " ")
        return text

    login(page, live_server, "registrar", "demo password for e2e")
    for script in ("ar", "la", "cy"):
        page.goto(f"{live_server.url}/matching/search/")
        page.get_by_test_id("matching-search").locator("input").press_sequentially(typed(script), delay=15)
        results = page.get_by_test_id("search-results")
        expect(results.locator("li").first).to_contain_text(resident.registration_number)
