"""pytest fixtures available to every test (imported by the root conftest)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from haven.lib.testing.personas import Personas, build_personas

CHROMIUM = os.environ.get("HAVEN_CHROMIUM", "/usr/bin/chromium")


def _one_at_a_time(app: Callable[..., Any]) -> Callable[..., Any]:
    """A WSGI application that serves one request at a time (the whole body inside the turn)."""
    turn = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with turn:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()  # request_finished, as the server would have sent it

    return serve


class _LiveServer(ThreadedWSGIServer):
    """The test server; with an in-memory SQLite test database its requests take turns.

    Every request thread then shares the test's one SQLite connection, and
    two overlapping requests (a transliteration and a duplicate check fired
    by the same keystroke) broke each other's savepoints: "no such
    savepoint", and a form field left empty. On PostgreSQL each thread has
    its own connection and requests still overlap, as in production.
    """

    def set_app(self, application: Any) -> None:
        if getattr(self, "connections_override", None):
            application = _one_at_a_time(application)
        super().set_app(application)


LiveServerThread.server_class = _LiveServer  # type: ignore[attr-defined]


@pytest.fixture
def personas(db: Any) -> Personas:
    """Two sites and one user per role (see haven/lib/testing/personas.py)."""
    return build_personas()


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> Iterator[None]:
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_search_rows() -> Iterator[None]:
    """Each test starts without the rows of an earlier test's searches (its database rolled back)."""
    from haven.matching.search import recent_rows

    recent_rows.clear()
    yield


@pytest.fixture(scope="session")
def browser(django_db_setup: Any) -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    # Playwright runs an event loop in this thread; Django's ORM calls from
    # the test body are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Debian's chromium package is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page; log in with ``login(page, live_server, user)``."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def login(page: Any, live_server: Any, username: str, password: str | None = None) -> None:
    from haven.lib.testing.personas import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
