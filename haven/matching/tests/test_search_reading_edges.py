"""Edge cases of reading words in search: index texts, the quick pre-rank, repeats and odd queries."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from haven.matching.search import (
    QuickScorer,
    _near_credit,
    _stored_words,
    forget_recent_rows,
    fuzzy_group,
    index_text,
    parse_query,
    relaxed,
    with_year,
)
from haven.matching.selectors import person_search, rank_score
from haven.matching.tests.helpers import make_person

SITE = uuid.UUID(int=1)


def text(*names: str) -> str:
    parts = [p for p, v in zip(("given", "father", "family"), names, strict=False) if v]
    return index_text(names=list(names), site_id=SITE, date_of_birth=date(1990, 1, 1), parts=parts)


# --- stored spellings: a Latin spelling may start with "q", and a shared key is written once -------


def test_a_stored_spelling_starting_with_q_is_a_spelling_not_a_key():
    # index_text writes "qksm qasem ..." for Qasem: the key token, then its spelling.
    t = text("Qasem", "Ali", "Hasan")
    assert _stored_words(t.split(), set(t.split()))[0] == ("qksm", ["qasem"])


def test_quick_score_another_name_near_a_q_spelled_record_is_not_credited_as_unreadable():
    # Karim (KRM) is one key edit from Qasem/Kasem (KSM) and reads as another listed name: a
    # stored Kasem gets READ_OTHER_CREDIT (0.5). A stored "Qasem" gets NEAR_CREDIT (0.85) because
    # its key word has no spellings to read, so it pre-ranks above the same name spelled with K.
    quick = QuickScorer(parse_query("Karim Ali Hasan"))
    assert quick(text("Qasem", "Ali", "Hasan")) <= quick(text("Kasem", "Ali", "Hasan"))


def test_a_spelling_filed_under_another_words_key_is_not_read_for_it():
    # Mohammed and Mahmoud share MHMD: index_text writes qmhmd once, so "mahmoud" follows Ali's
    # key (qala). A typed word one edit from Ali's key must not earn "reads as Mahmoud" from it.
    t = text("Mohammed", "Ali", "Mahmoud")
    words = dict(_stored_words(t.split(), set(t.split())))
    assert "mahmoud" in words["qala"]  # where index_text's order puts it
    near = set(fuzzy_group((["qal"], []))[0]) - {"qal"}
    assert _near_credit([words["qala"]], near, "al", "محمود", False) < 1.0


# --- strict_conjunctions: the read key put first is what repeat tokens are counted by -------------


def test_strict_tier_a_word_read_as_another_typed_word_does_not_demand_that_key_twice():
    # "Amhad" (aMHD) reads as Ahmad (aHMD) and gets [qahmd, qamhd]; strict_conjunctions counts
    # repeats by exact[0], the *read* key, so the following Ahmad must be borne twice (3ahmd) and
    # its own key is dropped. A record registered exactly "Amhad Ahmad" (qamhd, qahmd) no longer
    # matches the strict tier (it did before the change: [qamhd] & [qahmd]).
    parsed = parse_query("Amhad Ahmad ")
    strict = parsed.strict_conjunctions
    stored = set(text("Amhad", "Ahmad").split())
    assert any(all(not stored.isdisjoint(exact) for exact, _p in conj) for conj in strict)


@pytest.mark.django_db
def test_search_exact_registered_name_is_found_when_namesakes_fill_the_strict_tier(personas):
    # User-visible: ten "Ahmad Ahmad" fill the page from the strict tier (each scores >= 0.97 since
    # Amhad reads as Ahmad) and the search stops; the record registered as typed, "Amhad Ahmad",
    # is never fetched.
    forget_recent_rows()
    for _ in range(10):
        make_person(site=personas.site_a, names={("given", "la"): "Ahmad", ("father", "la"): "Ahmad"})
    exact = make_person(site=personas.site_a, names={("given", "la"): "Amhad", ("father", "la"): "Ahmad"})
    hits = person_search(user=personas.registrar, query="Amhad Ahmad ")
    assert exact.pk in [h.person_id for h in hits]


# --- Edge cases checked (pass: no bug found) -------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "1985",
        "Al-",
        "ال",
        "😀😀",
        "Mohammed 😀",
        "Mohammed 1985",
        "x" * 300,
        "Omar Omar al-Omar",
        "Amhad Amhad Amhad Amhad",
        "Cgaza Shaza 1990",
        "Kahled Khaled Kahl",
        "محمد Ali Ахмед Hasan Omar",
        "ليلى أحمد طه",
        "Ali_Hasan",
        "Moh.",
    ],
)
def test_odd_queries_parse_score_and_widen_without_error(query):
    parsed = parse_query(query)
    if not parsed:
        return
    assert len(parsed.groups) == len(parsed.tokens)
    for fuzzy in (True, False):
        quick = QuickScorer(parsed, fuzzy=fuzzy)
        assert len(quick.names) == len(quick.words)
        for t in (text("Qasem", "Ali", "Hasan"), text("محمد", "أحمد", "الحسن"), text("😀", "123", "x"), " "):
            quick(t)
    rank_score(parsed, {("given", "la"): "Mohammed", ("family", "ar"): "الحسن"})
    relaxed(parsed.groups, typed_letters=parsed.typed_letters)
    for c in parsed.strict_conjunctions:
        with_year(c, parsed.years or (1990,))


def test_with_year_keeps_both_keys_of_a_read_word():
    parsed = parse_query("Cgaza Shaza 1990")
    narrowed = with_year(parsed.groups, parsed.years)
    assert {"5xza1990", "5kgza1990", "5xza0", "5kgza0"} <= set(narrowed[0][0])


def test_two_letter_arabic_listed_name_typed_last_is_a_whole_word():
    parsed = parse_query("ليلى أحمد طه")
    assert parsed.complete and len(parsed.groups) == 3


@pytest.mark.django_db
def test_search_never_shows_a_person_of_another_site(personas):
    forget_recent_rows()
    make_person(site=personas.site_b, names={("given", "la"): "Shaza", ("family", "la"): "Deeb"})
    assert person_search(user=personas.registrar, query="Cgaza Deeb") == []


def test_a_last_word_with_the_whole_key_of_another_name_is_held_against_it(personas):
    # Хвлил (Khalil with а typed в) has the key of Helou (HL) whole: the person's word cannot be
    # what more letters would make of it. Typed last, it ranked Hlw level with Khalil (1.0).
    helou = make_person(
        site=personas.site_a, names={("given", "la"): "Mohammed", ("father", "la"): "Fadi", ("family", "la"): "Hlw"}
    )
    khalil = make_person(
        site=personas.site_a, names={("given", "ar"): "محمد", ("father", "ar"): "فادي", ("family", "ar"): "خليل"}
    )
    scores = {h.person_id: h.score for h in person_search(user=personas.registrar, query="Мухамед Фади Хвлил")}
    assert scores[khalil.pk] == 1.0
    assert scores[helou.pk] < 0.9
    # While the word is still short of the person's key, it may yet become that name.
    helou_names = {("given", "la"): "Mohammed", ("father", "la"): "Fadi", ("family", "la"): "Helou"}
    assert rank_score(parse_query("Mohammed Fadi Hel"), helou_names) > 0.95


def test_the_name_in_the_order_typed_is_reranked_before_its_words_in_other_orders(personas):
    # A common name's words in other orders fill the strict tier at a million persons (every row
    # holds every typed key); only the first 40 are reranked, and the database's order chose them.
    for given, father, family in [("Ибрагим", "Мохаммад", "Сулейман"), ("Сулейман", "Мохаммад", "Ибрагим")] * 23:
        make_person(
            site=personas.site_a, names={("given", "cy"): given, ("father", "cy"): father, ("family", "cy"): family}
        )
    target = make_person(
        site=personas.site_a,
        names={("given", "la"): "Mohammed", ("father", "la"): "Suleiman", ("family", "la"): "Ebrehim"},
    )
    hits = person_search(user=personas.registrar, query="Мохаммад Сюлейман Ибрагим")
    assert hits[0].person_id == target.pk
    typed = QuickScorer(parse_query("Мохаммад Сюлейман Ибрагим"), fuzzy=False)
    assert typed(text("Mohammed", "Suleiman", "Ebrehim")) > typed(text("Ибрагим", "Мохаммад", "Сюлейман"))
    # Russian forms write the family name first: that order counts as the order typed.
    family_first = QuickScorer(parse_query("Ибрагим Мохаммад Сюлейман"), fuzzy=False)
    assert family_first(text("Mohammed", "Suleiman", "Ebrehim")) > family_first(text("Suleiman", "Ebrehim", "Mohammed"))


def test_names_are_indexed_in_the_order_of_a_full_name_whatever_order_they_come_in():
    from haven.matching.search import names_in_order

    stored = [("family", "Ибрагим"), ("father", "Сулейман"), ("given", "Мохаммад"), ("grandfather", "Али")]
    assert names_in_order(stored) == ["Мохаммад", "Сулейман", "Али", "Ибрагим"]


def test_migration_0016_rewrites_entries_written_in_the_databases_order_of_parts(personas):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from haven.matching.models import PersonSearchIndex

    person = make_person(
        site=personas.site_a,
        names={("given", "la"): "Mohammed", ("father", "la"): "Suleiman", ("family", "la"): "Ebrehim"},
    )
    entry = PersonSearchIndex.objects.get(person=person)
    assert entry.text.split()[:2] == ["qmhmd", "mohammed"]  # the given name first
    before = index_text(
        names=["Ebrehim", "Suleiman", "Mohammed"],  # as the database returned them: family, father, given
        site_id=person.site_id,
        date_of_birth=person.date_of_birth,
        parts={"given", "father", "family"},
    )
    PersonSearchIndex.objects.filter(pk=entry.pk).update(text=before)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE matching_person_fts SET text = %s WHERE rowid = %s", [before, entry.pk])
    migration = importlib.import_module("haven.matching.migrations.0016_search_names_in_order")
    migration.rewrite_search_index(apps, SimpleNamespace(connection=connection))  # as the migration runs it
    assert PersonSearchIndex.objects.get(pk=entry.pk).text == entry.text
    if (
        connection.vendor == "sqlite"
    ):  # then merges the full-text segments (VACUUM on PostgreSQL: not in a test's transaction)
        migration.vacuum_index(apps, connection.schema_editor())
    forget_recent_rows()
    assert person_search(user=personas.registrar, query="Mohammed Suleiman Ebrehim")[0].person_id == person.pk
