"""Changes to sites, rooms, beds and stays. One transaction each, audited.

Presence is in :mod:`haven.shelter.services_presence`, transfers in
:mod:`haven.shelter.services_transfers`.

No double booking: every service that puts a person in a bed locks the
bed row (``select_for_update``) before it looks for an active stay, and
the partial unique constraints on ``Stay`` turn any race the lock does not
cover into an ``IntegrityError``, which becomes the translated
``bed_taken`` error. Either way, exactly one officer gets the bed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Site
from haven.api.errors import ServiceError
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.registry.models import Household, Person
from haven.shelter.models import (
    ACTIVE_STAY_STATUSES,
    Bed,
    Building,
    Room,
    RoomDesignation,
    RoomStatus,
    SiteProfile,
    Stay,
    StayEndReason,
    StayStatus,
)
from haven.shelter.rules import designation_allows, person_is_present

PROFILE_FIELDS = (
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "area_per_person_m2",
    "absence_threshold_days",
)


def bed_taken_error() -> ServiceError:
    return ServiceError("bed_taken", _("This bed was just taken by someone else. Choose another bed."), status=409)


def person_has_stay_error() -> ServiceError:
    return ServiceError("person_has_stay", _("This person already has a bed. Move them instead."), status=409)


# --- Sites, buildings, rooms, beds -------------------------------------------


def site_profile_update(*, actor: Any, site: Site, **changes: Any) -> SiteProfile:
    """Create or change the site's details; unknown fields are refused."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown site detail: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        profile, created = SiteProfile.objects.select_for_update().get_or_create(site=site)
        changed = [name for name, value in changes.items() if getattr(profile, name) != value]
        for name in changed:
            setattr(profile, name, changes[name])
        profile.full_clean()
        profile.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=profile,
            fields=changed,
            values={
                name: str(changes[name])
                for name in changed
                if name in ("area_per_person_m2", "absence_threshold_days", "address")
            },
        )
    return profile


def building_create(*, actor: Any, site: Site, name: str, sort_order: int = 0) -> Building:
    with transaction.atomic():
        building = Building(site=site, name=name.strip(), sort_order=sort_order)
        building.full_clean()
        building.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=building, fields=["name"], values={"name": name})
    return building


def building_update(
    *, actor: Any, building: Building, name: str | None = None, sort_order: int | None = None
) -> Building:
    """Rename a building or change its place in the lists."""
    with transaction.atomic():
        locked = Building.objects.select_for_update().get(pk=building.pk)
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = name.strip()
        if sort_order is not None:
            changes["sort_order"] = sort_order
        _apply_and_audit(actor=actor, locked=locked, changes=changes)
    return locked


def _apply_and_audit(*, actor: Any, locked: Any, changes: dict[str, Any]) -> None:
    """Set what differs on a locked row, validate, save and audit the change."""
    changed = [key for key, value in changes.items() if getattr(locked, key) != value]
    for key in changed:
        setattr(locked, key, changes[key])
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        fields=changed,
        values={key: str(changes[key]) for key in changed},
    )


def room_create(
    *,
    actor: Any,
    building: Building,
    name: str,
    floor_area_m2: Decimal | float | str,
    designation: str = RoomDesignation.FAMILY,
    status: str = RoomStatus.IN_USE,
    floor: int = 1,
    beds: int = 0,
) -> Room:
    """A room with ``beds`` beds labelled 1..n."""
    if beds < 0:
        raise ValidationError({"beds": _("The number of beds cannot be negative.")})
    with transaction.atomic():
        room = Room(
            site_id=building.site_id,
            building=building,
            name=name.strip(),
            floor=floor,
            floor_area_m2=Decimal(str(floor_area_m2)),
            designation=designation,
            status=status,
        )
        room.full_clean()
        room.save()
        new_beds = [Bed(site_id=room.site_id, room=room, label=str(n)) for n in range(1, beds + 1)]
        for bed in new_beds:
            bed.full_clean(exclude=["room"], validate_unique=False, validate_constraints=False)
        Bed.objects.bulk_create(new_beds)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=room,
            fields=["name", "floor_area_m2", "designation", "status", "beds"],
            values={
                "name": room.name,
                "floor_area_m2": str(room.floor_area_m2),
                "designation": designation,
                "status": status,
                "beds": beds,
            },
        )
    return room


