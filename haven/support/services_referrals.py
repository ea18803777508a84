"""Referrals, the disclosure register and needs assessments.

Every disclosure of personal data to a third party goes through
:func:`disclosure_record`, which refuses an authority of the country of
origin whatever the consent, and writes both a ``DisclosureRecord`` and a
DISCLOSE event in the audit log.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.accounts import roles
from haven.accounts.access import require
from haven.api.errors import ServiceError
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.support.models import (
    Assessment,
    AssessmentKind,
    Case,
    DataCategory,
    DisclosureRecord,
    LegalBasis,
    Proposal,
    ProposalStatus,
    Questionnaire,
    Referral,
    ReferralStatus,
    ServiceProvider,
)
from haven.support.services import case_flag_add

# Allowed moves of a referral's status.
TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.DONE, ReferralStatus.DECLINED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.DONE: set(),
}


def _refuse_origin_authority(recipient: ServiceProvider) -> None:
    if recipient.is_origin_authority:
        raise ServiceError(
            "origin_authority_blocked",
            _("Personal data is never sent to an authority of a country of origin, even with consent."),
            status=403,
        )


def disclosure_record(
    *,
    actor: Any,
    person: Any,
    recipient: ServiceProvider,
    data_categories: Iterable[str],
    purpose: str,
    legal_basis: str = LegalBasis.CONSENT,
    referral: Referral | None = None,
) -> DisclosureRecord:
    """Register one disclosure of a person's data to a third party."""
    _refuse_origin_authority(recipient)
    categories = sorted(set(data_categories))
    if not categories or any(c not in DataCategory.values for c in categories):
        raise ValidationError({"data_shared": _("Say which data is sent.")})
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say for what purpose the data is sent.")})
    with transaction.atomic():
        record = DisclosureRecord(
            site_id=person.site_id,
            person=person,
            recipient=recipient,
            recipient_name=recipient.name,
            data_categories=categories,
            purpose=purpose.strip(),
            legal_basis=legal_basis,
            referral=referral,
            disclosed_by=actor,
            disclosed_at=timezone.now(),
        )
        record.full_clean()
        record.save()
        audit_record(
            actor=actor,
            action=AuditAction.DISCLOSE,
            obj=person,
            fields=categories,
            values={"recipient": str(recipient.pk), "legal_basis": legal_basis, "disclosure": str(record.pk)},
            # A fixed word: the purpose typed is free text (it may name a person) and stays in the
            # disclosure register, which can be corrected; the audit log never can.
            purpose="disclosure",
        )
    return record


def referral_create(
    *,
    actor: Any,
    person: Any,
    provider: ServiceProvider,
    reason: str,
    consent_given: bool,
    data_shared: Iterable[str],
    purpose: str,
    consent_given_by: str = "",
    consent_on: datetime.date | None = None,
    case: Case | None = None,
) -> Referral:
    """Refer a person to a service; the data sent is registered as a disclosure.

    Refused without the person's consent to this disclosure (what is sent,
    to whom, for what purpose), and always refused to an authority of the
    country of origin.
    """
    require(actor, roles.REFERRAL_MANAGE, person, purpose="refer to a service")
    _refuse_origin_authority(provider)
    if not provider.is_active:
        raise ValidationError({"provider": _("This service is no longer in use.")})
    if provider.site_id and provider.site_id != person.site_id:
        raise ValidationError({"provider": _("This service is not available at the person's site.")})
    shared = sorted(set(data_shared))
    if not consent_given:
        raise ServiceError(
            "consent_required",
            _("A referral needs the person's consent to send their data: what is sent, to whom and for what purpose."),
            status=400,
        )
    if not shared:
        raise ValidationError({"data_shared": _("Say which data is sent.")})
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say for what purpose the data is sent.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the referral.")})
    from haven.support.selectors import open_case_for_person, referral_consent

    state, registry_consent = referral_consent(person)
    if state == "withdrawn":
        raise ServiceError(
            "consent_withdrawn",
            _(
                "The person withdrew their consent to referrals on %(date)s. "
                "No referral can be sent unless they give it again and it is recorded in the registry."
            )
            % {"date": date_format(registry_consent.withdrawn_on, "SHORT_DATE_FORMAT")},
            status=409,
        )
    if case is None:
        case = open_case_for_person(person)
    with transaction.atomic():
        referral = Referral(
            site_id=person.site_id,
            person=person,
            case=case,
            provider=provider,
            reason=reason.strip(),
            consent_given=True,
            consent_given_by=consent_given_by.strip(),
            consent_on=consent_on or timezone.localdate(),
            registry_consent=registry_consent,
            data_shared=shared,
            purpose=purpose.strip(),
            status=ReferralStatus.SENT,
            created_by=actor,
            sent_at=timezone.now(),
        )
        referral.full_clean()
        referral.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=referral,
            fields=["provider", "reason", "consent_given", "registry_consent", "data_shared", "purpose"],
            values={
                "provider": str(provider.pk),
                "data_shared": shared,
                "registry_consent": str(registry_consent.pk) if registry_consent else None,
            },
            purpose="refer to a service",
        )
        if not provider.is_internal:
            disclosure_record(
                actor=actor,
                person=person,
                recipient=provider,
                data_categories=shared,
                purpose=purpose,
                legal_basis=LegalBasis.CONSENT,
                referral=referral,
            )
    return referral


