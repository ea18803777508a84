"""Batch deduplication: a CSV of records in, the pairs judged the same out.

Streams the input (a million rows never sit in memory as text), normalises each
distinct name once, counts name frequencies over the data set itself, blocks
(``blocking.py``) and scores candidate pairs (``score.py``), in parallel over
blocks with ``multiprocessing`` (fork) when more than one core is available.
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .blocking import DEFAULT_MAX_BLOCK, Block, Blocker
from .normalize import tokenize
from .score import SAME, NameFrequencies, PersonRecord, PreparedRecord, prepare, score_prepared

CSV_HEADER = ("record_id", "given_name", "father_name", "family_name", "date_of_birth", "sex", "place_of_birth")
OUTPUT_HEADER = ("record_id_a", "record_id_b", "score")
SMALL_DATASET = 5_000
"""Below this many records, name frequencies come from the data files."""

Progress = Callable[[str, float], None]
"""Called with a stage name and the fraction done (0..1) of that stage."""


def gettext_noop(message: str) -> str:
    """Mark an English message for the translation catalogs without translating it.

    The core has no Django; Babel's extractor (``manage.py translations
    update``) finds these calls by name, and the management commands
    translate ``DedupeInputError.template`` with Django's ``gettext``.
    """
    return message


class DedupeInputError(ValueError):
    """The input cannot be deduplicated; the message names the line and the problem.

    ``template`` is an English message with ``%(name)s`` placeholders and
    ``params`` their values, so that a caller with translations (the
    ``dedupe`` and ``dedupe_splink`` commands) can show the message in the
    user's language: ``gettext(exc.template) % exc.params``. ``str(exc)`` is
    the English message.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params)


