"""Changes to users, roles and memberships. One transaction each, audited."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import translation

from haven.accounts.access import forget_capabilities
from haven.accounts.models import Membership, Region, Role, Site, User
from haven.accounts.roles import DEFAULT_ROLES
from haven.audit.models import AuditAction
from haven.audit.services import audit_record


def roles_sync_defaults() -> None:
    """Create missing default roles and add missing default capabilities.

    Names are stored in English whatever language is active, so that
    :attr:`Role.display_name` can translate them.
    """
    with transaction.atomic(), translation.override(None):
        for order, spec in enumerate(DEFAULT_ROLES):
            role, created = Role.objects.get_or_create(
                code=spec.code,
                defaults={
                    "name": str(spec.name),
                    "capabilities": list(spec.capabilities),
                    "requires_two_factor": spec.requires_two_factor,
                    "sort_order": order,
                },
            )
            if not created:
                missing = [c for c in spec.capabilities if c not in role.capabilities]
                if missing:
                    role.capabilities = [*role.capabilities, *missing]
                    role.save(update_fields=["capabilities"])


def region_create(*, actor: Any, code: str, name: str, country_code: str = "RU") -> Region:
    with transaction.atomic():
        region = Region(code=code, name=name, country_code=country_code)
        region.full_clean()
        region.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=region, fields=["code", "name"], values={"code": code})
    return region


def site_create(*, actor: Any, region: Region, code: str, name: str, time_zone: str = "Asia/Yekaterinburg") -> Site:
    with transaction.atomic():
        site = Site(region=region, code=code, name=name, time_zone=time_zone)
        site.full_clean()
        site.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=site, fields=["code", "name"], values={"code": code})
    return site


def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> tuple[User, str]:
    """Create a staff user; returns the user and the password set."""
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_password(password)
        user.full_clean()
        user.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=user, fields=["username"], values={"username": username}
        )
    return user, password


def membership_grant(
    *,
    actor: Any,
    user: User,
    site: Site,
    role: Role,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Membership:
    with transaction.atomic():
        membership, _ = Membership.objects.update_or_create(
            user=user, site=site, role=role, defaults={"valid_from": valid_from, "valid_until": valid_until}
        )
        membership.full_clean()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=membership,
            fields=["user", "site", "role"],
            values={"role": role.code, "site": site.code},
        )
    # The user's capabilities may be cached on this very object (the same request).
    forget_capabilities(user)
    return membership


def login_otp_failed(*, request: Any, user: User) -> None:
    """Report a wrong two-factor code as a failed login for ``user``.

    The receivers write the LOGIN_FAILED audit row and count the attempt
    towards the lockout, so a code cannot be guessed once the password is
    known.
    """
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
