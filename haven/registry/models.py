"""Households and persons: the heart of Haven.

Every other app hangs its records off a ``Person`` or a ``Household``.
A person belongs to the site that currently holds their case
(``site``), which is what the access module checks.

There is no religion or ethnicity field, by design: a risk that comes
from who a person is is the specific need LP-RP, seen only by the roles
that need it.

Statuses, document types and specific-need codes are data (tables seeded
by migrations), not code. Reference tables carry their label in the three
interface languages; ``label`` picks the active one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.accounts.models import Site


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", pgettext_lazy("sex", "Other")
    UNKNOWN = "U", _("Unknown")


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact date")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated from age")


class Script(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    LATIN = "la", _("Latin")
    CYRILLIC = "cy", _("Cyrillic")


class NamePart(models.TextChoices):
    GIVEN = "given", _("Given name")
    FATHER = "father", _("Father's name")
    GRANDFATHER = "grandfather", _("Grandfather's name")
    FAMILY = "family", _("Family name")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "relative", _("Other relative")
    OTHER = "other", _("Not related")


class PhoneOwner(models.TextChoices):
    OWN = "own", _("Their own phone")
    CENTRE = "centre", _("The centre's phone")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    BASIC = "basic", _("Basic")
    NONE = "none", _("None")


class DocumentCustody(models.TextChoices):
    PERSON = "person", _("Held by the person")
    CENTRE = "centre", _("Kept by the centre")


class ConsentPurpose(models.TextChoices):
    REGISTRATION = "registration", _("Registration and case management")
    REFERRAL = "referral", _("Referral to partner services")
    TRANSFER = "transfer", _("Transfer of the case to another site")
    PHOTO = "photo", _("Photograph on the registration card")
    CONTACT = "contact", _("Contact by phone or messenger")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("The person")
    GUARDIAN = "guardian", _("A parent or guardian")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Rejected")
    DONE = "done", _("Imported")


class TranslatedLabelMixin(models.Model):
    """A reference row with its label in each interface language."""

    label_en = models.CharField(_("label (English)"), max_length=200)
    label_ru = models.CharField(_("label (Russian)"), max_length=200, blank=True)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        lang = (translation.get_language() or "en")[:2]
        return str(getattr(self, f"label_{lang}", "") or self.label_en)


class RegistrationCounter(models.Model):
    """The last number handed out for one series (e.g. ``person-2025``).

    Services lock the row with ``select_for_update`` so that concurrent
    registrations never get the same number.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class PersonStatus(TranslatedLabelMixin):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    is_present = models.BooleanField(_("counts as present"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("person status")
        verbose_name_plural = _("person statuses")

    def __str__(self) -> str:
        return self.code


class DocumentType(TranslatedLabelMixin):
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self) -> str:
        return self.code


class NeedCode(TranslatedLabelMixin):
    """A specific-needs code (UNHCR standardised codes by default), versioned."""

    code = models.CharField(_("code"), max_length=16)
    version = models.CharField(_("code list version"), max_length=32, default="unhcr-2009")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("category")
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Reveals a protection risk: seen only with registry.needs.protection.view."),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="needcode_code_version_unique")]
        verbose_name = _("specific-need code")
        verbose_name_plural = _("specific-need codes")

    def __str__(self) -> str:
        return self.code


class Household(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration_number = models.CharField(_("registration number"), max_length=32, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="households", verbose_name=_("site"))
    arrival_date = models.DateField(_("arrival date"))
    origin_country = models.CharField(_("country of origin"), max_length=2, default="SY")
    origin_governorate = models.CharField(_("governorate"), max_length=100, blank=True)
    origin_district = models.CharField(_("district"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration_number"]
        indexes = [models.Index(fields=["site", "arrival_date"], name="household_site_arrival_idx")]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.registration_number


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration_number = models.CharField(_("registration number"), max_length=32, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="persons", verbose_name=_("site"))
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    relationship = models.CharField(
        _("relationship to the head"), max_length=32, choices=Relationship.choices, blank=True
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_precision = models.CharField(
        _("precision of the date of birth"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    place_of_birth = models.CharField(_("place of birth"), max_length=120, blank=True)
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True, help_text=_("ISO 3166 codes"))
    phone = models.CharField(_("phone number"), max_length=32, blank=True)
    phone_owner = models.CharField(
        _("whose phone"), max_length=8, choices=PhoneOwner.choices, default=PhoneOwner.OWN, blank=True
    )
    profession = models.CharField(_("profession"), max_length=120, blank=True)
    status = models.ForeignKey(
        PersonStatus,
        to_field="code",
        db_column="status",
        on_delete=models.PROTECT,
        default="active",
        related_name="+",
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration_number"]
        indexes = [
            models.Index(fields=["site", "status"], name="person_site_status_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.registration_number


class PersonName(models.Model):
    """One part of a person's name in one script."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    part = models.CharField(_("name part"), max_length=12, choices=NamePart.choices)
    script = models.CharField(_("script"), max_length=2, choices=Script.choices)
    value = models.CharField(pgettext_lazy("of a person", "name"), max_length=100)
    normalized = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    is_document_spelling = models.BooleanField(_("as in the identity document"), default=False)

    class Meta:
        ordering = ["person", "part", "script"]
        constraints = [
            models.UniqueConstraint(fields=["person", "part", "script"], name="person_name_part_script_unique"),
            models.UniqueConstraint(
                fields=["person", "part"],
                condition=Q(is_document_spelling=True),
                name="person_name_one_document_spelling",
            ),
        ]
        verbose_name = pgettext_lazy("of a person", "name")
        verbose_name_plural = _("names")

    def __str__(self) -> str:
        return f"{self.part}/{self.script}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.person.site_id


class PersonLanguage(models.Model):
    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8, help_text=_("ISO 639 code, e.g. ar, ru, en, ku"))
    level = models.CharField(_("level"), max_length=8, choices=LanguageLevel.choices, default=LanguageLevel.NATIVE)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)

    class Meta:
        ordering = ["person", "language"]
        constraints = [models.UniqueConstraint(fields=["person", "language"], name="person_language_unique")]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.language


class IdentityDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents")
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    number = models.CharField(_("number"), max_length=64, blank=True)
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    custody = models.CharField(
        _("kept by"), max_length=8, choices=DocumentCustody.choices, default=DocumentCustody.PERSON
    )
    scan = models.BinaryField(_("scan (encrypted)"), null=True, blank=True, editable=False)
    scan_content_type = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "document_type__sort_order", "-issue_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(issue_date__isnull=True)
                | Q(expiry_date__gte=models.F("issue_date")),
                name="document_expiry_after_issue",
            ),
        ]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return str(self.document_type_id)

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.person.site_id

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_content_type)


class PersonNeed(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="needs")
    code = models.ForeignKey(NeedCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("code"))
    identified_on = models.DateField(_("identified on"))
    resolved_on = models.DateField(_("no longer applies since"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "code__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "code"], condition=Q(resolved_on__isnull=True), name="person_need_open_unique"
            ),
        ]
        verbose_name = _("specific need")
        verbose_name_plural = _("specific needs")

    def __str__(self) -> str:
        return str(self.code_id)

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.person.site_id


class Consent(models.Model):
    """The information notice given and the consent for one purpose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    notice_language = models.CharField(_("language of the notice"), max_length=8, default="ar")
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(_("given by"), max_length=8, choices=ConsentGiver.choices, default=ConsentGiver.SELF)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "purpose", "-given_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=~Q(given_by="guardian") | ~Q(guardian_name=""), name="consent_guardian_named"
            ),
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return self.purpose

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.person.site_id

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class RegistrationCard(models.Model):
    """One printed card. Its QR code carries only a signed token of (id, version)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cards")
    version = models.PositiveIntegerField(default=1)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="card_person_version_unique"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(revoked_at__isnull=True), name="card_one_valid_per_person"
            ),
        ]
        verbose_name = _("registration card")
        verbose_name_plural = _("registration cards")

    def __str__(self) -> str:
        return f"card v{self.version}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.person.site_id


class ImportJob(models.Model):
    """One uploaded file and its progress; the file itself is stored encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    file_format = models.CharField(max_length=4)
    payload = models.BinaryField(null=True, editable=False)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_persons = models.PositiveIntegerField(default=0)
    created_households = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return str(self.id)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.FAILED) else 0
        return min(100, int(100 * self.processed_rows / self.total_rows))
