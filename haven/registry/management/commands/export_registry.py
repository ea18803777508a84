"""python manage.py export_registry OUTFILE --user USERNAME [--format csv|xlsx]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.accounts.models import User
from haven.registry.services_io import registry_export


class Command(BaseCommand):
    help = "Export the persons the user may export (audited), with spreadsheet formulas neutralised."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outfile", type=Path)
        parser.add_argument("--user", required=True)
        parser.add_argument("--format", choices=["csv", "xlsx"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("Unknown username.")
        out: Path = options["outfile"]
        fmt = options["format"] or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
        try:
            body, _content_type = registry_export(actor=user, file_format=fmt)
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not export the registry.") from exc
        out.write_bytes(body)
        out.chmod(0o600)
        self.stdout.write(f"Wrote {out} ({len(body)} bytes).")
