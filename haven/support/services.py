"""Changes to cases, plans, flags, sessions and examinations.

One transaction each, checked with ``haven.accounts.access`` and audited
in the same transaction. Notes are encrypted before they reach the model
and never appear in audit values. Referrals, disclosures and assessments
are in ``services_referrals``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import roles
from haven.accounts.access import may, require
from haven.api.errors import ServiceError
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.support import crypto
from haven.support.models import (
    Action,
    Case,
    CaseFlag,
    CaseFlagType,
    CaseStatus,
    ExamComponent,
    ExamResult,
    Goal,
    MedicalExam,
    Priority,
    Referral,
    ReferralStatus,
    Session,
    SessionType,
)

log = logging.getLogger(__name__)

# Step codes of the medical examination in the bundled pathway templates
# (haven/pathways/templates_data: ru-perm "medical-exam", de-arrival
# "health-exam"); the first the person's active pathway has is completed.
MEDICAL_STEP_CODES = ("medical-exam", "health-exam")
# The pathway's result values for the examination flag.
PATHWAY_RESULT: dict[str, str] = {ExamResult.CLEARED: "cleared", ExamResult.FOLLOW_UP: "follow-up"}
# Referral statuses nothing follows (``services_referrals.TRANSITIONS`` leads nowhere from them).
REFERRAL_FINISHED = (ReferralStatus.DECLINED, ReferralStatus.DONE)


# --- Cases ----------------------------------------------------------------


def case_open(
    *,
    actor: Any,
    person: Any = None,
    household: Any = None,
    caseworker: Any = None,
    priority: int = Priority.NORMAL,
    deputies: Iterable[Any] = (),
) -> Case:
    """Open a case for a person or a household at the site that holds them."""
    if (person is None) == (household is None):
        raise ValidationError(_("Open a case for one person or one household."))
    subject = person if person is not None else household
    require(actor, roles.CASE_MANAGE, subject, purpose="open a support case")
    with transaction.atomic():
        existing = Case.objects.filter(closed_at__isnull=True)
        existing = existing.filter(person=person) if person is not None else existing.filter(household=household)
        if existing.exists():
            raise ServiceError("case_exists", _("This person or household already has an open case."), status=409)
        case = Case(
            site_id=subject.site_id,
            person=person,
            household=household,
            status=CaseStatus.objects.get(code="open"),
            priority=priority,
            caseworker=caseworker if caseworker is not None else actor,
            opened_at=timezone.now(),
        )
        case.full_clean()
        case.save()
        if deputies:
            case.deputies.set(list(deputies))
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=case,
            fields=["person" if person is not None else "household", "caseworker", "priority", "status"],
            values={"priority": case.priority, "status": "open"},
            purpose="open a support case",
        )
    return case


def case_update(
    *,
    actor: Any,
    case: Case,
    priority: int | None = None,
    caseworker: Any = None,
    deputies: Iterable[Any] | None = None,
) -> Case:
    require(actor, roles.CASE_MANAGE, case, purpose="update a support case")
    changed: list[str] = []
    values: dict[str, Any] = {}
    with transaction.atomic():
        if priority is not None and priority != case.priority:
            case.priority = priority
            changed.append("priority")
            values["priority"] = priority
        if caseworker is not None and caseworker.pk != case.caseworker_id:
            if not may(caseworker, roles.CASE_MANAGE, case):
                raise ValidationError({"caseworker": _("Choose a caseworker who works at this site.")})
            case.caseworker = caseworker
            changed.append("caseworker")
        case.full_clean()
        case.save()
        if deputies is not None:
            case.deputies.set(list(deputies))
            changed.append("deputies")
        if changed:
            audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=changed, values=values)
    return case


def case_set_status(*, actor: Any, case: Case, status_code: str, reason: str = "") -> Case:
    """Move a case to a status; a status that closes needs a reason."""
    require(actor, roles.CASE_MANAGE, case, purpose="change case status")
    status = CaseStatus.objects.filter(code=status_code).first()
    if status is None:
        raise ValidationError({"status": _("Choose one of the case statuses.")})
    reason = reason.strip()
    if status.requires_reason and not reason:
        raise ValidationError({"reason": _("Give the reason for this status (for example, why the case is closed).")})
    with transaction.atomic():
        if status.is_open and case.closed_at is not None:
            subject = Case.objects.filter(closed_at__isnull=True).exclude(pk=case.pk)
            if (case.person_id and subject.filter(person_id=case.person_id).exists()) or (
                case.household_id and subject.filter(household_id=case.household_id).exists()
            ):
                raise ServiceError("case_exists", _("This person or household already has an open case."), status=409)
        old = case.status.code
        case.status = status
        case.status_reason = reason
        case.closed_at = None if status.is_open else (case.closed_at or timezone.now())
        case.full_clean()
        case.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=case,
            fields=["status", "status_reason"],
            values={"from": old, "to": status.code},
            purpose="change case status",
        )
    return case


def case_flag_add(*, actor: Any, case: Case, flag_code: str, comment: str = "") -> CaseFlag:
    require(actor, roles.CASE_MANAGE, case, purpose="flag a case")
    flag_type = CaseFlagType.objects.filter(code=flag_code, is_active=True).first()
    if flag_type is None:
        raise ValidationError({"flag": _("Choose one of the case flags.")})
    with transaction.atomic():
        existing = CaseFlag.objects.filter(case=case, flag_type=flag_type, removed_at__isnull=True).first()
        if existing is not None:
            return existing
        flag = CaseFlag(case=case, flag_type=flag_type, comment=comment, added_by=actor, added_at=timezone.now())
        flag.full_clean()
        flag.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=flag, fields=["flag_type"], values={"flag": flag_type.code}
        )
    return flag


def case_flag_remove(*, actor: Any, flag: CaseFlag) -> CaseFlag:
    require(actor, roles.CASE_MANAGE, flag.case, purpose="remove a case flag")
    with transaction.atomic():
        flag.removed_at = timezone.now()
        flag.save(update_fields=["removed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=flag,
            fields=["removed_at"],
            values={"flag": flag.flag_type.code},
        )
    return flag


def cases_move_site(*, actor: Any, person: Any, site: Any) -> int:
    """Move a person's support records to ``site`` after a transfer; the number of open cases moved.

    Called by ``shelter.services_transfers.transfer_complete`` once the person
    is at ``site`` (their consent to the handover is on the transfer). In one
    transaction, with one audit event that has counts only:

    - the person's open case, their sessions and all their medical
      examinations move (continuity of care);
    - the household's open case moves only when no present member of the
      household (other than this person) is left at the case's site: the
      person was the last one. Otherwise it stays with the rest of the
      household;
    - the person's referrals move, except finished ones (declined or done);
      a referral of a case that moves goes with it whatever its status (if it
      was made at that case's site). A finished referral of a case that stays
      is the sending site's record of its own work;
    - disclosure records never move: they are the sending site's legal record
      of what it disclosed, and to whom.
    """
    from haven.registry.models import Person

    with transaction.atomic():
        own = list(Case.objects.select_for_update().filter(person=person, closed_at__isnull=True).exclude(site=site))
        household: list[Case] = []
        if person.household_id is not None:
            candidates = Case.objects.select_for_update().filter(
                household_id=person.household_id, closed_at__isnull=True
            )
            for case in candidates.exclude(site=site):
                remains = Person.objects.filter(
                    household_id=person.household_id, site_id=case.site_id, status__is_present=True
                ).exclude(pk=person.pk)
                if not remains.exists():
                    household.append(case)
        moved = own + household
        follows = Q(person=person) & ~Q(status__in=REFERRAL_FINISHED)
        for case in moved:  # before the cases move: a referral goes with its case from the case's site
            follows |= Q(case_id=case.pk, site_id=case.site_id)
        referrals = Referral.objects.filter(follows).exclude(site=site).update(site=site)
        Case.objects.filter(pk__in=[case.pk for case in moved]).update(site=site)
        sessions = Session.objects.filter(person=person).exclude(site=site).update(site=site)
        exams = MedicalExam.objects.filter(person=person).exclude(site=site).update(site=site)
        # Moving records changes who may see them: logged whenever anything moved.
        if moved or sessions or exams or referrals:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=person,
                fields=[
                    "support_case.site",
                    "support_session.site",
                    "support_medicalexam.site",
                    "support_referral.site",
                ],
                values={
                    "to_site": str(site.pk),
                    "cases": len(own),
                    "household_cases": len(household),
                    "sessions": sessions,
                    "exams": exams,
                    "referrals": referrals,
                },
            )
    return len(moved)


# --- Case plan ------------------------------------------------------------


def goal_add(*, actor: Any, case: Case, title: str, due_on: datetime.date | None = None) -> Goal:
    require(actor, roles.CASE_MANAGE, case, purpose="plan a case")
    with transaction.atomic():
        goal = Goal(case=case, title=title.strip(), due_on=due_on)
        goal.full_clean()
        goal.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=goal, fields=["title", "due_on"])
    return goal


def goal_achieve(*, actor: Any, goal: Goal) -> Goal:
    require(actor, roles.CASE_MANAGE, goal.case, purpose="plan a case")
    with transaction.atomic():
        goal.achieved_at = timezone.now()
        goal.save(update_fields=["achieved_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=goal, fields=["achieved_at"])
    return goal


def action_add(*, actor: Any, goal: Goal, title: str, owner: Any = None, due_on: datetime.date | None = None) -> Action:
    require(actor, roles.CASE_MANAGE, goal.case, purpose="plan a case")
    if (
        owner is not None
        and not may(owner, roles.CASE_VIEW, goal.case)
        and not may(owner, roles.STEP_UPDATE, goal.case)
    ):
        raise ValidationError({"owner": _("The owner must work at the site of the case.")})
    with transaction.atomic():
        action = Action(goal=goal, title=title.strip(), owner=owner, due_on=due_on)
        action.full_clean()
        action.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=action, fields=["title", "owner", "due_on"])
    return action


def action_done(*, actor: Any, action: Action) -> Action:
    case = action.goal.case
    if not (action.owner_id == getattr(actor, "pk", None) and may(actor, roles.CASE_VIEW, case)):
        require(actor, roles.CASE_MANAGE, case, purpose="plan a case")
    with transaction.atomic():
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=action, fields=["done_at"])
    return action


# --- Sessions -------------------------------------------------------------


def session_record(
    *,
    actor: Any,
    person: Any,
    session_type: SessionType,
    held_on: datetime.date,
    note: str = "",
    duration_minutes: int = 60,
    place: str = "",
    interpreter: str = "",
    case: Case | None = None,
) -> Session:
    """Record a session held by ``actor``; only the compartment's writers may."""
    require(actor, roles.note_write(session_type.compartment), person, purpose="record a session")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A session cannot be recorded for a future date.")})
    if case is not None and not (
        case.person_id == person.pk or (case.household_id is not None and case.household_id == person.household_id)
    ):
        raise ValidationError({"case": _("The case is not this person's.")})
    if case is None:
        from haven.support.selectors import open_case_for_person

        case = open_case_for_person(person)
    with transaction.atomic():
        session = Session(
            site_id=person.site_id,
            person=person,
            case=case,
            session_type=session_type,
            held_on=held_on,
            duration_minutes=duration_minutes,
            place=place.strip(),
            interpreter=interpreter.strip(),
            staff=actor,
            note_encrypted=crypto.encrypt(note.strip()),
        )
        session.full_clean()
        session.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=session,
            fields=["session_type", "held_on", "duration_minutes", "place", "interpreter", "note"],
            values={"session_type": session_type.code, "held_on": held_on.isoformat()},
            purpose="record a session",
        )
    return session


