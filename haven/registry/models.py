"""Households and persons: the heart of Haven.

Every other app hangs its records off a ``Person`` or a ``Household``.
A person belongs to the site that currently holds their case
(``site``), which is what the access module checks.

There is no religion or ethnicity field, by design: a risk that comes
from who a person is is the specific need LP-RP, seen only by the roles
that need it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Site


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other")
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
    relationship = models.CharField(_("relationship to the head"), max_length=32, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_precision = models.CharField(
        _("precision of the date of birth"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    status = models.CharField(_("status"), max_length=32, default="active")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration_number"]
        indexes = [models.Index(fields=["site", "status"], name="person_site_status_idx")]
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
    value = models.CharField(_("name"), max_length=100)
    is_document_spelling = models.BooleanField(_("as in the identity document"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "part", "script"], name="person_name_part_script_unique"),
        ]
        verbose_name = _("name")
        verbose_name_plural = _("names")

    def __str__(self) -> str:
        return f"{self.part}/{self.script}"
