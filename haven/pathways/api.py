"""REST endpoints of the pathways app, mounted at /api/v1/pathways/ by haven.api."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from haven.accounts import access
from haven.accounts.roles import APPOINTMENT_MANAGE, STEP_UPDATE, STEP_VIEW, TEMPLATE_MANAGE
from haven.pathways import selectors, services
from haven.pathways.models import Appointment, Enrolment, PathwayTemplate, Step
from haven.pathways.views import get_household, get_person, get_step

router = Router(tags=["pathways"])


class StepTemplateOut(Schema):
    code: str
    order: int
    title: str
    category: str
    responsible_role: str
    prerequisites: list[str]
    deadline_days: int | None
    deadline_unit: str
    deadline_after: str | None
    output_document: str
    validity_days: int | None
    applies_age: str
    applies_professions: list[str]


class TemplateOut(Schema):
    id: uuid.UUID
    code: str
    version: int
    jurisdiction: str
    name: str
    active: bool


class TemplateDetailOut(TemplateOut):
    steps: list[StepTemplateOut]


class TemplateIn(Schema):
    source: str


class TemplateLoadOut(Schema):
    template: TemplateOut
    outcome: str


class StepOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    code: str
    title: str
    status: str
    blocked_reason: str
    due_date: datetime.date | None
    completed_on: datetime.date | None
    result: str
    document_number: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None


class EnrolmentOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    template_code: str
    template_version: int
    arrival_date: datetime.date
    status: str


class EnrolmentDetailOut(EnrolmentOut):
    steps: list[StepOut]


class EnrolmentIn(Schema):
    person_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None


class StepCompleteIn(Schema):
    completed_on: datetime.date
    result: str = ""
    evidence: dict[str, str] = {}


class StepStatusIn(Schema):
    status: str
    reason: str = ""


class WorklistQuery(Schema):
    due: str = "due"
    category: str = ""
    step_code: str = ""
    mine: bool = True


class AppointmentIn(Schema):
    step_code: str
    on_date: datetime.date
    at_time: datetime.time
    place: str
    interpreter_needed: bool = False
    person_ids: list[uuid.UUID] = []
    household_id: uuid.UUID | None = None


class RebookIn(Schema):
    on_date: datetime.date
    at_time: datetime.time
    place: str = ""


class AppointmentOut(Schema):
    id: uuid.UUID
    site_id: uuid.UUID
    step_code: str
    on_date: datetime.date
    at_time: datetime.time
    place: str
    interpreter_needed: bool
    status: str
    household_id: uuid.UUID | None
    person_ids: list[uuid.UUID]
    rebooked_from_id: uuid.UUID | None


def _template_out(t: PathwayTemplate) -> dict[str, Any]:
    return {
        "id": t.pk,
        "code": t.code,
        "version": t.version,
        "jurisdiction": t.jurisdiction,
        "name": t.name,
        "active": t.active,
    }


def _step_template_out(st: Any) -> dict[str, Any]:
    return {
        "code": st.code,
        "order": st.order,
        "title": st.title,
        "category": st.category,
        "responsible_role": st.responsible_role,
        "prerequisites": [p.code for p in st.prerequisites.all()],
        "deadline_days": st.deadline_days,
        "deadline_unit": st.deadline_unit,
        "deadline_after": st.deadline_after.code if st.deadline_after else None,
        "output_document": st.output_document,
        "validity_days": st.validity_days,
        "applies_age": st.applies_age,
        "applies_professions": st.applies_professions,
    }


def _step_out(s: Step) -> dict[str, Any]:
    return {
        "id": s.pk,
        "person_id": s.person_id,
        "code": s.step_template.code,
        "title": s.step_template.title,
        "status": s.status,
        "blocked_reason": s.blocked_reason,
        "due_date": s.due_date,
        "completed_on": s.completed_on,
        "result": s.result,
        "document_number": s.document_number,
        "issued_on": s.issued_on,
        "expires_on": s.expires_on,
    }


def _enrolment_out(e: Enrolment, *, steps: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": e.pk,
        "person_id": e.person_id,
        "template_code": e.template.code,
        "template_version": e.template.version,
        "arrival_date": e.arrival_date,
        "status": e.status,
    }
    if steps:
        out["steps"] = [_step_out(s) for s in e.steps.select_related("step_template").order_by("step_template__order")]
    return out


def _appointment_out(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "site_id": a.site_id,
        "step_code": a.step_code,
        "on_date": a.on_date,
        "at_time": a.at_time,
        "place": a.place,
        "interpreter_needed": a.interpreter_needed,
        "status": a.status,
        "household_id": a.household_id,
        "person_ids": [s.person_id for s in a.steps.all()],
        "rebooked_from_id": a.rebooked_from_id,
    }


def _require_anywhere(user: Any, capability: str) -> None:
    if not access.may(user, capability):
        access.require(user, capability, purpose="pathways api")


@router.get("/templates", response=list[TemplateOut])
def templates_list(request: HttpRequest) -> Any:
    """Every template version (to staff who see steps or manage templates)."""
    if not (access.may(request.user, STEP_VIEW) or access.may(request.user, TEMPLATE_MANAGE)):
        access.require(request.user, STEP_VIEW, purpose="pathways api")
    return [_template_out(t) for t in PathwayTemplate.objects.order_by("code", "-version")]


@router.get("/templates/{template_id}", response=TemplateDetailOut)
def template_get(request: HttpRequest, template_id: uuid.UUID) -> Any:
    if not (access.may(request.user, STEP_VIEW) or access.may(request.user, TEMPLATE_MANAGE)):
        access.require(request.user, STEP_VIEW, purpose="pathways api")
    template = PathwayTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise Http404
    steps = template.steps.select_related("deadline_after").prefetch_related("prerequisites")
    return {**_template_out(template), "steps": [_step_template_out(st) for st in steps]}


@router.post("/templates", response={200: TemplateLoadOut, 201: TemplateLoadOut})
def template_load(request: HttpRequest, payload: TemplateIn) -> Any:
    """Load a template from YAML text (the same checks as ``manage.py load_pathway``)."""
    _require_anywhere(request.user, TEMPLATE_MANAGE)
    template, outcome = services.template_load(
        actor=request.user, text=payload.source, source=f"api:{request.user.get_username()}"
    )
    body = {"template": _template_out(template), "outcome": outcome}
    return Status(200 if outcome == "unchanged" else 201, body)


@router.post("/enrolments", response={201: list[EnrolmentOut]})
def enrolment_create(request: HttpRequest, payload: EnrolmentIn) -> Any:
    """Enrol a person, or every member of a household not yet enrolled."""
    if payload.household_id:
        household = get_household(request.user, payload.household_id, STEP_UPDATE)
        enrolments = services.household_enrol(actor=request.user, household=household)
    elif payload.person_id:
        person = get_person(request.user, payload.person_id, STEP_UPDATE, purpose="pathway enrolment")
        enrolments = [services.enrolment_create(actor=request.user, person=person)]
    else:
        raise ValidationError({"person_id": "Give person_id or household_id."})
    return Status(201, [_enrolment_out(e) for e in enrolments])


@router.get("/enrolments/{enrolment_id}", response=EnrolmentDetailOut)
def enrolment_get(request: HttpRequest, enrolment_id: uuid.UUID) -> Any:
    enrolment = access.get_for_user(
        request.user,
        Enrolment.objects.select_related("template", "person"),
        enrolment_id,
        capability=STEP_VIEW,
        site_field="person__site",
        purpose="pathways api",
        audit_read=True,
    )
    return _enrolment_out(enrolment, steps=True)


@router.get("/persons/{person_id}/enrolment", response=EnrolmentDetailOut)
def person_enrolment(request: HttpRequest, person_id: uuid.UUID) -> Any:
    person = get_person(request.user, person_id, purpose="pathways api")
    enrolment = selectors.person_enrolment(person=person)
    if enrolment is None:
        raise Http404
    return _enrolment_out(enrolment, steps=True)


@router.get("/steps", response=list[StepOut])
def worklist(request: HttpRequest, filters: Query[WorklistQuery]) -> Any:
    """The caller's worklist: open steps at their sites, most urgent first."""
    _require_anywhere(request.user, STEP_VIEW)
    steps = selectors.worklist(
        user=request.user,
        filters=selectors.WorklistFilter(
            mine=filters.mine, due=filters.due, category=filters.category, step_code=filters.step_code
        ),
    )
    return [_step_out(s) for s in steps]


