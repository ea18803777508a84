"""Loading the name knowledge kept as data files in ``haven/matching/data``.

Keeping names as data (not code) lets a deployment add the names of its own
population without touching the engine; see ``data/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
NAME_FILES = ("names_given_m.tsv", "names_given_f.tsv", "names_family.tsv", "places.tsv")


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One name as written in the data files.

    ``latin[0]`` is the English-practice spelling and ``cyrillic[0]`` the
    Russian-practice one; both are what transliteration suggests.
    """

    kind: str  # "m", "f", "family" or "place"
    arabic: tuple[str, ...]
    latin: tuple[str, ...]
    cyrillic: tuple[str, ...]
    weight: int


class DataFileError(ValueError):
    """A data file is malformed; the message names the file and line."""


def _split(cell: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in cell.split("|") if v.strip())


@lru_cache(maxsize=4)
def load_names(data_dir: Path = DATA_DIR) -> tuple[NameEntry, ...]:
    """All entries of the names files, in file order (higher weight wins ties)."""
    entries: list[NameEntry] = []
    for fname in NAME_FILES:
        path = data_dir / fname
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                cells = line.split("\t")
                if len(cells) != 5:
                    raise DataFileError(f"{path.name}:{lineno}: expected 5 tab-separated columns")
                kind, arabic, latin, cyrillic, weight = cells
                if kind not in ("m", "f", "family", "place"):
                    raise DataFileError(f"{path.name}:{lineno}: unknown kind {kind!r}")
                try:
                    w = int(weight)
                except ValueError:
                    raise DataFileError(f"{path.name}:{lineno}: weight must be an integer") from None
                entries.append(NameEntry(kind, _split(arabic), _split(latin), _split(cyrillic), w))
    return tuple(entries)


@lru_cache(maxsize=4)
def load_articles(data_dir: Path = DATA_DIR) -> tuple[frozenset[str], frozenset[str]]:
    """Return (standalone articles, prefix-only articles), all scripts together."""
    standalone: set[str] = set()
    prefix: set[str] = set()
    with (data_dir / "articles.txt").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            _script, form, mode = line.rstrip("\n").split("\t")
            prefix.add(form)
            if mode == "standalone":
                standalone.add(form)
    return frozenset(standalone), frozenset(prefix)
