"""Test personas and fixtures shared by every app: see haven/lib/testing/.

Registered as a plugin, not star-imported: ``import *`` skips names that
start with an underscore, so the autouse ``_english_by_default`` fixture
was never in force and a test's Arabic request left Arabic active for the
next test in the same worker.
"""

pytest_plugins = ["haven.lib.testing.fixtures"]

from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any) -> Iterator[None]:
    """pytest-django's test databases, and before they are dropped, the search readers' connections closed.

    On PostgreSQL a search's loose tiers read on connections of their own
    (haven.matching.search.readers); a database with a connection open
    cannot be dropped.
    """
    yield
    from haven.matching.search import readers

    readers.close()
