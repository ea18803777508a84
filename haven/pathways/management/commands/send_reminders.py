"""Remind people of tomorrow's appointments (run it daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from haven.pathways.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Send each person booked for tomorrow one message: 'You have an appointment on … at …' in their "
        "language. Never twice for the same appointment, so it is safe to run more than once a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the task for the background worker instead of running it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_reminders.enqueue()
            self.stdout.write(f"Queued reminders task {result.id}.")
            return
        told = send_reminders.call()
        self.stdout.write(f"Reminders sent: {told}.")
