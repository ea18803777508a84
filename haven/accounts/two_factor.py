"""TOTP devices: create, show as a QR code, confirm."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.audit.models import AuditAction
from haven.audit.services import audit_record


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


__all__ = ["device_confirm", "device_qr_svg", "device_secret", "pending_device", "settings"]