def session_note_update(*, actor: Any, session: Session, note: str) -> Session:
    require(actor, roles.note_write(session.compartment), session, purpose="edit a session note")
    with transaction.atomic():
        session.note_encrypted = crypto.encrypt(note.strip())
        session.save(update_fields=["note_encrypted", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=session, fields=["note"], purpose="edit a note")
    return session


# --- Medical examinations -------------------------------------------------


def _complete_pathway_step(*, actor: Any, exam: MedicalExam) -> bool:
    """Complete the pathway's medical step, if the pathways app offers it.

    Runs in a savepoint: if the person has no such step, the examination
    is still recorded and the step stays for the pathway's own page.
    """
    try:
        from haven.pathways.services import step_complete_by_code
    except ImportError:
        log.info("pathways.services.step_complete_by_code is not available; medical step not completed")
        return False
    for code in MEDICAL_STEP_CODES:
        try:
            with transaction.atomic():
                step_complete_by_code(
                    actor=actor,
                    person=exam.person,
                    step_code=code,
                    completed_on=exam.examined_on,
                    result=PATHWAY_RESULT.get(exam.result, exam.result),
                )
        except (ValidationError, ServiceError, PermissionDenied, LookupError) as exc:
            log.debug("medical pathway step %s not completed: %s", code, type(exc).__name__)
            continue
        return True
    return False


def medical_exam_record(
    *,
    actor: Any,
    person: Any,
    examined_on: datetime.date,
    facility: str,
    components: Iterable[str],
    result: str,
    details: str = "",
    certificate_expires_on: datetime.date | None = None,
) -> MedicalExam:
    """Record the mandatory examination; the result flag goes on the general record."""
    require(actor, roles.MEDICAL_RECORD, person, purpose="record a medical examination")
    done = sorted(set(components))
    unknown = [c for c in done if c not in ExamComponent.values]
    if unknown:
        raise ValidationError({"components": _("Unknown examination component.")})
    if not done:
        raise ValidationError({"components": _("Tick the components of the examination that were done.")})
    if result not in ExamResult.values:
        raise ValidationError({"result": _("The result is either cleared or follow-up.")})
    if examined_on > timezone.localdate():
        raise ValidationError({"examined_on": _("An examination cannot be recorded for a future date.")})
    with transaction.atomic():
        exam = MedicalExam(
            site_id=person.site_id,
            person=person,
            examined_on=examined_on,
            facility=facility.strip(),
            components=done,
            result=result,
            certificate_expires_on=certificate_expires_on or examined_on + datetime.timedelta(days=365),
            details_encrypted=crypto.encrypt(details.strip()),
            recorded_by=actor,
        )
        exam.full_clean()
        exam.save()
        exam.pathway_synced = _complete_pathway_step(actor=actor, exam=exam)
        if exam.pathway_synced:
            exam.save(update_fields=["pathway_synced"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=exam,
            fields=["examined_on", "facility", "components", "result", "details"],
            values={"result": result, "components": done, "pathway_synced": exam.pathway_synced},
            purpose="record a medical examination",
        )
    return exam


# --- Key rotation ---------------------------------------------------------


def notes_rotate_keys(*, actor: Any, batch_size: int = 500) -> int:
    """Re-encrypt every note and examination detail with the first key.

    Each batch is one transaction; a token no key fits raises
    ``crypto.InvalidToken`` before anything in that batch changes.
    """
    count = 0
    targets: tuple[tuple[Any, str], ...] = ((Session, "note_encrypted"), (MedicalExam, "details_encrypted"))
    for model, field in targets:
        ids = list(model.objects.exclude(**{field: ""}).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                rows = list(model.objects.select_for_update().filter(pk__in=ids[start : start + batch_size]))
                for row in rows:
                    setattr(row, field, crypto.rotate(getattr(row, field)))
                model.objects.bulk_update(rows, [field])
                count += len(rows)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="support.notes",
            fields=["note"],
            values={"rotated": count},
            purpose="rotate note keys",
        )
    return count
