"""Identity documents, specific needs, consent and registration cards. One transaction each, audited.

Re-exported by :mod:`haven.registry.services`, so ``from haven.registry.services
import need_add`` keeps working.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import access, roles
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.lib import crypto
from haven.matching.models import MERGED_STATUS
from haven.registry.models import (
    Consent,
    ConsentGiver,
    DocumentType,
    IdentityDocument,
    NeedCode,
    Person,
    PersonNeed,
    RegistrationCard,
)

MAX_SCAN_BYTES = 5 * 1024 * 1024
SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def ensure_not_merged(person: Person) -> None:
    """Refuse to change a record merged into another: its documents, needs and card are the survivor's now.

    The merge can be undone exactly only while the merged record stays as
    the merge left it (and a card issued to it would name a record that is
    not shown anywhere).
    """
    if Person.objects.filter(pk=person.pk, status_id=MERGED_STATUS).exists():  # type: ignore[misc]  # slug primary key
        raise ValidationError(_("This record was merged into another one. Make the change on that record."))


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def need_codes_active() -> dict[str, NeedCode]:
    """Every active specific-need code by code, the latest version of each (one query, for imports)."""
    return {c.code: c for c in NeedCode.objects.filter(is_active=True).order_by("code", "version")}


# --- Documents -------------------------------------------------------------


def _check_scan(scan: bytes | None, content_type: str) -> None:
    if scan is None:
        return
    if len(scan) > MAX_SCAN_BYTES:
        raise ValidationError({"scan": _("The scan is larger than 5 MB; scan at a lower resolution.")})
    if content_type not in SCAN_TYPES:
        raise ValidationError({"scan": _("The scan must be a PDF, JPEG or PNG file.")})


def document_add(
    *,
    actor: Any,
    person: Person,
    document_type: str,
    number: str = "",
    issuing_country: str = "",
    issue_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    custody: str = "person",
    scan: bytes | None = None,
    scan_content_type: str = "",
) -> IdentityDocument:
    access.require(actor, roles.DOCUMENT_EDIT, person, purpose="documents")
    ensure_not_merged(person)
    dtype = DocumentType.objects.filter(code=document_type, is_active=True).first()
    if dtype is None:
        raise ValidationError({"document_type": _("Unknown document type “%(code)s”.") % {"code": document_type}})
    _check_scan(scan, scan_content_type)
    doc = IdentityDocument(
        person=person,
        document_type=dtype,
        number=number.strip(),
        issuing_country=issuing_country.strip().upper(),
        issue_date=issue_date,
        expiry_date=expiry_date,
        custody=custody,
    )
    if issue_date and expiry_date and expiry_date < issue_date:
        raise ValidationError({"expiry_date": _("The expiry date is before the issue date.")})
    doc.full_clean()
    if scan is not None:
        doc.scan = crypto.encrypt(scan)
        doc.scan_content_type = scan_content_type
    with transaction.atomic():
        doc.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=doc,
            fields=["document_type", "number", "issuing_country", "issue_date", "expiry_date", "custody"]
            + (["scan"] if scan is not None else []),
            values={"person": str(person.pk), "document_type": dtype.code, "custody": custody},
            purpose="documents",
        )
    return doc


def document_update(*, actor: Any, document: IdentityDocument, **changes: Any) -> IdentityDocument:
    access.require(actor, roles.DOCUMENT_EDIT, document, purpose="documents")
    ensure_not_merged(document.person)
    allowed = {"number", "issuing_country", "issue_date", "expiry_date", "custody"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = IdentityDocument.objects.select_for_update().get(pk=document.pk)
        changed = [k for k, v in changes.items() if getattr(locked, k) != v]
        for key in changed:
            setattr(locked, key, changes[key])
        if locked.issue_date and locked.expiry_date and locked.expiry_date < locked.issue_date:
            raise ValidationError({"expiry_date": _("The expiry date is before the issue date.")})
        locked.full_clean()
        locked.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, fields=changed, purpose="documents")
    return locked


def document_scan_read(*, actor: Any, document: IdentityDocument) -> tuple[bytes, str]:
    """Decrypt a scan for display; the read is audited."""
    access.require(actor, roles.DOCUMENT_VIEW, document, purpose="documents")
    if not document.scan:
        raise ValidationError(_("This document has no scan."))
    data = crypto.decrypt(bytes(document.scan))
    audit_record(actor=actor, action=AuditAction.VIEW, obj=document, fields=["scan"], purpose="documents")
    return data, document.scan_content_type


# --- Specific needs ----------------------------------------------------------


def _need_code(code: str) -> NeedCode:
    row = NeedCode.objects.filter(code=code.strip().upper(), is_active=True).order_by("-version").first()
    if row is None:
        raise ValidationError({"code": _("Unknown specific-need code “%(code)s”.") % {"code": code}})
    return row


def need_add(*, actor: Any, person: Person, code: str, identified_on: dt.date | None = None) -> PersonNeed:
    access.require(actor, roles.NEEDS_EDIT, person, purpose="specific needs")
    ensure_not_merged(person)
    need_code = _need_code(code)
    if need_code.restricted:
        access.require(actor, roles.NEEDS_PROTECTION_VIEW, person, purpose="specific needs")
    identified_on = identified_on or timezone.localdate()
    if PersonNeed.objects.filter(person=person, code=need_code, resolved_on__isnull=True).exists():
        raise ValidationError({"code": _("This need is already recorded for the person.")})
    need = PersonNeed(person=person, code=need_code, identified_on=identified_on, recorded_by=_user_or_none(actor))
    need.full_clean()
    with transaction.atomic():
        need.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=need,
            fields=["code", "identified_on"],
            # A restricted code is itself sensitive: its value stays out of the log.
            values={"person": str(person.pk)} | ({} if need_code.restricted else {"code": need_code.code}),
            purpose="specific needs",
        )
    return need


def need_resolve(*, actor: Any, need: PersonNeed, resolved_on: dt.date | None = None) -> PersonNeed:
    access.require(actor, roles.NEEDS_EDIT, need, purpose="specific needs")
    if need.code.restricted:
        access.require(actor, roles.NEEDS_PROTECTION_VIEW, need, purpose="specific needs")
    resolved_on = resolved_on or timezone.localdate()
    if resolved_on < need.identified_on:
        raise ValidationError({"resolved_on": _("The end date is before the date the need was identified.")})
    with transaction.atomic():
        need.resolved_on = resolved_on
        need.full_clean()
        need.save(update_fields=["resolved_on", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=need, fields=["resolved_on"], purpose="specific needs")
    return need


# --- Consent -----------------------------------------------------------------


def consent_record(
    *,
    actor: Any,
    person: Person,
    purpose: str,
    notice_language: str,
    given_on: dt.date | None = None,
    given_by: str = ConsentGiver.SELF,
    guardian_name: str = "",
) -> Consent:
    access.require(actor, roles.CONSENT_EDIT, person, purpose="consent")
    ensure_not_merged(person)
    given_on = given_on or timezone.localdate()
    if given_by == ConsentGiver.GUARDIAN and not guardian_name.strip():
        raise ValidationError({"guardian_name": _("Enter the name of the guardian who gave consent.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date of consent is in the future.")})
    if Consent.objects.filter(person=person, purpose=purpose, withdrawn_on__isnull=True).exists():
        raise ValidationError({"purpose": _("Consent for this purpose is already recorded; withdraw it first.")})
    consent = Consent(
        person=person,
        purpose=purpose,
        notice_language=notice_language,
        given_on=given_on,
        given_by=given_by,
        guardian_name=guardian_name.strip(),
        recorded_by=_user_or_none(actor),
    )
    consent.full_clean()
    with transaction.atomic():
        consent.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=consent,
            fields=["purpose", "notice_language", "given_on", "given_by"],
            values={"person": str(person.pk), "purpose": purpose, "given_by": given_by, "language": notice_language},
            purpose="consent",
        )
    return consent


def consent_withdraw(*, actor: Any, consent: Consent, withdrawn_on: dt.date | None = None) -> Consent:
    access.require(actor, roles.CONSENT_EDIT, consent, purpose="consent")
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("The withdrawal date is before the date consent was given.")})
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=consent,
            fields=["withdrawn_on"],
            values={"purpose": consent.purpose},
            purpose="consent",
        )
    return consent


# --- Registration cards ------------------------------------------------------


def card_issue(*, actor: Any, person: Person) -> RegistrationCard:
    """Issue a new card; any earlier card of the person stops verifying."""
    access.require(actor, roles.CARD_ISSUE, person, purpose="registration card")
    ensure_not_merged(person)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        now = timezone.now()
        previous = RegistrationCard.objects.filter(person=locked).order_by("-version").first()
        RegistrationCard.objects.filter(person=locked, revoked_at__isnull=True).update(revoked_at=now)
        card = RegistrationCard(
            person=locked,
            version=(previous.version + 1) if previous else 1,
            issued_at=now,
            issued_by=_user_or_none(actor),
        )
        card.save(force_insert=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=card,
            fields=["version"],
            values={"person": str(locked.pk), "version": card.version},
            purpose="registration card",
        )
    return card
