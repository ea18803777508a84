"""Input and output schemas of the support API (explicit fields, never "all")."""

from __future__ import annotations

import datetime
import uuid

from ninja import Field, Schema


class ActionOut(Schema):
    id: uuid.UUID
    title: str
    owner: str | None
    due_on: datetime.date | None
    done_at: datetime.datetime | None


class GoalOut(Schema):
    id: uuid.UUID
    title: str
    due_on: datetime.date | None
    achieved_at: datetime.datetime | None
    actions: list[ActionOut]


class CaseOut(Schema):
    id: uuid.UUID
    site_id: uuid.UUID
    person_id: uuid.UUID | None
    household_id: uuid.UUID | None
    subject_number: str
    status: str
    status_label: str
    status_reason: str
    priority: int
    caseworker: str | None
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    flags: list[str]


class CaseDetailOut(CaseOut):
    goals: list[GoalOut]
    session_ids: list[uuid.UUID]


class CaseIn(Schema):
    person_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    priority: int = 2


class CaseStatusIn(Schema):
    status: str
    reason: str = ""


class FlagIn(Schema):
    flag: str
    comment: str = ""


class GoalIn(Schema):
    title: str
    due_on: datetime.date | None = None


class ActionIn(Schema):
    title: str
    owner_id: uuid.UUID | None = None
    due_on: datetime.date | None = None


class SessionOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    case_id: uuid.UUID | None
    session_type: str
    compartment: str
    held_on: datetime.date
    duration_minutes: int
    place: str
    interpreter: str
    staff: str
    note_readable: bool
    note: str | None


class SessionIn(Schema):
    person_id: uuid.UUID
    session_type: str
    held_on: datetime.date
    duration_minutes: int = 60
    place: str = ""
    interpreter: str = ""
    note: str = ""


class NoteIn(Schema):
    note: str


class ExamIn(Schema):
    person_id: uuid.UUID
    examined_on: datetime.date
    facility: str
    components: list[str]
    result: str
    details: str = ""
    certificate_expires_on: datetime.date | None = None


class ExamOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    examined_on: datetime.date
    facility: str
    components: list[str]
    result: str
    certificate_expires_on: datetime.date | None
    pathway_synced: bool


class ProviderOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    is_internal: bool


class ReferralIn(Schema):
    person_id: uuid.UUID
    provider_id: uuid.UUID
    reason: str
    consent_given: bool = False
    consent_given_by: str = ""
    data_shared: list[str] = []
    purpose: str = ""


class ReferralOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    provider_id: uuid.UUID
    provider: str
    reason: str
    consent_given: bool
    registry_consent_id: uuid.UUID | None = Field(
        None, description="The person's consent to referrals in the registry (purpose `referral`), if recorded."
    )
    data_shared: list[str]
    purpose: str
    status: str
    outcome: str
    sent_at: datetime.datetime


class ReferralStatusIn(Schema):
    status: str
    outcome: str = ""


class DisclosureOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    recipient_id: uuid.UUID
    recipient_name: str
    data_categories: list[str]
    purpose: str
    legal_basis: str
    referral_id: uuid.UUID | None
    disclosed_by: str
    disclosed_at: datetime.datetime


class QuestionOut(Schema):
    code: str
    text: str


class QuestionnaireOut(Schema):
    code: str
    version: int
    title: str
    questions: list[QuestionOut]


class AssessmentIn(Schema):
    kind: str = "arrival"
    answers: dict[str, bool]


class ProposalOut(Schema):
    id: uuid.UUID
    need_code: str
    flag: str | None
    status: str
    applied_to: list[uuid.UUID] = Field(
        default_factory=list, description="On a household case: the members a confirmed need was added to."
    )


class AssessmentOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    answers: dict[str, bool]
    answered_at: datetime.datetime
    proposals: list[ProposalOut]


class DecisionIn(Schema):
    confirm: bool
    person_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="On a household case, the members a confirmed need applies to (at least one).",
    )
