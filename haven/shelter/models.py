"""Reception sites: buildings, rooms, beds, stays, presence and transfers.

The ``Site`` itself lives in ``accounts``; the details a centre manager
keeps about it (address, contacts, the space norm and the absence
threshold) are in :class:`SiteProfile`. Capacity is derived, never stored:
a room holds as many people as it has beds and as its floor area allows at
the site's norm (Sphere: 4.5 m² per person in a cold climate).

Stays are history: a row is never reused. Moving a person ends one stay
(status ``moved``) and starts another. At most one active stay per bed and
per person is enforced by partial unique constraints, so two officers
cannot book the same last bed.

Presence events are append-only (database triggers refuse UPDATE and
DELETE); :class:`PresenceStatus` is the current state per person, written
by the same service in the same transaction.
"""

from __future__ import annotations

import math
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.accounts.models import Region, Site

DEFAULT_AREA_PER_PERSON = Decimal("4.5")
DEFAULT_ABSENCE_DAYS = 5


class SiteProfile(models.Model):
    site = models.OneToOneField(
        Site, primary_key=True, on_delete=models.CASCADE, related_name="shelter_profile", verbose_name=_("site")
    )
    address = models.TextField(_("address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    area_per_person_m2 = models.DecimalField(
        _("floor area per person (m²)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_AREA_PER_PERSON,
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=_("Sphere: at least 3.5 m², 4.5 to 5.5 m² in a cold climate."),
    )
    absence_threshold_days = models.PositiveSmallIntegerField(
        _("absence threshold (days)"), default=DEFAULT_ABSENCE_DAYS, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(area_per_person_m2__gt=0), name="siteprofile_area_norm_positive"),
            models.CheckConstraint(condition=Q(absence_threshold_days__gte=1), name="siteprofile_absence_days_min"),
        ]
        verbose_name = _("site profile")
        verbose_name_plural = _("site profiles")

    def __str__(self) -> str:
        return str(self.site)

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.site_id


class Building(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="building_site_name_unique")]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self) -> str:
        return self.name


class RoomDesignation(models.TextChoices):
    FAMILY = "family", _("Family")
    WOMEN = "women", _("Women only")
    MEN = "men", _("Men only")
    ACCESSIBLE = "accessible", _("Accessible")


class RoomStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    BLOCKED = "blocked", pgettext_lazy("room status", "Blocked")
    REPAIR = "repair", _("Under repair")


class Room(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Denormalised from the building so that access checks and occupancy
    # counts need no join; set by the service, never changed.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("site"))
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("building"))
    name = models.CharField(_("name"), max_length=50)
    floor = models.SmallIntegerField(_("floor"), default=1)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=_("The floor area must be more than 0 m²."))],
    )
    designation = models.CharField(
        _("designation"), max_length=12, choices=RoomDesignation.choices, default=RoomDesignation.FAMILY
    )
    status = models.CharField(_("status"), max_length=8, choices=RoomStatus.choices, default=RoomStatus.IN_USE)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="room_building_name_unique"),
            models.CheckConstraint(
                condition=Q(floor_area_m2__gt=0),
                name="room_floor_area_positive",
                violation_error_message=_("The floor area must be more than 0 m²."),
            ),
            models.CheckConstraint(condition=Q(designation__in=RoomDesignation.values), name="room_designation_valid"),
            models.CheckConstraint(condition=Q(status__in=RoomStatus.values), name="room_status_valid"),
        ]
        indexes = [models.Index(fields=["site", "status"], name="room_site_status_idx")]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return self.name

    def area_capacity(self, area_per_person: Decimal) -> int:
        """How many people the floor area holds at the given norm."""
        return math.floor(Decimal(self.floor_area_m2) / Decimal(area_per_person))


class Bed(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="beds", verbose_name=_("site"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="beds", verbose_name=_("room"))
    label = models.CharField(_("label"), max_length=20)

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["room", "label"], name="bed_room_label_unique")]
        verbose_name = _("bed")
        verbose_name_plural = _("beds")

    def __str__(self) -> str:
        return self.label


class StayStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CHECKED_IN = "checked_in", _("Checked in")
    MOVED = "moved", _("Moved to another bed")
    CHECKED_OUT = "checked_out", _("Checked out")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STAY_STATUSES = (StayStatus.PLANNED, StayStatus.CHECKED_IN)


class StayEndReason(models.TextChoices):
    MOVED = "moved", _("Moved to another bed")
    DEPARTURE = "departure", _("Departure")
    TRANSFER = "transfer", _("Transfer")
    STATUS_CLOSED = "status_closed", _("Case closed")
    OTHER = "other", _("Other")


