"""``manage.py dedupe INPUT.csv --output PAIRS.csv``: batch deduplication of a CSV file.

Needs no database: it reads the file, runs the plain-Python engine
(``haven.matching.core.dedupe``) and writes ``record_id_a,record_id_b,score``
for every pair judged to be the same person.

Messages are in the user's language (``--language``, else the locale in
``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, else English). The
core reports bad input as an English template with its arguments
(``DedupeInputError.template`` and ``.params``); it is translated here.
Django's ``BaseCommand`` activates no language of its own (commands run in
``settings.LANGUAGE_CODE``) and formats a ``CommandError`` after
``handle()`` returns, so every message is translated eagerly inside
``translation.override``, never lazily.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext, pgettext

LANGUAGES = ("en", "ru", "ar")
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def _language_of(locale_name: str) -> str | None:
    """``ru_RU.UTF-8`` -> ``ru``; None when not one of Haven's languages."""
    code = locale_name.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The user's language from the locale variables, as gettext reads them; English otherwise.

    ``LANGUAGE`` is a list of preferences (``ar:ru``): its first Haven
    language wins. Otherwise the first of ``LC_ALL``, ``LC_MESSAGES`` and
    ``LANG`` that is set decides (``C`` or a language Haven lacks: English).
    """
    env = os.environ if environ is None else environ
    for name in env.get("LANGUAGE", "").split(":"):
        if name and (code := _language_of(name)):
            return code
    for variable in _LOCALE_VARIABLES:
        if value := env.get(variable, ""):
            return _language_of(value) or "en"
    return "en"


def input_error_message(exc: Exception, source: Path) -> str:
    """A ``DedupeInputError`` in the active language, prefixed with the file."""
    template, params = getattr(exc, "template", None), getattr(exc, "params", None)
    message = gettext(template) % params if template and params is not None else str(exc)
    return f"{source}: {message}"


def file_error_message(exc: OSError) -> str:
    """A file that cannot be read or written (permissions, a full disk), in the active language."""
    return gettext("Could not read or write %(path)s: %(error)s") % {
        "path": exc.filename or "?",
        "error": exc.strerror or exc,
    }


def stage_name(stage: str) -> str:
    """A progress stage (the engines' English names) in the active language."""
    names = {
        "read": pgettext("batch stage", "reading"),
        "normalise": pgettext("batch stage", "normalising names"),
        "score": pgettext("batch stage", "comparing pairs"),
        "train": pgettext("batch stage", "training the model"),
        "predict": pgettext("batch stage", "finding pairs"),
        "done": pgettext("batch stage", "done"),
    }
    return names.get(stage, stage)


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
        self.add_common_arguments(parser)

    def add_common_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress on standard error")
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            default=None,
            help="Language of the messages (default: from LANGUAGE, LC_ALL or LANG; else English)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or language_from_environment()
        with translation.override(language):
            self.run(Path(options["input"]), Path(options["output"]), options)

    def check_paths(self, source: Path, output: Path) -> None:
        """Refuse what would fail late or destroy data, before reading anything."""
        if source.is_dir():
            raise CommandError(gettext("%(path)s is a directory; give the CSV file.") % {"path": source})
        if output.resolve() == source.resolve():
            raise CommandError(gettext("The output would overwrite the input; choose another --output file."))
        if output.is_dir():
            raise CommandError(gettext("%(path)s is a directory; give the CSV file.") % {"path": output})
        if not output.parent.exists():
            raise CommandError(gettext("The folder %(folder)s does not exist.") % {"folder": output.parent})

    def check_threshold(self, threshold: float) -> None:
        if not 0.0 < threshold <= 1.0:
            raise CommandError(gettext("--threshold must be between 0 and 1."))

    def progress(self, options: Mapping[str, Any]) -> Any:
        """A progress callback that writes ``stage: 42.0%`` to standard error every 2 s at most."""
        last = [0.0]

        def progress(stage: str, fraction: float) -> None:
            now = time.monotonic()
            if not options["quiet"] and (now - last[0] > 2 or fraction >= 1.0):
                last[0] = now
                sys.stderr.write(f"{self.stage_label(stage)}: {fraction:5.1%}\n")

        return progress

    def stage_label(self, stage: str) -> str:
        """The stage's name in the user's language."""
        return stage_name(stage)

    def run(self, source: Path, output: Path, options: dict[str, Any]) -> None:
        from haven.matching.core.dedupe import DedupeInputError, dedupe_csv
        from haven.matching.core.score import SAME

        self.check_paths(source, output)
        threshold = SAME if options["threshold"] is None else options["threshold"]
        self.check_threshold(threshold)
        try:
            report = dedupe_csv(
                source, output, progress=self.progress(options), threshold=threshold, workers=options["workers"]
            )
        except DedupeInputError as exc:
            raise CommandError(input_error_message(exc, source)) from None
        except MemoryError:
            raise CommandError(
                gettext("Not enough memory for this file; split it or use manage.py dedupe_splink.")
            ) from None
        except OSError as exc:
            raise CommandError(file_error_message(exc)) from None
        self.stdout.write(
            gettext(
                "%(records)d records, %(candidates)d pairs compared, "
                "%(pairs)d pairs written to %(output)s in %(seconds).1f s"
            )
            % {
                "records": report.records,
                "candidates": report.candidate_pairs,
                "pairs": report.pairs_written,
                "output": output,
                "seconds": report.seconds,
            }
        )
