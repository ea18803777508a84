"""TOTP devices: create, show as a QR code, confirm; enrolment codes.

An account that must use two-factor enrols its first authenticator only
with a one-time enrolment code given out of band (by an administrator in
the admin, or ``manage.py two_factor_code`` for the first administrator),
so that the password alone cannot enrol an attacker's authenticator.
A code expires after ``ENROLMENT_CODE_MAX_FAILURES`` wrong codes in total.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import EnrolmentCode, User
from haven.audit.models import AuditAction
from haven.audit.services import audit_record

# No 0/O, 1/I/L: the code is read aloud or copied from paper.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 10
ENROLMENT_CODE_HOURS = 72
# Wrong codes after which the user's live code expires. Counted on the code, since the
# login lockout is reset by every successful password login (AXES_RESET_ON_SUCCESS).
ENROLMENT_CODE_MAX_FAILURES = 5
_HASH_SALT = "haven.accounts.two_factor.enrolment_code"


def pending_device(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def device_secret(*, device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def device_qr_svg(*, device: TOTPDevice) -> str:
    """An inline SVG of the provisioning URI (no external image request)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def device_confirm(*, actor: Any, device: TOTPDevice, token: str) -> TOTPDevice | None:
    with transaction.atomic():
        if not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=actor, fields=["two_factor"], values={"two_factor": "enabled"}
        )
    return device


def _normalise(code: str) -> str:
    """``abcde-fghjk``, `` ABCDEFGHJK `` and ``ABCDE-FGHJK`` are the same code."""
    return re.sub(r"[\s-]", "", code or "").upper()


def _code_hash(code: str) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY: a copy of the table alone does not allow guessing offline."""
    return salted_hmac(_HASH_SALT, _normalise(code), algorithm="sha256").hexdigest()


def enrolment_code_format(code: str) -> str:
    """The code as shown: ``XXXXX-XXXXX``."""
    code = _normalise(code)
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def enrolment_code_issue(*, actor: Any, user: User, hours: int = ENROLMENT_CODE_HOURS) -> str:
    """A new one-time enrolment code for ``user``; returns it (shown once, never stored).

    Earlier unused codes of the user stop working. ``actor`` is the
    administrator, or the name of the command that issued it. Who may issue
    a code for whom (superusers, oneself) is the caller's check.
    """
    if hours < 1:
        raise ValueError("An enrolment code must be valid for at least one hour.")
    if not user.is_active:
        raise ValueError(f"The user {user.get_username()!r} is not active; no enrolment code is issued.")
    raw = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(ENROLMENT_CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        enrolment = EnrolmentCode(
            user=user,
            code_hash=_code_hash(raw),
            created_by=actor if isinstance(actor, User) else None,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        enrolment.full_clean()
        enrolment.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=user,
            fields=["two_factor_enrolment_code"],
            values={"two_factor_enrolment_code_expires_at": enrolment.expires_at},
        )
    return enrolment_code_format(raw)


def enrolment_code_expiry(*, user: User) -> datetime | None:
    """When the user's current enrolment code stops working (None: no usable code)."""
    return (
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
        .values_list("expires_at", flat=True)
        .order_by("-expires_at")
        .first()
    )


def enrolment_code_redeem(*, user: User, code: str) -> bool:
    """Use up ``code`` if it is an unused, unexpired enrolment code of ``user``.

    Any authenticator set up but not confirmed before is discarded, so the
    key shown next is new and seen only by whoever holds the code.

    A wrong code counts against every live code of the user; one that
    reaches ``ENROLMENT_CODE_MAX_FAILURES`` expires, and the user needs a
    new one from an administrator. The count is committed: this returns
    False rather than raising.
    """
    if not _normalise(code):
        return False
    digest = _code_hash(code)
    now = timezone.now()
    with transaction.atomic():
        candidates = EnrolmentCode.objects.select_for_update().filter(
            user=user, used_at__isnull=True, expires_at__gt=now
        )
        # Compare every candidate, in constant time each.
        matches = [c for c in candidates if hmac.compare_digest(c.code_hash, digest)]
        if not matches:
            _enrolment_code_failed(user=user, live=[c.pk for c in candidates], now=now)
            return False
        enrolment = matches[0]
        enrolment.used_at = now
        enrolment.save(update_fields=["used_at"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            fields=["two_factor_enrolment_code"],
            values={"two_factor_enrolment_code": "used"},
        )
    return True


def _enrolment_code_failed(*, user: User, live: list[int], now: datetime) -> None:
    """Count a wrong code against the user's live codes; expire those at the limit (audited)."""
    if not live:
        return
    codes = EnrolmentCode.objects.filter(pk__in=live)
    codes.update(failures=F("failures") + 1)
    if codes.filter(failures__gte=ENROLMENT_CODE_MAX_FAILURES).update(expires_at=now):
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            fields=["two_factor_enrolment_code"],
            values={"two_factor_enrolment_code": "expired_after_failures"},
        )


def devices_remove(*, actor: Any, user: User) -> int:
    """Delete every authenticator of ``user`` (a lost phone); returns how many there were.

    The user then needs a new enrolment code to set up another one. Who
    may do this for whom is the caller's check.
    """
    with transaction.atomic():
        _, deleted = TOTPDevice.objects.filter(user=user).delete()
        removed = deleted.get(TOTPDevice._meta.label, 0)
        if removed:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=user,
                fields=["two_factor"],
                values={"two_factor": "removed", "devices": removed},
            )
    return removed


__all__ = [
    "device_confirm",
    "device_qr_svg",
    "device_secret",
    "devices_remove",
    "enrolment_code_expiry",
    "enrolment_code_format",
    "enrolment_code_issue",
    "enrolment_code_redeem",
    "pending_device",
    "settings",
]
