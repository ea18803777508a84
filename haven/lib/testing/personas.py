"""People who use Haven, for tests: one per role at centre A, a few at B.

``Personas`` builds two sites in one region, and a user for each role at
site A; ``caseworker_b`` works at site B only, and ``outsider`` has an
account but no role anywhere. Tests ask for a persona by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from haven.accounts.models import Membership, Region, Role, Site, User
from haven.accounts.services import roles_sync_defaults

PASSWORD = "correct horse battery staple"
ROLE_CODES = (
    "registrar",
    "manager",
    "caseworker",
    "lawyer",
    "doctor",
    "psychologist",
    "credentials",
    "ombudsman",
    "admin",
)


@dataclass
class Personas:
    region: Region
    site_a: Site
    site_b: Site
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def client(self, name: str) -> Client:
        """A browser session logged in as the persona."""
        user = self.users[name]
        c = Client()
        c.force_login(user)
        _verify_second_factor(c, user)
        return c

    def api(self, name: str) -> ApiClient:
        from haven.api.services import token_issue

        _, raw = token_issue(user=self.users[name])
        return ApiClient(raw)


class ApiClient(Client):
    """A test client that sends a bearer token on every request."""

    def __init__(self, token: str, **defaults: Any) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}", **defaults)
        self.token = token


def _verify_second_factor(client: Client, user: User) -> None:
    """Roles that must use two-factor get a confirmed device, verified in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haven.accounts.selectors import user_requires_two_factor

    if not user_requires_two_factor(user=user):
        return
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def make_user(username: str, *, site: Site | None = None, role: str | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if site is not None and role is not None:
        Membership.objects.create(user=user, site=site, role=Role.objects.get(code=role))
    return user


def build_personas() -> Personas:
    roles_sync_defaults()
    region = Region.objects.create(code="test-region", name="Test region")
    site_a = Site.objects.create(code="centre-a", name="Centre A", region=region)
    site_b = Site.objects.create(code="centre-b", name="Centre B", region=region)
    personas = Personas(region=region, site_a=site_a, site_b=site_b)
    for code in ROLE_CODES:
        personas.users[code] = make_user(code, site=site_a, role=code)
    personas.users["caseworker_b"] = make_user("caseworker_b", site=site_b, role="caseworker")
    personas.users["registrar_b"] = make_user("registrar_b", site=site_b, role="registrar")
    personas.users["outsider"] = make_user("outsider")
    return personas