def referral_set_status(*, actor: Any, referral: Referral, status: str, outcome: str = "") -> Referral:
    require(actor, roles.REFERRAL_MANAGE, referral, purpose="update a referral")
    if status not in TRANSITIONS.get(referral.status, set()):
        raise ServiceError(
            "bad_transition",
            _("A referral cannot move from %(old)s to %(new)s.") % {"old": referral.status, "new": status},
            status=409,
        )
    with transaction.atomic():
        old = referral.status
        referral.status = status
        if outcome.strip():
            referral.outcome = outcome.strip()
        if old == ReferralStatus.SENT:
            referral.answered_at = timezone.now()
        referral.full_clean()
        referral.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=referral,
            fields=["status", "outcome"] if outcome else ["status"],
            values={"from": old, "to": status},
        )
    return referral


PROVIDER_FIELDS = ("name", "kind", "site", "is_internal", "is_origin_authority", "country", "contact", "is_active")


def _require_provider_manage(actor: Any, site: Any) -> None:
    """A user manages services at the sites where they manage referrals; a system actor (a string) may always."""
    if isinstance(actor, str):
        return
    if site is None:
        require(actor, roles.REFERRAL_MANAGE, purpose="manage services")
    else:
        require(actor, roles.REFERRAL_MANAGE, site=site, purpose="manage services")


def _require_may_mark_internal(actor: Any, site: Any) -> None:
    """A service "inside the centre" is not a third party: referrals there are no disclosures.

    So a user may say so only of a service of one centre, one where they
    manage referrals (checked with the rest), never of a service shared by
    every centre: a caseworker could otherwise take a hospital out of every
    centre's disclosure register at once. The mark is named in the audit
    event. A system actor (the demo, a seed) may mark shared services.
    """
    if isinstance(actor, str):
        return
    if site is None:
        raise ValidationError(
            {"is_internal": _("Only a service of one centre can be inside the centre: choose its site.")}
        )


def provider_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    site: Any = None,
    is_internal: bool = False,
    is_origin_authority: bool = False,
    country: str = "",
    contact: str = "",
    is_active: bool = True,
) -> ServiceProvider:
    """Add a service people can be referred to (``site`` empty: every site)."""
    _require_provider_manage(actor, site)
    if is_internal:
        _require_may_mark_internal(actor, site)
    with transaction.atomic():
        provider = ServiceProvider(
            name=name.strip(),
            kind=kind,
            site=site,
            is_internal=is_internal,
            is_origin_authority=is_origin_authority,
            country=country.strip().upper(),
            contact=contact.strip(),
            is_active=is_active,
        )
        provider.full_clean()
        provider.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=provider,
            fields=["name", "kind", "is_internal", "is_origin_authority"],
            values={
                "name": provider.name,
                "kind": kind,
                "is_internal": is_internal,
                "is_origin_authority": is_origin_authority,
            },
        )
    return provider


def provider_update(*, actor: Any, provider: ServiceProvider, **changes: Any) -> ServiceProvider:
    """Change a service. The mark "authority of a country of origin" can be set but never cleared."""
    unknown = set(changes) - set(PROVIDER_FIELDS)
    if unknown:
        raise ValueError(f"provider_update: unknown fields {sorted(unknown)}")
    _require_provider_manage(actor, provider.site)
    if "site" in changes and changes["site"] != provider.site:
        _require_provider_manage(actor, changes["site"])
    internal_after = changes.get("is_internal", provider.is_internal)
    site_after = changes.get("site", provider.site)
    if internal_after and (not provider.is_internal or site_after != provider.site):
        _require_may_mark_internal(actor, site_after)
    if provider.is_origin_authority and changes.get("is_origin_authority", True) is False:
        raise ValidationError(
            {
                "is_origin_authority": _(
                    "An authority of a country of origin stays marked as one: it can never receive personal data."
                )
            }
        )
    for text in ("name", "contact", "country"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    if "country" in changes:
        changes["country"] = changes["country"].upper()
    changed = [f for f in PROVIDER_FIELDS if f in changes and getattr(provider, f) != changes[f]]
    if not changed:
        return provider
    with transaction.atomic():
        for field in changed:
            setattr(provider, field, changes[field])
        provider.full_clean()
        provider.save()
        values = {f: (str(changes[f].pk) if f == "site" and changes[f] else changes[f]) for f in changed}
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=provider, fields=changed, values=values)
    return provider