@router.get("/steps/{step_id}", response=StepOut)
def step_get(request: HttpRequest, step_id: uuid.UUID) -> Any:
    return _step_out(get_step(request.user, step_id))


@router.post("/steps/{step_id}/complete", response=StepOut)
def step_complete(request: HttpRequest, step_id: uuid.UUID, payload: StepCompleteIn) -> Any:
    step = get_step(request.user, step_id, STEP_UPDATE)
    step = services.step_complete(
        actor=request.user,
        step=step,
        completed_on=payload.completed_on,
        evidence=payload.evidence,
        result=payload.result,
    )
    return _step_out(step)


@router.post("/steps/{step_id}/status", response=StepOut)
def step_status(request: HttpRequest, step_id: uuid.UUID, payload: StepStatusIn) -> Any:
    step = get_step(request.user, step_id, STEP_UPDATE)
    return _step_out(
        services.step_set_status(actor=request.user, step=step, status=payload.status, reason=payload.reason)
    )


@router.get("/appointments", response=list[AppointmentOut])
def appointments_list(request: HttpRequest, start: datetime.date | None = None, days: int = 7) -> Any:
    """Appointments at the caller's sites from ``start`` (default today) for ``days`` days."""
    _require_anywhere(request.user, STEP_VIEW)
    start = start or timezone.localdate()
    qs = (
        access.scope(request.user, Appointment.objects.all(), STEP_VIEW)
        .filter(on_date__gte=start, on_date__lt=start + datetime.timedelta(days=max(1, min(days, 62))))
        .prefetch_related("steps")
        .order_by("on_date", "at_time")
    )
    return [_appointment_out(a) for a in qs]


