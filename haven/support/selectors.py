"""Reads of support data, with access decided by ``haven.accounts.access``.

A session is visible (type, date, who) with ``support.session.view`` at its
site; its note only with ``support.note.<compartment>.read`` there. Reading
a note writes a VIEW event to the audit log, with its purpose.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from haven.accounts import roles
from haven.accounts.access import get_for_user, may, require, scope, sites_with
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.support import crypto
from haven.support.models import (
    Action,
    Assessment,
    Case,
    CaseFlag,
    DisclosureRecord,
    Goal,
    MedicalExam,
    Proposal,
    ProposalStatus,
    Questionnaire,
    Referral,
    ReferralStatus,
    ServiceProvider,
    Session,
    SessionType,
)


def person_get_for_user(user: Any, person_id: Any, *, purpose: str, needs: tuple[str, ...] = ()) -> Any:
    """The person (404 outside the user's sites); with ``needs``, the user must also hold one of
    those capabilities for the person.

    The rights are checked before the read is logged: a refusal is logged as a
    denial (by ``require``), never as a read of the person's record.
    """
    from haven.registry.models import Person

    person = get_for_user(
        user, Person.objects.all(), person_id, capability=roles.PERSON_VIEW, purpose=purpose, audit_read=False
    )
    if needs and not any(may(user, capability, person) for capability in needs):
        require(user, needs[0], person, purpose=purpose)
    audit_record(actor=user, action=AuditAction.VIEW, obj=person, purpose=purpose)
    return person


# --- Compartments ----------------------------------------------------------


def may_read_note(user: Any, session: Session) -> bool:
    return may(user, roles.note_read(session.session_type.compartment), session)


def may_write_note(user: Any, session_type: SessionType, *, site: Any) -> bool:
    return may(user, roles.note_write(session_type.compartment), site=site)


def session_types_writable(user: Any, *, site: Any) -> list[SessionType]:
    """Session types whose compartment the user may write at ``site``."""
    return [t for t in SessionType.objects.filter(is_active=True) if may_write_note(user, t, site=site)]


def session_note_read(*, user: Any, session: Session, purpose: str) -> str | None:
    """The decrypted note, audited as a VIEW; ``None`` if the user may not read it."""
    if not may_read_note(user, session):
        return None
    audit_record(actor=user, action=AuditAction.VIEW, obj=session, fields=["note"], purpose=purpose)
    return crypto.decrypt(session.note_encrypted)


def medical_details_read(*, user: Any, exam: MedicalExam, purpose: str) -> str | None:
    if not may(user, roles.note_read("medical"), exam):
        return None
    audit_record(actor=user, action=AuditAction.VIEW, obj=exam, fields=["details"], purpose=purpose)
    return crypto.decrypt(exam.details_encrypted)


# --- Sessions -------------------------------------------------------------


def _sessions() -> QuerySet[Session]:
    return Session.objects.select_related("session_type", "staff", "person")


def session_get_for_user(user: Any, session_id: Any) -> Session:
    return get_for_user(user, _sessions(), session_id, capability=roles.SESSION_VIEW)


def sessions_for_person(*, user: Any, person: Any) -> list[Session]:
    """Sessions of the person the user may know took place (never the notes)."""
    if not may(user, roles.SESSION_VIEW, person):
        return []
    return list(scope(user, _sessions().filter(person=person), roles.SESSION_VIEW))


def sessions_for_persons(*, user: Any, person_ids: list[uuid.UUID]) -> list[Session]:
    return list(scope(user, _sessions().filter(person_id__in=person_ids), roles.SESSION_VIEW))


def readable_compartments(user: Any, *, site_id: Any) -> set[str]:
    return {c for c in roles.COMPARTMENTS if may(user, roles.note_read(c), site=site_id)}


def medical_exams_for_person(*, user: Any, person: Any) -> list[MedicalExam]:
    """The general record of examinations (result flag only)."""
    if not (may(user, roles.SESSION_VIEW, person) or may(user, roles.CASE_VIEW, person)):
        return []
    return list(MedicalExam.objects.filter(person=person).select_related("recorded_by"))


# --- Cases ----------------------------------------------------------------


def _attention(user: Any, today: datetime.date) -> dict[str, Any]:
    overdue = Action.objects.filter(goal__case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)
    pending = Proposal.objects.filter(assessment__case=OuterRef("pk"), status=ProposalStatus.PROPOSED)
    # A proposed need the user may not see (a protection risk) does not count: the
    # badge would point at something the case page does not show them.
    from haven.registry.selectors import restricted_need_codes

    pending = pending.filter(
        Q(assessment__case__site__in=sites_with(user, roles.NEEDS_PROTECTION_VIEW))
        | ~hidden_need_q(restricted_need_codes())
    )
    waiting = Referral.objects.filter(
        case=OuterRef("pk"), status=ReferralStatus.SENT, sent_at__lt=timezone.now() - datetime.timedelta(days=14)
    )
    return {
        "has_overdue": Exists(overdue),
        "has_pending": Exists(pending),
        "has_waiting_referral": Exists(waiting),
    }


def caseload(*, user: Any, mine: bool = True, today: datetime.date | None = None) -> QuerySet[Case]:
    """Open cases at the user's sites (only theirs with ``mine``), most in need first.

    Each case carries ``has_overdue`` (an action of the plan is overdue),
    ``has_pending`` (assessment proposals to confirm), ``has_waiting_referral``
    (no answer in 14 days) and ``last_session_on``. The queryset has a fixed
    number of queries whatever its size (flags are prefetched).
    """
    today = today or timezone.localdate()
    qs = scope(user, Case.objects.filter(closed_at__isnull=True), roles.CASE_VIEW)
    if mine:
        deputy_of = Case.deputies.through.objects.filter(user_id=user.pk).values("case_id")
        qs = qs.filter(Q(caseworker=user) | Q(pk__in=deputy_of))
    last_session = Session.objects.filter(case=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    qs = qs.select_related("person", "household", "status", "caseworker").annotate(
        **_attention(user, today), last_session_on=Subquery(last_session)
    )
    active_flags = CaseFlag.objects.filter(removed_at__isnull=True).select_related("flag_type")
    return qs.prefetch_related(Prefetch("flags", queryset=active_flags, to_attr="active_flags")).order_by(
        "-has_overdue", "-priority", "-has_pending", "opened_at"
    )


def case_get_for_user(user: Any, case_id: Any, *, purpose: str = "case page") -> Case:
    qs = Case.objects.select_related("person", "household", "status", "caseworker", "site")
    return get_for_user(user, qs, case_id, capability=roles.CASE_VIEW, purpose=purpose, audit_read=True)


def case_members(case: Case, *, ids: list[Any] | None = None) -> list[Any]:
    """The persons of a case: its person, or the members of its household (only ``ids`` if given)."""
    from haven.registry.models import Person

    if case.person_id:
        qs = Person.objects.filter(pk=case.person_id)
    else:
        qs = Person.objects.filter(household_id=str(case.household_id))
    if ids is not None:
        valid = []
        for value in ids:
            try:
                valid.append(uuid.UUID(str(value)))
            except ValueError:
                continue
        qs = qs.filter(pk__in=valid)
    return list(qs.order_by("registration_number"))


def hidden_need_codes(user: Any, case: Case) -> set[str] | None:
    """Specific-need codes the user may not see on this case: ``None`` when they may see all.

    The registry's restricted codes (protection risks such as LP-RP, SM-MI,
    TR-WV) need ``registry.needs.protection.view``, as on the person's record.
    """
    if may(user, roles.NEEDS_PROTECTION_VIEW, case):
        return None
    from haven.registry.selectors import restricted_need_codes

    return restricted_need_codes()


HIDDEN_NEED_PREFIX = "LP"
"""Every legal and physical protection code counts as restricted in support, not only the registry's restricted ones."""


