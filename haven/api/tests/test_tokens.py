"""API tokens: issue, use, expire, revoke; two-factor; lockout."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.api.models import ApiToken
from haven.api.services import token_issue
from haven.audit.models import AuditAction, AuditEvent
from haven.lib.testing.personas import PASSWORD, ApiClient

TOKEN_URL = "/api/v1/auth/token"
# An endpoint that needs a token and answers for any signed-in user.
WHOAMI_URL = "/api/v1/auth/revoke"


def _issue(client: Client, username: str, password: str = PASSWORD, **extra):
    body = {"username": username, "password": password, **extra}
    return client.post(TOKEN_URL, json.dumps(body), content_type="application/json")


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_issue_and_use_a_token(client, personas):
    response = _issue(client, "caseworker")
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("hvn_")
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)
    # Stored hashed: the raw value is nowhere in the database.
    stored = ApiToken.objects.get(user=personas.caseworker)
    assert body["token"] not in (stored.key_hash, stored.prefix)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="api.apitoken").exists()
    api = ApiClient(body["token"])
    assert api.post(WHOAMI_URL).status_code == 204


def test_wrong_password_gets_401_json_and_an_audit_row(client, personas):
    response = _issue(client, "caseworker", "wrong")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "bad_credentials", "message": "The username or password is not right."}
    }
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_name="caseworker").exists()


def test_missing_fields_get_422_json(client, db):
    response = client.post(TOKEN_URL, json.dumps({"username": "x"}), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_api_lockout_after_five_failures(client, personas):
    for _ in range(5):
        _issue(client, "caseworker", "wrong")
    response = _issue(client, "caseworker")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "locked_out"


def test_no_token_wrong_token_and_garbage_are_401(client, personas):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer hvn_not-a-real-token"}, {"HTTP_AUTHORIZATION": "Basic abc"}):
        response = client.post(WHOAMI_URL, **headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


def test_expired_token_is_refused(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _, raw = token_issue(user=personas.caseworker, days=1)
    with time_machine.travel(start + dt.timedelta(days=1, seconds=1), tick=False):
        assert ApiClient(raw).post(WHOAMI_URL).status_code == 401


def test_token_valid_until_its_expiry(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _, raw = token_issue(user=personas.caseworker, days=1)
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        assert ApiClient(raw).post(WHOAMI_URL).status_code == 204


def test_revoked_token_is_refused(personas):
    api = personas.api("caseworker")
    assert api.post(WHOAMI_URL).status_code == 204
    token = ApiToken.objects.get(user=personas.caseworker)
    assert token.revoked_at is not None
    assert api.post(WHOAMI_URL).status_code == 401
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="api.apitoken", object_id=str(token.pk)
    ).exists()


def test_token_of_a_deactivated_user_is_refused(personas):
    api = personas.api("caseworker")
    personas.caseworker.is_active = False
    personas.caseworker.save()
    assert api.post(WHOAMI_URL).status_code == 401


def test_token_records_its_last_use(personas):
    api = personas.api("caseworker")
    api.post(WHOAMI_URL)
    assert ApiToken.objects.get(user=personas.caseworker).last_used_at is not None


def test_otp_required_when_the_user_has_a_device(client, personas):
    device = TOTPDevice.objects.create(user=personas.caseworker, name="phone", confirmed=True)
    response = _issue(client, "caseworker")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_required"
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert _issue(client, "caseworker", otp=wrong).status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_name="caseworker").exists()
    start = timezone.now() + dt.timedelta(seconds=5)  # after django-otp's pause for the wrong code
    with time_machine.travel(start, tick=False):
        response = _issue(client, "caseworker", otp=_code(device))
    assert response.status_code == 200
    assert response.json()["token"].startswith("hvn_")


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_roles_that_need_two_factor_must_set_it_up_before_using_the_api(client, personas):
    response = _issue(client, "ombudsman")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "two_factor_setup_required"
    assert _issue(client, "caseworker").status_code == 200


@pytest.mark.parametrize(
    "language, text",
    [("ru", "Неверное имя пользователя или пароль."), ("ar", "اسم المستخدم أو كلمة المرور غير صحيحة.")],
)
def test_error_messages_follow_accept_language(client, personas, language, text):
    body = json.dumps({"username": "caseworker", "password": "wrong"})
    response = client.post(TOKEN_URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "bad_credentials", "message": text}
    response = client.post(WHOAMI_URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response.json()["error"]["message"] != "Sign in first: send a valid API token."


@pytest.mark.parametrize("scheme", ["bearer", "BEARER"])
def test_revoke_works_whatever_the_case_of_the_scheme(personas, scheme):
    """A token that authenticates a revoke request is the one revoked, never a silent 204."""
    _, raw = token_issue(user=personas.caseworker)
    client = Client(HTTP_AUTHORIZATION=f"{scheme} {raw}")
    assert client.post(WHOAMI_URL).status_code == 204
    assert ApiToken.objects.get(user=personas.caseworker).revoked_at is not None
    assert ApiClient(raw).post(WHOAMI_URL).status_code == 401


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_password_only_token_stops_when_a_role_that_needs_two_factor_starts(client, personas):
    """An ombudsman's visit starts tomorrow: a token got today with the password alone must not outlive it."""
    from haven.accounts.models import Membership, Role

    user = personas.outsider
    now = timezone.now()
    Membership.objects.create(
        user=user,
        site=personas.site_a,
        role=Role.objects.get(code="ombudsman"),
        valid_from=now + dt.timedelta(days=1),
        valid_until=now + dt.timedelta(days=3),
    )
    response = _issue(client, "outsider")
    assert response.status_code == 200  # no role yet that needs two-factor
    api = ApiClient(response.json()["token"])
    with time_machine.travel(now + dt.timedelta(days=2)):
        assert api.get("/api/v1/persons").status_code == 401
    # A token got with the second factor keeps working.
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with time_machine.travel(now + dt.timedelta(days=2), tick=False):
        response = _issue(client, "outsider", otp=_code(device))
        assert response.status_code == 200
        assert ApiClient(response.json()["token"]).post(WHOAMI_URL).status_code == 204
