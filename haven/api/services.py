"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.api.models import ApiToken
from haven.audit.models import AuditAction
from haven.audit.services import audit_record

TOKEN_PREFIX = "hvn_"  # noqa: S105 - a public marker, not a secret


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_issue(*, user: Any, days: int | None = None, password_only: bool = False) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored.

    ``password_only``: the user gave no second factor for it, so it stops
    working when the user comes to hold a role that needs one.
    """
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=_hash(raw),
            prefix=raw[:12],
            expires_at=timezone.now() + timedelta(days=days or settings.HAVEN_API_TOKEN_DAYS),
            password_only=password_only,
        )
        audit_record(actor=user, action=AuditAction.CREATE, obj=token, fields=["api_token"])
    return token, raw


def token_authenticate(*, raw: str) -> Any | None:
    """The active user behind a valid, unexpired, unrevoked token."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.password_only and settings.HAVEN_REQUIRE_2FA:
        from haven.accounts.selectors import user_requires_two_factor

        # A membership that needs two-factor may have started (or been granted) since it was issued.
        if user_requires_two_factor(user=token.user):
            return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, actor: Any, token: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=token, fields=["revoked_at"])


def token_revoke_raw(*, actor: Any, raw: str) -> bool:
    token = ApiToken.objects.filter(key_hash=_hash(raw), revoked_at__isnull=True).first()
    if token is None:
        return False
    token_revoke(actor=actor, token=token)
    return True
