"""``manage.py dedupe_splink INPUT.csv --output PAIRS.csv``: batch deduplication on Splink.

For files too large for ``manage.py dedupe``'s memory (a national
registry): the same input, checked by the same reader
(``haven.matching.core.dedupe.read_csv``), run through Splink 5 on DuckDB
with the best configuration of ``benchmarks/bench_splink.py``
(``haven.matching.splink_engine``: Haven's cross-script keys and Latin
readings as Splink's input). Writes ``record_id_a,record_id_b,score`` with
Splink's match probability as the score. Needs no database; Splink is an
optional extra: ``pip install 'haven[splink]'``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext

from .dedupe import Command as DedupeCommand
from .dedupe import file_error_message, input_error_message

READ_PROGRESS_EVERY = 50_000


def _count_lines(path: Path) -> int:
    """Lines in the file (a quick pass over its bytes), for the reading progress."""
    n = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return max(1, n - 1)  # without the header


class Command(DedupeCommand):
    help = (
        "Find duplicate persons in a CSV file (the format of manage.py dedupe) with Splink on DuckDB, "
        "for files too large for manage.py dedupe. Needs pip install 'haven[splink]'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        from haven.matching.splink_engine import DEFAULT_THRESHOLD

        parser.add_argument("input", help="CSV file to read (UTF-8), as for manage.py dedupe")
        parser.add_argument("--output", "-o", required=True, help="CSV file to write: record_id_a,record_id_b,score")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"Lowest Splink match probability written (default: {DEFAULT_THRESHOLD})",
        )
        parser.add_argument(
            "--memory-limit",
            default=None,
            help="DuckDB's memory limit, e.g. 8GB (default: DuckDB's, 80%% of the machine's memory)",
        )
        parser.add_argument(
            "--temp-dir",
            default=None,
            help="Folder where DuckDB spills above the memory limit (default: a temporary folder beside the output)",
        )
        self.add_common_arguments(parser)

    def run(self, source: Path, output: Path, options: dict[str, Any]) -> None:
        from haven.matching import splink_engine
        from haven.matching.core.dedupe import DedupeInputError, read_csv

        try:
            splink_engine.require_splink()
        except splink_engine.SplinkMissing:
            raise CommandError(
                gettext("Splink is not installed. Install it with: %(command)s")
                % {"command": splink_engine.INSTALL_HINT}
            ) from None
        self.check_paths(source, output)
        self.check_threshold(options["threshold"])
        temp_dir = Path(options["temp_dir"]) if options["temp_dir"] else None
        if temp_dir is not None and not temp_dir.is_dir():
            raise CommandError(gettext("The folder %(folder)s does not exist.") % {"folder": temp_dir})
        memory_limit = options["memory_limit"]
        try:
            splink_engine.duckdb_connection(memory_limit=memory_limit).close()
        except ValueError:
            raise CommandError(
                gettext("--memory-limit %(value)s is not a size DuckDB understands; write it as 8GB or 500MB.")
                % {"value": memory_limit}
            ) from None

        # Splink logs its training at INFO and warns about what small data
        # cannot estimate; show that only when asked (--verbosity 2).
        logging.getLogger("splink").setLevel(logging.INFO if options["verbosity"] >= 2 else logging.ERROR)
        progress = self.progress(options)
        expected = _count_lines(source) if source.is_file() else 1

        def counted(records: Iterable[Any]) -> Iterator[Any]:
            for n, record in enumerate(records, 1):
                if n % READ_PROGRESS_EVERY == 0:
                    progress("read", min(1.0, n / expected))
                yield record
            progress("read", 1.0)

        import duckdb

        try:
            report = splink_engine.dedupe_records_to_csv(
                counted(read_csv(source)),
                output,
                threshold=options["threshold"],
                memory_limit=memory_limit,
                temp_dir=temp_dir,
                progress=progress,
                on_skipped=self.skipped_training if not options["quiet"] else None,
            )
        except DedupeInputError as exc:
            raise CommandError(input_error_message(exc, source)) from None
        except (MemoryError, duckdb.OutOfMemoryException):
            raise CommandError(
                gettext(
                    "Not enough memory for this file; lower --memory-limit below the free memory "
                    "and give --temp-dir on a disk with free space."
                )
            ) from None
        except OSError as exc:
            raise CommandError(file_error_message(exc)) from None
        except duckdb.IOException as exc:
            raise CommandError(
                gettext("DuckDB could not write its temporary files (%(error)s); give --temp-dir with free space.")
                % {"error": exc}
            ) from None
        self.stdout.write(
            gettext("%(records)d records, %(pairs)d pairs written to %(output)s in %(seconds).1f s")
            % {"records": report.records, "pairs": report.pairs_written, "output": output, "seconds": report.seconds}
        )

    def skipped_training(self, steps: list[str]) -> None:
        sys.stderr.write(
            gettext(
                "Too few similar records to estimate part of Splink's model (%(steps)s); "
                "Splink's default values were used, so the scores are rough."
            )
            % {"steps": ", ".join(steps)}
            + "\n"
        )