# --- Needs assessment -----------------------------------------------------


def assessment_record(
    *,
    actor: Any,
    case: Case,
    questionnaire: Questionnaire,
    answers: Mapping[str, bool],
    kind: str = AssessmentKind.ARRIVAL,
) -> Assessment:
    """Store the answers and propose the needs and flags that "yes" answers suggest."""
    require(actor, roles.CASE_MANAGE, case, purpose="assess needs")
    questions = {q.code: q for q in questionnaire.questions.select_related("proposes_flag")}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ValidationError({"answers": _("Unknown question: %(codes)s.") % {"codes": ", ".join(unknown)}})
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Choose arrival or review.")})
    clean = {code: bool(answers.get(code, False)) for code in questions}
    with transaction.atomic():
        assessment = Assessment(
            case=case,
            questionnaire=questionnaire,
            kind=kind,
            answers=clean,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        assessment.full_clean()
        assessment.save()
        proposals: list[Proposal] = []
        seen_needs: set[str] = set()
        seen_flags: set[int] = set()
        for code, question in questions.items():
            if not clean[code]:
                continue
            if question.proposes_need_code and question.proposes_need_code not in seen_needs:
                seen_needs.add(question.proposes_need_code)
                proposals.append(
                    Proposal(assessment=assessment, question=question, need_code=question.proposes_need_code)
                )
            if question.proposes_flag_id and question.proposes_flag_id not in seen_flags:
                seen_flags.add(question.proposes_flag_id)
                proposals.append(Proposal(assessment=assessment, question=question, flag_type=question.proposes_flag))
        Proposal.objects.bulk_create(proposals)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=assessment,
            fields=["answers"],
            values={"kind": kind, "proposals": len(proposals)},
            purpose="assess needs",
        )
    return assessment


def _confirm_need(*, actor: Any, person: Any, need_code: str) -> bool:
    """Add the specific need through the registry's service, unless it is already open."""
    from haven.registry.models import PersonNeed
    from haven.registry.services import need_add

    if PersonNeed.objects.filter(person=person, code__code=need_code, resolved_on__isnull=True).exists():
        return False
    need_add(actor=actor, person=person, code=need_code)
    return True


def _need_targets(*, case: Case, persons: Sequence[Any] | None) -> list[Any]:
    """The persons a confirmed need goes to: the case's person, or the chosen household members."""
    if case.person_id:
        if persons and any(p.pk != case.person_id for p in persons):
            raise ValidationError({"persons": _("This case is about one person; the need can only be theirs.")})
        return [case.person]
    chosen = list({p.pk: p for p in persons or ()}.values())
    if not chosen:
        raise ValidationError({"persons": _("Choose the household members this need applies to.")})
    if any(p.household_id != case.household_id for p in chosen):
        raise ValidationError({"persons": _("Choose only members of this household.")})
    return chosen


def proposal_decide(*, actor: Any, proposal: Proposal, confirm: bool, persons: Sequence[Any] | None = None) -> Proposal:
    """Confirm (adding the need or the flag) or reject one proposal.

    A need proposed on a household case is added to the members named in
    ``persons`` (at least one, all of the household); on a person's case,
    to that person.
    """
    case = proposal.assessment.case
    require(actor, roles.CASE_MANAGE, case, purpose="confirm assessed needs")
    if proposal.status != ProposalStatus.PROPOSED:
        raise ServiceError("already_decided", _("This proposal has already been decided."), status=409)
    targets: list[Any] = []
    if confirm and proposal.need_code:
        targets = _need_targets(case=case, persons=persons)
    with transaction.atomic():
        if confirm:
            if proposal.flag_type is not None:
                case_flag_add(actor=actor, case=case, flag_code=proposal.flag_type.code)
            for person in targets:
                _confirm_need(actor=actor, person=person, need_code=proposal.need_code)
        proposal.status = ProposalStatus.CONFIRMED if confirm else ProposalStatus.REJECTED
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
        if targets:
            proposal.applied_to.set(targets)
        values: dict[str, Any] = {"status": proposal.status}
        if targets:
            values["persons"] = [str(p.pk) for p in targets]
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=proposal,
            fields=["status", "applied_to"] if targets else ["status"],
            values=values,
            purpose="confirm assessed needs",
        )
    return proposal
