"""Support case work: cases, plans, flags, sessions, examinations.

Statuses, flag types and session types are data (seeded by migration
0002), with labels in the three interface languages. Each session type
belongs to a compartment; a session's note is readable only with the
capability ``support.note.<compartment>.read`` and is stored encrypted
(``haven.support.crypto``). Referrals, disclosures and needs assessments
are in ``models_referrals`` and ``models_assessment`` and imported here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Site


class Compartment(models.TextChoices):
    SOCIAL = "social", _("Social")
    LEGAL = "legal", _("Legal")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    MEDICAL = "medical", _("Medical")


def _lang() -> str:
    return (get_language() or "en")[:2]


class Labelled(models.Model):
    """Reference data with a name in each interface language."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return getattr(self, f"name_{_lang()}", "") or self.name_en


class CaseStatus(Labelled):
    is_open = models.BooleanField(_("case is open"), default=True)
    requires_reason = models.BooleanField(_("needs a reason"), default=False)

    class Meta(Labelled.Meta):
        verbose_name = _("case status")
        verbose_name_plural = _("case statuses")


class CaseFlagType(Labelled):
    notice_en = models.CharField(_("check-in notice (English)"), max_length=200, blank=True)
    notice_ru = models.CharField(_("check-in notice (Russian)"), max_length=200, blank=True)
    notice_ar = models.CharField(_("check-in notice (Arabic)"), max_length=200, blank=True)
    shows_at_checkin = models.BooleanField(_("show the notice at check-in"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Labelled.Meta):
        verbose_name = _("case flag type")
        verbose_name_plural = _("case flag types")

    @property
    def notice(self) -> str:
        return getattr(self, f"notice_{_lang()}", "") or self.notice_en


class SessionType(Labelled):
    compartment = models.CharField(_("compartment"), max_length=16, choices=Compartment.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Labelled.Meta):
        verbose_name = _("session type")
        verbose_name_plural = _("session types")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Case(models.Model):
    """Support case of one person or one household, held at a site."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="support_cases", verbose_name=_("site"))
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="support_cases"
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="support_cases"
    )
    status = models.ForeignKey(CaseStatus, on_delete=models.PROTECT, related_name="+", verbose_name=_("status"))
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_cases",
        verbose_name=_("caseworker"),
    )
    deputies = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="support_deputy_cases", verbose_name=_("deputies")
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(household__isnull=True))
                | (Q(person__isnull=True) & Q(household__isnull=False)),
                name="support_case_person_xor_household",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_at__isnull=True), name="support_case_one_open_per_person"
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(closed_at__isnull=True), name="support_case_one_open_per_household"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "closed_at", "priority"], name="support_case_site_idx"),
            models.Index(fields=["caseworker", "closed_at"], name="support_case_worker_idx"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return str(self.person or self.household)

    @property
    def subject_number(self) -> str:
        subject = self.person if self.person_id else self.household
        return subject.registration_number if subject is not None else ""


class CaseFlag(models.Model):
    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    flag_type = models.ForeignKey(CaseFlagType, on_delete=models.PROTECT, related_name="+", verbose_name=_("flag"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "flag_type"], condition=Q(removed_at__isnull=True), name="support_flag_active_unique"
            )
        ]
        verbose_name = _("case flag")
        verbose_name_plural = _("case flags")

    def __str__(self) -> str:
        return self.flag_type.code

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.case.site_id


class Goal(models.Model):
    """A goal of the case plan; actions lead to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    due_on = models.DateField(_("target date"), null=True, blank=True)
    achieved_at = models.DateTimeField(_("achieved"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.case.site_id


class Action(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["goal", "done_at", "due_on"], name="support_action_due_idx")]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.goal.case.site_id


class Session(models.Model):
    """One contact with a person; the note is encrypted and compartmented."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="support_sessions")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="support_sessions")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type"))
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    interpreter = models.CharField(_("interpreter"), max_length=200, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_sessions", verbose_name=_("held by")
    )
    note_encrypted = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [
            models.Index(fields=["site", "held_on"], name="support_session_site_idx"),
            models.Index(fields=["person", "held_on"], name="support_session_person_idx"),
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.session_type.code} {self.held_on}"

    @property
    def compartment(self) -> str:
        return self.session_type.compartment


class ExamComponent(models.TextChoices):
    DRUG_TEST = "drug_test", _("Drug test")
    TB = "tb", _("Tuberculosis")
    LEPROSY = "leprosy", _("Leprosy")
    SYPHILIS = "syphilis", _("Syphilis")
    HIV = "hiv", _("HIV")


class ExamResult(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    FOLLOW_UP = "follow_up", _("Follow-up")


class MedicalExam(models.Model):
    """The mandatory examination: components done and a result flag.

    Only the flag (cleared / follow-up) is on the general record; the
    details are in the medical compartment, encrypted like notes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="support_medical_exams")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="support_medical_exams")
    examined_on = models.DateField(_("examined on"))
    facility = models.CharField(_("facility"), max_length=200)
    components = models.JSONField(_("components done"), default=list)
    result = models.CharField(_("result"), max_length=16, choices=ExamResult.choices)
    certificate_expires_on = models.DateField(_("certificate valid until"), null=True, blank=True)
    details_encrypted = models.TextField(blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pathway_synced = models.BooleanField(_("pathway step completed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-examined_on"]
        verbose_name = _("medical examination")
        verbose_name_plural = _("medical examinations")

    def __str__(self) -> str:
        return f"{self.examined_on} {self.result}"

    @property
    def component_labels(self) -> list[str]:
        labels = dict(ExamComponent.choices)
        return [str(labels.get(c, c)) for c in self.components]


from haven.support.models_assessment import (  # noqa: E402
    Assessment,
    AssessmentKind,
    Proposal,
    ProposalStatus,
    Question,
    Questionnaire,
)
from haven.support.models_referrals import (  # noqa: E402
    DataCategory,
    DisclosureRecord,
    LegalBasis,
    ProviderKind,
    Referral,
    ReferralStatus,
    ServiceProvider,
)

__all__ = [
    "Action",
    "Assessment",
    "AssessmentKind",
    "Case",
    "CaseFlag",
    "CaseFlagType",
    "CaseStatus",
    "Compartment",
    "DataCategory",
    "DisclosureRecord",
    "ExamComponent",
    "ExamResult",
    "Goal",
    "LegalBasis",
    "MedicalExam",
    "Priority",
    "Proposal",
    "ProviderKind",
    "ProposalStatus",
    "Question",
    "Questionnaire",
    "Referral",
    "ReferralStatus",
    "ServiceProvider",
    "SessionType",
    "Session",
]