def need_hidden(need_code: str, hidden: set[str] | None) -> bool:
    """True when ``need_code`` is one the user may not see: the rule of :func:`hidden_need_q`, in Python."""
    if hidden is None or not need_code:
        return False
    return need_code in hidden or need_code.startswith(HIDDEN_NEED_PREFIX)


def hidden_need_q(hidden: set[str], field: str = "need_code") -> Q:
    """The rows whose ``field`` is a need code hidden from a user without the protection right."""
    return Q(**{f"{field}__in": hidden}) | Q(**{f"{field}__startswith": HIDDEN_NEED_PREFIX})


def assessment_answers_visible(assessment: Assessment, hidden: set[str] | None) -> dict[str, bool]:
    """The answers, without those to questions that propose a need the user may not see."""
    if hidden is None:
        return dict(assessment.answers)
    concealed = {q.code for q in assessment.questionnaire.questions.all() if need_hidden(q.proposes_need_code, hidden)}
    return {code: value for code, value in assessment.answers.items() if code not in concealed}


def case_detail(*, user: Any, case: Case) -> dict[str, Any]:
    """Everything the case page shows, in a fixed number of queries."""
    members = case_members(case) if case.household_id else []
    person_ids = [case.person_id] if case.person_id else [m.pk for m in members]
    goals = list(
        Goal.objects.filter(case=case).prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("owner"))
        )
    )
    flags = list(CaseFlag.objects.filter(case=case, removed_at__isnull=True).select_related("flag_type"))
    referrals: list[Referral] = []
    if may(user, roles.REFERRAL_MANAGE, case):
        # Only referrals made at sites where the user manages referrals (a member
        # may have moved to another site, whose referrals are not this site's).
        referrals = list(
            scope(
                user,
                Referral.objects.filter(person_id__in=person_ids).select_related("provider", "person"),
                roles.REFERRAL_MANAGE,
            )
        )
    assessments = list(
        Assessment.objects.filter(case=case)
        .select_related("questionnaire", "answered_by")
        .prefetch_related(
            Prefetch("proposals", queryset=Proposal.objects.select_related("flag_type").prefetch_related("applied_to"))
        )
    )
    hidden = hidden_need_codes(user, case)
    for assessment in assessments:
        assessment.visible_proposals = [  # type: ignore[attr-defined]
            p for p in assessment.proposals.all() if not need_hidden(p.need_code, hidden)
        ]
    return {
        "person_ids": person_ids,
        "members": members,
        "goals": goals,
        "flags": flags,
        "sessions": sessions_for_persons(user=user, person_ids=person_ids),
        "referrals": referrals,
        "assessments": assessments,
        "readable": readable_compartments(user, site_id=case.site_id),
    }


