"""Integration pathways: the host country's procedure as data.

A ``PathwayTemplate`` (one jurisdiction, one version) holds ``StepTemplate``
rows loaded from a YAML file (``templates_data/``). A person is enrolled in
one template version (``Enrolment``) and gets one ``Step`` per applicable
step template. Nothing about Russia is in this code: the Perm procedure is
the default YAML file.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.accounts.models import Site


def _in_language(obj: Any, prefix: str) -> str:
    """``obj.<prefix>_<lang>`` for the active language, English as fallback."""
    lang = (translation.get_language() or "en")[:2]
    value = getattr(obj, f"{prefix}_{lang}", "") if lang in ("en", "ru", "ar") else ""
    return value or getattr(obj, f"{prefix}_en", "")


class Category(models.TextChoices):
    LEGAL_STATUS = "legal_status", _("Legal status")
    DOCUMENTS = "documents", _("Documents")
    MEDICAL = "medical", _("Medical")
    SOCIAL = "social", _("Social")
    EDUCATION_WORK = "education_work", _("Education and work")
    COMMUNICATION = "communication", _("Communication")
    EXIT = "exit", _("Exit")


class DayUnit(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class AgeGroup(models.TextChoices):
    ANY = "any", _("Everyone")
    ADULT = "adult", _("Adults")
    CHILD = "child", _("Children")


class PathwayTemplate(models.Model):
    """One version of a jurisdiction's procedure."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=20, help_text=_("ISO 3166 code, e.g. RU-PER."))
    country = models.CharField(_("country for public holidays"), max_length=2)
    subdivision = models.CharField(_("subdivision for public holidays"), max_length=10, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    source = models.TextField(_("YAML source"), blank=True)
    source_file = models.CharField(_("loaded from"), max_length=300, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="pathway_template_code_version_unique"),
            models.UniqueConstraint(fields=["code"], condition=Q(active=True), name="pathway_template_one_active"),
        ]
        verbose_name = _("pathway template")
        verbose_name_plural = _("pathway templates")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def name(self) -> str:
        return _in_language(self, "name")


class StepTemplate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(PathwayTemplate, on_delete=models.CASCADE, related_name="steps")
    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    help_ru = models.TextField(_("help (Russian)"), blank=True)
    help_ar = models.TextField(_("help (Arabic)"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    responsible_role = models.SlugField(_("responsible role"), max_length=40)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependants", verbose_name=_("prerequisites")
    )
    deadline_days = models.PositiveIntegerField(_("deadline (days)"), null=True, blank=True)
    deadline_unit = models.CharField(_("deadline unit"), max_length=10, choices=DayUnit.choices, default="calendar")
    deadline_after = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deadline counted after step"),
        help_text=_("Empty: counted from arrival."),
    )
    output_document = models.CharField(_("output document"), max_length=200, blank=True)
    validity_days = models.PositiveIntegerField(_("validity (days)"), null=True, blank=True)
    results = models.JSONField(_("allowed results"), default=list, blank=True)
    evidence_fields = models.JSONField(_("extra evidence fields"), default=list, blank=True)
    applies_age = models.CharField(_("applies to"), max_length=5, choices=AgeGroup.choices, default="any")
    applies_sex = models.JSONField(_("applies to sex"), default=list, blank=True)
    applies_needs = models.JSONField(_("applies to specific needs"), default=list, blank=True)
    applies_professions = models.JSONField(_("applies to professions"), default=list, blank=True)

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="step_template_code_unique")]
        verbose_name = _("step template")
        verbose_name_plural = _("step templates")

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return _in_language(self, "title")

    @property
    def help(self) -> str:
        return _in_language(self, "help")


class SiteTemplate(models.Model):
    """Which template family a site enrols people in (default: the Russian one)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="pathway_assignment")
    template_code = models.SlugField(_("template"), max_length=60)

    class Meta:
        verbose_name = _("site template")
        verbose_name_plural = _("site templates")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.template_code}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.site_id


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Enrolment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="enrolments")
    template = models.ForeignKey(PathwayTemplate, on_delete=models.PROTECT, related_name="enrolments")
    arrival_date = models.DateField(_("arrival date"))
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices, default="active")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="enrolment_one_active_per_person"
            ),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.template_id}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.person.site_id


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    BLOCKED = "blocked", pgettext_lazy("step status", "Blocked")


OPEN_STATUSES = (StepStatus.PENDING, StepStatus.SCHEDULED, StepStatus.IN_PROGRESS, StepStatus.BLOCKED)
CLOSED_STATUSES = (StepStatus.DONE, StepStatus.NOT_APPLICABLE)


class Step(models.Model):
    """One person's progress on one step of their template."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="steps")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pathway_steps")
    step_template = models.ForeignKey(StepTemplate, on_delete=models.PROTECT, related_name="instances")
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices, default="pending")
    blocked_reason = models.CharField(_("reason"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=40, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    details = models.JSONField(_("other evidence"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolment", "step_template__order"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "step_template"], name="step_once_per_enrolment"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="step_done_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="blocked") | ~Q(blocked_reason=""), name="step_blocked_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="step_status_due_idx"),
            models.Index(fields=["expires_on"], name="step_expires_idx"),
        ]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.step_template_id}/{self.status}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.person.site_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StepScan(models.Model):
    """The scan of a done step's evidence, encrypted with ``haven.lib.crypto``.

    Kept apart from ``Step`` so that lists of steps never load the file.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    step = models.OneToOneField(Step, on_delete=models.CASCADE, related_name="scan")
    data = models.BinaryField(_("scan (encrypted)"), editable=False)
    content_type = models.CharField(_("file type"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence scan")
        verbose_name_plural = _("evidence scans")

    def __str__(self) -> str:
        return f"scan of {self.step_id}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.step.person.site_id


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.Model):
    """A step booked for one person or a whole household."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="pathway_appointments")
    step_code = models.SlugField(_("step"), max_length=60)
    on_date = models.DateField(_("date"))
    at_time = models.TimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="pathway_appointments"
    )
    steps = models.ManyToManyField(Step, related_name="appointments", verbose_name=_("steps"))
    status = models.CharField(_("status"), max_length=10, choices=AppointmentStatus.choices, default="booked")
    rebooked_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rebooked_as"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True, help_text=_("Set once: a reminder is never sent twice.")
    )

    class Meta:
        ordering = ["on_date", "at_time"]
        indexes = [models.Index(fields=["site", "on_date"], name="appointment_site_date_idx")]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.step_code} {self.on_date} {self.at_time}"


class Notification(models.Model):
    """An in-app message for a user, or an outbound one for a person.

    The text never holds sensitive data: only when and where an
    appointment is, in the recipient's language.
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Delivery(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        NO_CONTACT = "no_contact", _("No contact details")
        NO_CONSENT = "no_consent", _("No consent to be contacted")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="pathway_notifications"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="pathway_notifications"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default="in_app")
    language = models.CharField(_("language"), max_length=8, default="en")
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(person__isnull=False), name="notification_has_recipient"
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at}"
