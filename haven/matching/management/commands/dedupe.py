"""``manage.py dedupe INPUT.csv --output PAIRS.csv``: batch deduplication of a CSV file.

Needs no database: it reads the file, runs the plain-Python engine
(``haven.matching.core.dedupe``) and writes ``record_id_a,record_id_b,score``
for every pair judged to be the same person.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Find duplicate persons in a CSV file with the header "
        "record_id,given_name,father_name,family_name,date_of_birth,sex,place_of_birth "
        "(names in any script; dates YYYY-MM-DD) and write the pairs judged the same person."
    )
    requires_system_checks: list[str] = []  # type: ignore[assignment]
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="CSV file to read (UTF-8)")
        parser.add_argument("--output", "-o", required=True, help="CSV file to write: record_id_a,record_id_b,score")
        parser.add_argument(
            "--threshold", type=float, default=None, help="Lowest score written (default: the engine's SAME threshold)"
        )
        parser.add_argument("--workers", type=int, default=None, help="Processes to use (default: all cores, up to 8)")
        parser.add_argument("--quiet", action="store_true", help="No progress on standard error")

    def handle(self, *args: Any, **options: Any) -> None:
        from haven.matching.core.dedupe import DedupeInputError, dedupe_csv
        from haven.matching.core.score import SAME

        source, output = Path(options["input"]), Path(options["output"])
        if source.is_dir():
            raise CommandError(f"{source} is a directory; give the CSV file.")
        if output.resolve() == source.resolve():
            raise CommandError("The output would overwrite the input; choose another --output file.")
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")
        threshold = SAME if options["threshold"] is None else options["threshold"]
        if not 0.0 < threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1.")
        last = [0.0]

        def progress(stage: str, fraction: float) -> None:
            now = time.monotonic()
            if not options["quiet"] and (now - last[0] > 2 or fraction >= 1.0):
                last[0] = now
                sys.stderr.write(f"{stage}: {fraction:5.1%}\n")

        try:
            report = dedupe_csv(source, output, progress=progress, threshold=threshold, workers=options["workers"])
        except DedupeInputError as exc:
            message = str(exc)
            raise CommandError(message if message.startswith(str(source)) else f"{source}: {message}") from None
        except MemoryError:
            raise CommandError("Not enough memory for this file; split it or use manage.py dedupe_splink.") from None
        self.stdout.write(
            f"{report.records} records, {report.candidate_pairs} pairs compared, "
            f"{report.pairs_written} pairs written to {output} in {report.seconds:.1f} s"
        )