def open_case_for_person(person: Any) -> Case | None:
    return (
        Case.objects.filter(Q(person=person) | Q(household_id=person.household_id, household__isnull=False))
        .filter(closed_at__isnull=True)
        .first()
    )


def checkin_notices(*, user: Any, person: Any) -> list[str]:
    """Notices of the person's active case flags to show at check-in.

    Only the notice text (never the flag's comment or the case) and only to
    a user who may see the person at their site.
    """
    if not may(user, roles.PERSON_VIEW, person):
        return []
    subject = Q(case__person_id=person.pk)
    if person.household_id:
        subject |= Q(case__household_id=person.household_id)
    flags = (
        CaseFlag.objects.filter(subject, removed_at__isnull=True, case__closed_at__isnull=True)
        .filter(flag_type__shows_at_checkin=True)
        .select_related("flag_type")
        .order_by("flag_type__sort_order")
    )
    notices: list[str] = []
    for flag in flags:
        text = flag.flag_type.notice
        if text and text not in notices:
            notices.append(text)
    return notices


# --- Referrals and disclosures -------------------------------------------


def referrals_for_user(*, user: Any, status: str | None = None) -> QuerySet[Referral]:
    qs = scope(user, Referral.objects.select_related("provider", "person", "created_by"), roles.REFERRAL_MANAGE)
    return qs.filter(status=status) if status else qs


def referral_get_for_user(user: Any, referral_id: Any) -> Referral:
    qs = Referral.objects.select_related("provider", "person", "created_by")
    return get_for_user(user, qs, referral_id, capability=roles.REFERRAL_MANAGE, purpose="referral", audit_read=True)


def referral_consent(person: Any, *, today: datetime.date | None = None) -> tuple[str, Any]:
    """The registry's consent of the person to referrals: ``("active", consent)``,
    ``("withdrawn", the latest withdrawn consent)`` or ``("none", None)``.

    A withdrawal dated in the future does not count yet.
    """
    from haven.registry.models import Consent, ConsentPurpose

    today = today or timezone.localdate()
    records = list(
        Consent.objects.filter(person=person, purpose=ConsentPurpose.REFERRAL).order_by("-given_on", "-created_at")
    )
    for consent in records:
        if consent.withdrawn_on is None or consent.withdrawn_on > today:
            return "active", consent
    if records:
        return "withdrawn", max(records, key=lambda c: c.withdrawn_on or datetime.date.min)
    return "none", None