def room_update(
    *,
    actor: Any,
    room: Room,
    floor_area_m2: Decimal | float | str | None = None,
    designation: str | None = None,
    status: str | None = None,
) -> Room:
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        changes: dict[str, Any] = {}
        if floor_area_m2 is not None:
            changes["floor_area_m2"] = Decimal(str(floor_area_m2))
        if designation is not None:
            changes["designation"] = designation
        if status is not None:
            changes["status"] = status
        _apply_and_audit(actor=actor, locked=locked, changes=changes)
    return locked


def bed_create(*, actor: Any, room: Room, label: str) -> Bed:
    with transaction.atomic():
        bed = Bed(site_id=room.site_id, room=room, label=label.strip())
        bed.full_clean()
        bed.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=bed, fields=["label"], values={"label": bed.label})
    return bed


def bed_update(*, actor: Any, bed: Bed, label: str) -> Bed:
    """Relabel a bed (the label is unique within its room)."""
    with transaction.atomic():
        locked = Bed.objects.select_for_update().get(pk=bed.pk)
        old = locked.label
        locked.label = label.strip()
        locked.full_clean()
        locked.save(update_fields=["label"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            fields=["label"] if old != locked.label else [],
            values={"label": locked.label},
        )
    return locked


# --- Stays ------------------------------------------------------------------


def _lock_bed_for(person: Person, bed: Bed, *, site_id: Any) -> Bed:
    """Lock the bed row and check it can take this person now."""
    locked = Bed.objects.select_for_update(of=("self",)).select_related("room").get(pk=bed.pk)
    if locked.site_id != site_id:
        raise ValidationError({"bed": _("This bed is at another site than the person's case.")})
    room = locked.room
    if room.status != RoomStatus.IN_USE:
        raise ValidationError(
            {
                "bed": _("The room %(room)s is %(status)s: choose a bed in a room that is in use.")
                % {"room": room.name, "status": room.get_status_display().lower()}
            }
        )
    if not designation_allows(room.designation, person):
        raise ValidationError(
            {
                "bed": _("The room %(room)s is %(designation)s: this person cannot be placed there.")
                % {"room": room.name, "designation": room.get_designation_display().lower()}
            }
        )
    if Stay.objects.filter(bed=locked, status__in=ACTIVE_STAY_STATUSES).exists():
        raise bed_taken_error()
    return locked


def _check_person(person: Person) -> Person:
    locked = Person.objects.select_for_update(of=("self",)).select_related("status").get(pk=person.pk)
    if not person_is_present(locked):
        raise ValidationError(
            {"person": _("This person's case is closed (%(status)s): a stay cannot start.") % {"status": locked.status}}
        )
    return locked


def _save_new_stay(stay: Stay) -> Stay:
    try:
        stay.full_clean(validate_constraints=False)
        with transaction.atomic():
            stay.save(force_insert=True)
    except IntegrityError as exc:
        if "stay_one_active_per_person" in str(exc):
            raise person_has_stay_error() from exc
        raise bed_taken_error() from exc
    return stay


def _audit_stay(actor: Any, stay: Stay, action: AuditAction, fields: Iterable[str], purpose: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=stay,
        fields=list(fields),
        values={"status": stay.status, "bed": str(stay.bed_id), "end_reason": stay.end_reason},
        purpose=purpose,
    )


def stay_plan(*, actor: Any, person: Person, bed: Bed, planned_from: datetime.date) -> Stay:
    """Reserve a bed for a person who will arrive on ``planned_from``."""
    with transaction.atomic():
        locked_person = _check_person(person)
        locked_bed = _lock_bed_for(locked_person, bed, site_id=locked_person.site_id)
        if Stay.objects.filter(person=locked_person, status__in=ACTIVE_STAY_STATUSES).exists():
            raise person_has_stay_error()
        stay = _save_new_stay(
            Stay(
                site_id=locked_bed.site_id,
                person=locked_person,
                household_id=locked_person.household_id,
                bed=locked_bed,
                status=StayStatus.PLANNED,
                planned_from=planned_from,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
        _audit_stay(actor, stay, AuditAction.CREATE, ["status", "bed", "planned_from"])
    return stay


def stay_check_in(*, actor: Any, person: Person, bed: Bed, at: datetime.datetime | None = None) -> Stay:
    """Check a person into a bed; a planned stay on the same bed becomes current."""
    from haven.shelter.services_presence import presence_apply

    at = at or timezone.now()
    with transaction.atomic():
        locked_person = _check_person(person)
        current = Stay.objects.select_for_update().filter(person=locked_person, status__in=ACTIVE_STAY_STATUSES).first()
        if current is not None and current.status == StayStatus.CHECKED_IN:
            raise person_has_stay_error()
        if current is not None and current.bed_id == bed.pk:
            locked_bed = Bed.objects.select_for_update(of=("self",)).select_related("room").get(pk=bed.pk)
            if locked_bed.room.status != RoomStatus.IN_USE:
                raise ValidationError({"bed": _("The room is not in use: choose another bed.")})
            current.status = StayStatus.CHECKED_IN
            current.checked_in_at = at
            current.full_clean(validate_constraints=False)
            current.save(update_fields=["status", "checked_in_at"])
            stay = current
            _audit_stay(actor, stay, AuditAction.UPDATE, ["status", "checked_in_at"])
        else:
            if current is not None:  # planned for another bed: that plan lapses
                current.status = StayStatus.CANCELLED
                current.save(update_fields=["status"])
                _audit_stay(actor, current, AuditAction.UPDATE, ["status"], purpose="checked in elsewhere")
            locked_bed = _lock_bed_for(locked_person, bed, site_id=locked_person.site_id)
            stay = _save_new_stay(
                Stay(
                    site_id=locked_bed.site_id,
                    person=locked_person,
                    household_id=locked_person.household_id,
                    bed=locked_bed,
                    status=StayStatus.CHECKED_IN,
                    checked_in_at=at,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
            )
            _audit_stay(actor, stay, AuditAction.CREATE, ["status", "bed", "checked_in_at"])
        presence_apply(actor=actor, person=locked_person, site_id=stay.site_id, kind="in", at=at)
    return stay


def stay_move(*, actor: Any, stay: Stay, bed: Bed, at: datetime.datetime | None = None) -> Stay:
    """Move a checked-in person to another bed: ends this stay, starts the next."""
    at = at or timezone.now()
    with transaction.atomic():
        # The person first, as the check-in locks them: the same order, no deadlock.
        # A closed case (departed, transferred, deceased) starts no new stay.
        locked_person = _check_person(stay.person)
        old = Stay.objects.select_for_update(of=("self",)).get(pk=stay.pk)
        old.person = locked_person
        if old.status != StayStatus.CHECKED_IN:
            raise ValidationError({"stay": _("Only a person who is checked in can be moved.")})
        if old.bed_id == bed.pk:
            raise ValidationError({"bed": _("The person is already in this bed.")})
        if old.checked_in_at is not None and at < old.checked_in_at:
            raise ValidationError({"at": _("The move cannot be before the check-in.")})
        locked_bed = _lock_bed_for(old.person, bed, site_id=old.site_id)
        old.status = StayStatus.MOVED
        old.checked_out_at = at
        old.end_reason = StayEndReason.MOVED
        old.save(update_fields=["status", "checked_out_at", "end_reason"])
        new = _save_new_stay(
            Stay(
                site_id=old.site_id,
                person=old.person,
                household_id=old.household_id,
                bed=locked_bed,
                status=StayStatus.CHECKED_IN,
                checked_in_at=at,
                previous=old,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
        _audit_stay(actor, old, AuditAction.UPDATE, ["status", "checked_out_at", "end_reason"])
        _audit_stay(actor, new, AuditAction.CREATE, ["status", "bed", "checked_in_at", "previous"])
    return new


def stay_check_out(
    *,
    actor: Any,
    stay: Stay,
    reason: str = StayEndReason.DEPARTURE,
    at: datetime.datetime | None = None,
) -> Stay:
    """End a current stay (departure, transfer, closed case)."""
    from haven.shelter.services_presence import presence_apply

    at = at or timezone.now()
    if reason not in StayEndReason.values or reason == StayEndReason.MOVED:
        raise ValidationError({"reason": _("Choose why the stay ends: departure, transfer, case closed or other.")})
    with transaction.atomic():
        locked = Stay.objects.select_for_update(of=("self",)).select_related("person").get(pk=stay.pk)
        if locked.status == StayStatus.PLANNED:
            raise ValidationError({"stay": _("This person was never checked in: cancel the planned stay instead.")})
        if locked.status != StayStatus.CHECKED_IN:
            raise ValidationError({"stay": _("This stay has already ended.")})
        if locked.checked_in_at is not None and at < locked.checked_in_at:
            raise ValidationError(
                {
                    "at": _("The check-out cannot be before the check-in (%(checked_in)s).")
                    % {"checked_in": timezone.localtime(locked.checked_in_at).strftime("%Y-%m-%d %H:%M")}
                }
            )
        locked.status = StayStatus.CHECKED_OUT
        locked.checked_out_at = at
        locked.end_reason = reason
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["status", "checked_out_at", "end_reason"])
        _audit_stay(actor, locked, AuditAction.UPDATE, ["status", "checked_out_at", "end_reason"])
        presence_apply(actor=actor, person=locked.person, site_id=locked.site_id, kind="out", at=at)
    return locked


def stay_cancel(*, actor: Any, stay: Stay) -> Stay:
    """Drop a planned stay that will not happen; the bed is free again."""
    with transaction.atomic():
        locked = Stay.objects.select_for_update().get(pk=stay.pk)
        if locked.status != StayStatus.PLANNED:
            raise ValidationError({"stay": _("Only a planned stay can be cancelled; check the person out instead.")})
        locked.status = StayStatus.CANCELLED
        locked.save(update_fields=["status"])
        _audit_stay(actor, locked, AuditAction.UPDATE, ["status"])
    return locked


def stays_end_for_person(
    *,
    actor: Any,
    person: Person,
    reason: str = StayEndReason.STATUS_CLOSED,
    at: datetime.datetime | None = None,
) -> Stay | None:
    """End whatever stay the person has: the entry point when a case closes.

    The registry calls this, in its own transaction, when a person's status
    becomes one that does not count as present (departed, transferred,
    deceased). A current stay is checked out with ``reason`` (and an *out*
    presence event); a planned one is cancelled. Nothing to end: ``None``.
    """
    with transaction.atomic():
        current = Stay.objects.select_for_update().filter(person=person, status__in=ACTIVE_STAY_STATUSES).first()
        if current is None:
            return None
        if current.status == StayStatus.PLANNED:
            return stay_cancel(actor=actor, stay=current)
        return stay_check_out(actor=actor, stay=current, reason=reason, at=at)


def stays_end_for_closed_cases(*, actor: Any, site: Site) -> int:
    """End the stays at the site still held by persons whose case is closed.

    A safety net for statuses changed without :func:`stays_end_for_person`
    (an import, an older registry); returns how many stays were ended.
    """
    with transaction.atomic():
        persons = list(
            Person.objects.filter(
                stays__site=site, stays__status__in=ACTIVE_STAY_STATUSES, status__is_present=False
            ).distinct()
        )
        for person in persons:
            stays_end_for_person(actor=actor, person=person, reason=StayEndReason.STATUS_CLOSED)
    return len(persons)


def household_check_in(
    *, actor: Any, household: Household, room: Room, at: datetime.datetime | None = None
) -> list[Stay]:
    """Check every member without a bed into free beds of one room, or none."""
    at = at or timezone.now()
    with transaction.atomic():
        # Members transferred alone to another site are that site's to place.
        members = [
            p
            for p in household.members.filter(site_id=household.site_id)
            .select_related("status")
            .order_by("date_of_birth", "registration_number")
            if person_is_present(p) and not p.stays.filter(status=StayStatus.CHECKED_IN).exists()
        ]
        if not members:
            raise ValidationError(_("Everyone in this household already has a bed."))
        beds = list(Bed.objects.select_for_update().filter(room=room).order_by("label"))
        taken = set(Stay.objects.filter(bed__in=beds, status__in=ACTIVE_STAY_STATUSES).values_list("bed_id", flat=True))
        planned = dict(
            Stay.objects.filter(person__in=members, status=StayStatus.PLANNED, bed__room=room).values_list(
                "person_id", "bed_id"
            )
        )
        free = [b for b in beds if b.pk not in taken]
        if len(free) + len(planned) < len(members):
            raise ServiceError(
                "room_too_small",
                _("The room %(room)s has %(free)s free beds for %(members)s persons: choose a larger room.")
                % {"room": room.name, "free": len(free), "members": len(members)},
            )
        stays = []
        for person in members:
            bed = next(b for b in beds if b.pk == planned[person.pk]) if person.pk in planned else free.pop(0)
            stays.append(stay_check_in(actor=actor, person=person, bed=bed, at=at))
    return stays


def household_check_out(
    *, actor: Any, household: Household, reason: str = StayEndReason.DEPARTURE, at: datetime.datetime | None = None
) -> list[Stay]:
    with transaction.atomic():
        # Only stays at the household's site: a member transferred alone to
        # another site is checked out there, by that site's staff.
        current = list(
            Stay.objects.filter(household=household, site_id=household.site_id, status=StayStatus.CHECKED_IN)
        )
        if not current:
            raise ValidationError(_("No one in this household is checked in."))
        return [stay_check_out(actor=actor, stay=s, reason=reason, at=at) for s in current]
