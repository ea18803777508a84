"""Enrolment in a template, and each person's progress on its steps."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import STEP_UPDATE, TEMPLATE_MANAGE
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.pathways import people
from haven.pathways.deadlines import add_days
from haven.pathways.models import (
    CLOSED_STATUSES,
    AppointmentStatus,
    Enrolment,
    EnrolmentStatus,
    PathwayTemplate,
    Step,
    StepStatus,
    StepTemplate,
)
from haven.pathways.services.common import check_capability, is_user
from haven.pathways.services.scans import check_scan, step_scan_attach
from haven.pathways.services.templates import active_template_for_site

DOCUMENT_KEYS = ("document_number", "issued_on", "expires_on")
SETTABLE_STATUSES = (
    StepStatus.PENDING,
    StepStatus.SCHEDULED,
    StepStatus.IN_PROGRESS,
    StepStatus.NOT_APPLICABLE,
    StepStatus.BLOCKED,
)


def applies(step_template: StepTemplate, facts: people.Facts) -> bool:
    """Whether a step's ``applies_to`` rule covers a person."""
    if step_template.applies_age == "adult" and facts.is_child:
        return False
    if step_template.applies_age == "child" and not facts.is_child:
        return False
    if step_template.applies_sex and facts.sex not in step_template.applies_sex:
        return False
    if step_template.applies_needs and not any(
        need == code or need.startswith(code + "-") for need in facts.needs for code in step_template.applies_needs
    ):
        return False
    if step_template.applies_professions:
        return bool(facts.profession) and any(term in facts.profession for term in step_template.applies_professions)
    return True


def due_date_for(
    step_template: StepTemplate, *, arrival: datetime.date, done: dict[str, datetime.date | None]
) -> datetime.date | None:
    """The due date, or None while the step it counts from is not done."""
    if step_template.deadline_days is None:
        return None
    template = step_template.template
    start: datetime.date | None = arrival
    if step_template.deadline_after_id is not None:
        start = done.get(step_template.deadline_after.code)  # type: ignore[union-attr]
    if start is None:
        return None
    return add_days(
        start,
        step_template.deadline_days,
        unit=step_template.deadline_unit,
        country=template.country,
        subdivision=template.subdivision,
    )


def _step_templates(template: PathwayTemplate) -> list[StepTemplate]:
    return list(template.steps.select_related("deadline_after", "template").prefetch_related("prerequisites"))


def enrolment_create(
    *,
    actor: Any,
    person: Any,
    template: PathwayTemplate | None = None,
    arrival_date: datetime.date | None = None,
    step_templates: list[StepTemplate] | None = None,
) -> Enrolment:
    """Enrol a person in their site's active template; every applicable step gets its due date.

    ``step_templates`` (the template's, as ``_step_templates`` loads them)
    lets a caller enrolling many people load them once.
    """
    check_capability(actor, STEP_UPDATE, person)
    template = template or active_template_for_site(person.site)
    if template is None:
        raise ValidationError(_("No active pathway template for this site. Ask an administrator to load one."))
    if Enrolment.objects.filter(person=person, status=EnrolmentStatus.ACTIVE).exists():
        raise ValidationError(
            _("%(number)s is already enrolled in a pathway.") % {"number": person.registration_number}
        )
    arrival = arrival_date or people.arrival_date(person)
    facts = people.facts(person)
    with transaction.atomic():
        enrolment = Enrolment(person=person, template=template, arrival_date=arrival)
        enrolment.full_clean()
        enrolment.save()
        steps = [
            Step(
                enrolment=enrolment,
                person=person,
                step_template=st,
                due_date=due_date_for(st, arrival=arrival, done={}),
            )
            for st in (step_templates if step_templates is not None else _step_templates(template))
            if applies(st, facts)
        ]
        Step.objects.bulk_create(steps)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=enrolment,
            fields=["template", "arrival_date", "steps"],
            values={"template": template.code, "version": template.version, "steps": len(steps)},
            purpose="pathway enrolment",
        )
    return enrolment


def household_enrol(*, actor: Any, household: Any) -> list[Enrolment]:
    """Enrol every member of a household who is not enrolled yet, in one transaction.

    Records merged into another are left out, and so, for a signed-in user,
    are members at sites where the user may not update steps (a member
    transferred alone is the other site's case).
    """
    from haven.accounts import access
    from haven.matching.models import MERGED_STATUS

    with transaction.atomic():
        enrolled = set(
            Enrolment.objects.filter(person__household=household, status=EnrolmentStatus.ACTIVE).values_list(
                "person_id", flat=True
            )
        )
        by_site: dict[Any, tuple[PathwayTemplate | None, list[StepTemplate] | None]] = {}
        enrolments = []
        members = household.members.exclude(status_id=MERGED_STATUS)
        if is_user(actor):
            members = access.scope(actor, members, STEP_UPDATE)
        for member in members.select_related("household", "site"):
            if member.pk in enrolled:
                continue
            if member.site_id not in by_site:  # members are normally at one site: load its template once
                template = active_template_for_site(member.site)
                by_site[member.site_id] = (template, _step_templates(template) if template else None)
            template, step_templates = by_site[member.site_id]
            enrolments.append(
                enrolment_create(actor=actor, person=member, template=template, step_templates=step_templates)
            )
        return enrolments