def providers_for_user(*, user: Any) -> QuerySet[ServiceProvider]:
    """Services the user may manage: those of every site and those of their sites (not personal data)."""
    sites = sites_with(user, roles.REFERRAL_MANAGE)
    if not sites:
        return ServiceProvider.objects.none()
    return ServiceProvider.objects.filter(Q(site__isnull=True) | Q(site__in=sites)).select_related("site")


def provider_get_for_user(user: Any, provider_id: Any) -> ServiceProvider:
    try:
        return providers_for_user(user=user).get(pk=provider_id)
    except (ServiceProvider.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def disclosure_capabilities() -> tuple[str, ...]:
    return (roles.REFERRAL_MANAGE, roles.AUDIT_VIEW)


def may_view_disclosures(user: Any) -> bool:
    return any(may(user, c) for c in disclosure_capabilities())


def disclosures_for_user(*, user: Any) -> QuerySet[DisclosureRecord]:
    sites: set[uuid.UUID] = set()
    for capability in disclosure_capabilities():
        sites |= sites_with(user, capability)
    return DisclosureRecord.objects.filter(site__in=sites).select_related("person", "recipient", "disclosed_by")


# --- Assessments ----------------------------------------------------------


def questionnaire_current(code: str = "arrival-needs") -> Questionnaire:
    return Questionnaire.objects.filter(code=code, is_active=True).prefetch_related("questions").order_by(
        "-version"
    ).first() or Questionnaire.objects.prefetch_related("questions").get(code=code, version=1)


def assessment_get_for_user(user: Any, assessment_id: Any) -> Assessment:
    qs = Assessment.objects.select_related("case", "questionnaire").prefetch_related(
        "proposals__flag_type", "proposals__applied_to"
    )
    return get_for_user(user, qs, assessment_id, capability=roles.CASE_VIEW, site_field="case__site")


def proposal_get_for_user(user: Any, proposal_id: Any) -> Proposal:
    qs = Proposal.objects.select_related("assessment__case", "flag_type")
    return get_for_user(user, qs, proposal_id, capability=roles.CASE_MANAGE, site_field="assessment__case__site")


# --- Home figures ---------------------------------------------------------


def week_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Monday of the current week, and today."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()), today


def sessions_this_week(*, user: Any, today: datetime.date | None = None) -> QuerySet[Session]:
    """Sessions held from Monday to today at the sites where the user sees sessions (never notes).

    The same rows as the "Sessions this week" figure on the home page.
    """
    start, end = week_bounds(today)
    qs = _sessions().filter(held_on__gte=start, held_on__lte=end)
    return scope(user, qs, roles.SESSION_VIEW).order_by("-held_on", "-created_at")


def mark_readable(user: Any, sessions: Any) -> list[Session]:
    """Set ``note_readable`` on each session (whether the user may read its compartment there)."""
    readable: dict[Any, set[str]] = {}
    result = list(sessions)
    for session in result:
        if session.site_id not in readable:
            readable[session.site_id] = readable_compartments(user, site_id=session.site_id)
        session.note_readable = session.session_type.compartment in readable[session.site_id]  # type: ignore[attr-defined]
    return result


def home_figures(*, user: Any, today: datetime.date | None = None) -> dict[str, int | None]:
    today = today or timezone.localdate()
    figures: dict[str, int | None] = {"open_cases": None, "sessions_week": None, "referrals_waiting": None}
    if may(user, roles.CASE_VIEW):
        figures["open_cases"] = scope(user, Case.objects.filter(closed_at__isnull=True), roles.CASE_VIEW).count()
    if may(user, roles.SESSION_VIEW):
        figures["sessions_week"] = sessions_this_week(user=user, today=today).count()
    if may(user, roles.REFERRAL_MANAGE):
        figures["referrals_waiting"] = referrals_for_user(user=user, status=ReferralStatus.SENT).count()
    return figures


def session_counts_by_type(*, user: Any) -> dict[str, int]:
    qs = scope(user, Session.objects.all(), roles.SESSION_VIEW)
    return dict(qs.values_list("session_type__code").annotate(n=Count("id")).values_list("session_type__code", "n"))
