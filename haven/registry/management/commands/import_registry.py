"""python manage.py import_registry FILE --site CODE --user USERNAME"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.accounts.models import Site, User
from haven.registry.models import ImportStatus
from haven.registry.services_io import import_job_create, import_job_run


class Command(BaseCommand):
    help = "Import households and persons from a CSV or XLSX file (all rows or none). See docs/registry.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--site", required=True, help="Code of the site that receives the persons.")
        parser.add_argument("--user", required=True, help="Username of the registration officer doing the import.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        site = Site.objects.filter(code=options["site"]).first()
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if site is None or user is None:
            raise CommandError("Unknown site code or username.")
        started = time.monotonic()
        try:
            job = import_job_create(actor=user, site=site, data=path.read_bytes(), filename=path.name)
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not import persons at {site.code}.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if job.status == ImportStatus.PENDING:  # queued for a worker: run it here instead
            job = import_job_run(job_id=job.pk)
        elapsed = time.monotonic() - started
        if job.status != ImportStatus.DONE:
            for entry in job.report:
                where = f"row {entry['row']}" if entry["row"] else "file"
                column = f" [{entry['column']}]" if entry["column"] else ""
                self.stderr.write(f"{where}{column}: {entry['message']}")
            raise CommandError(f"Nothing was imported: {len(job.report)} problem(s) in {job.total_rows} rows.")
        self.stdout.write(
            f"Imported {job.created_persons} persons in {job.created_households} households "
            f"from {job.total_rows} rows in {elapsed:.1f} s."
        )
