"""Cross-script search: index kept current, ranking, access, pages and API."""

from __future__ import annotations

import importlib
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest

from haven.audit.models import AuditEvent
from haven.matching.forms import SearchForm
from haven.matching.models import PersonSearchIndex
from haven.matching.search import candidate_texts, forget_recent_rows, key_token, parse_query
from haven.matching.selectors import person_search
from haven.matching.services import person_index_rebuild, person_index_update
from haven.matching.tests.helpers import hasan, make_person
from haven.registry.models import PersonName

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(personas):
    return hasan(personas.site_a)


@pytest.fixture
def crowd(personas):
    """Other people at site A with overlapping names."""
    return [
        make_person(site=personas.site_a, names={("given", "la"): "Ahmad", ("family", "la"): "Al-Hasan"}),
        make_person(site=personas.site_a, names={("given", "la"): "Mohammad", ("family", "la"): "Khalil"}),
        make_person(site=personas.site_a, names={("given", "cy"): "Юсуф", ("family", "cy"): "Шехаде"}),
    ]


@pytest.mark.parametrize("typed", ["Mohammad Al-Hasan", "Мухаммед Аль-Хасан", "Muhammed Alhasan", "محمد الحسن"])
def test_full_name_in_any_script_finds_the_arabic_record(personas, target, crowd, typed):
    hits = person_search(user=personas.registrar, query=typed)
    assert hits[0].person_id == target.pk
    assert hits[0].names["ar"] == "محمد أحمد الحسن"


@pytest.mark.parametrize("typed", ["Moh", "Мух", "Mohammad Al-H", "Мухаммед Аль-Ха", "محم"])
def test_search_as_you_type_finds_the_person_by_prefix(personas, target, crowd, typed):
    ids = [h.person_id for h in person_search(user=personas.registrar, query=typed)]
    assert target.pk in ids


def test_one_letter_gives_nothing_yet(personas, target):
    assert person_search(user=personas.registrar, query="M") == []
    assert not parse_query("M")


def test_index_follows_a_name_change(personas, target):
    assert not person_search(user=personas.registrar, query="Youssef Shehadeh")
    PersonName.objects.filter(person=target, part="given").update(value="يوسف")
    PersonName.objects.filter(person=target, part="family").update(value="شحادة")
    person_index_update(person=target)
    person_index_update(person=target)  # idempotent
    assert PersonSearchIndex.objects.filter(person=target).count() == 1
    hits = person_search(user=personas.registrar, query="Youssef Shehadeh")
    assert [h.person_id for h in hits] == [target.pk]
    assert not person_search(user=personas.registrar, query="Mohammad Al-Hasan")


def test_rebuild_indexes_everyone(personas, target, crowd):
    PersonSearchIndex.objects.all().delete()
    assert person_index_rebuild(chunk=2) == 4
    assert person_search(user=personas.registrar, query="Mohammad Al-Hasan")[0].person_id == target.pk


def test_search_never_shows_persons_of_other_sites(personas, target):
    other = hasan(personas.site_b)
    ids_a = {h.person_id for h in person_search(user=personas.registrar, query="Mohammad Al-Hasan")}
    ids_b = {h.person_id for h in person_search(user=personas.registrar_b, query="Mohammad Al-Hasan")}
    assert ids_a == {target.pk}
    assert ids_b == {other.pk}
    assert person_search(user=personas.outsider, query="Mohammad Al-Hasan") == []
    assert person_search(user=personas.admin, query="Mohammad Al-Hasan") == []  # admin has no registry.person.view


