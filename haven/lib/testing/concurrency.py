"""Real concurrency for tests: requests that reach PostgreSQL at the same moment.

SQLite serialises writers with one database lock, so a race there proves
nothing; tests using these helpers run only on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, connections


def require_postgres() -> None:
    """Skip unless the database has row locks; put back the reference rows a flushed database lost."""
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL for real row locks; the database is {connection.vendor}")
    # A transactional test starts from a flushed database: the registry's data migration
    # seeds person statuses ("active", "merged"…) and document types.
    import_module("haven.registry.migrations.0002_seed_reference_data").seed(apps, None)


def at_once(calls: list[Callable[[], Any]], *, timeout: float = 30) -> list[Any]:
    """Run each call in its own thread (so on its own database connection), all released together."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = calls[i]()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
