"""The demo: refused in production, nine users when DEBUG is on, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from haven.accounts.models import Membership, Site, User
from haven.core import demo

DEMO_PASSWORD = "demo password for tests"


@pytest.fixture
def foundation_only(monkeypatch):
    """The foundation's part of the demo; each app tests its own demo module."""
    monkeypatch.setattr(demo, "APP_ORDER", ())
    monkeypatch.setenv("HAVEN_DEMO_PASSWORD", DEMO_PASSWORD)


def test_load_demo_refuses_when_debug_is_off(db, foundation_only):
    with pytest.raises(CommandError, match="only with HAVEN_DEBUG=1"):
        call_command("load_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_load_demo_creates_one_user_per_role(db, foundation_only, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "Demo ready." in out
    assert DEMO_PASSWORD in out  # printed, so whoever ran make run can log in
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == set(demo.DEMO_USERNAMES)
    assert len(users) == 9
    site = Site.objects.get(code=demo.DEMO_SITE_CODE)
    for username, user in users.items():
        assert user.check_password(DEMO_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert (membership.site, membership.role.code) == (site, username)


@override_settings(DEBUG=True)
def test_load_demo_is_idempotent(db, foundation_only):
    call_command("load_demo")
    counts = (User.objects.count(), Site.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Site.objects.count(), Membership.objects.count()) == counts


@override_settings(DEBUG=True)
def test_load_demo_resets_a_changed_demo_password(db, foundation_only):
    call_command("load_demo")
    user = User.objects.get(username="caseworker")
    user.set_password("something else entirely")
    user.save()
    call_command("load_demo")
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


@override_settings(DEBUG=True)
def test_demo_users_log_in(client, db, foundation_only):
    call_command("load_demo")
    response = client.post("/accounts/login/", {"username": "ombudsman", "password": DEMO_PASSWORD})
    assert response.status_code == 302
