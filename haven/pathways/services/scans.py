"""Scans of a done step's evidence, stored encrypted (``haven.lib.crypto``).

The same rules as the registry's document scans: PDF, JPEG or PNG, at
most 5 MB. The type is read from the file's first bytes, not taken from
the browser, so a renamed file cannot pass as a PDF. Reading a scan is
audited; the file only leaves through an access-checked view as an
attachment.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.accounts.roles import STEP_UPDATE, STEP_VIEW
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.lib import crypto
from haven.pathways.models import Step, StepScan, StepStatus
from haven.pathways.services.common import check_capability, is_user

MAX_SCAN_BYTES = 5 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def scan_type(data: bytes) -> str:
    """The file's type from its first bytes, or "" when it is not a PDF, JPEG or PNG."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), "")


def check_scan(data: bytes) -> str:
    """Raise ValidationError unless the scan may be stored; return its type."""
    if not data:
        raise ValidationError({"scan": _("The scan is empty. Choose the file again.")})
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError({"scan": _("The scan is larger than 5 MB; scan at a lower resolution.")})
    kind = scan_type(data)
    if not kind:
        raise ValidationError({"scan": _("The scan must be a PDF, JPEG or PNG file.")})
    return kind


def step_scan_attach(*, actor: Any, step: Step, data: bytes) -> StepScan:
    """Attach (or replace) the scan of a done step's evidence, encrypted."""
    check_capability(actor, STEP_UPDATE, step)
    kind = check_scan(data)
    with transaction.atomic():
        locked = Step.objects.select_for_update().select_related("step_template").get(pk=step.pk)
        if locked.status != StepStatus.DONE:
            raise ValidationError({"scan": _("Mark the step done before attaching a scan of its evidence.")})
        scan = StepScan.objects.filter(step=locked).first()
        action = AuditAction.UPDATE if scan else AuditAction.CREATE
        scan = scan or StepScan(step=locked)
        scan.data = crypto.encrypt(data)
        scan.content_type = kind
        scan.size = len(data)
        scan.uploaded_by = actor if is_user(actor) else None
        scan.full_clean()
        scan.save()
        audit_record(
            actor=actor,
            action=action,
            obj=scan,
            fields=["data", "content_type", "size"],
            values={"step": locked.step_template.code, "content_type": kind, "size": len(data)},
            purpose="pathway evidence scan",
        )
    return scan


def step_scan_read(*, actor: Any, step: Step) -> tuple[bytes, str]:
    """Decrypt a step's scan for download; the read is audited."""
    check_capability(actor, STEP_VIEW, step)
    scan = StepScan.objects.filter(step=step).first()
    if scan is None:
        raise ValidationError(_("This step has no scan."))
    data = crypto.decrypt(bytes(scan.data))
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=scan,
        fields=["data"],
        values={"step": str(step.pk)},
        purpose="pathway evidence scan",
    )
    return data, scan.content_type
