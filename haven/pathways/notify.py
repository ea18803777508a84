"""Notifications: in-app for staff, and a pluggable channel (SMS, e-mail) for people.

What leaves Haven through a channel is only "You have an appointment on …
at …" in the person's language: no name, no step, no place, nothing about
health or status. A deployment plugs in a real gateway by naming a class
in the setting ``HAVEN_NOTIFY_BACKEND`` (read when sending, not at import);
without it messages go to the console.

A backend is any class with::

    def send(self, *, channel: str, to: str, message: str) -> bool

returning True when the gateway accepted the message.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

from django.conf import settings
from django.utils import formats, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.pathways import people
from haven.pathways.models import Appointment, Notification


class Backend(Protocol):
    def send(self, *, channel: str, to: str, message: str) -> bool: ...


def mask(contact: str) -> str:
    """Only the last two characters of a phone number or address, for the console."""
    return "…" + contact[-2:] if len(contact) > 2 else "…"


class ConsoleBackend:
    """Writes messages to standard output with the recipient masked. The default."""

    stream = None

    def send(self, *, channel: str, to: str, message: str) -> bool:
        stream = self.stream or sys.stdout
        stream.write(f"[haven {channel}] to {mask(to)}: {message}\n")
        return True


class MemoryBackend:
    """Keeps messages in a list; for tests."""

    outbox: list[dict[str, str]] = []

    def send(self, *, channel: str, to: str, message: str) -> bool:
        MemoryBackend.outbox.append({"channel": channel, "to": to, "message": message})
        return True


def get_backend() -> Backend:
    path = getattr(settings, "HAVEN_NOTIFY_BACKEND", "") or "haven.pathways.notify.ConsoleBackend"
    return import_string(path)()


def appointment_text(appointment: Appointment, language: str) -> str:
    """The one sentence a person may be sent, in their language."""
    with translation.override(language):
        return _("You have an appointment on %(date)s at %(time)s.") % {
            "date": formats.date_format(appointment.on_date, "DATE_FORMAT"),
            "time": appointment.at_time.strftime("%H:%M"),
        }


def contact_of(person: Any) -> tuple[str, str]:
    """(channel, address) to reach a person, or ("", "") when there is none."""
    for attr in ("phone", "phone_number", "mobile"):
        value = getattr(person, attr, "")
        if value:
            return Notification.Channel.SMS, str(value)
    from haven.pathways.models import Step

    phone = (
        Step.objects.filter(person=person, step_template__code="sim-card", status="done")
        .values_list("details__phone_number", flat=True)
        .first()
    )
    if phone:
        return Notification.Channel.SMS, str(phone)
    email = getattr(person, "email", "")
    if email:
        return Notification.Channel.EMAIL, str(email)
    return "", ""


def notify_person(*, person: Any, appointment: Appointment) -> Notification:
    """Send (and record) the appointment notice to one person.

    Only to a person who consented to be contacted by phone or messenger
    (consent purpose ``contact``) and has not withdrawn it: the number goes
    to a third party, the gateway. Without it nothing is sent, and the
    notification says so (``no_consent``); the appointment slip is printed.
    """
    from haven.registry.models import ConsentPurpose
    from haven.registry.selectors import has_active_consent

    language = people.language(person)
    message = appointment_text(appointment, language)
    channel, address = contact_of(person)
    notification = Notification(
        person=person,
        appointment=appointment,
        channel=channel or Notification.Channel.SMS,
        language=language,
        message=message,
    )
    if not address:
        notification.delivery = Notification.Delivery.NO_CONTACT
    elif not has_active_consent(person=person, purpose=ConsentPurpose.CONTACT):
        notification.delivery = Notification.Delivery.NO_CONSENT
    else:
        try:
            sent = get_backend().send(channel=channel, to=address, message=message)
        except Exception:  # noqa: BLE001 - a gateway failure must not undo the booking
            sent = False
        notification.delivery = Notification.Delivery.SENT if sent else Notification.Delivery.FAILED
    notification.save()
    return notification


def notify_user(*, user: Any, message: str, url: str = "") -> Notification:
    """An in-app notification for a member of staff."""
    return Notification.objects.create(
        user=user,
        channel=Notification.Channel.IN_APP,
        language=getattr(user, "preferred_language", "") or "en",
        message=message[:300],
        url=url[:300],
        delivery=Notification.Delivery.SENT,
    )


def appointment_booked(*, appointment: Appointment, persons: list[Any]) -> None:
    """Tell each person booked (through the channel) and the booking member of staff (in the app)."""
    for person in persons:
        notify_person(person=person, appointment=appointment)
    if appointment.created_by is not None:
        from django.urls import reverse

        user = appointment.created_by
        with translation.override(getattr(user, "preferred_language", "") or translation.get_language()):
            message = ngettext(
                "Appointment booked for %(count)d person on %(date)s at %(time)s.",
                "Appointment booked for %(count)d people on %(date)s at %(time)s.",
                len(persons),
            ) % {
                "count": len(persons),
                "date": formats.date_format(appointment.on_date, "DATE_FORMAT"),
                "time": appointment.at_time.strftime("%H:%M"),
            }
        notify_user(user=user, message=message, url=reverse("pathways:appointment", args=[appointment.pk]))


def notifications_mark_read(*, user: Any) -> int:
    """Mark the user's own in-app notifications read (not audited: no case data changes)."""
    from django.utils import timezone

    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
