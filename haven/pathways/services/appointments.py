"""Booking steps as appointments, marking them missed and rebooking them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Site
from haven.accounts.roles import APPOINTMENT_MANAGE
from haven.audit.models import AuditAction
from haven.audit.services import audit_record
from haven.pathways import notify
from haven.pathways.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentStatus,
    EnrolmentStatus,
    Step,
    StepStatus,
)
from haven.pathways.services.common import check_capability

ONE_DAY = datetime.timedelta(days=1)


def site_now(site: Site) -> datetime.datetime:
    return timezone.localtime(timezone.now(), ZoneInfo(site.time_zone))


def _check_future(site: Site, on_date: datetime.date, at_time: datetime.time) -> None:
    now = site_now(site)
    if (on_date, at_time) <= (now.date(), now.time().replace(tzinfo=None)):
        raise ValidationError({"on_date": _("The appointment is in the past. Choose a later date or time.")})


def _open_steps(site: Site, persons: list[Any], step_code: str) -> list[Step]:
    steps = {
        s.person_id: s
        for s in Step.objects.filter(
            person__in=persons,
            enrolment__status=EnrolmentStatus.ACTIVE,
            step_template__code=step_code,
        ).select_related("person", "step_template")
    }
    from haven.registry.models import Person

    present = set(
        Person.objects.filter(pk__in=[p.pk for p in persons], status__is_present=True).values_list("pk", flat=True)
    )
    errors = []
    for person in persons:
        if person.site_id != site.pk or person.pk not in present:  # transferred, departed, deceased or merged
            errors.append(_("%(number)s is not at this site.") % {"number": person.registration_number})
            continue
        step = steps.get(person.pk)
        if step is None:
            errors.append(
                _("%(number)s has no step “%(code)s” in an active pathway.")
                % {"number": person.registration_number, "code": step_code}
            )
        elif step.status not in OPEN_STATUSES:
            errors.append(
                _("%(number)s has already finished “%(step)s”.")
                % {"number": person.registration_number, "step": step.step_template.title}
            )
    if errors:
        raise ValidationError(errors)
    return [steps[p.pk] for p in persons]


def appointment_book(
    *,
    actor: Any,
    site: Site,
    step_code: str,
    on_date: datetime.date,
    at_time: datetime.time,
    place: str,
    interpreter_needed: bool = False,
    persons: Iterable[Any] = (),
    household: Any = None,
    rebooked_from: Appointment | None = None,
) -> Appointment:
    """Book one step for one person, several, or every member of a household who has it open.

    With both ``persons`` and ``household``, the persons are booked and the
    appointment is filed under the household.
    """
    check_capability(actor, APPOINTMENT_MANAGE, site=site)
    _check_future(site, on_date, at_time)
    if not place.strip():
        raise ValidationError({"place": _("Say where the appointment is.")})
    members = list(persons)
    if household is not None and not members:
        # Members transferred to another site (the household stays here) or no longer present are
        # left out: they are another site's case, and must not be booked or told from here.
        members = list(
            household.members.filter(
                site=site,
                status__is_present=True,
                enrolments__status=EnrolmentStatus.ACTIVE,
                pathway_steps__step_template__code=step_code,
                pathway_steps__status__in=OPEN_STATUSES,
            ).distinct()
        )
        if not members:
            raise ValidationError(_("No one in this household has this step open."))
    if not members:
        raise ValidationError(_("Choose a person or a household."))
    steps = _open_steps(site, members, step_code)
    with transaction.atomic():
        appointment = Appointment(
            site=site,
            step_code=step_code,
            on_date=on_date,
            at_time=at_time,
            place=place.strip(),
            interpreter_needed=interpreter_needed,
            household=household,
            rebooked_from=rebooked_from,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        appointment.full_clean()
        appointment.save()
        appointment.steps.set(steps)
        Step.objects.filter(pk__in=[s.pk for s in steps], status=StepStatus.PENDING).update(
            status=StepStatus.SCHEDULED, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=appointment,
            fields=["step_code", "on_date", "at_time", "place", "interpreter_needed", "steps"],
            values={
                "step": step_code,
                "on_date": str(on_date),
                "at_time": at_time.strftime("%H:%M"),
                "people": len(steps),
                "rebooked_from": str(rebooked_from.pk) if rebooked_from else "",
            },
            purpose="pathway appointment",
        )
        notify.appointment_booked(appointment=appointment, persons=[s.person for s in steps])
    return appointment


def appointment_mark_missed(*, actor: Any, appointment: Appointment) -> Appointment:
    """Nobody came: the steps go back to pending, ready to rebook."""
    check_capability(actor, APPOINTMENT_MANAGE, appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(_("Only a booked appointment can be marked missed."))
    with transaction.atomic():
        appointment.status = AppointmentStatus.MISSED
        appointment.save(update_fields=["status"])
        appointment.steps.filter(status=StepStatus.SCHEDULED).update(
            status=StepStatus.PENDING, updated_at=timezone.now()
        )
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=appointment, fields=["status"], values={"status": "missed"}
        )
    return appointment


def appointment_rebook(
    *,
    actor: Any,
    appointment: Appointment,
    on_date: datetime.date,
    at_time: datetime.time,
    place: str = "",
) -> Appointment:
    """Book the open steps of a missed (or still booked) appointment again."""
    check_capability(actor, APPOINTMENT_MANAGE, appointment)
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.MISSED):
        raise ValidationError(_("This appointment cannot be rebooked."))
    if Appointment.objects.filter(rebooked_from=appointment).exists():
        raise ValidationError(_("This appointment has already been rebooked."))
    with transaction.atomic():
        if appointment.status == AppointmentStatus.BOOKED:
            appointment.status = AppointmentStatus.CANCELLED
            appointment.save(update_fields=["status"])
            appointment.steps.filter(status=StepStatus.SCHEDULED).update(status=StepStatus.PENDING)
        persons = [s.person for s in appointment.steps.filter(status__in=OPEN_STATUSES).select_related("person")]
        if not persons:
            raise ValidationError(_("Every step of this appointment is already finished."))
        return appointment_book(
            actor=actor,
            site=appointment.site,
            step_code=appointment.step_code,
            on_date=on_date,
            at_time=at_time,
            place=place or appointment.place,
            interpreter_needed=appointment.interpreter_needed,
            persons=persons,
            household=appointment.household,
            rebooked_from=appointment,
        )


def appointment_reminders_send(*, actor: Any = "system: reminders", now: datetime.datetime | None = None) -> int:
    """Remind everyone booked for tomorrow (in each site's time zone); return how many were told.

    Idempotent: an appointment is claimed by setting ``reminded_at`` in a
    conditional update that commits before anything is sent, so two runs
    (cron twice, two workers) never remind the same appointment twice. A
    crash between the claim and the sending loses a reminder rather than
    sending it twice. The message is only "You have an appointment on …
    at …" in the person's language (``notify.appointment_text``).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            reminded_at__isnull=True,
            on_date__gte=today,
            on_date__lte=today + datetime.timedelta(days=2),  # time zones east and west of the server's
        )
        .select_related("site")
        .order_by("on_date", "at_time")
    )
    told = 0
    for appointment in candidates:
        if appointment.on_date != timezone.localtime(now, ZoneInfo(appointment.site.time_zone)).date() + ONE_DAY:
            continue
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            # Only people still at the appointment's site: never someone transferred,
            # departed, deceased or merged into another record since the booking.
            persons = [
                s.person
                for s in appointment.steps.filter(
                    status__in=OPEN_STATUSES,
                    enrolment__status=EnrolmentStatus.ACTIVE,
                    person__site_id=appointment.site_id,
                    person__status__is_present=True,
                )
                .select_related("person")
                .order_by("person__registration_number")
            ]
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=appointment,
                fields=["reminded_at"],
                values={"people": len(persons)},
                purpose="pathway appointment reminder",
            )
        for person in persons:
            notify.notify_person(person=person, appointment=appointment)
        told += len(persons)
    return told
