"""A search's loose tiers read the index on two connections at once (PostgreSQL), and find the same people.

At a million persons a loose tier asks the index three to six questions, each
a GIN scan that keeps one PostgreSQL process busy while Python waits; the
search readers (:data:`haven.matching.search.readers`) ask them side by side.
What an officer must notice is nothing at all: the same page, the same
access rules, a person registered a moment ago found, and a lost reader
connection costing time, never results.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from haven.lib.testing.concurrency import require_postgres
from haven.matching import search
from haven.matching.selectors import person_search
from haven.matching.tests.helpers import hasan, make_person

TYPO = "Mohamad Ahmat Al-Hasan"
"""The father's name mistyped: no one holds every word's key, so the loose tiers run, several queries each."""


def _page(user: Any, query: str) -> list[tuple[Any, float]]:
    search.recent_rows.clear()  # each search asks the index afresh
    return [(h.person_id, h.score) for h in person_search(user=user, query=query)]


@pytest.fixture
def threads_reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that ran each index query of the searches that follow."""
    seen: list[str] = []
    real = search._ranked

    def ranked(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "_ranked", ranked)
    return seen


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_loose_tiers_read_side_by_side_and_find_the_same_page(personas, settings, threads_reading):
    require_postgres()
    target = hasan(personas.site_a)
    for given in ("Mohammad", "Ahmad", "Mahmoud"):
        make_person(site=personas.site_a, names={("given", "la"): given, ("family", "la"): "Al-Hasan"})
    other_site = hasan(personas.site_b)

    settings.HAVEN_SEARCH_READERS = 0
    alone = _page(personas.registrar, TYPO)
    assert not any(name.startswith("haven-search") for name in threads_reading)

    threads_reading.clear()
    settings.HAVEN_SEARCH_READERS = 1
    side_by_side = _page(personas.registrar, TYPO)

    assert side_by_side == alone
    assert alone[0][0] == target.pk
    assert other_site.pk not in {pid for pid, _ in side_by_side}
    assert any(name.startswith("haven-search") for name in threads_reading), threads_reading


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reader_that_loses_its_connection_costs_time_not_results(personas, settings, monkeypatch, caplog):
    require_postgres()
    target = hasan(personas.site_a)
    make_person(site=personas.site_a, names={("given", "la"): "Mohammad", ("family", "la"): "Al-Hasan"})
    settings.HAVEN_SEARCH_READERS = 0
    expected = _page(personas.registrar, TYPO)

    real = search._ranked

    def ranked(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name.startswith("haven-search"):
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "_ranked", ranked)
    settings.HAVEN_SEARCH_READERS = 1
    with caplog.at_level(logging.WARNING, logger="haven.matching.search"):
        assert _page(personas.registrar, TYPO) == expected
    assert expected[0][0] == target.pk
    # The log says what failed, never what was searched for.
    assert "OperationalError" in caplog.text
    assert "Ahmat" not in caplog.text and "Hasan" not in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_search_sees_what_it_wrote(personas, settings, threads_reading):
    """Another connection cannot see an uncommitted person: inside a transaction the reads stay on this one."""
    require_postgres()
    settings.HAVEN_SEARCH_READERS = 1
    with transaction.atomic():
        target = hasan(personas.site_a)
        make_person(site=personas.site_a, names={("given", "la"): "Mohammad", ("family", "la"): "Al-Hasan"})
        page = _page(personas.registrar, TYPO)
    assert page[0][0] == target.pk
    assert threads_reading and not any(name.startswith("haven-search") for name in threads_reading)


@pytest.mark.django_db
def test_on_sqlite_or_in_a_test_transaction_the_queries_run_in_the_calling_thread(personas, threads_reading):
    hasan(personas.site_a)
    make_person(site=personas.site_a, names={("given", "la"): "Mohammad", ("family", "la"): "Al-Hasan"})
    assert _page(personas.registrar, TYPO)
    assert threads_reading and set(threads_reading) == {threading.current_thread().name}
    assert connection.in_atomic_block or connection.vendor == "sqlite"


@pytest.mark.django_db
def test_the_search_index_has_no_index_on_its_site_alone():
    """Migration 0017: a B-tree on the site, which most rows share, misled PostgreSQL's planner."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "matching_personsearchindex")
    on_site = [name for name, c in constraints.items() if c["index"] and c["columns"] == ["site_id"]]
    assert on_site == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reader_busy_with_another_search_does_not_hold_this_one(settings):
    require_postgres()
    settings.HAVEN_SEARCH_READERS = 1
    pool = search.readers._executor()
    assert pool is not None
    busy, release = threading.Event(), threading.Event()
    other = pool.submit(lambda: (busy.set(), release.wait(10)))  # another request's search, still reading
    assert busy.wait(5)
    try:
        ran_in: list[str] = []
        jobs = [lambda n=n: ran_in.append(threading.current_thread().name) or [(n, "")] for n in range(3)]
        assert search.readers.read_all(jobs) == [[(0, "")], [(1, "")], [(2, "")]]
        assert set(ran_in) == {threading.current_thread().name}
    finally:
        release.set()
        other.result(timeout=10)
