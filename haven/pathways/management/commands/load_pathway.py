"""Load a pathway template from a YAML file (see docs/pathways.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.pathways.loader import TemplateFileError
from haven.pathways.services import template_load_file


class Command(BaseCommand):
    help = (
        "Load a pathway template from a YAML file. A template nobody is enrolled in is replaced; one in use "
        "gets a new version (people enrolled keep theirs until an administrator migrates them). "
        "A file with any error changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the YAML file, e.g. haven/pathways/templates_data/ru-perm.yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            template, outcome = template_load_file(actor="manage.py load_pathway", path=options["file"])
        except TemplateFileError as exc:
            raise CommandError("Nothing was changed:\n  " + "\n  ".join(exc.messages)) from exc
        messages = {
            "created": "Created",
            "new_version": "Created a new version of",
            "updated": "Replaced (nobody was enrolled in)",
            "unchanged": "No change to",
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"{messages[outcome]} {template.code} v{template.version}: {template.steps.count()} steps."
            )
        )
