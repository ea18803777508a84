"""Baseline security: headers on every response, no inline code in templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

HAVEN = Path(__file__).resolve().parent.parent / "haven"


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/health", "/api/v1/docs"])
def test_security_headers(client, db, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_client_cannot_choose_its_request_id(client, db):
    # The id ties audit rows together; a client must not pick it, nor put a phone number into every log line.
    for chosen in ("79123456789-0000", "0123456789abcdef0123456789abcdef", "<script>"):
        assert client.get("/api/v1/health", HTTP_X_REQUEST_ID=chosen)["X-Request-ID"] != chosen


def test_request_id_from_a_trusted_proxy_is_kept_when_in_a_proxys_form(client, db, settings):
    settings.HAVEN_TRUST_REQUEST_ID = True
    nginx, uuid_form = "0123456789abcdef0123456789abcdef", "123e4567-e89b-12d3-a456-426614174000"
    assert client.get("/api/v1/health", HTTP_X_REQUEST_ID=nginx)["X-Request-ID"] == nginx
    assert client.get("/api/v1/health", HTTP_X_REQUEST_ID=uuid_form)["X-Request-ID"] == uuid_form
    assert client.get("/api/v1/health", HTTP_X_REQUEST_ID="79123456789")["X-Request-ID"] != "79123456789"
    assert client.get("/api/v1/health", HTTP_X_REQUEST_ID=nginx + "\n").status_code == 200  # not echoed back


def test_session_and_csrf_cookies_are_http_only(client, personas):
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_messages_stay_on_the_server_never_in_a_cookie(personas):
    # "… checked in to room 12, bed 3" names a person and where they sleep: Django's default
    # keeps messages in a signed but readable cookie.
    from haven.registry.tests import factories

    person = factories.person(personas.registrar, personas.site_a)
    client = personas.client("registrar")
    response = client.post(
        f"/registry/persons/{person.pk}/consent/",
        {
            "consent-purpose": "contact",
            "consent-notice_language": "ar",
            "consent-given_on": "2025-03-01",
            "consent-given_by": "self",
        },
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "The consent was recorded." in client.get(response.url).content.decode()


def _templates() -> list[Path]:
    return sorted(p for p in HAVEN.rglob("templates/**/*.html") if "site-packages" not in p.parts)


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(HAVEN)))
def test_templates_have_no_inline_script_or_style(template):
    """The CSP would block them: JS and CSS belong in static files."""
    text = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline <script> in {template}"
    assert not re.search(r"<style\b", text), f"<style> in {template}"
    assert not re.search(r"\sstyle\s*=", text), f'style="" in {template}'
    assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template}"
