from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.lib import translations


class Command(BaseCommand):
    help = (
        "Manage translations without GNU gettext. 'update' adds new messages from the code and templates to "
        "every Russian and Arabic catalog; 'compile' writes the .mo files; 'check' lists what is untranslated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "compile", "check"])
        parser.add_argument(
            "--app",
            help="Only this app's catalogs (e.g. registry; 'haven' for the project-level files). Default: all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "update":
            for domain in translations.domains():
                name = "haven" if domain.root == translations.HAVEN_DIR else domain.root.name
                if options["app"] and options["app"] != name:
                    continue
                for path in translations.update(domain):
                    self.stdout.write(f"updated {path}")
        elif action == "compile":
            paths = translations.compile_all()
            self.stdout.write(f"compiled {len(paths)} catalogs")
        else:
            problems = translations.missing()
            for p in problems:
                self.stdout.write(f"{p.catalog}: {p.message!r}")
            if problems:
                raise CommandError(f"{len(problems)} messages lack a translation.")
            self.stdout.write(self.style.SUCCESS("Every message has its Russian and Arabic translation."))
