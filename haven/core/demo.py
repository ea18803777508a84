"""The Perm demo data set, assembled from each app's ``demo`` module.

Each app that has demo data provides ``haven/<app>/demo.py`` with
``load(*, site, seed, progress) -> None``; they run in the order below,
after the centre and the users exist. Everything is synthetic and seeded,
so the demo is the same on every machine.
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from haven.accounts.models import Membership, Region, Role, Site, User
from haven.accounts.services import membership_grant, region_create, roles_sync_defaults, site_create, user_create

DEMO_SITE_CODE = "perm-tac"
DEMO_USERNAMES = (
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
APP_ORDER = ("registry", "shelter", "pathways", "support", "credentials", "oversight", "matching")


@dataclass(frozen=True)
class DemoResult:
    site: Site
    usernames: tuple[str, ...]
    password: str


def demo_password() -> str:
    """HAVEN_DEMO_PASSWORD, or one generated once and kept under var/."""
    from haven.lib.env import env_str

    given = env_str("HAVEN_DEMO_PASSWORD")
    if given:
        return given
    path = settings.VAR_DIR / "demo-password"
    if not path.exists():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(9), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _ensure_site() -> Site:
    site = Site.objects.filter(code=DEMO_SITE_CODE).first()
    if site is not None:
        return site
    region = Region.objects.filter(code="perm-krai").first() or region_create(
        actor="load_demo", code="perm-krai", name="Пермский край / Perm Krai", country_code="RU"
    )
    return site_create(
        actor="load_demo",
        region=region,
        code=DEMO_SITE_CODE,
        name="ПВР Пермь / Perm temporary accommodation centre",
        time_zone="Asia/Yekaterinburg",
    )


def _ensure_users(site: Site, password: str) -> None:
    for username in DEMO_USERNAMES:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = user_create(actor="load_demo", username=username, password=password)
            if username == "admin":
                User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        role = Role.objects.get(code=username)
        if not Membership.objects.filter(user=user, site=site, role=role).exists():
            membership_grant(actor="load_demo", user=user, site=site, role=role)


def load_demo(*, seed: int = 2025, progress: Callable[[str], object] = print) -> DemoResult:
    password = demo_password()
    roles_sync_defaults()
    with transaction.atomic():
        site = _ensure_site()
        _ensure_users(site, password)
    for app in APP_ORDER:
        try:
            module = importlib.import_module(f"haven.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"haven.{app}.demo":
                raise
            continue
        progress(f"Loading demo data: {app}")
        module.load(site=site, seed=seed, progress=progress)
    return DemoResult(site=site, usernames=DEMO_USERNAMES, password=password)
