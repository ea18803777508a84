"""Extract, update and compile Haven's translations with Babel.

Pure Python, so a fresh machine needs no GNU gettext. Each app keeps its
messages in ``haven/<app>/locale/<lang>/LC_MESSAGES/django.po``; the files
directly under ``haven/`` (settings, base templates, ``lib``) use
``haven/locale``. Templates are turned into Python-like text with Django's
own ``templatize`` and then read by Babel's Python extractor.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HAVEN_DIR = Path(__file__).resolve().parent.parent
TARGET_LANGUAGES = ("ru", "ar")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SKIP_PARTS = {"tests", "migrations", "__pycache__", "locale", "static"}

Message = tuple[str | tuple[str, ...], str | None, str]  # (id or (singular, plural), context, location)


@dataclass(frozen=True)
class Domain:
    """A directory whose messages go to one set of catalogs."""

    root: Path
    files: tuple[Path, ...]

    @property
    def locale_dir(self) -> Path:
        return self.root / "locale"


def domains() -> list[Domain]:
    """The project-level domain and one per app directory."""
    app_dirs = sorted(p for p in HAVEN_DIR.iterdir() if p.is_dir() and (p / "apps.py").exists())
    result = []
    own = [HAVEN_DIR / "settings.py", HAVEN_DIR / "views.py", HAVEN_DIR / "urls.py"]
    own += sorted((HAVEN_DIR / "lib").rglob("*.py")) + sorted((HAVEN_DIR / "templates").rglob("*.html"))
    result.append(Domain(HAVEN_DIR, tuple(p for p in own if p.exists())))
    for app_dir in app_dirs:
        files = [
            p
            for p in sorted(app_dir.rglob("*"))
            if p.suffix in {".py", ".html", ".txt"}
            and p.is_file()
            and not SKIP_PARTS.intersection(p.relative_to(app_dir).parts)
            and (p.suffix == ".py" or "templates" in p.relative_to(app_dir).parts)
        ]
        result.append(Domain(app_dir, tuple(files)))
    return result


def _extract_file(path: Path) -> Iterator[Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        from django.utils.translation.template import templatize

        # templatize keeps the template's indentation, which Python's
        # tokenizer rejects when it is uneven; strings are written with
        # repr(), so no line break hides inside one and the indentation
        # can go.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
    location = str(path.relative_to(HAVEN_DIR.parent))
    for lineno, funcname, message, _comments in extract_python(
        io.BytesIO(text.encode("utf-8")),
        KEYWORDS.keys(),  # type: ignore[arg-type]
        [],
        {"encoding": "utf-8"},
    ):
        spec = KEYWORDS[str(funcname)]
        context: str | None = None
        if isinstance(spec, tuple) and isinstance(spec[0], tuple):
            # (context, singular[, plural])
            if not isinstance(message, tuple) or len(message) < 2:
                continue
            context, msg = message[0], message[1:]
            message = msg if len(msg) > 1 else msg[0]
        if isinstance(message, tuple):
            message = tuple(m for m in message if m is not None)
            if len(message) == 1:
                message = message[0]
            if isinstance(message, tuple) and len(message) > 2:
                message = message[:2]
        if not message:
            continue
        yield message, context, f"{location}:{lineno}"


def extract(domain: Domain) -> Catalog:
    catalog = Catalog(project="Haven", charset="utf-8")
    for path in domain.files:
        for message, context, location in _extract_file(path):
            file_name, _, line = location.rpartition(":")
            catalog.add(message, locations=[(file_name, int(line))], context=context)
    return catalog


def update(domain: Domain) -> list[Path]:
    """Merge freshly extracted messages into each language's catalog."""
    template = extract(domain)
    written: list[Path] = []
    if not len(template):
        return written
    for language in TARGET_LANGUAGES:
        po_path = domain.locale_dir / language / "LC_MESSAGES" / "django.po"
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=language)
        else:
            catalog = Catalog(locale=language, project="Haven", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        po_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True)
        written.append(po_path)
    return written


def compile_all() -> list[Path]:
    """Write a .mo file beside every .po file under haven/."""
    written = []
    for po_path in sorted(HAVEN_DIR.rglob("locale/*/LC_MESSAGES/django.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


@dataclass(frozen=True)
class Missing:
    language: str
    catalog: str
    message: str


def missing() -> list[Missing]:
    """Messages in code or templates without a non-fuzzy ru and ar translation."""
    problems: list[Missing] = []
    for domain in domains():
        template = extract(domain)
        for language in TARGET_LANGUAGES:
            po_path = domain.locale_dir / language / "LC_MESSAGES" / "django.po"
            rel = str(po_path.relative_to(HAVEN_DIR.parent))
            translated: dict[tuple[Any, str | None], bool] = {}
            if po_path.exists():
                with po_path.open("rb") as fh:
                    catalog = read_po(fh, locale=language)
                for entry in catalog:
                    if not entry.id:
                        continue
                    key = entry.id[0] if isinstance(entry.id, tuple) else entry.id
                    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
                    translated[(key, entry.context)] = not entry.fuzzy and all(strings)
            for entry in template:
                if not entry.id:
                    continue
                key = entry.id[0] if isinstance(entry.id, tuple) else entry.id
                if not translated.get((key, entry.context)):
                    problems.append(Missing(language, rel, str(key)))
    return problems
