"""Issue a two-factor enrolment code from the server shell.

The root of trust for the first administrator: whoever has the shell can
give them the code in person; later codes are issued in the admin.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_otp import user_has_device

from haven.accounts.models import User
from haven.accounts.two_factor import ENROLMENT_CODE_HOURS, enrolment_code_expiry, enrolment_code_issue

COMMAND_NAME = "two_factor_code"


class Command(BaseCommand):
    help = (
        "Print a one-time code with which USERNAME can enrol their first authenticator app. "
        "Earlier unused codes of the user stop working. Give the code in person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--hours",
            type=int,
            default=ENROLMENT_CODE_HOURS,
            help=f"How long the code works (default {ENROLMENT_CODE_HOURS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user with the username {username!r}.")
        try:  # the service refuses an inactive user and a code valid for less than an hour
            code = enrolment_code_issue(actor=COMMAND_NAME, user=user, hours=options["hours"])
        except ValueError as refused:
            raise CommandError(str(refused)) from refused
        expires = enrolment_code_expiry(user=user)
        if user_has_device(user):
            self.stderr.write(
                self.style.WARNING(
                    f"{username} already has a confirmed authenticator; "
                    "the code is only needed once that device is removed."
                )
            )
        self.stdout.write(f"Enrolment code for {username}: {code}")
        if expires is not None:
            self.stdout.write(f"Works once, until {timezone.localtime(expires):%Y-%m-%d %H:%M %Z}.")
