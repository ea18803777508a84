"""Transfers to another site or region.

A transfer is planned with a date, a destination and a reason. Completing
it ends the person's stay; when the destination is a site in Haven, the
case moves there (``registry.services.person_move_site``, and the support
records with ``support.services.cases_move_site``: open case, sessions,
examinations, referrals, the household's case when the last member leaves;
in the same transaction) only if the person's consent to the handover is
recorded on the transfer.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Region, Site
from haven.api.errors import ServiceError
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.models import Person
from haven.shelter.models import ConsentGivenBy, StayEndReason, Transfer, TransferStatus
from haven.shelter.rules import person_is_present


def _audit(actor: Any, transfer: Transfer, action: AuditAction, fields: list[str], purpose: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=transfer,
        fields=fields,
        values={
            "status": transfer.status,
            "to_site": str(transfer.to_site_id or ""),
            "to_region": str(transfer.to_region_id or ""),
            "planned_date": transfer.planned_date.isoformat(),
            "consent": bool(transfer.has_consent),
        },
        purpose=purpose,
    )


def _ensure_still_at_sending_site(transfer: Transfer) -> None:
    """Refuse to act for a person whose case another site now holds.

    A merge re-points a planned transfer to the surviving record, which may
    be held by another site: completing it would end a stay there, and
    move a case, on the word of staff who hold no right at that site.
    """
    site_id = Person.objects.filter(pk=transfer.person_id).values_list("site_id", flat=True).first()
    if site_id != transfer.from_site_id:
        raise ValidationError(_("This person's case is no longer held by the sending site: cancel this transfer."))


def transfer_plan(
    *,
    actor: Any,
    person: Person,
    planned_date: datetime.date,
    reason: str,
    to_site: Site | None = None,
    to_region: Region | None = None,
) -> Transfer:
    if to_site is None and to_region is None:
        raise ValidationError({"to_site": _("Choose the destination site or region.")})
    with transaction.atomic():
        # The person's row is locked, so that two officers cannot plan two transfers at once.
        person = Person.objects.select_for_update(of=("self",)).select_related("status").get(pk=person.pk)
        if not person_is_present(person):
            raise ValidationError({"person": _("This person's case is closed: a transfer cannot be planned.")})
        if to_site is not None and to_site.pk == person.site_id:
            raise ValidationError({"to_site": _("The destination must be another site than the person's current one.")})
        # A planned transfer from another site (left on a record that a merge
        # folded into this one) is that site's to cancel: it blocks nothing here.
        if Transfer.objects.filter(person=person, status=TransferStatus.PLANNED, from_site_id=person.site_id).exists():
            raise ServiceError("transfer_exists", _("A transfer is already planned for this person."))
        transfer = Transfer(
            person=person,
            from_site_id=person.site_id,
            to_site=to_site,
            to_region=to_region or (to_site.region if to_site else None),
            planned_date=planned_date,
            reason=reason.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        transfer.full_clean()
        transfer.save()
        _audit(actor, transfer, AuditAction.CREATE, ["to_site", "to_region", "planned_date", "reason"])
    return transfer


def transfer_record_consent(
    *, actor: Any, transfer: Transfer, given_by: str, given_on: datetime.date | None = None
) -> Transfer:
    """Record who consented to hand the case over, and when."""
    given_on = given_on or timezone.localdate()
    if given_by not in ConsentGivenBy.values:
        raise ValidationError({"given_by": _("Say who gave the consent: the person, a guardian or a representative.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The consent date cannot be in the future.")})
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != TransferStatus.PLANNED:
            raise ValidationError(_("Consent can only be recorded on a planned transfer."))
        _ensure_still_at_sending_site(locked)
        locked.consent_given_by = given_by
        locked.consent_date = given_on
        locked.consent_recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.full_clean()
        locked.save(update_fields=["consent_given_by", "consent_date", "consent_recorded_by"])
        _audit(actor, locked, AuditAction.UPDATE, ["consent_given_by", "consent_date"], purpose="handover consent")
    return locked


def transfer_complete(*, actor: Any, transfer: Transfer, at: datetime.datetime | None = None) -> Transfer:
    """The person leaves: end the stay and, with consent, hand the case over."""
    from haven.registry.services import person_move_site, person_transferred_out
    from haven.shelter.services import stays_end_for_person
    from haven.support.services import cases_move_site

    at = at or timezone.now()
    with transaction.atomic():
        # The person's row first, then the transfer's: the order in which a status
        # change (person_update, then transfers_cancel_for_person) takes them, so
        # the two cannot deadlock.
        person_id = Transfer.objects.filter(pk=transfer.pk).values_list("person_id", flat=True).get()
        Person.objects.select_for_update().filter(pk=person_id).exists()
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("person", "person__status", "to_site")
            .get(pk=transfer.pk)
        )
        if locked.status != TransferStatus.PLANNED:
            raise ValidationError(_("This transfer is already %(status)s.") % {"status": locked.get_status_display()})
        _ensure_still_at_sending_site(locked)
        if not person_is_present(locked.person):
            # Closed since the transfer was planned (departed, deceased): a closed
            # case is not handed over, and its stay has already ended.
            raise ValidationError(_("This person's case is closed: cancel this transfer."))
        if locked.to_site_id is not None and not locked.has_consent:
            raise ServiceError(
                "consent_missing",
                _(
                    "The case cannot be handed over to %(site)s: record the person's consent to the handover "
                    "on this transfer first."
                )
                % {"site": locked.to_site},
            )
        stays_end_for_person(actor=actor, person=locked.person, reason=StayEndReason.TRANSFER, at=at)
        if locked.to_site is not None:
            person_move_site(actor=actor, person=locked.person, site=locked.to_site, reason="transfer")
            # The support records follow the person, so that the receiving
            # site's caseworkers see them and the sending site's no longer do.
            cases_move_site(actor=actor, person=locked.person, site=locked.to_site)
        locked.status = TransferStatus.COMPLETED
        locked.completed_at = at
        locked.save(update_fields=["status", "completed_at"])
        _audit(actor, locked, AuditAction.UPDATE, ["status", "completed_at"])
        # Any other planned transfer (one another site left on a record merged into
        # this one) is void now: it must not be completed later, with its old consent.
        _cancel_planned(actor, locked.person_id, purpose="superseded")
        if locked.to_site is None:
            # Out of Haven: the case is closed at the sending site, which keeps the record.
            person_transferred_out(actor=actor, person=locked.person)
    return locked


def transfers_cancel_for_person(*, actor: Any, person: Person) -> int:
    """Cancel the person's planned transfers: the entry point when a case closes.

    The registry calls this, in its own transaction, when a person's status
    becomes one that does not count as present, as it calls
    ``stays_end_for_person``. Each cancellation is audited.
    """
    with transaction.atomic():
        return _cancel_planned(actor, person.pk, purpose="case closed")


def _cancel_planned(actor: Any, person_id: Any, *, purpose: str) -> int:
    """Cancel every planned transfer of the person, each audited with ``purpose``; how many."""
    planned = list(
        Transfer.objects.select_for_update().filter(person_id=person_id, status=TransferStatus.PLANNED).order_by("pk")
    )
    for transfer in planned:
        transfer.status = TransferStatus.CANCELLED
        transfer.save(update_fields=["status"])
        _audit(actor, transfer, AuditAction.UPDATE, ["status"], purpose=purpose)
    return len(planned)


def transfer_cancel(*, actor: Any, transfer: Transfer) -> Transfer:
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != TransferStatus.PLANNED:
            raise ValidationError(_("Only a planned transfer can be cancelled."))
        locked.status = TransferStatus.CANCELLED
        locked.save(update_fields=["status"])
        _audit(actor, locked, AuditAction.UPDATE, ["status"])
    return locked