@router.post("/appointments", response={201: AppointmentOut})
def appointment_book(request: HttpRequest, payload: AppointmentIn) -> Any:
    household = None
    persons = []
    if payload.household_id:
        household = get_household(request.user, payload.household_id, APPOINTMENT_MANAGE)
        site = household.site
    elif payload.person_ids:
        persons = [
            get_person(request.user, pid, APPOINTMENT_MANAGE, purpose="pathway appointment")
            for pid in payload.person_ids
        ]
        site = persons[0].site
    else:
        raise ValidationError({"person_ids": "Give person_ids or household_id."})
    appointment = services.appointment_book(
        actor=request.user,
        site=site,
        step_code=payload.step_code,
        on_date=payload.on_date,
        at_time=payload.at_time,
        place=payload.place,
        interpreter_needed=payload.interpreter_needed,
        persons=persons,
        household=household,
    )
    return Status(201, _appointment_out(appointment))


def _appointment(request: HttpRequest, appointment_id: uuid.UUID) -> Appointment:
    return access.get_for_user(
        request.user,
        Appointment.objects.select_related("site", "household"),
        appointment_id,
        capability=APPOINTMENT_MANAGE,
        purpose="pathways api",
    )


@router.post("/appointments/{appointment_id}/missed", response=AppointmentOut)
def appointment_missed(request: HttpRequest, appointment_id: uuid.UUID) -> Any:
    appointment = services.appointment_mark_missed(
        actor=request.user, appointment=_appointment(request, appointment_id)
    )
    return _appointment_out(appointment)


@router.post("/appointments/{appointment_id}/rebook", response={201: AppointmentOut})
def appointment_rebook(request: HttpRequest, appointment_id: uuid.UUID, payload: RebookIn) -> Any:
    new = services.appointment_rebook(
        actor=request.user,
        appointment=_appointment(request, appointment_id),
        on_date=payload.on_date,
        at_time=payload.at_time,
        place=payload.place,
    )
    return Status(201, _appointment_out(new))
