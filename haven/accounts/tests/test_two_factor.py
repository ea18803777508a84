"""TOTP two-factor authentication: login with a code, enforcement, set-up."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.audit.models import AuditAction, AuditEvent
from haven.lib.testing.personas import PASSWORD

TWO_FACTOR_URL = "/accounts/two-factor/"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def device(personas) -> TOTPDevice:
    return TOTPDevice.objects.create(user=personas.caseworker, name="phone", confirmed=True)


def _login(client: Client, username: str, otp: str = ""):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD, "otp": otp})


def test_user_with_device_must_give_the_code(client, device):
    response = _login(client, "caseworker")
    assert response.status_code == 200
    assert "Enter the current six-digit code" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_code_is_refused_and_counts_as_a_failed_login(client, device):
    response = _login(client, "caseworker", otp="000000" if code_for(device) != "000000" else "111111")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_name="caseworker").exists()


def test_wrong_codes_lead_to_lockout(client, device):
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _ in range(5):
        _login(client, "caseworker", otp=wrong)
    assert _login(client, "caseworker", otp=code_for(device)).status_code == 429


def test_user_with_device_logs_in_with_the_code(client, device):
    response = _login(client, "caseworker", otp=code_for(device))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=device.user).exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
@pytest.mark.parametrize("role", ["ombudsman", "admin"])
def test_production_sends_ombudsman_and_admin_to_two_factor(client, personas, role):
    assert _login(client, role).status_code == 302
    for path in ("/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == TWO_FACTOR_URL
    page = client.get(TWO_FACTOR_URL)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, inline, no external image


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_production_does_not_force_two_factor_on_other_roles(personas):
    client = Client()
    assert _login(client, "caseworker").status_code == 302
    assert client.get("/").status_code == 200


@override_settings(HAVEN_REQUIRE_2FA=False)
def test_demo_mode_does_not_enforce_two_factor(client, personas):
    assert _login(client, "admin").status_code == 302
    assert client.get("/").status_code == 200


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_setup_flow_confirms_a_device_and_unlocks_the_pages(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "ombudsman")
        page = client.get(TWO_FACTOR_URL)
        secret = re.search(r'<code class="ltr-data">([A-Z2-7=]+)</code>', page.content.decode()).group(1)
        device = TOTPDevice.objects.get(user=personas.ombudsman, confirmed=False)
        assert base64.b32decode(secret) == device.bin_key  # the key for apps without a camera
        # A wrong code keeps the page, with a message.
        wrong = client.post(TWO_FACTOR_URL, {"otp": "12345"})
        assert wrong.status_code == 200
        assert "That code is not right" in wrong.content.decode()
    # django-otp slows guessing down: the next try is allowed after a second.
    with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):
        response = client.post(TWO_FACTOR_URL, {"otp": code_for(device)})
        assert response.status_code == 302
        assert response["Location"] == "/"
        device.refresh_from_db()
        assert device.confirmed
        assert client.get("/").status_code == 200
        event = AuditEvent.objects.filter(action=AuditAction.UPDATE, actor=personas.ombudsman).last()
        assert event.fields == ["two_factor"]
        # The next session asks for the code at login.
        assert _login(Client(), "ombudsman").status_code == 200


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_confirmed_device_verifies_a_later_session(personas):
    device = TOTPDevice.objects.create(user=personas.admin, name="phone", confirmed=True)
    client = Client()
    client.force_login(personas.admin)  # signed in without the second step
    assert client.get("/").status_code == 302
    page = client.get(TWO_FACTOR_URL)
    assert "Enter the six-digit code" in page.content.decode()
    assert client.post(TWO_FACTOR_URL, {"otp": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_two_factor_page_needs_login(client, db):
    response = client.get(TWO_FACTOR_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_card_verification_page_needs_the_second_factor_too(personas):
    """The QR code's page shows a person's name: no way round two-factor through it."""
    client = Client()
    assert _login(client, "ombudsman").status_code == 302
    for path in ("/verify/not-a-card-token/", "/verify/x/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == TWO_FACTOR_URL


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_superuser_without_a_role_needs_two_factor_for_the_admin(personas):
    """Whoever can open the Django admin can grant any role: a password alone is not enough."""
    user = personas.outsider
    user.is_staff = True
    user.is_superuser = True
    user.save()
    client = Client()
    assert _login(client, "outsider").status_code == 302
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR_URL
    # Nor through the API.
    token = client.post(
        "/api/v1/auth/token",
        {"username": "outsider", "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 401
    assert token.json()["error"]["code"] == "two_factor_setup_required"


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_wrong_code_on_the_two_factor_page_counts_as_a_failed_login(personas):
    device = TOTPDevice.objects.create(user=personas.admin, name="phone", confirmed=True)
    client = Client()
    client.force_login(personas.admin)  # signed in without the second step
    start = timezone.now()
    for i in range(5):
        with time_machine.travel(start + dt.timedelta(minutes=i), tick=False):
            wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
            client.post(TWO_FACTOR_URL, {"otp": wrong})
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_name="admin").count() == 5
    # The codes guessed lock the account, as at the login page.
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        assert _login(Client(), "admin", code_for(device)).status_code == 429
