"""Logging in and out, failed logins, lockout and the idle timeout."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditAction, AuditEvent
from haven.lib.testing.personas import PASSWORD

LOGIN_URL = "/accounts/login/"


def _login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def test_login_page_renders_for_anonymous(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert "Log in to Haven" in response.content.decode()


def test_home_sends_anonymous_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_login_reaches_home_and_audits(client, personas):
    response = _login(client, "caseworker")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "caseworker" in home.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).last()
    assert event is not None
    assert event.actor == personas.caseworker
    assert event.request_id  # ties the row to the request's log lines


def test_login_follows_a_local_next_but_not_a_foreign_one(client, personas):
    response = _login(client, "caseworker", next="/admin/")
    assert response["Location"] == "/admin/"
    other = Client()
    response = _login(other, "caseworker", next="https://evil.example.org/")
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message_and_audited(client, personas):
    response = _login(client, "caseworker", "not the password")
    assert response.status_code == 200
    assert "The username or password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_name == "caseworker"
    assert "not the password" not in str(event.values)


def test_wrong_password_message_is_translated(client, personas):
    response = client.post(LOGIN_URL, {"username": "caseworker", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert "Неверное имя пользователя или пароль" in response.content.decode()
    response = client.post(LOGIN_URL, {"username": "caseworker", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert 'dir="rtl"' in response.content.decode()
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in response.content.decode()


def test_inactive_user_cannot_log_in(client, personas):
    personas.caseworker.is_active = False
    personas.caseworker.save()
    response = _login(client, "caseworker")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_shows_429_page(client, personas):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _login(client, "caseworker", "wrong").status_code == 200
    fifth = _login(client, "caseworker", "wrong")
    assert fifth.status_code == 429
    # Even the right password is refused while locked.
    response = _login(client, "caseworker")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed logins" in body
    assert "locked after 5 failed attempts" in body
    assert "_auth_user_id" not in client.session
    # Other accounts are not locked (lockout is per username, not per address).
    assert _login(Client(), "lawyer").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 5


def test_lockout_page_is_translated(client, personas):
    for _ in range(5):
        _login(client, "caseworker", "wrong")
    response = client.post(LOGIN_URL, {"username": "caseworker", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in response.content.decode()


def test_lockout_ends_after_reset(client, personas):
    from axes.utils import reset

    for _ in range(5):
        _login(client, "caseworker", "wrong")
    assert _login(client, "caseworker").status_code == 429
    reset(username="caseworker")
    assert _login(client, "caseworker").status_code == 302


def test_lockout_ends_after_the_cool_off(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "caseworker", "wrong")
        assert _login(client, "caseworker").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert _login(client, "caseworker").status_code == 302


def test_success_resets_the_failure_count(client, personas):
    for _ in range(4):
        _login(client, "caseworker", "wrong")
    assert _login(client, "caseworker").status_code == 302
    other = Client()
    for _ in range(4):
        assert _login(other, "caseworker", "wrong").status_code == 200


def test_logout_needs_post_and_is_audited(personas):
    client = personas.client("caseworker")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=personas.caseworker).exists()


def test_logged_in_user_visiting_login_goes_home(personas):
    response = personas.client("caseworker").get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("minutes", [30])
def test_idle_session_expires(client, personas, minutes):
    assert settings.HAVEN_IDLE_TIMEOUT_MINUTES == minutes
    assert settings.SESSION_COOKIE_AGE == minutes * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _login(client, "caseworker").status_code == 302
    # Activity renews the session: two requests 20 minutes apart keep it.
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=40), tick=False):
        assert client.get("/").status_code == 200
    # Then 31 idle minutes end it.
    with time_machine.travel(start + dt.timedelta(minutes=71), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)
