"""In headless Chromium: a new ombudsman enrols an authenticator with the code an administrator gave them."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.two_factor import enrolment_code_issue
from haven.lib.testing.personas import PASSWORD


def _log_in_with_password(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_first_enrolment_takes_the_administrators_code(
    page: Any, live_server: Any, personas: Any, settings: Any
) -> None:
    settings.HAVEN_REQUIRE_2FA = True
    TOTPDevice.objects.filter(user=personas.ombudsman).delete()

    # The password alone: the page asks for the code and shows no key to scan.
    _log_in_with_password(page, live_server, "ombudsman")
    assert page.locator("#id_code").is_visible()
    assert page.locator(".qr-code").count() == 0
    assert "Ask an administrator for an enrolment code" in page.content()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/")  # nothing else opens

    page.fill("#id_code", "ABCDE-23456")
    page.click("main button[type=submit]")
    assert "That enrolment code is not right" in page.content()
    assert not TOTPDevice.objects.filter(user=personas.ombudsman).exists()

    # The code read out by the administrator, typed in lower case without the dash.
    code = enrolment_code_issue(actor=personas.admin, user=personas.ombudsman)
    page.fill("#id_code", code.replace("-", "").lower())
    page.click("main button[type=submit]")
    page.locator(".qr-code svg").wait_for()
    secret = page.locator("code.ltr-data").inner_text()
    device = TOTPDevice.objects.get(user=personas.ombudsman, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key

    # The authenticator app's six digits unlock the pages.
    page.fill("#id_otp", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    device.refresh_from_db()
    assert device.confirmed
