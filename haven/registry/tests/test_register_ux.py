"""What an officer notices on the registration page and the registry list (found in a user test).

The browser side of the same problems (typing while a suggestion arrives,
the check running again, the layout at 390 px) is in test_e2e.py.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from haven.matching.models import DuplicateDecision
from haven.registry.models import Person
from haven.registry.tests.factories import household, member, person
from haven.registry.tests.test_pages import member_data, register_post

pytestmark = pytest.mark.django_db


def _tag(body: str, attr: str, value: str) -> str:
    """The opening tag of the element whose ``attr`` is ``value``."""
    match = re.search(rf'<[a-z]+[^>]*\b{attr}="{re.escape(value)}"[^>]*>', body)
    assert match, f"no element with {attr}={value!r}"
    return match.group(0)


def _checked_data(**extra: str) -> dict[str, str]:
    return {"prefix": "form-0", **member_data(0), **extra}


# 1. Transliteration suggestions


def test_register_page_loads_the_script_that_keeps_typing_apart_from_suggestions(personas):
    body = personas.client("registrar").get(reverse("registry:register")).content.decode()
    assert "registry/register.js" in body


def test_a_suggestion_stays_marked_as_one_after_the_form_is_rendered_again(personas):
    data = register_post(1, action="add", given_la="Mohamed", family_la="Al-Ali")
    data["form-0-given_la__suggested"] = "Mohamed"  # still the suggestion shown
    data["form-0-family_la__suggested"] = "Al-Aly"  # the officer corrected it
    body = personas.client("registrar").post(reverse("registry:register"), data).content.decode()
    assert "is-suggested" in _tag(body, "id", "id_form-0-given_la")
    assert 'name="form-0-given_la__suggested" value="Mohamed"' in body
    assert "is-suggested" not in _tag(body, "id", "id_form-0-family_la")
    assert "form-0-family_la__suggested" not in body


# 2. The duplicate check after the form is rendered again


def test_a_decision_recorded_earlier_shows_as_recorded_when_the_check_runs_again(personas):
    existing = person(personas.registrar, personas.site_a)
    client = personas.client("registrar")
    decide = _checked_data(candidate=str(existing.pk), decision="new")
    decide[f"form-0-dup-{existing.pk}-reason"] = "Different father; checked the family booklet"
    assert (
        'data-testid="duplicate-decided"' in client.post(reverse("registry:duplicate_decide"), decide).content.decode()
    )

    # The page was rendered again (a member added): nothing of the card is posted with the check.
    body = client.post(reverse("registry:duplicates"), _checked_data()).content.decode()
    assert existing.registration_number in body
    assert 'data-testid="duplicate-decided"' in body
    assert f"form-0-dup-{existing.pk}-reason" not in body  # no second question

    # Different data (another date of birth): another identity, the question is asked again.
    other = _checked_data(**{"form-0-date_of_birth": "1981-01-01"})
    body = client.post(reverse("registry:duplicates"), other).content.decode()
    assert existing.registration_number in body and 'data-testid="duplicate-decided"' not in body


def test_a_decision_already_attached_to_a_registration_is_not_shown_again(personas):
    existing = person(personas.registrar, personas.site_a)
    client = personas.client("registrar")
    decide = _checked_data(candidate=str(existing.pk), decision="new")
    decide[f"form-0-dup-{existing.pk}-reason"] = "Different father"
    client.post(reverse("registry:duplicate_decide"), decide)
    DuplicateDecision.objects.update(new_person=existing)
    body = client.post(reverse("registry:duplicates"), _checked_data()).content.decode()
    assert existing.registration_number in body and 'data-testid="duplicate-decided"' not in body


def test_the_decision_keeps_the_candidates_score_on_a_russian_page(personas):
    existing = person(personas.registrar, personas.site_a)
    client = personas.client("registrar")
    client.cookies["django_language"] = "ru"
    body = client.post(reverse("registry:duplicates"), _checked_data()).content.decode()
    score = re.search(r'"decision": "new", "score": "([^"]*)"', body).group(1)
    assert "," not in score  # "0,9996" was read back as no score at all
    decide = _checked_data(candidate=str(existing.pk), decision="new", score=score)
    decide[f"form-0-dup-{existing.pk}-reason"] = "Другой отец"
    client.post(reverse("registry:duplicate_decide"), decide)
    assert DuplicateDecision.objects.get().score > 0.5


def test_the_form_rendered_again_runs_the_check_again_for_members_with_names(personas):
    client = personas.client("registrar")
    for action in ("add", "save"):
        data = register_post(1, action=action)
        data["hh-arrival_date"] = ""  # so that "save" shows an error
        body = client.post(reverse("registry:register"), data).content.decode()
        first = _tag(body, "id", "member-form-0")
        assert re.search(r'hx-trigger="[^"]*\bload\b', first), action
        if action == "add":
            assert "load" not in _tag(body, "id", "member-form-1")  # the new member has no name yet
    # A blank form has nothing to check.
    body = client.get(reverse("registry:register")).content.decode()
    assert "load" not in _tag(body, "id", "member-form-0")


def test_the_error_summary_says_what_to_fix_and_links_to_it(personas):
    client = personas.client("registrar")
    data = register_post(2)
    data["hh-arrival_date"] = ""
    data["form-1-date_of_birth"] = "2999-01-01"
    response = client.post(reverse("registry:register"), data)
    body = response.content.decode()
    summary = body[body.index('data-testid="form-errors"') :]
    summary = summary[: summary.index("</div>")]
    assert "Correct these 2 problems" in summary
    assert 'href="#id_hh-arrival_date"' in summary and "Arrival date" in summary
    assert "This field is required." in summary
    assert 'href="#id_form-1-date_of_birth"' in summary and "Member 2 · Date of birth" in summary
    assert "The date of birth is in the future" in summary


def test_the_error_summary_in_russian_and_arabic(personas):
    client = personas.client("registrar")
    data = register_post(1, family_ar="", family_la="")
    data["hh-arrival_date"] = ""
    for language, expected in (
        ("ru", ["Семья не зарегистрирована", "Дата прибытия", "Член семьи 1", "фамилию"]),
        ("ar", ["لم تُسجَّل الأسرة", "تاريخ الوصول", "الفرد 1"]),
    ):
        client.cookies["django_language"] = language
        body = client.post(reverse("registry:register"), data).content.decode()
        summary = body[body.index('data-testid="form-errors"') :]
        summary = summary[: summary.index("</div>")]
        for text in expected:
            assert text in summary, (language, text)
        assert 'href="#member-form-0"' in summary  # "enter the family name": the member's card


# 3. Phones (390 px): no sideways scroll, readable labels


def test_registry_results_scroll_inside_their_own_box(personas):
    household(personas.registrar, personas.site_a, member())
    body = personas.client("registrar").get(reverse("registry:list")).content.decode()
    assert re.search(r'<div class="table-responsive">\s*<table[^>]*data-testid="person-results"', body)
    # The same box when htmx swaps in search results.
    body = personas.client("registrar").post(reverse("registry:list"), {"query": "Mohammed"}).content.decode()
    assert re.search(r'<div class="table-responsive">\s*<table[^>]*data-testid="person-results"', body)


@pytest.mark.parametrize(
    ("language", "arabic", "given"), [("en", "Arabic", "Given name"), ("ar", "العربية", "الاسم الأول")]
)
def test_each_name_field_has_its_own_label_for_the_stacked_phone_layout(personas, language, arabic, given):
    client = personas.client("registrar")
    client.cookies["django_language"] = language
    body = client.get(reverse("registry:register")).content.decode()
    label = re.search(r'<label class="names-cell-label[^"]*" for="id_form-0-given_ar">(.*?)</label>', body)
    assert label, "no visible label for the Arabic given name"
    text = re.sub(r"<[^>]+>", "", label.group(1))
    assert text == f"{given} ({arabic})"  # read in full by a screen reader; "Arabic" shown on a phone
    assert "text-nowrap" not in _tag(body, "id", "row-form-0-given")
    assert "registry/registry.css" in body


# 4. Mixed-direction text


def test_search_boxes_take_their_direction_from_what_is_typed(personas):
    client = personas.client("registrar")
    client.cookies["django_language"] = "ar"
    body = client.get(reverse("registry:list")).content.decode()
    assert 'dir="auto"' in _tag(body, "id", "id_query")
    body = client.get(reverse("registry:register")).content.decode()
    assert 'dir="auto"' in _tag(body, "id", "register-search-q")


def test_register_fields_keep_latin_left_to_right_on_an_arabic_page(personas):
    client = personas.client("registrar")
    client.cookies["django_language"] = "ar"
    body = client.get(reverse("registry:register")).content.decode()
    # One script per name field: its own direction, whatever the page's.
    assert 'dir="ltr"' in _tag(body, "id", "id_form-0-given_la")
    assert 'dir="ltr"' in _tag(body, "id", "id_form-0-family_cy")
    assert 'dir="rtl"' in _tag(body, "id", "id_form-0-given_ar")
    # Places and professions may be typed in any script.
    for field in ("id_hh-origin_governorate", "id_hh-origin_district", "id_form-0-place_of_birth"):
        assert 'dir="auto"' in _tag(body, "id", field), field


def test_same_person_opens_the_existing_record_and_says_nothing_new_was_registered(personas):
    existing = person(personas.registrar, personas.site_a)
    client = personas.client("registrar")
    decide = _checked_data(candidate=str(existing.pk), decision="link")
    decide[f"form-0-dup-{existing.pk}-reason"] = "Same passport"
    response = client.post(reverse("registry:duplicate_decide"), decide, HTTP_ACCEPT_LANGUAGE="ru")
    assert response["HX-Redirect"] == reverse("registry:person", args=[existing.pk])
    page = client.get(response["HX-Redirect"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f"Запись {existing.registration_number} уже есть" in page
    assert Person.objects.count() == 1
