"""Needs assessment: a questionnaire kept as data, answers, proposals.

Each question is asked in the user's language (text in English, Russian
and Arabic). A "yes" proposes a specific need (UNHCR code such as SM-CI)
and/or a case flag; the caseworker confirms or rejects each proposal.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.support.models import Case, CaseFlagType, _lang


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="support_questionnaire_version")]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def title(self) -> str:
        return getattr(self, f"title_{_lang()}", "") or self.title_en


class Question(models.Model):
    id = models.BigAutoField(primary_key=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_ru = models.CharField(_("question (Russian)"), max_length=300, blank=True)
    text_ar = models.CharField(_("question (Arabic)"), max_length=300, blank=True)
    proposes_need_code = models.CharField(_("proposes specific need"), max_length=16, blank=True)
    proposes_flag = models.ForeignKey(
        CaseFlagType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposes flag")
    )

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="support_question_code")]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return getattr(self, f"text_{_lang()}", "") or self.text_en


class AssessmentKind(models.TextChoices):
    ARRIVAL = "arrival", _("At arrival")
    REVIEW = "review", _("Review")


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices, default=AssessmentKind.ARRIVAL)
    answers = models.JSONField(_("answers"), default=dict)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self) -> str:
        return f"{self.kind} {self.answered_at:%Y-%m-%d}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.case.site_id


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("To confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Proposal(models.Model):
    """A specific need or a flag that an answer suggests."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="proposals")
    question = models.ForeignKey(Question, null=True, on_delete=models.SET_NULL, related_name="+")
    need_code = models.CharField(_("specific need"), max_length=16, blank=True)
    flag_type = models.ForeignKey(CaseFlagType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    applied_to = models.ManyToManyField(
        "registry.Person",
        blank=True,
        related_name="+",
        verbose_name=_("applies to"),
        help_text=_("On a household case: the members a confirmed need was added to."),
    )

    class Meta:
        ordering = ["need_code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(need_code="") | models.Q(flag_type__isnull=False),
                name="support_proposal_has_target",
            )
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.need_code or str(self.flag_type)

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.assessment.case.site_id
