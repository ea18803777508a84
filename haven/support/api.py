"""REST endpoints of the support app, mounted at /api/v1/support/ by haven.api.

A session's ``note`` is in the response only for a user who may read its
compartment (``null`` otherwise, with ``note_readable: false``), and only
from ``GET /sessions/{id}``, which audits the read. Lists never carry notes.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from haven.accounts import roles
from haven.accounts.access import get_for_user, require
from haven.api.errors import ServiceError
from haven.support import selectors, services, services_referrals
from haven.support.models import (
    Action,
    Assessment,
    Case,
    DisclosureRecord,
    ExamResult,
    Goal,
    MedicalExam,
    Proposal,
    Referral,
    ServiceProvider,
    Session,
    SessionType,
)
from haven.support.schemas import (
    ActionIn,
    ActionOut,
    AssessmentIn,
    AssessmentOut,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CaseStatusIn,
    DecisionIn,
    DisclosureOut,
    ExamIn,
    ExamOut,
    FlagIn,
    GoalIn,
    GoalOut,
    NoteIn,
    ProposalOut,
    ProviderOut,
    QuestionnaireOut,
    ReferralIn,
    ReferralOut,
    ReferralStatusIn,
    SessionIn,
    SessionOut,
)

router = Router(tags=["support"])

MAX_LIMIT = 200


# --- Converters ----------------------------------------------------------


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _case(case: Case, flags: list[str] | None = None) -> dict[str, Any]:
    if flags is None:
        flags = [f.flag_type.code for f in case.flags.filter(removed_at__isnull=True).select_related("flag_type")]
    return {
        "id": case.pk,
        "site_id": case.site_id,
        "person_id": case.person_id,
        "household_id": case.household_id,
        "subject_number": case.subject_number,
        "status": case.status.code,
        "status_label": case.status.label,
        "status_reason": case.status_reason,
        "priority": case.priority,
        "caseworker": _username(case.caseworker),
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "flags": flags,
    }


def _session(session: Session, note: str | None = None) -> dict[str, Any]:
    return {
        "id": session.pk,
        "person_id": session.person_id,
        "case_id": session.case_id,
        "session_type": session.session_type.code,
        "compartment": session.session_type.compartment,
        "held_on": session.held_on,
        "duration_minutes": session.duration_minutes,
        "place": session.place,
        "interpreter": session.interpreter,
        "staff": session.staff.get_username(),
        "note_readable": note is not None,
        "note": note,
    }


def _referral(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "person_id": r.person_id,
        "provider_id": r.provider_id,
        "provider": r.provider.name,
        "reason": r.reason,
        "consent_given": r.consent_given,
        "registry_consent_id": r.registry_consent_id,
        "data_shared": r.data_shared,
        "purpose": r.purpose,
        "status": r.status,
        "outcome": r.outcome,
        "sent_at": r.sent_at,
    }


def _assessment(a: Assessment, user: Any) -> dict[str, Any]:
    hidden = selectors.hidden_need_codes(user, a.case)
    return {
        "id": a.pk,
        "case_id": a.case_id,
        "kind": a.kind,
        "answers": selectors.assessment_answers_visible(a, hidden),
        "answered_at": a.answered_at,
        "proposals": [_proposal(p) for p in a.proposals.all() if not selectors.need_hidden(p.need_code, hidden)],
    }


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "need_code": p.need_code,
        "flag": p.flag_type.code if p.flag_type else None,
        "status": p.status,
        "applied_to": [person.pk for person in p.applied_to.all()],
    }


def _page(limit: int, offset: int) -> slice:
    limit = max(1, min(limit, MAX_LIMIT))
    return slice(max(offset, 0), max(offset, 0) + limit)


# --- Cases ------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut])
def case_list(request: HttpRequest, all: bool = False, limit: int = 50, offset: int = 0) -> Any:  # noqa: A002
    """Open cases: yours (assigned or deputy), or all at your sites with ``all=true``."""
    require(request.user, roles.CASE_VIEW, purpose="caseload")
    rows = selectors.caseload(user=request.user, mine=not all)[_page(limit, offset)]
    return [_case(c, [f.flag_type.code for f in getattr(c, "active_flags", [])]) for c in rows]


@router.post("/cases", response={201: CaseOut})
def case_create(request: HttpRequest, payload: CaseIn) -> Any:
    from haven.registry.models import Household

    person = household = None
    if payload.person_id:
        person = selectors.person_get_for_user(request.user, payload.person_id, purpose="open a case")
    if payload.household_id:
        household = get_for_user(
            request.user, Household.objects.all(), payload.household_id, capability=roles.PERSON_VIEW
        )
    case = services.case_open(actor=request.user, person=person, household=household, priority=payload.priority)
    return Status(201, _case(case, []))


@router.get("/cases/{case_id}", response=CaseDetailOut)
def case_get(request: HttpRequest, case_id: uuid.UUID) -> Any:
    case = selectors.case_get_for_user(request.user, case_id, purpose="case api")
    detail = selectors.case_detail(user=request.user, case=case)
    goals = [
        {
            "id": g.pk,
            "title": g.title,
            "due_on": g.due_on,
            "achieved_at": g.achieved_at,
            "actions": [
                {"id": a.pk, "title": a.title, "owner": _username(a.owner), "due_on": a.due_on, "done_at": a.done_at}
                for a in g.actions.all()
            ],
        }
        for g in detail["goals"]
    ]
    flags = [f.flag_type.code for f in detail["flags"]]
    return {**_case(case, flags), "goals": goals, "session_ids": [s.pk for s in detail["sessions"]]}


@router.post("/cases/{case_id}/status", response=CaseOut)
def case_status(request: HttpRequest, case_id: uuid.UUID, payload: CaseStatusIn) -> Any:
    case = selectors.case_get_for_user(request.user, case_id, purpose="change case status")
    case = services.case_set_status(actor=request.user, case=case, status_code=payload.status, reason=payload.reason)
    return _case(case)


@router.post("/cases/{case_id}/flags", response={201: CaseOut})
def case_flag(request: HttpRequest, case_id: uuid.UUID, payload: FlagIn) -> Any:
    case = selectors.case_get_for_user(request.user, case_id, purpose="flag a case")
    services.case_flag_add(actor=request.user, case=case, flag_code=payload.flag, comment=payload.comment)
    return Status(201, _case(case))


@router.post("/cases/{case_id}/goals", response={201: GoalOut})
def goal_create(request: HttpRequest, case_id: uuid.UUID, payload: GoalIn) -> Any:
    case = selectors.case_get_for_user(request.user, case_id, purpose="plan a case")
    goal = services.goal_add(actor=request.user, case=case, title=payload.title, due_on=payload.due_on)
    return Status(201, {"id": goal.pk, "title": goal.title, "due_on": goal.due_on, "achieved_at": None, "actions": []})


@router.post("/goals/{goal_id}/actions", response={201: ActionOut})
def action_create(request: HttpRequest, goal_id: uuid.UUID, payload: ActionIn) -> Any:
    goal = get_for_user(
        request.user, Goal.objects.select_related("case"), goal_id, capability=roles.CASE_VIEW, site_field="case__site"
    )
    owner = None
    if payload.owner_id:
        owner = get_user_model().objects.filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": _("Unknown user.")})
    action = services.action_add(actor=request.user, goal=goal, title=payload.title, owner=owner, due_on=payload.due_on)
    return Status(
        201,
        {"id": action.pk, "title": action.title, "owner": _username(owner), "due_on": action.due_on, "done_at": None},
    )


@router.post("/actions/{action_id}/done", response=ActionOut)
def action_complete(request: HttpRequest, action_id: uuid.UUID) -> Any:
    action = get_for_user(
        request.user,
        Action.objects.select_related("goal__case", "owner"),
        action_id,
        capability=roles.CASE_VIEW,
        site_field="goal__case__site",
    )
    action = services.action_done(actor=request.user, action=action)
    return {
        "id": action.pk,
        "title": action.title,
        "owner": _username(action.owner),
        "due_on": action.due_on,
        "done_at": action.done_at,
    }


# --- Sessions and examinations ------------------------------------------


@router.get("/persons/{person_id}/sessions", response=list[SessionOut])
def person_sessions(request: HttpRequest, person_id: uuid.UUID) -> Any:
    """Sessions that took place (type, date, who); notes only from GET /sessions/{id}."""
    person = selectors.person_get_for_user(
        request.user, person_id, purpose="support sessions", needs=(roles.SESSION_VIEW,)
    )
    return [_session(s) for s in selectors.sessions_for_person(user=request.user, person=person)]


@router.post("/sessions", response={201: SessionOut})
def session_create(request: HttpRequest, payload: SessionIn) -> Any:
    person = selectors.person_get_for_user(request.user, payload.person_id, purpose="record a session")
    session_type = SessionType.objects.filter(code=payload.session_type, is_active=True).first()
    if session_type is None:
        raise ValidationError({"session_type": _("Unknown session type.")})
    session = services.session_record(
        actor=request.user,
        person=person,
        session_type=session_type,
        held_on=payload.held_on,
        duration_minutes=payload.duration_minutes,
        place=payload.place,
        interpreter=payload.interpreter,
        note=payload.note,
    )
    return Status(201, _session(session, payload.note.strip()))


PURPOSE_CODE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
"""The ``purpose`` of a note read is a short code (``review``, ``handover``): it goes into the URL and the audit log."""


@router.get("/sessions/{session_id}", response=SessionOut)
def session_get(request: HttpRequest, session_id: uuid.UUID, purpose: str = "api") -> Any:
    """One session; its note if your role may read the compartment (the read is audited with ``purpose``)."""
    if not PURPOSE_CODE.match(purpose):
        raise ServiceError(
            "purpose_code",
            _("The purpose is a short code in lower-case Latin letters, such as review or handover: never a name."),
        )
    session = selectors.session_get_for_user(request.user, session_id)
    note = selectors.session_note_read(user=request.user, session=session, purpose=f"api: {purpose}"[:200])
    return _session(session, note)


@router.put("/sessions/{session_id}/note", response=SessionOut)
def session_note(request: HttpRequest, session_id: uuid.UUID, payload: NoteIn) -> Any:
    session = selectors.session_get_for_user(request.user, session_id)
    session = services.session_note_update(actor=request.user, session=session, note=payload.note)
    return _session(session, payload.note.strip())


def _exam(exam: MedicalExam) -> dict[str, Any]:
    return {
        "id": exam.pk,
        "person_id": exam.person_id,
        "examined_on": exam.examined_on,
        "facility": exam.facility,
        "components": exam.components,
        "result": exam.result,
        "certificate_expires_on": exam.certificate_expires_on,
        "pathway_synced": exam.pathway_synced,
    }


@router.get("/persons/{person_id}/examinations", response=list[ExamOut])
def person_exams(request: HttpRequest, person_id: uuid.UUID) -> Any:
    """The general record: components done and cleared / follow-up, never the details."""
    person = selectors.person_get_for_user(
        request.user, person_id, purpose="medical examinations", needs=(roles.SESSION_VIEW, roles.CASE_VIEW)
    )
    return [_exam(e) for e in selectors.medical_exams_for_person(user=request.user, person=person)]


@router.post("/examinations", response={201: ExamOut})
def exam_create(request: HttpRequest, payload: ExamIn) -> Any:
    person = selectors.person_get_for_user(request.user, payload.person_id, purpose="record a medical examination")
    if payload.result not in ExamResult.values:
        raise ValidationError({"result": _("The result is either cleared or follow-up.")})
    exam = services.medical_exam_record(actor=request.user, person=person, **payload.dict(exclude={"person_id"}))
    return Status(201, _exam(exam))


# --- Referrals and disclosures -------------------------------------------


@router.get("/providers", response=list[ProviderOut])
def provider_list(request: HttpRequest) -> Any:
    require(request.user, roles.REFERRAL_MANAGE, purpose="referrals")
    return list(ServiceProvider.objects.filter(is_active=True, is_origin_authority=False))


@router.get("/referrals", response=list[ReferralOut])
def referral_list(request: HttpRequest, status: str | None = None, limit: int = 50, offset: int = 0) -> Any:
    require(request.user, roles.REFERRAL_MANAGE, purpose="referrals")
    return [_referral(r) for r in selectors.referrals_for_user(user=request.user, status=status)[_page(limit, offset)]]


@router.post("/referrals", response={201: ReferralOut})
def referral_create(request: HttpRequest, payload: ReferralIn) -> Any:
    person = selectors.person_get_for_user(request.user, payload.person_id, purpose="refer to a service")
    provider = ServiceProvider.objects.filter(pk=payload.provider_id).first()
    if provider is None:
        raise ValidationError({"provider_id": _("Unknown service.")})
    referral = services_referrals.referral_create(
        actor=request.user,
        person=person,
        provider=provider,
        reason=payload.reason,
        consent_given=payload.consent_given,
        consent_given_by=payload.consent_given_by,
        data_shared=payload.data_shared,
        purpose=payload.purpose,
    )
    return Status(201, _referral(referral))


@router.post("/referrals/{referral_id}/status", response=ReferralOut)
def referral_status(request: HttpRequest, referral_id: uuid.UUID, payload: ReferralStatusIn) -> Any:
    referral = selectors.referral_get_for_user(request.user, referral_id)
    referral = services_referrals.referral_set_status(
        actor=request.user, referral=referral, status=payload.status, outcome=payload.outcome
    )
    return _referral(referral)


@router.get("/disclosures", response=list[DisclosureOut])
def disclosure_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> Any:
    """The register of disclosures to third parties at your sites."""
    if not selectors.may_view_disclosures(request.user):
        require(request.user, roles.REFERRAL_MANAGE, purpose="disclosure register")
    rows: list[DisclosureRecord] = list(selectors.disclosures_for_user(user=request.user)[_page(limit, offset)])
    return [
        {
            "id": d.pk,
            "person_id": d.person_id,
            "recipient_id": d.recipient_id,
            "recipient_name": d.recipient_name,
            "data_categories": d.data_categories,
            "purpose": d.purpose,
            "legal_basis": d.legal_basis,
            "referral_id": d.referral_id,
            "disclosed_by": d.disclosed_by.get_username(),
            "disclosed_at": d.disclosed_at,
        }
        for d in rows
    ]


# --- Needs assessments ---------------------------------------------------


@router.get("/questionnaires/{code}", response=QuestionnaireOut)
def questionnaire_get(request: HttpRequest, code: str) -> Any:
    """The questions, in the language of the request."""
    require(request.user, roles.CASE_VIEW, purpose="needs assessment")
    q = selectors.questionnaire_current(code)
    questions = [{"code": x.code, "text": x.text} for x in q.questions.all()]
    return {"code": q.code, "version": q.version, "title": q.title, "questions": questions}


@router.post("/cases/{case_id}/assessments", response={201: AssessmentOut})
def assessment_create(request: HttpRequest, case_id: uuid.UUID, payload: AssessmentIn) -> Any:
    case = selectors.case_get_for_user(request.user, case_id, purpose="assess needs")
    assessment = services_referrals.assessment_record(
        actor=request.user,
        case=case,
        questionnaire=selectors.questionnaire_current(),
        answers=payload.answers,
        kind=payload.kind,
    )
    return Status(201, _assessment(assessment, request.user))


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def assessment_get(request: HttpRequest, assessment_id: uuid.UUID) -> Any:
    return _assessment(selectors.assessment_get_for_user(request.user, assessment_id), request.user)


@router.post("/proposals/{proposal_id}/decision", response=ProposalOut)
def proposal_decision(request: HttpRequest, proposal_id: uuid.UUID, payload: DecisionIn) -> Any:
    proposal = selectors.proposal_get_for_user(request.user, proposal_id)
    case = proposal.assessment.case
    persons = None
    if case.household_id and payload.person_ids:
        persons = selectors.case_members(case, ids=payload.person_ids)
        if len(persons) != len(set(payload.person_ids)):
            raise ValidationError({"person_ids": _("Choose only members of this household.")})
    proposal = services_referrals.proposal_decide(
        actor=request.user, proposal=proposal, confirm=payload.confirm, persons=persons
    )
    return _proposal(proposal)
