"""Background work of pathways (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminders() -> int:
    """Remind everyone with an appointment tomorrow; safe to run as often as you like."""
    from haven.pathways.services import appointment_reminders_send

    return appointment_reminders_send()