def _done_dates(enrolment: Enrolment) -> dict[str, datetime.date | None]:
    return dict(
        Step.objects.filter(enrolment=enrolment, status=StepStatus.DONE).values_list(
            "step_template__code", "completed_on"
        )
    )


def _refresh_dependants(step: Step) -> None:
    """Give due dates to the steps whose deadline counts from this one."""
    done = _done_dates(step.enrolment)
    for dependant in Step.objects.filter(
        enrolment_id=step.enrolment_id, step_template__deadline_after=step.step_template_id
    ).select_related("step_template__deadline_after", "step_template__template"):
        if dependant.status in CLOSED_STATUSES:
            continue
        due = due_date_for(dependant.step_template, arrival=step.enrolment.arrival_date, done=done)
        if due != dependant.due_date:
            dependant.due_date = due
            dependant.save(update_fields=["due_date", "updated_at"])


def _missing_prerequisites(step: Step) -> list[str]:
    prereq_ids = [p.pk for p in step.step_template.prerequisites.all()]
    if not prereq_ids:
        return []
    satisfied = set(
        Step.objects.filter(
            enrolment_id=step.enrolment_id, step_template_id__in=prereq_ids, status__in=CLOSED_STATUSES
        ).values_list("step_template_id", flat=True)
    )
    # A prerequisite that does not apply to this person (no Step row) does not hold them back.
    present = set(
        Step.objects.filter(enrolment_id=step.enrolment_id, step_template_id__in=prereq_ids).values_list(
            "step_template_id", flat=True
        )
    )
    return [p.title for p in step.step_template.prerequisites.all() if p.pk in present and p.pk not in satisfied]


def _parse_date(value: Any, label: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({label: _("Enter a date as YYYY-MM-DD.")}) from exc


def _apply_completion(
    step: Step, *, actor: Any, completed_on: datetime.date, evidence: dict[str, Any], result: str
) -> list[str]:
    st = step.step_template
    if step.status == StepStatus.DONE:
        raise ValidationError(_("“%(step)s” is already done.") % {"step": st.title})
    if step.status == StepStatus.NOT_APPLICABLE:
        raise ValidationError(_("“%(step)s” is marked not applicable; reopen it first.") % {"step": st.title})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    missing = _missing_prerequisites(step)
    if missing:
        raise ValidationError(
            _("“%(step)s” cannot be done before: %(missing)s.") % {"step": st.title, "missing": ", ".join(missing)}
        )
    if st.results and result not in st.results:
        raise ValidationError({"result": _("Choose a result: %(choices)s.") % {"choices": ", ".join(st.results)}})
    if not st.results and result:
        raise ValidationError({"result": _("This step records no result.")})
    allowed = set(DOCUMENT_KEYS) | set(st.evidence_fields)
    unknown = sorted(set(evidence) - allowed)
    if unknown:
        raise ValidationError({"evidence": _("Unknown evidence fields: %(fields)s.") % {"fields": ", ".join(unknown)}})
    step.document_number = str(evidence.get("document_number") or "").strip()[:60]
    step.issued_on = _parse_date(evidence.get("issued_on"), "issued_on")
    step.expires_on = _parse_date(evidence.get("expires_on"), "expires_on")
    if step.expires_on is None and st.validity_days:
        step.expires_on = (step.issued_on or completed_on) + datetime.timedelta(days=st.validity_days)
    if step.issued_on and step.expires_on and step.expires_on < step.issued_on:
        raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})
    step.details = {k: str(v).strip() for k, v in evidence.items() if k in st.evidence_fields and v not in (None, "")}
    step.status = StepStatus.DONE
    step.blocked_reason = ""
    step.completed_on = completed_on
    step.completed_by = actor if getattr(actor, "is_authenticated", False) else None
    step.result = result
    step.full_clean()
    step.save()
    _refresh_dependants(step)
    for appointment in step.appointments.filter(status=AppointmentStatus.BOOKED):
        if not appointment.steps.exclude(status=StepStatus.DONE).exists():
            appointment.status = AppointmentStatus.ATTENDED
            appointment.save(update_fields=["status"])
    changed = ["status", "completed_on", "result", *[k for k in DOCUMENT_KEYS if getattr(step, k)], *step.details]
    return changed


def step_complete(
    *,
    actor: Any,
    step: Step,
    completed_on: datetime.date,
    evidence: dict[str, Any] | None = None,
    result: str = "",
    scan: bytes | None = None,
) -> Step:
    """Mark a step done with its evidence (and, optionally, a scan of it); its dependants get their due dates."""
    check_capability(actor, STEP_UPDATE, step)
    if scan is not None:
        check_scan(scan)
    with transaction.atomic():
        step = Step.objects.select_for_update().select_related("step_template", "enrolment", "person").get(pk=step.pk)
        changed = _apply_completion(
            step, actor=actor, completed_on=completed_on, evidence=evidence or {}, result=result
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=step,
            fields=changed,
            values={"step": step.step_template.code, "status": step.status, "completed_on": str(completed_on)},
            purpose="pathway step done",
        )
        if scan is not None:
            step_scan_attach(actor=actor, step=step, data=scan)
    return step


