"""``manage.py rebuild_search_index``: rebuild the person search index from the registry."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Rebuild the cross-script person search index (after an import, a restore or a change of the name data files)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=2000, help="Persons per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        from haven.matching.services import person_index_rebuild

        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1 or done == total or done % 50_000 < options["chunk"]:
                self.stderr.write(f"{done}/{total}")

        n = person_index_rebuild(progress=progress, chunk=options["chunk"])
        self.stdout.write(f"Indexed {n} persons in {time.monotonic() - started:.1f} s.")