class Stay(models.Model):
    """One person in one bed for one period. Never reused: history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stays", verbose_name=_("site"))
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="stays", verbose_name=_("person")
    )
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stays",
        verbose_name=_("household"),
    )
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="stays", verbose_name=_("bed"))
    status = models.CharField(_("status"), max_length=12, choices=StayStatus.choices)
    planned_from = models.DateField(_("planned from"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=16, choices=StayEndReason.choices, blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next", verbose_name=_("moved from")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # No double booking: one planned or current stay per bed, and
            # one per person. Partial unique indexes on SQLite and PostgreSQL.
            models.UniqueConstraint(
                fields=["bed"], condition=Q(status__in=ACTIVE_STAY_STATUSES), name="stay_one_active_per_bed"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=ACTIVE_STAY_STATUSES), name="stay_one_active_per_person"
            ),
            models.CheckConstraint(condition=Q(status__in=StayStatus.values), name="stay_status_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=[StayStatus.CHECKED_IN, StayStatus.MOVED, StayStatus.CHECKED_OUT])
                | Q(checked_in_at__isnull=False),
                name="stay_checked_in_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[StayStatus.MOVED, StayStatus.CHECKED_OUT]) | Q(checked_out_at__isnull=False),
                name="stay_ended_has_time",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=True)
                | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="stay_out_after_in",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "status"], name="stay_site_status_idx"),
            models.Index(fields=["site", "checked_in_at"], name="stay_site_in_idx"),
            models.Index(fields=["site", "checked_out_at"], name="stay_site_out_idx"),
        ]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")

    def __str__(self) -> str:
        return f"{self.status} {self.checked_in_at or self.planned_from}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STAY_STATUSES


class PresenceKind(models.TextChoices):
    IN = "in", _("Came in")
    OUT = "out", _("Went out")
    SEEN = "seen", _("Seen")


class PresenceEvent(models.Model):
    """Append-only: database triggers refuse UPDATE and DELETE."""

    id = models.BigAutoField(primary_key=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="presence_events", verbose_name=_("site"))
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="presence_events", verbose_name=_("person")
    )
    kind = models.CharField(_("event"), max_length=4, choices=PresenceKind.choices)
    at = models.DateTimeField(_("time"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=PresenceKind.values), name="presence_kind_valid")]
        indexes = [models.Index(fields=["person", "at"], name="presence_person_at_idx")]
        verbose_name = _("presence event")
        verbose_name_plural = _("presence events")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class PresenceStatus(models.Model):
    """The current presence of one person, kept by ``presence_record``."""

    person = models.OneToOneField(
        "registry.Person", primary_key=True, on_delete=models.CASCADE, related_name="presence_status"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    last_kind = models.CharField(_("last event"), max_length=4, choices=PresenceKind.choices)
    last_event_at = models.DateTimeField(_("last event at"))
    # The last time the person was known to be at the site (in or seen).
    last_seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("presence status")
        verbose_name_plural = _("presence statuses")

    def __str__(self) -> str:
        return f"{self.last_kind} {self.last_event_at:%Y-%m-%d}"


class TransferStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("Parent or legal guardian")
    REPRESENTATIVE = "representative", _("Legal representative")


class Transfer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="transfers", verbose_name=_("person")
    )
    from_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("from"))
    to_site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("destination site"),
    )
    to_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination region")
    )
    planned_date = models.DateField(_("planned date"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PLANNED
    )
    consent_given_by = models.CharField(
        _("consent to hand over given by"), max_length=16, choices=ConsentGivenBy.choices, blank=True
    )
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_site__isnull=False) | Q(to_region__isnull=False), name="transfer_has_destination"
            ),
            models.CheckConstraint(
                condition=(Q(consent_given_by="") & Q(consent_date__isnull=True))
                | (~Q(consent_given_by="") & Q(consent_date__isnull=False)),
                name="transfer_consent_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status=TransferStatus.COMPLETED) | Q(completed_at__isnull=False),
                name="transfer_completed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(to_site__isnull=True) | ~Q(to_site=models.F("from_site")),
                name="transfer_to_other_site",
            ),
        ]
        indexes = [models.Index(fields=["from_site", "status"], name="transfer_site_status_idx")]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.status} {self.planned_date}"

    @property
    def access_site_id(self) -> uuid.UUID:
        return self.from_site_id

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_given_by and self.consent_date)