def step_complete_by_code(
    *,
    actor: Any,
    person: Any,
    step_code: str,
    completed_on: datetime.date,
    evidence: dict[str, Any] | None = None,
    result: str = "",
) -> Step:
    """Mark the person's step with this code done (for other apps, e.g. the medical examination)."""
    step = (
        Step.objects.filter(person=person, enrolment__status=EnrolmentStatus.ACTIVE, step_template__code=step_code)
        .select_related("person")
        .first()
    )
    if step is None:
        raise ValidationError(
            _("%(number)s has no step “%(code)s” in an active pathway.")
            % {"number": person.registration_number, "code": step_code}
        )
    return step_complete(actor=actor, step=step, completed_on=completed_on, evidence=evidence, result=result)


def steps_complete_bulk(
    *,
    actor: Any,
    steps: Iterable[Step],
    completed_on: datetime.date,
    result: str = "",
) -> list[Step]:
    """Mark many steps done at once (thirty examinations today): all or nothing."""
    steps = list(steps)
    if not steps:
        raise ValidationError(_("Choose at least one step."))
    done: list[Step] = []
    errors: list[str] = []
    with transaction.atomic():
        for step in steps:
            check_capability(actor, STEP_UPDATE, step)
            try:
                with transaction.atomic():
                    done.append(step_complete(actor=actor, step=step, completed_on=completed_on, result=result))
            except ValidationError as exc:
                errors.append(f"{step.person.registration_number}: {' '.join(exc.messages)}")
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(_("Nothing was changed. Fix these first:") + " " + "; ".join(errors))
    return done


def step_set_status(*, actor: Any, step: Step, status: str, reason: str = "") -> Step:
    """Move a step to pending, scheduled, in progress, not applicable or blocked (with a reason)."""
    check_capability(actor, STEP_UPDATE, step)
    if status not in SETTABLE_STATUSES:
        raise ValidationError({"status": _("Use “mark done” with the evidence to complete a step.")})
    reason = reason.strip()
    if status == StepStatus.BLOCKED and not reason:
        raise ValidationError({"reason": _("Say why the step is blocked.")})
    with transaction.atomic():
        step = Step.objects.select_for_update().select_related("step_template", "enrolment").get(pk=step.pk)
        old = step.status
        step.status = status
        step.blocked_reason = reason if status in (StepStatus.BLOCKED, StepStatus.NOT_APPLICABLE) else ""
        if status == StepStatus.IN_PROGRESS and step.started_on is None:
            step.started_on = timezone.localdate()
        if old == StepStatus.DONE:
            step.completed_on = None
            step.completed_by = None
            step.result = ""
        step.full_clean()
        step.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=step,
            fields=["status", *(["blocked_reason"] if reason else [])],
            values={"step": step.step_template.code, "from": old, "to": status},
            purpose="pathway step status",
        )
    return step


def enrolment_migrate(*, actor: Any, enrolment: Enrolment, template: PathwayTemplate) -> Enrolment:
    """Move an enrolment to another version of its template, keeping the progress made.

    Steps are matched by code: their status and evidence carry over; new
    steps are added with due dates; open steps the new version dropped
    are removed; done ones stay as history.
    """
    check_capability(actor, TEMPLATE_MANAGE)
    if template.code != enrolment.template.code:
        raise ValidationError(_("An enrolment can only move to another version of the same template."))
    if template.pk == enrolment.template_id:
        raise ValidationError(_("The enrolment already uses this version."))
    with transaction.atomic():
        old_version = enrolment.template.version
        facts = people.facts(enrolment.person)
        new_by_code = {st.code: st for st in _step_templates(template)}
        existing = list(enrolment.steps.select_related("step_template"))
        kept_codes = set()
        for step in existing:
            target = new_by_code.get(step.step_template.code)
            if target is not None:
                step.step_template = target
                step.save(update_fields=["step_template", "updated_at"])
                kept_codes.add(target.code)
            elif step.status != StepStatus.DONE:
                step.delete()
        done = {s.step_template.code: s.completed_on for s in existing if s.status == StepStatus.DONE}
        for code, st in new_by_code.items():
            if code not in kept_codes and applies(st, facts):
                Step.objects.create(
                    enrolment=enrolment,
                    person=enrolment.person,
                    step_template=st,
                    due_date=due_date_for(st, arrival=enrolment.arrival_date, done=done),
                )
        for step in enrolment.steps.select_related("step_template__deadline_after", "step_template__template"):
            if step.status not in CLOSED_STATUSES and step.step_template.template_id == template.pk:
                due = due_date_for(step.step_template, arrival=enrolment.arrival_date, done=done)
                if due != step.due_date:
                    step.due_date = due
                    step.save(update_fields=["due_date", "updated_at"])
        enrolment.template = template
        enrolment.save(update_fields=["template"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=enrolment,
            fields=["template"],
            values={"code": template.code, "from_version": old_version, "to_version": template.version},
            purpose="pathway template migration",
        )
    return enrolment