def _shown(value: str, limit: int = 60) -> str:
    """A field's value as quoted in a message: escaped, and cut if long."""
    text = repr(value)[1:-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class DedupeReport:
    """What a run did, for the command's summary and the task's progress page."""

    records: int
    candidate_pairs: int
    pairs_written: int
    seconds: float
    output_path: str | None = None


def _parse_date(value: str, lineno: int) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise DedupeInputError(
            gettext_noop("line %(line)d: date_of_birth '%(value)s' is not a valid date in the form YYYY-MM-DD"),
            line=lineno,
            value=_shown(value),
        ) from None


def _first_non_utf8_line(path: Path) -> int:
    """Line number of the first line that does not decode (the text reader
    decodes in chunks, so its position is not the line's)."""
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return 0


def read_csv(path: str | os.PathLike[str]) -> Iterable[PersonRecord]:
    """Validate and stream records from a dedupe CSV (see ``CSV_HEADER``)."""
    path = Path(path)
    if not path.exists():
        raise DedupeInputError(gettext_noop("no such file"))
    if path.stat().st_size == 0:
        raise DedupeInputError(
            gettext_noop("the file is empty; expected the header %(header)s"), header=",".join(CSV_HEADER)
        )
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
                raise DedupeInputError(
                    gettext_noop("line %(line)d: expected the header '%(expected)s', got '%(got)s'"),
                    line=1,
                    expected=",".join(CSV_HEADER),
                    got=_shown(",".join(header or []), limit=200),
                )
            for row in reader:
                lineno = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != len(CSV_HEADER):
                    raise DedupeInputError(
                        gettext_noop("line %(line)d: expected %(expected)d fields, got %(got)d"),
                        line=lineno,
                        expected=len(CSV_HEADER),
                        got=len(row),
                    )
                rid = row[0].strip()
                if not rid:
                    raise DedupeInputError(gettext_noop("line %(line)d: record_id is empty"), line=lineno)
                if rid in seen:
                    raise DedupeInputError(
                        gettext_noop("line %(line)d: record_id '%(record_id)s' already used on line %(first)d"),
                        line=lineno,
                        record_id=_shown(rid),
                        first=seen[rid],
                    )
                seen[rid] = lineno
                yield PersonRecord(
                    record_id=rid,
                    given_name=row[1],
                    father_name=row[2],
                    family_name=row[3],
                    date_of_birth=_parse_date(row[4], lineno),
                    sex=row[5],
                    place_of_birth=row[6],
                )
        except UnicodeDecodeError as exc:
            bad = _first_non_utf8_line(path)
            raise DedupeInputError(
                gettext_noop("line %(line)d: the file is not UTF-8 (%(reason)s); save it as UTF-8 and try again"),
                line=bad,
                reason=exc.reason,
            ) from None
        except csv.Error as exc:
            raise DedupeInputError(
                gettext_noop("line %(line)d: malformed CSV (%(detail)s)"), line=reader.line_num, detail=str(exc)
            ) from None


def prepare_all(records: Iterable[PersonRecord], progress: Progress | None = None) -> list[PreparedRecord]:
    """Prepare records with name frequencies counted over the records themselves."""
    records = list(records)
    given_keys, family_keys = [], []
    for r in records:
        given_keys.append(" ".join(t.key for t in tokenize(r.given_name)))
        given_keys.append(" ".join(t.key for t in tokenize(r.father_name)))
        family_keys.append(" ".join(t.key for t in tokenize(r.family_name)))
    if len(records) >= SMALL_DATASET:
        freq = NameFrequencies.from_keys(given_keys, family_keys, population=len(records))
    else:
        # Too few records to count name frequencies: use the data files.
        freq = NameFrequencies(population=len(records))
    out = []
    n = len(records)
    for i, r in enumerate(records):
        out.append(prepare(r, freq))
        if progress and i % 50_000 == 0:
            progress("normalise", i / max(1, n))
    return out


# Worker state, inherited through fork so that records are not pickled.
_W_RECORDS: Sequence[PreparedRecord] = ()
_W_BLOCKER: Blocker | None = None
_W_BLOCKS: Sequence[Block] = ()
_W_THRESHOLD = SAME


def _score_blocks(share: tuple[int, int]) -> list[tuple[int, int, float]]:
    """Score one share of the blocks: every ``step``-th block from ``start``."""
    recs, blocker, threshold = _W_RECORDS, _W_BLOCKER, _W_THRESHOLD
    assert blocker is not None
    start, step = share
    out = []
    for b in _W_BLOCKS[start::step]:
        for i, j in blocker.pairs(b):
            s = score_prepared(recs[i], recs[j])
            if s >= threshold:
                out.append((i, j, s))
    return out


def dedupe_prepared(
    records: Sequence[PreparedRecord],
    *,
    threshold: float = SAME,
    workers: int | None = None,
    max_block: int = DEFAULT_MAX_BLOCK,
    progress: Progress | None = None,
) -> tuple[list[tuple[str, str, float]], int]:
    """Pairs (id_a, id_b, score) with score >= threshold, and the candidate count."""
    global _W_RECORDS, _W_BLOCKER, _W_BLOCKS, _W_THRESHOLD
    blocker = Blocker(records, max_block=max_block)
    # Blocks by size, dealt out like cards: each share holds as many big blocks as small ones,
    # so the workers finish together (contiguous ranges left one worker all the biggest blocks).
    blocks = sorted(blocker.blocks, key=lambda b: -len(b.members))
    _W_RECORDS, _W_BLOCKER, _W_BLOCKS, _W_THRESHOLD = records, blocker, blocks, threshold
    workers = workers or min(os.cpu_count() or 1, 8)
    shares = max(1, min(len(blocks), workers * 16))
    spans = [(start, shares) for start in range(shares)]
    found: list[tuple[int, int, float]] = []
    try:
        if workers > 1 and len(records) > 5_000 and "fork" in mp.get_all_start_methods():
            with mp.get_context("fork").Pool(workers) as pool:
                for n, part in enumerate(pool.imap_unordered(_score_blocks, spans), 1):
                    found.extend(part)
                    if progress:
                        progress("score", n / len(spans))
        else:
            for n, span in enumerate(spans, 1):
                found.extend(_score_blocks(span))
                if progress and n % 50 == 0:
                    progress("score", n / len(spans))
    finally:
        _W_RECORDS, _W_BLOCKER, _W_BLOCKS = (), None, ()
    pairs = []
    for i, j, s in found:
        a, b = records[i].record_id, records[j].record_id
        pairs.append((a, b, s) if a <= b else (b, a, s))
    pairs.sort()
    return pairs, blocker.candidate_pairs()


def dedupe_records(
    records: Iterable[PersonRecord],
    *,
    threshold: float = SAME,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[tuple[str, str, float]]:
    """Deduplicate records in memory; returns (id_a, id_b, score), id_a < id_b."""
    prepared = prepare_all(records, progress)
    pairs, _ = dedupe_prepared(prepared, threshold=threshold, workers=workers, progress=progress)
    return pairs


def dedupe_csv(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    threshold: float = SAME,
    workers: int | None = None,
) -> DedupeReport:
    """Read a dedupe CSV, write ``record_id_a,record_id_b,score`` for same-person pairs.

    Raises DedupeInputError (before writing anything) when the input is bad.
    """
    t0 = time.perf_counter()
    prepared = prepare_all(read_csv(input_path), progress)
    pairs, candidates = dedupe_prepared(prepared, threshold=threshold, workers=workers, progress=progress)
    with Path(output_path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(OUTPUT_HEADER)
        for a, b, s in pairs:
            w.writerow((a, b, f"{s:.4f}"))
    if progress:
        progress("done", 1.0)
    return DedupeReport(len(prepared), candidates, len(pairs), time.perf_counter() - t0, str(output_path))