def test_search_page_partial_by_post(personas, target, django_assert_max_num_queries):
    client = personas.client("caseworker")
    with django_assert_max_num_queries(20):  # session, access, two tiers, and the audit event of who was shown
        response = client.post("/matching/search/", {"q": "Мухаммед Аль-Хасан"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "محمد أحمد الحسن" in response.content.decode()
    assert target.registration_number in response.content.decode()
    assert b"<html" not in response.content


def test_search_page_full_and_empty(personas, target):
    client = personas.client("registrar")
    page = client.get("/matching/search/")
    assert page.status_code == 200 and b'hx-post="/matching/search/"' in page.content
    empty = client.post("/matching/search/", {"q": "Zzyzx Qwerty"}, HTTP_HX_REQUEST="true")
    assert b"search-empty" in empty.content and b"Check the spelling" in empty.content
    # One letter, or an article alone, is not "no one found": the page says what to type.
    for typed in ("M", "Аль", "Al-"):
        waiting = client.post("/matching/search/", {"q": typed}, HTTP_HX_REQUEST="true")
        assert b"search-waiting" in waiting.content and b"search-empty" not in waiting.content


def test_a_full_page_of_loose_matches_says_more_may_match(personas, target):
    for i in range(11):
        make_person(site=personas.site_a, names={("given", "la"): f"Ahmad{'a' * i}", ("family", "la"): "Al-Nahhas"})
    page = personas.client("registrar").post("/matching/search/", {"q": "Al-Nahhas"}, HTTP_HX_REQUEST="true")
    assert page.content.count(b"data-person-id") == 10 and b"search-more" in page.content


@pytest.mark.parametrize("typed", ["Маха Аль", "Маха Эль", "Maha Al", "مها ال"])
def test_an_article_being_typed_keeps_the_names_before_it(personas, typed):
    # "Маха Аль" found nobody: the article was looked up as the start of a name (key WL: Wael,
    # Walid...). It only says that a name follows; Maha stays on the page until it is typed.
    maha = make_person(
        site=personas.site_a, names={("given", "ar"): "مها", ("father", "ar"): "فادي", ("family", "ar"): "المحمد"}
    )
    assert parse_query(typed).groups == parse_query(typed.split()[0] + " ").groups
    assert [h.person_id for h in person_search(user=personas.registrar, query=typed)] == [maha.pk]


def test_search_page_denied_to_outsider_and_other_site(personas, target):
    assert personas.client("outsider").post("/matching/search/", {"q": "Mohammad"}).status_code == 403
    response = personas.client("caseworker_b").post(
        "/matching/search/", {"q": "Mohammad Al-Hasan"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert target.registration_number not in response.content.decode()


def test_api_searches_by_post_and_refuses_a_name_in_the_url(personas, target, crowd):
    api = personas.api("caseworker")
    posted = api.post(
        "/api/v1/persons/search", json.dumps({"q": "Мухаммед Аль-Хасан"}), content_type="application/json"
    )
    assert posted.status_code == 200, posted.content
    assert posted.json()[0]["person_id"] == str(target.pk)
    assert posted.json()[0]["names"]["ar"] == "محمد أحمد الحسن"
    limited = api.post(
        "/api/v1/persons/search", json.dumps({"q": "Mohammad Al-Hasan", "limit": 3}), content_type="application/json"
    )
    assert limited.json()[0]["person_id"] == str(target.pk) and len(limited.json()) <= 3
    # A GET would put the name in proxies' and servers' access logs: refused, with what to do instead.
    views = AuditEvent.objects.filter(action="view").count()
    got = api.get("/api/v1/persons/search", {"q": "Mohammad Al-Hasan"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert got.status_code == 405
    assert got.json()["error"]["code"] == "names_in_url" and "POST" in got.json()["error"]["message"]
    assert AuditEvent.objects.filter(action="view").count() == views  # nobody was searched for


def test_api_denied(personas, target):
    def search(api: Any) -> Any:
        return api.post("/api/v1/persons/search", json.dumps({"q": "Mohammad"}), content_type="application/json")

    denials = AuditEvent.objects.filter(action="permission_denied")
    assert search(personas.api("outsider")).status_code == 403
    outsider_dup = personas.api("outsider").post(
        "/api/v1/persons/duplicates", json.dumps({"given_name": "Mohammad"}), content_type="application/json"
    )
    assert outsider_dup.status_code == 403
    assert denials.count() == 2  # each refusal is in the audit log, as on the pages
    other_site = search(personas.api("caseworker_b"))
    assert other_site.status_code == 200 and other_site.json() == []
    from django.test import Client

    assert search(Client()).status_code == 401


def test_a_typo_that_changes_a_key_still_finds_the_person(personas, target, crowd):
    # Хасам for Хасан: the key changes (HSM, not HSN); the typo-tolerant tier finds it by a deletion variant.
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Мухаммед Хасам")]
    assert target.pk in ids
    assert ids[0] == target.pk  # the only Mohammad with a family name one letter away


def test_a_name_part_missing_from_the_record_still_finds_the_person(personas, target, crowd):
    # The Cyrillic record of Юсуф Шехаде has no father's name; the officer types one.
    youssef = crowd[2]
    hits = person_search(user=personas.registrar, query="Youssef Khaled Shehadeh")
    assert hits[0].person_id == youssef.pk


def test_a_missing_part_and_a_typo_together_still_find_the_person(personas, target, crowd):
    youssef = crowd[2]
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Yussef Khaled Shehadek")]
    assert youssef.pk in ids


def test_typo_tolerance_stays_within_the_users_sites(personas, target):
    other = hasan(personas.site_b)
    ids = {h.person_id for h in person_search(user=personas.registrar, query="Мухаммед Ахмад Хасам")}
    assert target.pk in ids and other.pk not in ids


def test_the_person_typed_in_name_order_ranks_above_a_namesake_with_parts_swapped(personas, target):
    swapped = make_person(
        site=personas.site_a,
        names={("given", "la"): "Ahmad", ("father", "la"): "Mohammad", ("family", "la"): "Al-Hasan"},
    )
    hits = person_search(user=personas.registrar, query="Мухаммед Ахмед Аль-Хасан")
    assert [h.person_id for h in hits[:2]] == [target.pk, swapped.pk]


def test_each_typed_word_matches_one_name_part_only(personas, target):
    # "Mohammad Mohammad Hasan" must prefer the person whose father is also Mohammad.
    both = make_person(
        site=personas.site_a,
        names={("given", "ar"): "محمد", ("father", "ar"): "محمد", ("family", "ar"): "حسن"},
    )
    hits = person_search(user=personas.registrar, query="Mohammed Mohammad Hasan")
    assert hits[0].person_id == both.pk


def test_index_holds_deletion_variants_of_each_key(target):
    text = PersonSearchIndex.objects.get(person=target).text.split()
    assert "qmhmd" in text and "0hmd" in text and "0mhm" in text


def test_index_marks_the_name_parts_a_person_lacks(target, crowd):
    # Юсуф Шехаде was registered without a father's name; Mohammad al-Hasan with one.
    assert "1f" in PersonSearchIndex.objects.get(person=crowd[2]).text.split()
    text = PersonSearchIndex.objects.get(person=target).text.split()
    assert "1f" not in text and "1g" in text and "1s" not in text


def test_a_year_typed_with_the_name_brings_the_namesake_born_then_first(personas):
    from datetime import date

    names = {("given", "ar"): "محمد", ("father", "ar"): "علي", ("family", "ar"): "حسن"}
    namesakes = [make_person(site=personas.site_a, names=names, dob=date(1960 + i, 5, 1)) for i in range(14)]
    wanted = namesakes[-1]  # born 1973: no reason to come first on the name alone
    hits = person_search(user=personas.registrar, query="Мухаммед Али Хасан 1973")
    assert hits[0].person_id == wanted.pk
    # Another paper may give the year off by one: the person is still found, after exact years.
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Mohammad Ali Hasan 1974")]
    assert wanted.pk in ids and len(ids) <= 2
    assert parse_query("Мухаммед Али Хасан 1973").year == 1973
    # A namesake whose date of birth is unknown cannot be ruled out by the year: shown, after.
    unknown = make_person(site=personas.site_a, names=names, dob=None)
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Мухаммед Али Хасан 1973")]
    assert ids[0] == wanted.pk and unknown.pk in ids


def test_the_namesake_without_extra_parts_comes_before_longer_names(personas):
    # Fifty "Mohammad Mohammad Khalil Hasan" (with a grandfather) and one plain "Mohammad
    # Mohammad Hasan": the plain one is what was typed, and must not be lost among the longer.
    longer = {
        ("given", "la"): "Mohammad",
        ("father", "la"): "Mohammad",
        ("grandfather", "la"): "Khalil",
        ("family", "la"): "Hasan",
    }
    for _ in range(50):
        make_person(site=personas.site_a, names=longer)
    plain = make_person(
        site=personas.site_a,
        names={("given", "ar"): "محمد", ("father", "ar"): "محمد", ("family", "ar"): "حسن"},
    )
    hits = person_search(user=personas.registrar, query="Мухаммед Мухаммед Хасан")
    assert hits[0].person_id == plain.pk


def test_a_short_key_one_letter_short_of_the_record_still_matches(personas, target):
    # روان written رونا (two letters swapped): the typed Раван gives a two-letter key, the record three.
    rawan = make_person(
        site=personas.site_a,
        names={("given", "ar"): "رونا", ("father", "ar"): "أحمد", ("family", "ar"): "محمد"},
        sex="F",
    )
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Раван Ахмад Мухаммад")]
    assert ids[:1] == [rawan.pk]


@pytest.mark.parametrize("prefilter", [400, 1])
def test_a_word_typed_after_two_complete_ones_finds_the_person(personas, target, crowd, monkeypatch, prefilter):
    # 400: the complete words are looked up and the prefix matched in Python; 1: too many rows,
    # so the index matches the prefix after all. Either way the same person comes first.
    from haven.matching import selectors

    monkeypatch.setattr(selectors, "STRICT_PREFILTER", prefilter)
    for typed in ("Мухаммед Ахмед Аль-Хас", "Mohammad Ahmad Al-Has"):
        hits = person_search(user=personas.registrar, query=typed)
        assert hits[0].person_id == target.pk


def test_two_letters_after_complete_words_wait_for_a_third(personas, target, crowd):
    assert parse_query("Мухаммед Аль-Ха").groups == parse_query("Мухаммед ").groups
    assert parse_query("Мухаммед Аль-Хас").partial


@pytest.mark.parametrize("typed", ["Randa Yaser El ", "Randa Yaser Al-", "Ранда Ясер Аль-", "Randa Yaser Abd al "])
def test_an_article_typed_after_the_names_waits_for_the_name_that_follows(personas, typed):
    # "El" and Wael share their key (WL): the search turned to Randa Yaser Wael while the officer
    # was typing Randa Yaser El-Ali. An article alone says only that a name follows.
    wael = make_person(
        site=personas.site_a, names={("given", "la"): "Randa", ("father", "la"): "Yaser", ("family", "la"): "Wael"}
    )
    ali = make_person(
        site=personas.site_a,
        names={("given", "ar"): "رندة", ("father", "ar"): "ياسر", ("family", "ar"): "العلي"},
    )
    words_before = " ".join(typed.split()[:2]) + " "
    assert parse_query(typed).groups == parse_query(words_before).groups
    shown = {h.person_id: h.score for h in person_search(user=personas.registrar, query=typed)}
    assert set(shown) == {wael.pk, ali.pk} and shown[wael.pk] == shown[ali.pk]
    assert parse_query("Ola Hussein Ala ").tokens[-1].text == "ala"  # Alaa is a name, not an article


@pytest.mark.parametrize("dash", ["-", "‐", "‑", "‒", "–", "—", "_"])
def test_any_dash_between_the_article_and_the_name_reads_as_a_hyphen(dash):
    # A phone or a word processor turns Аль-Хасан into Аль–Хасан: the search reads every dash the
    # tokenizer reads, so an article before one waits for its name, and the name after one is the
    # word being typed, not the whole "Аль–Хас".
    assert parse_query(f"Мухаммед Ахмед Аль{dash}").groups == parse_query("Мухаммед Ахмед ").groups
    assert parse_query(f"Мухаммед Ахмед Аль{dash}Хас").partial == "Хас"


@pytest.mark.parametrize("typed", ["Randa Yaser Abu ", "Ранда Ясер Абу ", "رندة ياسر أبو "])
def test_abu_typed_after_the_names_is_the_start_of_a_name_in_abu(personas, typed, client):
    # "Abu " says the family name is Abu something: it is looked up as the start of one, not as a
    # name of its own, on the page as through the API (the page keeps the space the officer typed).
    abu = make_person(
        site=personas.site_a,
        names={("given", "la"): "Randa", ("father", "la"): "Yaser", ("family", "la"): "Abu Hassan"},
    )
    wael = make_person(
        site=personas.site_a, names={("given", "la"): "Randa", ("father", "la"): "Yaser", ("family", "la"): "Wael"}
    )
    assert parse_query(typed).partial
    hits = person_search(user=personas.registrar, query=typed)
    scores = {h.person_id: h.score for h in hits}
    assert hits[0].person_id == abu.pk and scores.get(wael.pk, 0.0) < scores[abu.pk]
    client.force_login(personas.registrar)
    page = client.post("/matching/search/", {"q": typed}, HTTP_HX_REQUEST="true").content.decode()
    assert abu.registration_number in page
    form = SearchForm({"q": typed})
    assert form.is_valid() and form.cleaned_data["q"] == typed  # the page searches what was typed, space and all


@pytest.mark.parametrize("typed", ["Ola Hussein Alkhat", "Ула Хусейн Альхат", "Ola Hussein Elkhati"])
def test_a_family_name_typed_with_its_article_glued_on_is_found_while_typing(personas, typed):
    # "Alkhatib" is read as al- and Khatib once the name is whole; while it is typed, the start of
    # the name after the article is looked up too, and ranks as the start of Khatib.
    khatib = make_person(
        site=personas.site_a,
        names={("given", "ar"): "علا", ("father", "ar"): "حسين", ("family", "ar"): "الخطيب"},
        sex="F",
    )
    make_person(site=personas.site_a, names={("given", "la"): "Ola", ("father", "la"): "Hussein"}, sex="F")
    hits = person_search(user=personas.registrar, query=typed)
    assert hits[0].person_id == khatib.pk and hits[0].score > 0.95
    assert parse_query(typed).after_article and not parse_query("Ola Hussein Elias").after_article


def test_site_tokens_narrow_the_index_only_for_a_few_of_many_sites(personas, monkeypatch):
    import uuid

    from haven.matching import search

    monkeypatch.setattr(search, "_site_count", lambda: 20)
    few = [uuid.uuid4() for _ in range(3)]
    assert search.site_tokens(few) == [search.site_token(s) for s in few]
    monkeypatch.setattr(search, "_site_count", lambda: 4)
    assert search.site_tokens(few) == []  # most sites: the site_id column filter alone


def test_without_site_tokens_the_column_filter_still_keeps_other_sites_out(personas, target, monkeypatch):
    # As for a user holding most sites: the index is not asked to filter by site.
    from haven.matching import search

    monkeypatch.setattr(search, "site_tokens", lambda sites: [])
    other = hasan(personas.site_b)
    ids = {h.person_id for h in person_search(user=personas.registrar, query="Mohammad Ahmad Al-Hasan")}
    assert target.pk in ids and other.pk not in ids


def test_a_page_full_of_namesakes_suggests_typing_the_year(personas):
    from datetime import date

    from django.test import Client

    names = {("given", "ar"): "محمد", ("father", "ar"): "علي", ("family", "ar"): "حسن"}
    for i in range(12):
        make_person(site=personas.site_a, names=names, dob=date(1960 + i, 5, 1))
    client: Client = personas.client("registrar")
    page = client.post("/matching/search/", {"q": "Мухаммед Али Хасан"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="search-crowded"' in page.content.decode()
    page = client.post("/matching/search/", {"q": "Мухаммед Али Хасан 1965"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert 'data-testid="search-crowded"' not in body and body.count("data-person-id") <= 4


def test_every_search_leaves_who_was_shown_in_the_audit_log_but_not_what_was_typed(personas, target):
    from haven.audit.models import AuditEvent

    person_search(user=personas.registrar, query="Мухаммед Аль-Хасан")
    event = AuditEvent.objects.filter(object_type="person_search").latest("seq")
    assert event.action == "view" and event.actor == personas.registrar
    assert event.values == {"persons": [str(target.pk)]}
    assert "Хасан" not in str(event.__dict__) and "hasan" not in str(event.__dict__).lower()
    before = AuditEvent.objects.count()
    person_search(user=personas.registrar, query="Zzyzx Qwerty")  # nothing shown, nothing to record
    assert AuditEvent.objects.count() == before


def test_mahmoud_is_not_taken_for_mohammed_though_both_are_written_mhmd(personas):
    # Arabic writes no short vowels: محمود and محمد share a consonant key. Two different known
    # names still rank below the name typed, which comes first.
    mahmoud = make_person(
        site=personas.site_a,
        names={("given", "la"): "Rawan", ("father", "la"): "Ahmad", ("family", "la"): "Mahmoud"},
    )
    mohammad = make_person(
        site=personas.site_a,
        names={("given", "ar"): "روان", ("father", "ar"): "أحمد", ("family", "ar"): "محمد"},
    )
    hits = {h.person_id: h.score for h in person_search(user=personas.registrar, query="Раван Ахмад Мухаммад")}
    assert hits[mohammad.pk] > 0.95 > hits.get(mahmoud.pk, 0.0)


def test_the_site_count_that_steers_filtering_is_read_once_a_minute(personas, django_assert_num_queries):
    from haven.accounts.models import Site
    from haven.matching import search

    search._site_count.clear()
    with django_assert_num_queries(1):
        first = search._site_count()
        assert search._site_count() == first  # the second call within the minute reads nothing
    Site.objects.create(code="extra", name="Extra", region=personas.site_a.region)
    assert search._site_count() == first  # a new site counts from the next minute on
    search._site_count.clear()
    assert search._site_count() == first + 1
    search._site_count.clear()  # the next test's sites are its own


def _ranked(personas, query):
    return [h.person_id for h in person_search(user=personas.registrar, query=query)]


def test_words_found_in_other_name_parts_rank_below_the_person_with_a_typo(personas):
    # Typed: Ruba (given), Ali (father), Mustafa (family). Ilie Mustafa Al-Rabia holds every
    # word's key, but each in another part; Ruba Ali Mustafa has a typo in the family name.
    scrambled = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Илие", ("father", "cy"): "Мустафа", ("family", "cy"): "Эль-Рабиа"},
    )
    ruba = make_person(
        site=personas.site_a,
        names={("given", "ar"): "ربى", ("father", "ar"): "علي", ("family", "ar"): "مصطقى"},
        sex="F",
    )
    ids = _ranked(personas, "Рюба Альи Мустафа")
    assert ids.index(ruba.pk) < ids.index(scrambled.pk) if scrambled.pk in ids else ruba.pk in ids


def test_the_family_name_typed_first_as_russian_forms_write_it_is_not_misplaced(personas, target):
    # Surname first (Фамилия Имя Отчество): the person still ranks as a full match.
    hits = person_search(user=personas.registrar, query="Аль-Хасан Мухаммед Ахмед")
    assert hits[0].person_id == target.pk and hits[0].score >= 0.9


def test_an_unlisted_spelling_of_mohammed_is_not_taken_for_the_mahmoud_typed(personas):
    # Мухаммэд is in no data file; it reads as Mohammed, nearest of the names keyed MHMD,
    # so it no longer agrees with the Mahmoud typed as if it were the same name.
    other = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Зэйна", ("father", "cy"): "Мухаммэд", ("family", "cy"): "Аль-Халаф"},
    )
    zeina = make_person(
        site=personas.site_a,
        names={("given", "ar"): "زينة", ("father", "ar"): "محمود", ("family", "ar"): "خلف"},
        sex="F",
    )
    scores = {h.person_id: h.score for h in person_search(user=personas.registrar, query="Zeina Mahmud Al-Khalaf")}
    assert scores[zeina.pk] > 0.95 > scores.get(other.pk, 0.0)


def test_a_drifted_spelling_that_another_name_lists_still_counts_as_close(personas):
    # Dieb is listed for ديب; typed for دياب (Diab with a drifted vowel) it is one letter off.
    diab = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Фатима", ("father", "cy"): "Ахмад", ("family", "cy"): "Дияб"},
        sex="F",
    )
    hits = {h.person_id: h.score for h in person_search(user=personas.registrar, query="Fatimah Ahmed Dieb")}
    assert hits[diab.pk] >= 0.9


def test_a_one_letter_key_prefix_of_the_last_word_gives_no_credit(personas):
    # "Aleli" keys to a bare vowel prefix, which Abu Younes shares; Al-Ali is what was meant.
    younes = make_person(
        site=personas.site_a,
        names={("given", "ar"): "غادة", ("father", "ar"): "أحمد", ("family", "ar"): "أبو يونس"},
        sex="F",
    )
    ali = make_person(
        site=personas.site_a,
        names={("given", "ar"): "غادة", ("father", "ar"): "أحمد", ("family", "ar"): "العلى"},
        sex="F",
    )
    ids = _ranked(personas, "Ghada Ahmed Aleli")
    assert ids[0] == ali.pk and (younes.pk not in ids or ids.index(younes.pk) > 0)
    assert "qa" not in parse_query("Ghada Ahmed Aleli").groups[-1][1]


def test_on_postgresql_the_year_of_birth_is_a_tsquery_of_its_own():
    from haven.matching.search import split_year

    names = [(["qmhmd"], []), (["qhsn"], [])]
    year = (["y1985", "y1984", "y1986", "y0"], [])
    assert split_year([[*names, year], [names[0], year]]) == ([names, [names[0]]], "y1985 | y1984 | y1986 | y0")
    # No year typed, or a conjunction that is only the year: left as it is.
    assert split_year([names]) == ([names], "")
    assert split_year([[year]]) == ([[year]], "")


def test_a_word_being_typed_keeps_prefix_credit_until_it_is_as_long_as_the_name(personas):
    # "Ima" keys as a prefix to aM (a whole word Ima would be aMa): Imad (aMD) may still come of it.
    imad = make_person(site=personas.site_a, names={("given", "ar"): "عماد", ("family", "ar"): "حسن"})
    assert parse_query("Ima").partial_key == "aM"
    from haven.matching.selectors import SEARCH_GOOD

    hits = {h.person_id: h.score for h in person_search(user=personas.registrar, query="Ima")}
    assert hits[imad.pk] >= SEARCH_GOOD  # a good hit: a page of them needs no looser tier


@pytest.mark.parametrize(
    ("typed", "edge"),
    [("Мухам", "2мухам"), ("Mohamma", None), ("Ahmad Al-Has", "2has"), ("محم", "2محم")],
)
def test_the_word_being_typed_is_looked_up_as_an_indexed_edge_token_up_to_six_letters(
    personas, target, crowd, typed, edge
):
    """Three to six letters: one exact token of the index (cheap to intersect); longer: a prefix query."""
    from haven.matching import search

    exact, prefixes = parse_query(typed).groups[-1]
    expression = search.tsquery_expression([(exact, prefixes)])
    terms = re.findall(r"[^\s()|&]+", expression)
    if edge is None:
        assert "mohamma:*" in terms
    else:
        assert edge in terms
        assert not any(t.endswith(":*") for t in terms)
    # The record is in Arabic only: its spelling, Latin reading and key all have edges.
    text = PersonSearchIndex.objects.get(person=target).text.split()
    assert {"2محم", "2محمد", "2qmh", "2qmhm"} <= set(text)
    ids = [h.person_id for h in person_search(user=personas.registrar, query=typed)]
    assert target.pk in ids


def test_edge_tokens_cover_three_to_six_letters_of_every_form():
    from haven.matching.search import edge_tokens, prefix_is_edge

    assert edge_tokens("мухаммед") == ["2мух", "2муха", "2мухам", "2мухамм"]
    assert edge_tokens("ali") == ["2ali"]
    assert edge_tokens("al") == []
    assert [prefix_is_edge(p) for p in ("mo", "moh", "mohamm", "mohamme")] == [False, True, True, False]


def _index_queries(queries) -> int:
    return sum(1 for q in queries if "matching_person_fts" in q["sql"] or "@@ to_tsquery" in q["sql"])


def test_keystrokes_after_complete_words_reuse_their_index_rows(personas, target, crowd):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        before = person_search(user=personas.registrar, query="Mohammad Ahmad Al-Hasa")
    with CaptureQueriesContext(connection) as second:
        after = person_search(user=personas.registrar, query="Mohammad Ahmad Al-Hasan")
    assert [h.person_id for h in after] == [h.person_id for h in before]
    assert after[0].person_id == target.pk
    # "Mohammad Ahmad" and its typo-tolerant variants were looked up on the keystroke before.
    assert _index_queries(second.captured_queries) < _index_queries(first.captured_queries)


def test_a_person_registered_after_a_search_is_found_by_the_same_search(personas, target):
    assert not person_search(user=personas.registrar, query="Youssef Shehadeh")
    other = make_person(site=personas.site_a, names={("given", "la"): "Youssef", ("family", "la"): "Shehadeh"})
    assert [h.person_id for h in person_search(user=personas.registrar, query="Youssef Shehadeh")] == [other.pk]


def test_rows_kept_from_a_search_never_show_a_person_moved_away_or_merged_since(personas, target, crowd):
    # Another process may move or merge a person; this process's kept rows are then stale
    # (its own services forget them, another's cannot). The names and sites are read again.
    from haven.matching.models import MERGED_STATUS
    from haven.registry.models import Person

    assert person_search(user=personas.registrar, query="Mohammad Al-Hasan")[0].person_id == target.pk
    Person.objects.filter(pk=target.pk).update(site=personas.site_b)  # no service call: rows stay kept
    assert target.pk not in {h.person_id for h in person_search(user=personas.registrar, query="Mohammad Al-Hasan")}
    Person.objects.filter(pk=target.pk).update(site=personas.site_a, status_id=MERGED_STATUS)
    assert target.pk not in {h.person_id for h in person_search(user=personas.registrar, query="Mohammad Al-Hasan")}


def test_kept_rows_expire_and_the_oldest_make_room(monkeypatch):
    from haven.matching import search

    now = [100.0]
    monkeypatch.setattr(search.time, "monotonic", lambda: now[0])
    kept = search.RecentRows(seconds=15, entries=2)
    for key in ("a", "b", "c"):
        kept.put((key,), [])
    assert kept.get(("a",)) is None  # the oldest made room for the third
    assert kept.get(("b",)) == []
    now[0] += 16
    assert kept.get(("c",)) is None  # older than 15 seconds


def test_a_word_being_typed_is_widened_to_one_edit_only_from_four_letters():
    from haven.matching.search import relaxed

    def widened(text: str) -> bool:
        parsed = parse_query(text)
        typed_key = parsed.groups[-1][0][0]
        tiers = relaxed(parsed.groups, typed_letters=parsed.typed_letters)
        # One edit away: the typed key's deletion variants ("0...") join its group.
        return any(
            tok.startswith("0") for tier in tiers for c in tier for exact, _ in c if typed_key in exact for tok in exact
        )

    assert not widened("Bassam Zyad Ism")  # "Ism" may become Ismail: its key's neighbours are other names
    assert widened("Bassam Zyad Isma")


def test_a_word_being_typed_under_four_letters_anchors_no_typo_tolerant_pair():
    from haven.matching.search import relaxed

    def anchored(text: str) -> bool:
        parsed = parse_query(text)
        typed = parsed.groups[-1][0]
        tiers = relaxed(parsed.groups, typed_letters=parsed.typed_letters)
        return any(
            any(exact == typed for exact, _ in c) and any(tok.startswith("0") for exact, _ in c for tok in exact)
            for tier in tiers
            for c in tier
            if len(c) == 2
        )

    assert not anchored("Bassam Zyad Ism")
    assert anchored("Bassam Zyad Isma")


def test_no_tier_repeats_a_conjunction_of_an_earlier_one():
    from haven.matching.search import _conjunction_key, relaxed

    parsed = parse_query("Bassam Zyad Ism")
    keys = [_conjunction_key(c) for tier in relaxed(parsed.groups, typed_letters=3) for c in tier]
    assert len(keys) == len(set(keys))


def test_a_typo_in_the_first_letters_of_the_last_word_is_found_once_it_is_longer(personas, target, crowd):
    # "Хос" for Хасан is no start of any of the person's names; "Хосан" is one edit from it.
    assert target.pk in {h.person_id for h in person_search(user=personas.registrar, query="Мухаммед Ахмед Аль-Хосан")}


def test_a_name_typed_twice_finds_the_person_who_bears_it_twice_among_many_who_bear_it_once(personas, monkeypatch):
    # Omar the son of Omar, of the al-Omar family, among Omars whose fathers are named otherwise.
    # The candidate caps are lowered so that, as at a million persons, the strict tier can read
    # only a few of the persons named Omar: it must ask for the ones who bear the name twice.
    from haven.matching import selectors

    fathers = ["Ahmad", "Khalil", "Yusuf", "Hasan", "Saleh", "Mahmoud"]
    for father in fathers:
        make_person(
            site=personas.site_a,
            names={("given", "la"): "Omar", ("father", "la"): father, ("family", "la"): "Al-Omar"},
        )
    omar = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Омар", ("father", "cy"): "Умар", ("family", "cy"): "Аль-Омар"},
    )
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 3)
    monkeypatch.setattr(selectors, "STRICT_PREFILTER", 3)
    for typed in ("عمر عمر العمر", "Omar Omar Al-Omar", "Омар Омар Аль-Омар "):
        hits = person_search(user=personas.registrar, query=typed)
        assert hits[0].person_id == omar.pk, typed
    twice = PersonSearchIndex.objects.exclude(person=omar).first().text
    assert " 3amr " in twice and " 33amr " not in twice
    assert " 33amr " in PersonSearchIndex.objects.get(person=omar).text
    assert [[exact for exact, _ in c] for c in parse_query("Omar Omar Al-Omar").strict_conjunctions] == [
        [["qamr"], ["3amr"], ["33amr"]]
    ]
    # The last word may still be typed: the third Omar first, then a name that starts so.
    third, started = parse_query("عمر عمر العمر").strict_conjunctions
    assert third[-1] == (["33amr"], []) and started[-1][0] == [] and "omar" in started[-1][1]
    assert parse_query("Omar Ali").strict_conjunctions == [parse_query("Omar Ali").groups]


def test_the_migration_rewrites_entries_written_before_repeat_tokens(personas):
    from django.apps import apps
    from django.db import connection

    from haven.matching.migrations._index_rewrite import rewrite_search_index

    omar = make_person(
        site=personas.site_a,
        names={("given", "la"): "Omar", ("father", "la"): "Omar", ("family", "la"): "Al-Omar"},
    )
    entry = PersonSearchIndex.objects.get(person=omar)
    old = entry.text.replace(" 3amr ", " ").replace(" 33amr ", " ")
    PersonSearchIndex.objects.filter(pk=entry.pk).update(text=old)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE matching_person_fts SET text = %s WHERE rowid = %s", [old, entry.pk])

    def strict_tier() -> list:
        conjunctions = parse_query("Omar Omar Al-Omar ").strict_conjunctions
        rows = candidate_texts(conjunctions, site_ids=[personas.site_a.pk], limit=10, ranked=False)
        return [pid for pid, _ in rows]

    assert strict_tier() == []
    rewrite_search_index(apps, SimpleNamespace(connection=connection))  # what the migration's editor offers it
    forget_recent_rows()  # servers start after migrating, with nothing kept
    assert strict_tier() == [omar.pk]


def _index_as_before(
    monkeypatch, person, names: list[str], attr: str, before: Any, module: Any = None
) -> tuple[str, str]:
    """Write ``person``'s index entry as it was written while ``<module>.<attr>`` was ``before``.

    ``module``: ``haven.matching.core.normalize`` unless given. Returns the entry as written now
    and as before (they differ), for a migration to put right.
    """
    from django.db import connection

    from haven.matching import search
    from haven.matching.core import normalize

    entry = PersonSearchIndex.objects.get(person=person)
    with monkeypatch.context() as m:
        m.setattr(module or normalize, attr, before)
        normalize._tokenize_cached.cache_clear()
        old = search.index_text(
            names=names, site_id=person.site_id, date_of_birth=person.date_of_birth, parts={"given", "father", "family"}
        )
    normalize._tokenize_cached.cache_clear()
    assert old != entry.text
    PersonSearchIndex.objects.filter(pk=entry.pk).update(text=old)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE matching_person_fts SET text = %s WHERE rowid = %s", [old, entry.pk])
    return entry.text, old


def test_abd_typed_with_a_letter_twice_is_found_and_migration_0010_rewrites_old_entries(personas, monkeypatch):
    from django.apps import apps
    from django.db import connection

    from haven.matching import search

    # Registered as written on an old form, with a slip in the particle: عببد الغني is Abd al-Ghani.
    person = make_person(
        site=personas.site_a,
        names={("given", "ar"): "عببد الغني", ("father", "ar"): "محمد", ("family", "ar"): "العمر"},
    )
    typed = ("Abdulghani Mohammed Al-Omar", "Абдулгани Мухаммед Аль-Омар")
    for query in typed:
        assert person_search(user=personas.registrar, query=query)[0].person_id == person.pk, query
    # The entry as written before 0010 held the particle and the name as two words (found here only by
    # the loose tiers of a registry of one; at a million persons, after a page of others).
    now, old = _index_as_before(monkeypatch, person, ["عببد الغني", "محمد", "العمر"], "_particle", lambda text: text)
    compound = search.key_token(search.tokenize("عبد الغني")[0].key)
    assert compound in now.split() and compound not in old.split()
    migration = importlib.import_module("haven.matching.migrations.0010_search_doubled_particles")
    migration.rewrite_doubled_particles(apps, SimpleNamespace(connection=connection))  # as the migration runs it
    forget_recent_rows()
    assert PersonSearchIndex.objects.get(person=person).text == now
    assert person_search(user=personas.registrar, query=typed[0])[0].person_id == person.pk


def test_abu_written_with_yu_is_found_in_another_script_and_migration_0014_rewrites_old_entries(personas, monkeypatch):
    from django.apps import apps
    from django.db import connection

    from haven.matching.core import normalize

    # Registered from a Russian form that writes Abu as Абю (as Russian writes Abdülhamid Абдюльхамид).
    person = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Рана", ("father", "cy"): "Гусейн", ("family", "cy"): "Абю Хамид"},
        sex="F",
    )
    # Ten namesakes lacking the family name, and others of Abu another name, fill the page otherwise.
    for family in ["ابو احمد", "ابو سامر", "ابو محمد", ""]:
        for _ in range(3):
            names = {("given", "ar"): "رنا", ("father", "ar"): "حسين"} | ({("family", "ar"): family} if family else {})
            make_person(site=personas.site_a, names=names, sex="F")
    for query in ("رنا حسين ابو حامد", "Rana Hussein Abu Hamid"):
        assert person_search(user=personas.registrar, query=query)[0].person_id == person.pk, query
    # The entry as written before 0014 held Абю apart from Хамид.
    now, _old = _index_as_before(monkeypatch, person, ["Рана", "Гусейн", "Абю Хамид"], "_ABU", normalize._ABU - {"абю"})

    def strict_tier() -> list:
        # Found by every word's key (a registry this small finds the old entry by its loose tiers;
        # at a million persons they bring up a page of others first).
        conjunctions = parse_query("رنا حسين ابو حامد ").strict_conjunctions
        rows = candidate_texts(conjunctions, site_ids=[personas.site_a.pk], limit=20, ranked=False)
        return [pid for pid, _ in rows]

    forget_recent_rows()
    assert person.pk not in strict_tier()
    migration = importlib.import_module("haven.matching.migrations.0014_search_particles")
    migration.rewrite_particles(apps, SimpleNamespace(connection=connection))  # as the migration runs it
    forget_recent_rows()
    assert PersonSearchIndex.objects.get(person=person).text == now
    assert strict_tier() == [person.pk]


def test_an_article_typed_with_its_sign_twice_is_found_and_migration_0015_rewrites_old_entries(personas, monkeypatch):
    from django.apps import apps
    from django.db import connection

    from haven.matching.core import scripts
    from haven.matching.search import QuickScorer

    # Registered from a Russian form with the soft sign of the article typed twice.
    person = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Ахмед", ("father", "cy"): "Мохаммад", ("family", "cy"): "Альь-Ахмад"},
    )
    for father in ["Ваэль", "Али", "Карим"]:  # Ahmed + another father + al-Ahmad, and Ahmed Mohammed + another family
        names = {("given", "la"): "Ahmed", ("father", "la"): father, ("family", "la"): "Al-Ahmad"}
        make_person(site=personas.site_a, names=names)
    for family in ["Al-Yousef", "Al-Karim", "Al-Najib"]:
        names = {("given", "la"): "Ahmed", ("father", "la"): "Mohammed", ("family", "la"): family}
        make_person(site=personas.site_a, names=names)
    for query in ("أحمد محمد الأحمد", "Ahmed Mohammed Al-Ahmad", "Ахмед Мохаммэд Альь-Ахмад"):
        assert person_search(user=personas.registrar, query=query)[0].person_id == person.pk, query
    assert len(parse_query("Ахмед Мохаммэд Альь-Ахмад").groups) == 3  # not Ahmed Mohammed *Wael* Ahmad
    # The entry as written before 0015 held a word альь, read as Wael: a name the query lacks, which
    # pre-ranks it below every namesake written right (at a million persons, out of the rows reranked).
    never = re.compile("(?!)(.)")  # matches nothing: each sign stays as typed
    now, old = _index_as_before(
        monkeypatch, person, ["Ахмед", "Мохаммад", "Альь-Ахмад"], "_SIGN_TWICE", never, module=scripts
    )
    quick = QuickScorer(parse_query("أحمد محمد الأحمد"))
    assert quick(old) < quick(now)
    migration = importlib.import_module("haven.matching.migrations.0015_search_sign_twice")
    migration.rewrite_sign_twice(apps, SimpleNamespace(connection=connection))  # as the migration runs it
    forget_recent_rows()
    assert PersonSearchIndex.objects.get(person=person).text == now


def test_a_two_letter_listed_name_typed_last_is_searched_as_a_name(personas):
    # Russian writes Eid (عيد) Ид. Typed last, two letters were taken for the start of a word and
    # dropped: Israa Mohammed *anything* filled the page, above Issraa Id registered without a father.
    issraa = make_person(site=personas.site_a, names={("given", "la"): "Issraa", ("family", "la"): "Id"}, sex="F")
    for father in ["Ziyad", "Ibrahim", "Amjad", "Ghaith", "Anas", "Zakaria", "Abdullah", "Hasan", "Omar", "Samer"]:
        names = {("given", "la"): "Israa", ("father", "la"): father, ("family", "la"): "Al-Mohammad"}
        make_person(site=personas.site_a, names=names, sex="F")
    assert len(parse_query("Исраа Мухаммед Ид").groups) == 3
    assert person_search(user=personas.registrar, query="Исраа Мухаммед Ид")[0].person_id == issraa.pk


def test_a_person_without_a_fathers_name_outranks_a_page_of_namesakes_whose_father_only_shares_a_key(personas):
    # Mahmoud and Mohammed are both MHMD: the strict tier fills the page with Khadija *Mohammed* Deeb
    # (0.884 for the Mahmoud typed). Khadija Deeb, registered without a father's name, scores 0.888
    # and must not be left out because the page looked full.
    for _ in range(10):
        make_person(
            site=personas.site_a,
            names={("given", "ar"): "خديجة", ("father", "ar"): "محمد", ("family", "ar"): "ديب"},
            sex="F",
        )
    khadija = make_person(site=personas.site_a, names={("given", "la"): "Hadija", ("family", "la"): "Deeb"}, sex="F")
    hits = person_search(user=personas.registrar, query="Хадиджа Махмюд Диб")
    assert hits[0].person_id == khadija.pk
    assert len(hits) == 10
    # With the year of birth typed after the name (all were born in 1985), the same.
    assert person_search(user=personas.registrar, query="Хадиджа Махмюд Диб 1985")[0].person_id == khadija.pk


def test_a_record_lacking_a_part_is_reranked_though_many_one_letter_neighbours_score_higher_quickly(
    personas, monkeypatch
):
    # The loose tier reads "Haroun one edit away & Ibrahim & al-Ahmad" (many rows, a high quick score
    # for Haroni, whose spelling is close to Haroun's, though it reads 0.25 as Haroun; one read so
    # with 0.3 or more is indexed under Haroun's key and found in the strict tier) and "Haroun & Ibrahim or no
    # father's name & al-Ahmad" (one row, 0.6 for the missing part). Only the tier's best
    # SEARCH_RERANK rows by quick score are reranked; each conjunction's best are too.
    from haven.matching import selectors

    for _ in range(4):
        make_person(
            site=personas.site_a,
            names={("given", "la"): "Haroni", ("father", "la"): "Ibrahim", ("family", "la"): "Al-Ahmad"},
        )
    haroun = make_person(site=personas.site_a, names={("given", "la"): "Haroun", ("family", "la"): "El Ahmad"})
    monkeypatch.setattr(selectors, "SEARCH_RERANK", 2)
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Харун Ибрагим аль-Ахмад")]
    assert haroun.pk in ids
    monkeypatch.setattr(selectors, "SEARCH_RERANK_EACH", 0)  # as before: the one row is cut
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Харун Ибрагим аль-Ахмад")]
    assert haroun.pk not in ids


def test_three_letters_typed_are_the_start_of_a_name_not_a_name_sharing_their_key(personas):
    # "Al-Nah" listed Nouh first (key NH, the same as "nah"'s) above every Al-Nahhas; three
    # letters that spell no name are the start of one. A short name spelled whole still counts whole.
    nahhas = [
        make_person(site=personas.site_a, names={("given", "la"): g, ("family", "la"): "Al-Nahhas"})
        for g in ("Omar", "Rami", "Hala")
    ]
    nouh = make_person(site=personas.site_a, names={("given", "la"): "Nouh", ("family", "la"): "Hamdan"})
    nuha = make_person(site=personas.site_a, names={("given", "ar"): "نهى", ("family", "ar"): "حمدان"})
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Al-Nah")]
    assert set(ids[:3]) == {p.pk for p in nahhas} and ids.index(nuha.pk) > 2
    assert nouh.pk not in ids[:4]
    ali = make_person(site=personas.site_a, names={("given", "ar"): "علي", ("family", "ar"): "حمدان"})
    assert person_search(user=personas.registrar, query="Али")[0].person_id == ali.pk
    assert person_search(user=personas.registrar, query="Нух")[0].person_id == nouh.pk


def test_a_year_is_looked_up_with_a_words_key_as_one_token():
    # At a million persons PostgreSQL intersected a name's postings with the year's (tens of
    # thousands each) in every conjunction: the index now holds each key with the year of birth.
    from datetime import date

    from haven.matching.search import index_text, with_year

    text = index_text(
        names=["محمد حسن"], site_id="00000000-0000-0000-0000-000000000001", date_of_birth=date(1985, 3, 1)
    )
    assert {"5mhmd1985", "5hsn1985"} <= set(text.split()) and " q" in text
    unknown = index_text(names=["Mohammad"], site_id="00000000-0000-0000-0000-000000000001", date_of_birth=None)
    assert "5mhmd0" in unknown.split()
    # The first group that is a complete word's key takes the years (and "unknown"); a conjunction
    # with none (a word still being typed, widened by typos) takes the year tokens as before.
    keyed = with_year([(["qmhmd"], []), (["qhsn"], [])], [1985, 1984, 1986])
    assert keyed == [(["5mhmd1985", "5mhmd1984", "5mhmd1986", "5mhmd0"], []), (["qhsn"], [])]
    typing = with_year([(["qmhmd", "0hmd"], []), (["qhs"], ["has"])], [1985])
    assert typing[-1] == (["y1985", "y0"], []) and len(typing) == 3


def test_a_year_finds_the_namesake_without_a_date_and_a_year_off_by_one(personas):
    from datetime import date

    born = make_person(
        site=personas.site_a, names={("given", "la"): "Rami", ("family", "la"): "Haddad"}, dob=date(1984, 6, 1)
    )
    unknown = make_person(site=personas.site_a, names={("given", "ar"): "رامي", ("family", "ar"): "حداد"})
    other = make_person(
        site=personas.site_a, names={("given", "la"): "Rami", ("family", "la"): "Haddad"}, dob=date(1990, 1, 1)
    )
    ids = [h.person_id for h in person_search(user=personas.registrar, query="Рами Хаддад 1985")]
    assert set(ids[:2]) == {born.pk, unknown.pk} and other.pk not in ids


def _many(site: Any, n: int, names: dict[tuple[str, str], str]) -> list[Any]:
    return [make_person(site=site, names=names) for _ in range(n)]


def test_a_record_with_a_typo_that_reads_as_the_name_ranks_above_records_lacking_a_part(personas):
    # مصطقى is مصطفى (Mustafa) with ق, its neighbour on the Arabic keyboard: the record is
    # Ruba Ali Mustafa's, and ten records with no family name recorded may not hide it.
    ruba = make_person(
        site=personas.site_a,
        names={("given", "ar"): "ربى", ("father", "ar"): "علي", ("family", "ar"): "مصطقى"},
        sex="F",
    )
    _many(personas.site_a, 10, {("given", "cy"): "Руба", ("father", "cy"): "Али"})
    hits = person_search(user=personas.registrar, query="Руба Али Мустафа")
    assert hits[0].person_id == ruba.pk


def test_a_father_of_another_name_ranks_below_a_father_never_recorded(personas):
    # Hiba Anas al-Mohammad: a Hiba *Abbas* al-Mohammad is someone else's daughter; a Heba
    # al-Mohammad registered without her father's name may be her.
    heba = make_person(site=personas.site_a, names={("given", "la"): "Heba", ("family", "la"): "Al-Mohammad"}, sex="F")
    _many(personas.site_a, 10, {("given", "ar"): "هبة", ("father", "ar"): "عباس", ("family", "ar"): "المحمد"})
    hits = person_search(user=personas.registrar, query="Хиба Анас Аль-Мухаммед")
    assert heba.pk in [h.person_id for h in hits]
    assert all(h.person_id == heba.pk or h.score < hits[0].score for h in hits)


def test_records_lacking_a_part_do_not_stop_the_search_before_a_record_with_a_typo(personas):
    # آية حسن حيجر: Aya Hasan Haidar with ج for د. Its family name's key is two letters from
    # Haidar's, so only the second loose tier finds it; ten records without a family name,
    # found before, used to fill the page and stop the search there.
    aya = make_person(
        site=personas.site_a,
        names={("given", "ar"): "آية", ("father", "ar"): "حسن", ("family", "ar"): "حيجر"},
        sex="F",
    )
    _many(personas.site_a, 10, {("given", "cy"): "Ая", ("father", "cy"): "Хасан"})
    hits = person_search(user=personas.registrar, query="Айя Хасан Хейдар")
    assert hits[0].person_id == aya.pk


def test_a_typed_word_garbled_beyond_one_edit_is_looked_up_as_the_name_it_reads_as(personas):
    # Cgaza: Chaza (Shaza) with g for h, three letters from Shaza's key. The word reads as
    # Shaza, so Shaza Nasr, registered without a father's name, is found and ranks first.
    shaza = make_person(site=personas.site_a, names={("given", "cy"): "Шаза", ("family", "cy"): "Наср"}, sex="F")
    _many(personas.site_a, 10, {("given", "la"): "Racha", ("father", "la"): "Mohammed", ("family", "la"): "Nasr"})
    assert any(key_token("XZa") in exact for exact, _ in parse_query("Cgaza Mohammed Nasr").groups)
    hits = person_search(user=personas.registrar, query="Cgaza Mohammed Nasr")
    assert hits[0].person_id == shaza.pk


def test_a_whole_name_searches_on_past_a_page_of_other_fathers_for_a_record_with_two_faults(personas):
    # Khaled al-Honsi: no father's name recorded and Homsi mistyped. Ten Khaled al-Homsi with
    # another father fill the page at 0.88; a whole name typed runs one more tier before stopping.
    khaled = make_person(site=personas.site_a, names={("given", "la"): "Khaled", ("family", "la"): "Al-Honsi"})
    _many(personas.site_a, 10, {("given", "la"): "Khaled", ("father", "la"): "Ahmad", ("family", "la"): "Al-Homsi"})
    hits = person_search(user=personas.registrar, query="Khaled Shadi Al-Homsi")
    assert hits[0].person_id == khaled.pk
    assert all(0.85 <= h.score < 0.9 for h in hits[1:])


def test_a_two_letter_arabic_name_typed_last_is_a_whole_word(personas):
    # طه (Taha) is two letters in Arabic: it was dropped as the start of a name still being
    # typed, and "Laila Ahmad" without it ranked Laila al-Ahmad first.
    teha = make_person(
        site=personas.site_a,
        names={("given", "la"): "Leyla", ("father", "la"): "Ahmad", ("family", "la"): "Al-Teha"},
        sex="F",
    )
    make_person(site=personas.site_a, names={("given", "ar"): "ليلى", ("family", "ar"): "الأحمد"}, sex="F")
    hits = person_search(user=personas.registrar, query="ليلى أحمد طه")
    assert hits[0].person_id == teha.pk
    # Two letters that spell no name still wait for a third: the words before are searched.
    nader = make_person(site=personas.site_a, names={("given", "la"): "Nader", ("father", "la"): "Hussein"})
    assert person_search(user=personas.registrar, query="Надер Хусейн Ал")[0].person_id == nader.pk


def test_mohammed_for_the_ahmad_typed_in_arabic_ranks_below_a_father_never_recorded(personas):
    # محمد and احمد are one Arabic letter apart; read as names they are two fathers, and a Dima
    # Suleiman registered without a father's name may be the Dima Ahmad Suleiman typed.
    dima = make_person(site=personas.site_a, names={("given", "la"): "Dima", ("family", "la"): "Suleiman"}, sex="F")
    _many(personas.site_a, 10, {("given", "ar"): "ديما", ("father", "ar"): "محمد", ("family", "ar"): "سليمان"})
    hits = person_search(user=personas.registrar, query="ديما أحمد سليمان")
    assert hits[0].person_id == dima.pk
