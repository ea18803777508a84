"""The duplicate-review pages as their users meet them: who may follow which link, labels in their
language, the record that stays by default, names in the queue, merged records, right-to-left pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from haven.audit.models import AuditEvent
from haven.matching.merging import person_merge
from haven.matching.models import BatchRun, BatchStatus, DuplicatePair
from haven.matching.services import duplicate_pair_create
from haven.matching.tests.helpers import make_person
from haven.registry.models import Person

pytestmark = pytest.mark.django_db

RANDA_AR = {("given", "ar"): "رندة", ("father", "ar"): "قاسم", ("family", "ar"): "الدبس"}
RANDA_LA = {("given", "la"): "Randa", ("father", "la"): "Kassem", ("family", "la"): "Al-Dibs"}
RANDA_CY = {("given", "cy"): "Ранда", ("father", "cy"): "Касем", ("family", "cy"): "Ад-Дибс"}


def _grant(user: Any, site: Any, role: str) -> None:
    from haven.accounts.access import forget_capabilities
    from haven.accounts.models import Membership, Role

    Membership.objects.create(user=user, site=site, role=Role.objects.get(code=role))
    forget_capabilities(user)


def _registered(person: Person, when: datetime) -> None:
    Person.objects.filter(pk=person.pk).update(created_at=when)
    person.refresh_from_db()


@pytest.fixture
def pair(personas: Any) -> DuplicatePair:
    """Randa registered in 2025 in three scripts; registered again in 2026 in Latin only, spelt Rand Qassem."""
    first = make_person(site=personas.site_a, names=RANDA_AR | RANDA_LA | RANDA_CY, dob=date(1984, 6, 27), sex="F")
    again = make_person(
        site=personas.site_a,
        names={("given", "la"): "Rand", ("father", "la"): "Qassem", ("family", "la"): "Al-Dibs"},
        dob=date(1984, 1, 1),
        sex="F",
    )
    Person.objects.filter(pk=first.pk).update(phone="+7 915 333-65-60")
    _registered(first, datetime(2025, 4, 3, 10, 0, tzinfo=UTC))
    _registered(again, datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    return duplicate_pair_create(actor=personas.manager, person_a=first, person_b=again, score=0.97, source="batch")


def _earlier_and_later(pair: DuplicatePair) -> tuple[Person, Person]:
    a, b = pair.person_a, pair.person_b
    return (a, b) if a.created_at < b.created_at else (b, a)


def _side(pair: DuplicatePair, person: Person) -> str:
    return "a" if pair.person_a_id == person.pk else "b"


def _checked(html: str, name: str) -> str:
    """The value of the checked radio named ``name``."""
    (value,) = re.findall(rf'<input type="radio" name="{re.escape(name)}" value="(\w)"[^>]*\bchecked\b', html)
    return value


def _finished_run(personas: Any) -> BatchRun:
    return BatchRun.objects.create(
        site=personas.site_a,
        sites=[str(personas.site_a.pk)],
        started_by=personas.admin,
        status=BatchStatus.DONE,
        progress=1.0,
        records=12,
        pairs_new=2,
    )


# 1. The batch page links the queue only for who may review it.


def test_an_administrator_is_told_who_reviews_instead_of_a_link_to_a_refusal(personas):
    run = _finished_run(personas)
    admin = personas.client("admin")
    page = admin.get(f"/matching/batch/{run.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "/matching/duplicates/" not in page and "Открыть очередь проверки" not in page
    assert "Эти пары проверяют специалисты по регистрации и руководители центров." in page
    polled = admin.get(f"/matching/batch/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "/matching/duplicates/" not in polled and "centre managers of the sites review these pairs" in polled
    assert admin.get("/matching/duplicates/").status_code == 403  # what the link led to

    _grant(personas.admin, personas.site_a, "manager")  # now also reviews
    page = personas.client("admin").get(f"/matching/batch/{run.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'href="/matching/duplicates/"' in page and "Открыть очередь проверки" in page


# 2. Name parts, scripts, fields and the engine's explanation in the reader's language.


def test_the_comparison_names_parts_scripts_and_reasons_in_russian(personas, pair):
    page = personas.client("registrar").get(f"/matching/duplicates/{pair.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert "Имя · Арабский" in html and "Имя отца · Латиница" in html and "Фамилия · Кириллица" in html
    assert "given (ar)" not in html and "father (la)" not in html
    reasons = re.search(r'data-testid="reasons">(.*?)</ul>', html, re.S)
    assert reasons is not None
    text = reasons.group(1)
    assert "имя: сходство" in text and "дата рождения: тот же год" in text and "пол: совпадает" in text
    assert "similarity" not in text and "given name" not in text and "date of birth" not in text


def test_the_merge_form_and_the_merge_page_say_fields_in_arabic(personas, pair):
    manager = personas.client("manager")
    html = manager.get(f"/matching/duplicates/{pair.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "اسم الأب · اللاتينية" in html and "father (la)" not in html  # a merge-form choice
    assert "الاسم الأول: التشابه" in html and "given name:" not in html  # the explanation
    earlier, later = _earlier_and_later(pair)
    form = {"survivor": _side(pair, earlier), "reason": "Same passport"}
    form |= {"date_of_birth": _side(pair, later), "name:father:la": _side(pair, later)}
    merged = manager.post(f"/matching/duplicates/{pair.pk}/", form, HTTP_ACCEPT_LANGUAGE="ar")
    assert merged.status_code == 302, merged.content.decode()[:1000]
    detail = manager.get(merged.url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    taken = re.search(r'data-testid="taken">(.*?)</dd>', detail, re.S)
    assert taken is not None
    assert taken.group(1) == "تاريخ الميلاد, اسم الأب · اللاتينية"
    assert "date_of_birth" not in detail and "name:father:la" not in detail


# 3. The record registered first stays by default.


def test_the_record_registered_first_is_preselected_to_stay(personas, pair):
    earlier, later = _earlier_and_later(pair)
    # Make the left record (person_a) the later registration, as a second registration can be.
    if pair.person_a_id == earlier.pk:
        _registered(pair.person_a, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
        earlier, later = later, pair.person_a
    assert pair.person_a_id == later.pk
    html = personas.client("manager").get(f"/matching/duplicates/{pair.pk}/").content.decode()
    assert _checked(html, "survivor") == "b"
    assert _checked(html, "date_of_birth") == "b"  # and its values, unless chosen otherwise
    assert "The record registered first is preselected: its number is the one on the family" in html
    first_label = re.search(r'for="id_survivor_1">(.*?)</label>', html, re.S)
    assert first_label is not None and earlier.registration_number in first_label.group(1)
    assert 'data-testid="registered-first"' in first_label.group(1)


# 4. The queue: names, age, site once, band, clear headers; the persons shown are audited.


def test_the_queue_shows_names_ages_and_site_in_the_readers_script_and_audits_them(personas, pair):
    earlier, later = _earlier_and_later(pair)
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False):
        registrar = personas.client("registrar")
        html = registrar.get("/matching/duplicates/").content.decode()
    registrar = personas.client("registrar")
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert head is not None and "Record" not in head.group(1)
    assert "Person" in head.group(1) and "May be the same person as" in head.group(1)
    assert "Randa Kassem Al-Dibs" in html and "Rand Qassem Al-Dibs" in html  # Latin for an English reader
    assert 'born <span class="ltr-data">1984</span> (42 years)' in html
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert row is not None and row.group(1).count("Centre A") == 1  # one site, named once
    assert "Same person" in row.group(1)  # the band, not only the score

    arabic = registrar.get("/matching/duplicates/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "رندة قاسم الدبس" in arabic and "Rand Qassem Al-Dibs" in arabic  # Arabic where the record has it
    russian = registrar.get("/matching/duplicates/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Ранда Касем Ад-Дибс" in russian

    events = AuditEvent.objects.filter(action="view", object_type="duplicate_queue", actor=personas.registrar)
    assert events.count() == 3
    assert set(events.first().values["persons"]) == {str(earlier.pk), str(later.pk)}
    # Another centre's officer sees no pair, so no names and no event.
    assert "Randa" not in personas.client("registrar_b").get("/matching/duplicates/").content.decode()
    assert not AuditEvent.objects.filter(object_type="duplicate_queue", actor=personas.registrar_b).exists()


# 5. A merged-away record points to the record that remains and offers no card or correction.


def test_a_merged_away_record_links_the_remaining_record_and_hides_its_actions(personas, pair):
    earlier, later = _earlier_and_later(pair)
    registrar = personas.client("registrar")
    assert 'data-testid="card-issue"' in registrar.get(f"/registry/persons/{later.pk}/").content.decode()
    person_merge(actor=personas.manager, survivor=earlier, merged=later, choices={}, reason="Same passport")
    html = registrar.get(f"/registry/persons/{later.pk}/").content.decode()
    note = re.search(r'data-testid="merged-into">(.*?)</div>', html, re.S)
    assert note is not None and f'href="/registry/persons/{earlier.pk}/"' in note.group(1)
    assert earlier.registration_number in note.group(1)
    assert 'data-testid="card-issue"' not in html and f"/registry/persons/{later.pk}/edit/" not in html
    survivor_page = registrar.get(f"/registry/persons/{earlier.pk}/").content.decode()
    assert 'data-testid="card-issue"' in survivor_page and 'data-testid="merged-into"' not in survivor_page


def test_a_merged_away_record_does_not_link_a_record_the_reader_may_not_see(personas):
    _grant(personas.manager, personas.site_b, "manager")
    here = make_person(site=personas.site_a, names=RANDA_LA, sex="F")
    there = make_person(site=personas.site_b, names=RANDA_LA, sex="F")
    person_merge(actor=personas.manager, survivor=there, merged=here, choices={}, reason="Same passport")
    html = personas.client("registrar").get(f"/registry/persons/{here.pk}/").content.decode()
    assert "This record was merged into another record." in html
    assert there.registration_number not in html and f"/registry/persons/{there.pk}/" not in html


# 6. A registrar is told who merges; the dismissal says a reason is needed before the browser does.


def test_a_registrar_is_told_a_centre_manager_merges_and_sees_the_reason_asked_for(personas, pair):
    html = personas.client("registrar").get(f"/matching/duplicates/{pair.pk}/").content.decode()
    assert 'data-testid="merge-form"' not in html
    assert "A centre manager merges records." in html
    assert '<label class="form-label" for="dismiss_reason">Why are these different persons?</label>' in html
    textarea = re.search(r'<textarea name="reason"[^>]*id="dismiss_reason"[^>]*>', html)
    assert textarea is not None
    assert 'aria-describedby="dismiss_reason_helptext"' in textarea.group(0) and " required " in textarea.group(0)
    assert '<div class="form-text" id="dismiss_reason_helptext">Required.' in html
    russian = personas.client("registrar").get(f"/matching/duplicates/{pair.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Записи объединяет руководитель центра." in russian.content.decode()
    assert "Почему это разные люди?" in russian.content.decode()
    manager = personas.client("manager").get(f"/matching/duplicates/{pair.pk}/").content.decode()
    assert 'data-testid="merge-form"' in manager and "A centre manager merges records." not in manager


def test_a_reason_is_still_required_to_dismiss(personas, pair):
    client = personas.client("registrar")
    response = client.post(f"/matching/duplicates/{pair.pk}/dismiss/", {"reason": " "}, follow=True)
    assert "Say why these are different persons." in response.content.decode()
    assert DuplicatePair.objects.get().status == "open"


# 7. Right to left and narrow screens.


def test_numbers_and_latin_values_read_left_to_right_on_an_arabic_page(personas, pair):
    html = personas.client("manager").get(f"/matching/duplicates/{pair.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content
    html = html.decode()
    assert '<span class="ltr-data">+7 915 333-65-60</span>' in html  # the phone in the merge form
    assert re.search(rf'<a class="ltr-data[^"]*" href="/registry/persons/{pair.person_a_id}/">', html)
    assert '<span class="ltr-data">1984-06-27</span>' in html
    assert '<span class="ltr-data">Kassem</span>' in html  # a Latin value among the choices
    assert '<td dir="auto" class="text-start px-3">رندة</td>' in html  # name cells: own direction, padded


def test_the_queue_and_the_comparison_scroll_inside_their_tables_on_a_phone(personas, pair):
    client = personas.client("manager")
    queue = client.get("/matching/duplicates/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert re.search(r'<div class="table-responsive">\s*<table[^>]*data-testid="pair-queue"', queue)
    page = client.get(f"/matching/duplicates/{pair.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert re.search(r'<div class="table-responsive[^"]*">\s*<table[^>]*data-testid="comparison"', page)


def test_every_finding_the_scorer_can_write_about_a_date_of_birth_has_words_for_people():
    # The review page puts the scorer's codes into the reader's language; a finding the scorer
    # learns without this list would reach a Russian or Arabic reviewer in English.
    import inspect
    import re

    from haven.matching.core import score
    from haven.matching.selectors import REASON_FINDINGS, REASON_LINES, REASON_TOPICS

    written = set(re.findall(r'return [^\n]*, "([^"{]+)"', inspect.getsource(score.dob_evidence)))
    assert written and written <= set(score.FINDINGS)
    assert set(score.FINDINGS) - {"similarity", "years apart"} <= set(REASON_FINDINGS)
    assert set(score.TOPICS) <= set(REASON_TOPICS) | set(REASON_LINES)


def test_the_explanation_of_every_kind_of_pair_is_in_russian(personas):
    # Twins, a father and son, persons of one household, dates years apart: every line the scorer
    # writes about them reaches a Russian reviewer in Russian, its points apart.
    from django.utils import translation

    from haven.matching.core.score import FINDINGS, TOPICS, PersonRecord, score_pair
    from haven.matching.selectors import reasons_explained

    father = PersonRecord(
        "f",
        "Ahmad",
        "Ali",
        family_name="Al-Hasan",
        date_of_birth=date(1960, 5, 3),
        sex="M",
        place_of_birth="Latakia",
        household_member_ids=("s",),
    )
    son = PersonRecord(
        "s",
        "Ali",
        "Ahmad",
        family_name="Al-Hasan",
        date_of_birth=date(1985, 5, 3),
        sex="M",
        place_of_birth="Jableh",
        household_member_ids=("f",),
    )
    reasons = score_pair(father, son).reasons
    assert {r.topic for r in reasons} >= {"parent and child", "household", "siblings", "date of birth"}
    assert all(r.topic in TOPICS and r.finding in (*FINDINGS, "") for r in reasons)
    with translation.override("ru"):
        lines = reasons_explained(reasons)
    text = " ".join(line["text"] for line in lines)
    assert "разница 25 лет" in text and "оба — члены одной семьи" in text, text
    assert not any(c.isascii() and c.isalpha() for c in text), text
    assert lines[0]["points"].startswith(("+", "−"))


def test_a_run_over_two_centres_is_shown_only_to_who_may_run_batches_at_both(personas):
    # A run says how many persons of each centre it compared: an administrator of centre A alone
    # does not see a run over A and B (it is "not found"), one of both centres does.
    from haven.accounts.access import forget_capabilities
    from haven.accounts.models import Membership, Role

    run = _finished_run(personas)
    run.sites = [str(personas.site_a.pk), str(personas.site_b.pk)]
    run.save()
    admin = personas.client("admin")
    assert admin.get(f"/matching/batch/{run.pk}/").status_code == 404
    assert f"/matching/batch/{run.pk}/" not in admin.get("/matching/batch/").content.decode()
    Membership.objects.create(user=personas.admin, site=personas.site_b, role=Role.objects.get(code="admin"))
    forget_capabilities(personas.admin)
    assert admin.get(f"/matching/batch/{run.pk}/").status_code == 200
    assert f"/matching/batch/{run.pk}/" in admin.get("/matching/batch/").content.decode()


def test_the_comparison_shows_place_of_birth_and_phone_and_marks_them_when_they_differ(personas, pair):
    # A reviewer decides on every fact the merge form offers to choose between.
    Person.objects.filter(pk=pair.person_a_id).update(place_of_birth="Jableh")
    Person.objects.filter(pk=pair.person_b_id).update(place_of_birth="Jableh")
    page = personas.client("manager").get(f"/matching/duplicates/{pair.pk}/", HTTP_ACCEPT_LANGUAGE="ar")
    html = page.content.decode()
    (place,) = re.findall(r'<tr[^>]*data-testid="place-of-birth"[^>]*>', html)
    (phone,) = re.findall(r'<tr[^>]*data-testid="phone"[^>]*>', html)
    assert "table-warning" not in place and "table-warning" in phone  # one record has no phone
    assert "مكان الولادة" in html and "الهاتف" in html
    assert '<span class="ltr-data text-nowrap">+7 915 333-65-60</span>' in html
