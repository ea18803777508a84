"""Load the Perm demo: the centre, one user per role, and each app's data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.core.demo import DemoResult, load_demo


class Command(BaseCommand):
    help = (
        "Load the Perm demo data set (synthetic people only). Idempotent: a second run keeps what is there. "
        "Refuses to run when HAVEN_DEBUG is off, because it creates users with a known password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025, help="Seed of the generator (default 2025).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo creates users with a known password, so it runs only with HAVEN_DEBUG=1.")
        result: DemoResult = load_demo(seed=options["seed"], progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write("Demo logins (username / password): " + ", ".join(result.usernames) + f" / {result.password}")
