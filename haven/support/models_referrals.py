"""Referrals to services and the register of disclosures to third parties.

A referral that sends personal data outside the centre needs the
person's consent, naming what is sent, to whom and for what purpose; each
disclosure is one ``DisclosureRecord``. A recipient marked as an authority
of the country of origin can never receive anything (DOMAIN.md (c) rule 4).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Site
from haven.support.models import Case


class ProviderKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital or clinic")
    SCHOOL = "school", _("School")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial NGO")
    EMPLOYER = "employer", _("Employer")
    AUTHORITY = "authority", _("Public authority")
    OTHER = "other", _("Other")


class ServiceProvider(models.Model):
    """Where people are referred; not personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ProviderKind.choices)
    is_internal = models.BooleanField(_("inside the centre"), default=False)
    is_origin_authority = models.BooleanField(
        _("authority of a country of origin"),
        default=False,
        help_text=_("Never receives personal data, whatever the consent."),
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: available at every site."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DONE = "done", _("Done")


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Names, sex and date of birth")
    REGISTRATION = "registration", _("Registration number")
    CONTACT = "contact", _("Contact details and address")
    DOCUMENTS = "documents", _("Identity and status documents")
    LEGAL_STATUS = "legal_status", _("Legal status")
    NEEDS = "needs", _("Specific needs")
    MEDICAL = "medical", _("Medical information")
    EDUCATION = "education", _("Education and qualifications")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTEREST = "vital_interest", _("Vital interest")


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="support_referrals")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="support_referrals")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referred to")
    )
    reason = models.TextField(_("reason"))
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_given_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_on = models.DateField(_("consent date"), null=True, blank=True)
    registry_consent = models.ForeignKey(
        "registry.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent record"),
        help_text=_("The person's consent to referrals recorded in the registry, when there is one."),
    )
    data_shared = models.JSONField(_("data sent"), default=list)
    purpose = models.CharField(_("purpose of the disclosure"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["site", "status", "sent_at"], name="support_referral_site_idx")]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.provider} ({self.status})"

    @property
    def data_shared_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(c, c)) for c in self.data_shared]


class DisclosureRecord(models.Model):
    """One disclosure of a person's data to a third party (append-only)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="support_disclosures")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="support_disclosures")
    recipient = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="disclosures")
    recipient_name = models.CharField(_("recipient"), max_length=200)
    data_categories = models.JSONField(_("data sent"), default=list)
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures")
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField(_("disclosed"))

    class Meta:
        ordering = ["-disclosed_at"]
        indexes = [models.Index(fields=["site", "disclosed_at"], name="support_disclosure_site_idx")]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.disclosed_at:%Y-%m-%d}"

    @property
    def data_category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(c, c)) for c in self.data_categories]
