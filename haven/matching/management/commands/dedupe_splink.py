"""``manage.py dedupe_splink``: batch deduplication on Splink, of a CSV file or of the registry.

``dedupe_splink INPUT.csv --output PAIRS.csv``: for files too large for
``manage.py dedupe``'s memory (a national registry): the same input,
checked by the same reader (``haven.matching.core.dedupe.read_csv``), run
through Splink 5 on DuckDB with the best configuration of
``benchmarks/bench_splink.py`` (``haven.matching.splink_engine``: Haven's
cross-script keys and Latin readings as Splink's input). Writes
``record_id_a,record_id_b,score`` with Splink's match probability as the
score. Needs no database.

``dedupe_splink --registry --actor USERNAME [--site CODE ...]``: the same
Splink run over every non-merged person in the database (all active sites,
or the sites given), filling the review queue with a ``BatchRun`` that the
batch page shows (``haven.matching.tasks.dedupe_registry_splink``). The
actor must hold the batch deduplication capability at every site compared.

Splink is an optional extra: ``pip install 'haven[splink]'``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext, pgettext

from .dedupe import Command as DedupeCommand
from .dedupe import file_error_message, input_error_message, language_from_environment, stage_name

READ_PROGRESS_EVERY = 50_000


def _count_lines(path: Path) -> int:
    """Lines in the file (a quick pass over its bytes), for the reading progress."""
    n = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return max(1, n - 1)  # without the header


def splink_stage_name(stage: str) -> str:
    """A stage of a Splink run in the active language (the stages of ``manage.py dedupe`` and queueing)."""
    if stage == "queue":
        return pgettext("batch stage", "queueing pairs for review")
    return stage_name(stage)


class Command(DedupeCommand):
    help = (
        "Find duplicate persons with Splink on DuckDB: in a CSV file (the format of manage.py dedupe) too large "
        "for manage.py dedupe, or with --registry in the registry itself, filling the review queue. "
        "Needs pip install 'haven[splink]'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        from haven.matching.splink_engine import DEFAULT_THRESHOLD

        parser.add_argument("input", nargs="?", help="CSV file to read (UTF-8), as for manage.py dedupe")
        parser.add_argument(
            "--output", "-o", help="CSV file to write: record_id_a,record_id_b,score (with a CSV file only)"
        )
        parser.add_argument(
            "--registry",
            action="store_true",
            help="Read the persons from the database instead of a file and queue the pairs for review",
        )
        parser.add_argument(
            "--site",
            action="append",
            default=[],
            metavar="CODE",
            help="With --registry: compare the persons at this site only (repeat for several; default: every "
            "active site)",
        )
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="With --registry (required): the user who starts the run; must hold the batch deduplication "
            "capability at every site compared",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"Lowest Splink match probability written or queued (default: {DEFAULT_THRESHOLD})",
        )
        parser.add_argument(
            "--memory-limit",
            default=None,
            help="DuckDB's memory limit, e.g. 8GB (default: DuckDB's, 80%% of the machine's memory)",
        )
        parser.add_argument(
            "--temp-dir",
            default=None,
            help="Folder where DuckDB spills above the memory limit (default: a temporary folder beside the output; "
            "with --registry, in the system's temporary folder)",
        )
        self.add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or language_from_environment()
        with translation.override(language):
            self.check_mode(options)
            if options["registry"]:
                self.run_registry(options)
            else:
                self.run(Path(options["input"]), Path(options["output"]), options)

    def check_mode(self, options: dict[str, Any]) -> None:
        """Exactly one of a CSV file or --registry, each with its own options."""
        if options["input"] and options["registry"]:
            raise CommandError(gettext("Give either a CSV file or --registry, not both."))
        if options["registry"]:
            if options["output"]:
                raise CommandError(
                    gettext("--output goes with a CSV file; with --registry the pairs go to the review queue.")
                )
            if not options["actor"]:
                raise CommandError(
                    gettext(
                        "--registry needs --actor USERNAME: the user who starts the run, who must hold "
                        "the batch deduplication capability at every site compared."
                    )
                )
            return
        if not options["input"]:
            raise CommandError(
                gettext("Give the CSV file to read, or --registry to read the persons from the database.")
            )
        if not options["output"]:
            raise CommandError(gettext("Give the file to write the pairs to with --output."))
        if options["site"] or options["actor"]:
            raise CommandError(gettext("--site and --actor go with --registry."))

    def require_splink(self) -> None:
        from haven.matching import splink_engine

        try:
            splink_engine.require_splink()
        except splink_engine.SplinkMissing:
            raise CommandError(
                gettext("Splink is not installed. Install it with: %(command)s")
                % {"command": splink_engine.INSTALL_HINT}
            ) from None

    def check_splink_options(self, options: dict[str, Any]) -> tuple[str | None, Path | None]:
        """The threshold, the spill folder and the memory limit; before anything is read."""
        from haven.matching import splink_engine

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
        return memory_limit, temp_dir

    def stage_label(self, stage: str) -> str:
        """As ``manage.py dedupe``'s, with the stages of Splink and of queueing pairs too."""
        return splink_stage_name(stage)

    def run(self, source: Path, output: Path, options: dict[str, Any]) -> None:
        from haven.matching import splink_engine
        from haven.matching.core.dedupe import DedupeInputError, read_csv

        self.require_splink()
        self.check_paths(source, output)
        memory_limit, temp_dir = self.check_splink_options(options)
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

    def run_registry(self, options: dict[str, Any]) -> None:
        """Splink over the registry: check everything, start a BatchRun, fill the review queue."""
        import duckdb
        from django.urls import reverse

        from haven.matching import tasks

        self.require_splink()
        memory_limit, temp_dir = self.check_splink_options(options)
        actor, sites = self.actor_and_sites(options)
        try:
            run = tasks.batch_run_create(actor=actor, site_ids=[s.pk for s in sites], engine="splink")
        except PermissionDenied:
            from haven.accounts import roles
            from haven.accounts.access import may

            denied = [s.code for s in sites if not may(actor, roles.BATCH_DEDUPE, site=s.pk)]
            raise CommandError(
                gettext("%(username)s may not run batch deduplication at %(sites)s.")
                % {"username": actor.get_username(), "sites": ", ".join(denied)}
            ) from None

        started = time.monotonic()
        failed = gettext("The batch run failed; the pairs queued before the failure stay in the review queue.")
        try:
            new = tasks.dedupe_registry_splink(
                str(run.pk),
                threshold=options["threshold"],
                memory_limit=memory_limit,
                temp_dir=temp_dir,
                progress=self.progress(options),
                on_skipped=self.skipped_training if not options["quiet"] else None,
            )
        except (MemoryError, duckdb.OutOfMemoryException):
            raise CommandError(
                gettext(
                    "Not enough memory for the registry; lower --memory-limit below the free memory "
                    "and give --temp-dir on a disk with free space."
                )
                + " "
                + failed
            ) from None
        except duckdb.IOException as exc:
            raise CommandError(
                gettext("DuckDB could not write its temporary files (%(error)s); give --temp-dir with free space.")
                % {"error": exc}
                + " "
                + failed
            ) from None
        except OSError as exc:
            raise CommandError(file_error_message(exc) + " " + failed) from None
        except BaseException:
            sys.stderr.write(failed + "\n")
            raise
        run.refresh_from_db()
        self.stdout.write(
            gettext(
                "%(records)d persons compared, %(found)d pairs found, %(new)d new pairs queued for review "
                "in %(seconds).1f s; the run: %(page)s"
            )
            % {
                "records": run.records,
                "found": run.pairs_found,
                "new": new,
                "seconds": time.monotonic() - started,
                "page": reverse("matching:batch_detail", kwargs={"run_id": run.pk}),
            }
        )

    def actor_and_sites(self, options: dict[str, Any]) -> tuple[Any, list[Any]]:
        """The user named by --actor and the sites to compare (--site codes, else every active site)."""
        from haven.accounts.models import Site, User

        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(gettext("There is no active user %(username)s.") % {"username": options["actor"]})
        codes = list(dict.fromkeys(options["site"]))
        if codes:
            by_code = {s.code: s for s in Site.objects.filter(code__in=codes)}
            unknown = [c for c in codes if c not in by_code]
            if unknown:
                raise CommandError(gettext("Unknown site code: %(codes)s.") % {"codes": ", ".join(unknown)})
            return actor, [by_code[c] for c in codes]
        sites = list(Site.objects.filter(is_active=True).order_by("code"))
        if not sites:
            raise CommandError(gettext("There is no active site to compare."))
        return actor, sites

    def skipped_training(self, steps: list[str]) -> None:
        sys.stderr.write(
            gettext(
                "Too few similar records to estimate part of Splink's model (%(steps)s); "
                "Splink's default values were used, so the scores are rough."
            )
            % {"steps": ", ".join(steps)}
            + "\n"
        )
