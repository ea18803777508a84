"""TOTP two-factor authentication: login with a code, enforcement, set-up."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import EnrolmentCode
from haven.accounts.two_factor import ENROLMENT_CODE_MAX_FAILURES, enrolment_code_issue
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


def _secret(html: str) -> str:
    return re.search(r'<code class="ltr-data">([A-Z2-7=]+)</code>', html).group(1)


def _enrol(client: Client, username: str, code: str):
    """Log in with the password and give the enrolment code; the set-up page (or the refusal)."""
    assert _login(client, username).status_code == 302
    return client.post(TWO_FACTOR_URL, {"code": code}, follow=True)


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
    assert "Ask an administrator for an enrolment code" in page.content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
@pytest.mark.parametrize("role", ["ombudsman", "admin"])
def test_the_password_alone_does_not_enrol_an_authenticator(client, personas, role):
    """Whoever knows the password of an unenrolled account sees no secret and no QR code."""
    assert _login(client, role).status_code == 302
    page = client.get(TWO_FACTOR_URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="code"' in html
    assert "<svg" not in html
    assert '<code class="ltr-data">' not in html  # no key to type in
    # Nor by posting a TOTP code straight away.
    response = client.post(TWO_FACTOR_URL, {"otp": "123456"})
    assert "<svg" not in response.content.decode()
    assert not TOTPDevice.objects.filter(user=getattr(personas, role)).exists()
    assert client.get("/").status_code == 302


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_wrong_enrolment_code_counts_as_a_failed_login(personas):
    client = Client()
    assert _login(client, "ombudsman").status_code == 302
    responses = [client.post(TWO_FACTOR_URL, {"code": "AAAAA-AAAAA"}) for _ in range(5)]
    assert "That enrolment code is not right" in responses[0].content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_name="ombudsman").count() == 5
    assert not TOTPDevice.objects.filter(user=personas.ombudsman).exists()
    # The guesses lock the account, as a wrong password or TOTP code does.
    assert responses[-1].status_code == 429
    assert "_auth_user_id" not in client.session
    assert _login(Client(), "ombudsman").status_code == 429


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
        code = enrolment_code_issue(actor="test", user=personas.ombudsman)
        _login(client, "ombudsman")
        assert not TOTPDevice.objects.filter(user=personas.ombudsman).exists()
        # Typed in lower case, without the dash, with spaces round it.
        given = client.post(TWO_FACTOR_URL, {"code": f" {code.replace('-', '').lower()} "})
        assert given.status_code == 302
        assert given["Location"] == TWO_FACTOR_URL
        page = client.get(TWO_FACTOR_URL)
        assert "<svg" in page.content.decode()  # the QR code, inline, no external image
        secret = _secret(page.content.decode())
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


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_an_enrolment_code_works_once(personas):
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert "<svg" in _enrol(Client(), "ombudsman", code).content.decode()
    assert EnrolmentCode.objects.get().used_at is not None
    # A new session (the set-up not finished, or someone else): the code is spent.
    again = _enrol(Client(), "ombudsman", code)
    assert "That enrolment code is not right" in again.content.decode()
    assert "<svg" not in again.content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_an_expired_enrolment_code_is_refused(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman, hours=72)
    with time_machine.travel(start + dt.timedelta(hours=72, seconds=1), tick=False):
        response = _enrol(Client(), "ombudsman", code)
        assert "That enrolment code is not right" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=personas.ombudsman).exists()
    with time_machine.travel(start + dt.timedelta(hours=71), tick=False):
        assert "<svg" in _enrol(Client(), "ombudsman", code).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_new_enrolment_code_replaces_the_old_one(personas):
    old = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    new = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    assert "That enrolment code is not right" in _enrol(Client(), "ombudsman", old).content.decode()
    assert "<svg" in _enrol(Client(), "ombudsman", new).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_code_for_another_user_does_not_work(personas):
    code = enrolment_code_issue(actor=personas.admin, user=personas.admin)
    assert "That enrolment code is not right" in _enrol(Client(), "ombudsman", code).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_key_shown_before_the_code_is_discarded(personas):
    """A device left unconfirmed (its key seen by whoever knew the password) is not reused."""
    stale = TOTPDevice.objects.create(user=personas.ombudsman, name="authenticator", confirmed=False)
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    html = _enrol(Client(), "ombudsman", code).content.decode()
    device = TOTPDevice.objects.get(user=personas.ombudsman, confirmed=False)
    assert device.pk != stale.pk
    assert base64.b32decode(_secret(html)) == device.bin_key


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_enrolment_codes_are_not_stored_or_audited_in_clear(personas):
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    stored = EnrolmentCode.objects.get()
    bare = code.replace("-", "")
    assert stored.code_hash != code
    assert bare not in stored.code_hash
    assert stored.created_by == personas.admin
    _enrol(Client(), "ombudsman", code)
    events = AuditEvent.objects.filter(object_id=str(personas.ombudsman.pk), fields=["two_factor_enrolment_code"])
    assert [e.action for e in events.order_by("seq")] == [AuditAction.CREATE, AuditAction.UPDATE]
    for event in AuditEvent.objects.all():
        dumped = json.dumps(event.values)
        assert code not in dumped
        assert bare not in dumped


@override_settings(HAVEN_REQUIRE_2FA=False)
def test_voluntary_enrolment_needs_no_code(client, personas):
    assert _login(client, "admin").status_code == 302
    assert "<svg" in client.get(TWO_FACTOR_URL).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_voluntary_enrolment_in_production_also_needs_a_code(client, personas):
    # A device enrolled with the password alone would stay valid once the account is given a role that needs it.
    assert _login(client, "caseworker").status_code == 302
    assert client.get("/").status_code == 200  # not forced: a caseworker's role does not need two-factor
    page = client.get(TWO_FACTOR_URL).content.decode()
    assert "<svg" not in page and not TOTPDevice.objects.filter(user=personas.caseworker).exists()
    code = enrolment_code_issue(actor=personas.admin, user=personas.caseworker)
    assert "<svg" in _enrol(Client(), "caseworker", code).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_command_prints_a_code_that_works(personas):
    out = StringIO()
    call_command("two_factor_code", "ombudsman", "--hours", "2", stdout=out)
    code = re.search(r"Enrolment code for ombudsman: ([A-Z2-9]{5}-[A-Z2-9]{5})", out.getvalue()).group(1)
    assert "Works once, until" in out.getvalue()
    stored = EnrolmentCode.objects.get()
    assert stored.created_by is None
    assert stored.expires_at - stored.created_at == dt.timedelta(hours=2)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, fields=["two_factor_enrolment_code"])
    assert event.actor is None
    assert event.actor_name == "two_factor_code"
    assert "<svg" in _enrol(Client(), "ombudsman", code).content.decode()


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user with the username 'nobody'"):
        call_command("two_factor_code", "nobody")
    assert not EnrolmentCode.objects.exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_admin_issues_a_code_shown_once(personas):
    admin = personas.admin
    admin.is_staff = True
    admin.is_superuser = True
    admin.save()
    client = personas.client("admin")  # with the second factor
    response = client.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [str(personas.ombudsman.pk)]},
        follow=True,
    )
    html = response.content.decode()
    code = re.search(r"Enrolment code for ombudsman: ([A-Z2-9]{5}-[A-Z2-9]{5})", html).group(1)
    assert EnrolmentCode.objects.get().created_by == admin
    assert code not in client.get("/admin/accounts/user/").content.decode()  # shown once
    assert "<svg" in _enrol(Client(), "ombudsman", code).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_admin_issues_codes_one_user_at_a_time(personas):
    admin = personas.admin
    admin.is_staff = True
    admin.is_superuser = True
    admin.save()
    client = personas.client("admin")
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "issue_enrolment_code",
            "_selected_action": [str(personas.ombudsman.pk), str(personas.caseworker.pk)],
        },
        follow=True,
    )
    assert "Select exactly one user" in response.content.decode()
    assert not EnrolmentCode.objects.exists()


WRONG_ENROLMENT_CODE = "AAAAA-AAAAA"


def _superuser_client(personas) -> Client:
    admin = personas.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return personas.client("admin")  # with the second factor


def _staff_client_without_superuser_rights(personas) -> Client:
    staff = personas.caseworker
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        Permission.objects.get(codename="change_user", content_type__app_label="accounts"),
        Permission.objects.get(codename="view_user", content_type__app_label="accounts"),
    )
    return personas.client("caseworker")  # with the second factor


def _unenrolled_superuser(personas):
    root = personas.outsider
    root.is_staff = root.is_superuser = True
    root.save()
    return root


def _user_action(client: Client, action: str, *users) -> str:
    response = client.post(
        "/admin/accounts/user/",
        {"action": action, "_selected_action": [str(user.pk) for user in users]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_an_enrolment_code_expires_after_five_wrong_codes_whatever_the_logins_between(personas):
    # Each password login resets the lockout's count (AXES_RESET_ON_SUCCESS), so
    # four guesses per login would otherwise go on for ever.
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    for _ in range(4):
        client = Client()
        assert _login(client, "ombudsman").status_code == 302
        for _ in range(4):
            client.post(TWO_FACTOR_URL, {"code": WRONG_ENROLMENT_CODE})
    stored = EnrolmentCode.objects.get()
    assert stored.failures == ENROLMENT_CODE_MAX_FAILURES == 5
    assert stored.expires_at <= timezone.now()
    assert stored.used_at is None
    # Even the right code is refused now: the user needs a new one from an administrator.
    response = _enrol(Client(), "ombudsman", code)
    assert "That enrolment code is not right" in response.content.decode()
    assert "<svg" not in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.ombudsman).exists()
    event = AuditEvent.objects.filter(fields=["two_factor_enrolment_code"], action=AuditAction.UPDATE).get()
    assert event.values == {"two_factor_enrolment_code": "expired_after_failures"}
    new = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    assert "<svg" in _enrol(Client(), "ombudsman", new).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_an_enrolment_code_still_works_after_fewer_than_five_wrong_codes(personas):
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    for _ in range(2):
        client = Client()
        assert _login(client, "ombudsman").status_code == 302
        client.post(TWO_FACTOR_URL, {"code": WRONG_ENROLMENT_CODE})
        client.post(TWO_FACTOR_URL, {"code": WRONG_ENROLMENT_CODE})
    assert EnrolmentCode.objects.get().failures == 4
    assert "<svg" in _enrol(Client(), "ombudsman", code).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_locked_account_cannot_redeem_a_code_in_an_older_session(personas):
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    early = Client()
    assert _login(early, "ombudsman").status_code == 302  # opened before the lockout
    guesser = Client()
    assert _login(guesser, "ombudsman").status_code == 302
    for _ in range(5):
        guesser.post(TWO_FACTOR_URL, {"code": WRONG_ENROLMENT_CODE})
    assert _login(Client(), "ombudsman").status_code == 429
    # A fresh code (the guessed one expired) does not help the older session either.
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    response = early.post(TWO_FACTOR_URL, {"code": code})
    assert response.status_code == 429
    assert "_auth_user_id" not in early.session
    assert not EnrolmentCode.objects.filter(used_at__isnull=False).exists()
    assert not TOTPDevice.objects.filter(user=personas.ombudsman).exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_staff_without_superuser_rights_cannot_issue_a_code_for_a_superuser(personas):
    root = _unenrolled_superuser(personas)
    html = _user_action(_staff_client_without_superuser_rights(personas), "issue_enrolment_code", root)
    assert "Only a superuser can do this for a superuser." in html
    assert not EnrolmentCode.objects.filter(user=root).exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_staff_without_superuser_rights_issue_codes_for_other_staff(personas):
    html = _user_action(_staff_client_without_superuser_rights(personas), "issue_enrolment_code", personas.ombudsman)
    assert "Enrolment code for ombudsman:" in html
    assert EnrolmentCode.objects.filter(user=personas.ombudsman).exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_a_superuser_issues_a_code_for_another_superuser(personas):
    root = _unenrolled_superuser(personas)
    assert "Enrolment code for outsider:" in _user_action(_superuser_client(personas), "issue_enrolment_code", root)
    assert EnrolmentCode.objects.filter(user=root).exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_admin_cannot_issue_a_code_for_themself(personas):
    client = _superuser_client(personas)
    html = _user_action(client, "issue_enrolment_code", personas.admin)
    assert "You cannot do this for your own account." in html
    assert not EnrolmentCode.objects.exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_admin_refuses_a_code_for_an_inactive_user_like_the_command(personas):
    target = personas.ombudsman
    target.is_active = False
    target.save()
    html = _user_action(_superuser_client(personas), "issue_enrolment_code", target)
    assert "The account ombudsman is not active" in html
    assert not EnrolmentCode.objects.filter(user=target).exists()


def test_no_enrolment_code_is_issued_for_an_inactive_user(personas):
    target = personas.ombudsman
    target.is_active = False
    target.save()
    with pytest.raises(ValueError, match="'ombudsman' is not active"):
        enrolment_code_issue(actor=personas.admin, user=target)
    assert not EnrolmentCode.objects.exists()
    with pytest.raises(CommandError, match="is not active"):
        call_command("two_factor_code", "ombudsman")


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_otp_device_admin_is_gone(personas):
    # It showed any user's key (the "config" QR page) and created confirmed devices
    # for someone else, with a key of the administrator's choosing, unaudited.
    device = TOTPDevice.objects.create(user=personas.ombudsman, name="phone", confirmed=True)
    client = _superuser_client(personas)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 404
    added = client.post(
        "/admin/otp_totp/totpdevice/add/",
        {
            "user": str(personas.ombudsman.pk),
            "name": "attacker",
            "confirmed": "on",
            "key": "3132333435363738393031323334353637383930",
            "step": "30",
            "t0": "0",
            "digits": "6",
            "tolerance": "1",
            "drift": "0",
            "throttling_failure_count": "0",
        },
    )
    assert added.status_code == 404
    assert not TOTPDevice.objects.filter(name="attacker").exists()
    assert "otp_totp" not in client.get("/admin/").content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_lost_phone_action_removes_the_authenticators_audited(personas):
    victim = personas.ombudsman
    TOTPDevice.objects.create(user=victim, name="phone", confirmed=True)
    TOTPDevice.objects.create(user=victim, name="authenticator", confirmed=False)
    kept = TOTPDevice.objects.create(user=personas.caseworker, name="phone", confirmed=True)
    client = _superuser_client(personas)
    html = _user_action(client, "remove_two_factor_devices", victim)
    assert "The two-factor authenticators of ombudsman were removed (2)." in html
    assert not TOTPDevice.objects.filter(user=victim).exists()
    assert TOTPDevice.objects.filter(pk=kept.pk).exists()
    event = AuditEvent.objects.get(object_id=str(victim.pk), fields=["two_factor"])
    assert event.action == AuditAction.UPDATE
    assert event.actor == personas.admin
    assert event.values == {"two_factor": "removed", "devices": 2}
    # Then a new enrolment code sets up the new phone.
    html = _user_action(client, "issue_enrolment_code", victim)
    code = re.search(r"Enrolment code for ombudsman: ([A-Z2-9]{5}-[A-Z2-9]{5})", html).group(1)
    assert "<svg" in _enrol(Client(), "ombudsman", code).content.decode()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_lost_phone_action_follows_the_superuser_and_self_rules(personas):
    root = _unenrolled_superuser(personas)
    TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    staff = _staff_client_without_superuser_rights(personas)
    html = _user_action(staff, "remove_two_factor_devices", root)
    assert "Only a superuser can do this for a superuser." in html
    html = _user_action(staff, "remove_two_factor_devices", personas.caseworker)
    assert "You cannot do this for your own account." in html
    assert TOTPDevice.objects.filter(user=root).exists()
    assert TOTPDevice.objects.filter(user=personas.caseworker).exists()  # personas.client enrolled one
    assert not AuditEvent.objects.filter(fields=["two_factor"], values__two_factor="removed").exists()


@override_settings(HAVEN_REQUIRE_2FA=True)
def test_the_lost_phone_action_takes_one_user_with_an_authenticator(personas):
    client = _superuser_client(personas)
    html = _user_action(client, "remove_two_factor_devices", personas.ombudsman, personas.caseworker)
    assert "Select exactly one user to remove the two-factor authenticators of." in html
    assert "The account ombudsman has no two-factor authenticator." in _user_action(
        client, "remove_two_factor_devices", personas.ombudsman
    )
    assert not AuditEvent.objects.filter(fields=["two_factor"], values__two_factor="removed").exists()
