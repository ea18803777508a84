"""Splink 5 on Haven's records: the configuration, its training and a batch run.

One definition shared by ``manage.py dedupe_splink`` (national-scale batch
deduplication of a CSV file, or of the registry into the review queue with
``haven.matching.tasks.dedupe_registry_splink``) and
``benchmarks/bench_splink.py`` (Haven's engine next to Splink). Plain
Python like the core: no Django import, and Splink, DuckDB and pyarrow are
imported only when used (``pip install 'haven[splink]'``).

Two configurations:

- *plain*: the raw name columns, Jaro-Winkler comparisons, blocking on raw
  names and the date of birth (the benchmark's baseline);
- *best*: Haven's normalised forms as input (the cross-script phonetic key
  and the Latin reading of each name from ``haven.matching.core``),
  comparisons that agree first on the key, then on Jaro-Winkler of the
  Latin reading, a date comparison that knows swapped day/month and
  year-only dates, and blocking on pairs of keys. The batch command uses
  this one.

Both are trained unsupervised (u by random sampling, m by EM), as Splink's
documentation recommends (``train``). See docs/matching.md, "National
scale: Splink".
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

INSTALL_HINT = "pip install 'haven[splink]'"
DEFAULT_THRESHOLD = 0.5
"""Match probability at or above which a pair is written or queued.

Splink's probabilities fall as the data grows (its prior, the chance that
two random records match, is about 1/N), so no one threshold is best at
every size: in the benchmark the best were 0.6 at 10k records, 0.5 at 100k
and 0.2 at a million. 0.5 stays within 0.017 of the best F1 at 10k and
100k, with precision of 0.9 or more at every size; 0.7 kept 1.5% of the
pairs at a million (docs/matching.md, "Threshold")."""
BATCH_ROWS = 50_000
"""Records normalised and loaded into DuckDB at a time, so that Python never
holds the whole file."""
OUTPUT_HEADER = ("record_id_a", "record_id_b", "score")
DEFAULT_PRIOR = 0.0001
"""Splink's own default probability that two random records match, kept
when the data gives no usable estimate (too small or too clean)."""

Progress = Callable[[str, float], None]
"""Called with a stage name and the fraction done (0..1) of that stage."""


class SplinkMissing(ImportError):
    """Splink (or DuckDB or pyarrow) is not installed."""


class SplinkRecord(Protocol):
    """What a record needs: ``PersonRecord`` (core) and ``SynthRecord`` (benchmarks) both fit.

    Read-only properties, so that frozen dataclasses fit too.
    """

    @property
    def record_id(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def father_name(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def date_of_birth(self) -> date | str | None: ...


@dataclass(frozen=True, slots=True)
class SplinkReport:
    """What a batch run did, for the command's summary."""

    records: int
    pairs_written: int
    seconds: float
    output_path: str


def require_splink() -> None:
    """Raise ``SplinkMissing`` unless Splink and its DuckDB backend can be imported."""
    try:
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401
        import splink  # noqa: F401
        from splink.backends.duckdb import DuckDBAPI  # noqa: F401
    except ImportError as exc:
        raise SplinkMissing(f"Splink is not installed: {INSTALL_HINT}") from exc


# --- Input table -----------------------------------------------------------------


def columns(*, normalised: bool) -> tuple[str, ...]:
    """The input table's columns, in order."""
    base = ("unique_id", "given", "father", "family", "dob", "year", "md", "sex")
    return base + ("given_lat", "father_lat", "family_lat") if normalised else base


def _rows(records: Iterable[SplinkRecord], *, normalised: bool) -> Iterator[dict[str, Any]]:
    if normalised:
        from haven.matching.core.normalize import normalize_name
    for r in records:
        row: dict[str, Any] = {"unique_id": r.record_id}
        for c, v in (("given", r.given_name), ("father", r.father_name), ("family", r.family_name)):
            if normalised:
                n = normalize_name(v) if v else None
                row[c] = n.key if n else None
                row[c + "_lat"] = n.latin if n else None
            else:
                row[c] = v or None
        d = r.date_of_birth
        dob = (d.isoformat() if isinstance(d, date) else d) or None
        row["dob"] = dob
        row["year"] = dob[:4] if dob else None
        # month-day sorted, so that a swapped day and month agree here
        row["md"] = "-".join(sorted((dob[5:7], dob[8:10]))) if dob else None
        row["sex"] = r.sex or None
        yield row


def records_table(records: Iterable[SplinkRecord], *, normalised: bool) -> Any:
    """A pyarrow table of the records, as Splink's input."""
    import pyarrow as pa

    names = columns(normalised=normalised)
    cols: dict[str, list[Any]] = {c: [] for c in names}
    for row in _rows(records, normalised=normalised):
        for c in names:
            cols[c].append(row[c])
    return pa.table({c: pa.array(cols[c], type=pa.string()) for c in names})


# --- Settings and training -------------------------------------------------------


def settings(*, normalised: bool) -> Any:
    """Splink ``SettingsCreator`` for the plain or the best configuration."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons: list[Any]
    blocking: list[Any]
    if not normalised:
        comparisons = [
            cl.JaroWinklerAtThresholds("given", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("father", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("family", [0.92, 0.8]),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("sex"),
        ]
        blocking = [
            block_on("given", "family"),
            block_on("given", "father"),
            block_on("father", "family"),
            block_on("dob"),
        ]
    else:

        def name(col: str) -> Any:
            return cl.CustomComparison(
                output_column_name=col,
                comparison_levels=[
                    cll.NullLevel(col),
                    cll.ExactMatchLevel(col),
                    cll.JaroWinklerLevel(col + "_lat", 0.92),
                    cll.JaroWinklerLevel(col + "_lat", 0.8),
                    cll.ElseLevel(),
                ],
            )

        comparisons = [
            name("given"),
            name("father"),
            name("family"),
            cl.CustomComparison(
                output_column_name="dob",
                comparison_levels=[
                    cll.NullLevel("dob"),
                    cll.ExactMatchLevel("dob"),
                    cll.And(cll.ExactMatchLevel("year"), cll.ExactMatchLevel("md")),
                    cll.LevenshteinLevel("dob", 1),
                    cll.ExactMatchLevel("year"),
                    cll.ElseLevel(),
                ],
            ),
            cl.ExactMatch("sex"),
        ]
        blocking = [
            block_on("given", "family"),
            block_on("given", "father"),
            block_on("father", "family"),
            block_on("dob", "given"),
            block_on("dob", "family"),
        ]
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )


def train(linker: Any, progress: Progress | None = None, *, max_pairs: float = 2e6) -> list[str]:
    """Unsupervised training: the prior, u by random sampling, m by EM on two blocking rules.

    The EM rules are narrow (date and given name; father's and family
    name) and together cover every comparison: blocking EM on the date
    alone pairs everyone recorded as born on 1 January of a year with each
    other, which at a million records did not finish in twelve minutes.

    ``max_pairs`` is the random sample for u (Splink suggests more on a
    cluster, where sampling is cheap).

    A step that finds no record pairs to learn from (small or very clean
    data) is skipped, and Splink uses its default values for what that step
    would have estimated; returns the names of the skipped steps.
    """
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException  # not exported publicly in 5.0

    def prior() -> None:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given", "father", "family", "dob")], recall=0.6
        )
        # No exact matches at all (or nothing else) gives 0 (or 1), with
        # which predict() fails: keep Splink's default prior instead.
        # (Splink 5.0 has no public setter; the version is pinned.)
        if not 0.0 < linker._settings_obj._probability_two_random_records_match < 1.0:
            linker._settings_obj._probability_two_random_records_match = DEFAULT_PRIOR
            raise ValueError("no usable prior")

    # Each step, and what it raises when the data has too few pairs for it (EM on a
    # handful of records can also drive a level's m to 0, which Splink refuses).
    em_too_few = (EMTrainingException, ValueError)
    steps: list[tuple[str, Callable[[], Any], type[Exception] | tuple[type[Exception], ...]]] = [
        ("prior", prior, ValueError),
        (
            "u",
            lambda: linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1),
            EMTrainingException,
        ),
        (
            "em dob+given",
            lambda: linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob", "given")),
            em_too_few,
        ),
        (
            "em father+family",
            lambda: linker.training.estimate_parameters_using_expectation_maximisation(block_on("father", "family")),
            em_too_few,
        ),
    ]
    skipped = []
    for n, (name, step, too_few_pairs) in enumerate(steps, 1):
        try:
            step()
        except too_few_pairs:
            skipped.append(name)
        if progress:
            progress("train", n / len(steps))
    return skipped


def linker_for(table: Any, db_api: Any, *, normalised: bool) -> Any:
    """A Splink ``Linker`` over ``table`` (a pyarrow table, or the name of a table in the database)."""
    from splink import Linker

    return Linker(db_api.register(table, table_name="records"), settings(normalised=normalised), log_level=None)


# --- Batch -----------------------------------------------------------------------


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def duckdb_connection(*, memory_limit: str | None = None, temp_dir: str | os.PathLike[str] | None = None) -> Any:
    """An in-memory DuckDB connection that spills to ``temp_dir`` above ``memory_limit``.

    ``memory_limit`` is DuckDB's setting (e.g. ``"8GB"``; DuckDB's default
    is 80% of the machine's memory); a bad value raises ``ValueError``.
    """
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = {_sql_string(memory_limit)}")
        if temp_dir is not None:
            con.execute(f"SET temp_directory = {_sql_string(str(temp_dir))}")
    except duckdb.Error as exc:
        con.close()
        raise ValueError(str(exc)) from None
    return con


def load_records(con: Any, records: Iterable[SplinkRecord]) -> int:
    """Normalise records into the DuckDB table ``records`` (best configuration), in batches.

    Returns the number of records. ``records`` may raise (e.g.
    ``DedupeInputError`` from ``read_csv``) part-way; nothing is written
    outside DuckDB.
    """
    names = columns(normalised=True)
    con.execute("CREATE TABLE records (" + ", ".join(f"{c} VARCHAR" for c in names) + ")")
    total = 0
    batch: list[SplinkRecord] = []

    def flush() -> None:
        if batch:
            con.register("records_batch", records_table(batch, normalised=True))
            con.execute("INSERT INTO records SELECT * FROM records_batch")
            con.unregister("records_batch")
            batch.clear()

    for r in records:
        batch.append(r)
        total += 1
        if len(batch) >= BATCH_ROWS:
            flush()
    flush()
    return total


@dataclass
class PredictedPairs:
    """Splink's pairs at or above the threshold, still in DuckDB, read a batch at a time.

    Iterating yields ``(record_id_a, record_id_b, score)`` with the ids
    sorted within and across pairs and the score rounded to 4 decimals, as
    in the CSV output; DuckDB sorts (spilling if need be) and hands over
    ``BATCH_ROWS`` rows at a time, so Python never holds every pair.
    """

    records: int
    """Records loaded."""
    count: int
    """Pairs at or above the threshold."""
    _con: Any
    _table: str | None
    _threshold: float

    def _select(self, score: str) -> str:
        """The pairs, sorted; ``score`` is the SQL of the score column over ``match_probability``."""
        a, b, s = OUTPUT_HEADER
        # Every part is ours: Splink's table name, a float, and our own expression.
        return f"""
            SELECT least(unique_id_l, unique_id_r) AS {a},
                   greatest(unique_id_l, unique_id_r) AS {b},
                   {score} AS {s}
            FROM {self._table}
            WHERE match_probability >= {float(self._threshold)!r}
            ORDER BY 1, 2
        """  # noqa: S608

    def __iter__(self) -> Iterator[tuple[str, str, float]]:
        if self._table is None:
            return
        # On the connection itself (Splink's tables may be local to it);
        # nothing else uses it while the pairs are read.
        result = self._con.execute(self._select("round(match_probability, 4)"))
        while rows := result.fetchmany(BATCH_ROWS):
            for a, b, score in rows:
                yield str(a), str(b), float(score)

    def to_csv(self, path: str | os.PathLike[str]) -> int:
        """Write the pairs as ``record_id_a,record_id_b,score`` with DuckDB; returns how many."""
        path = Path(path)
        if self._table is None:
            _write_empty(path)
            return 0
        query = self._select("printf('%.4f', match_probability)")
        result = self._con.execute(
            f"COPY ({query}) TO {_sql_string(str(path))} (FORMAT csv, HEADER true, DELIMITER ',')"
        ).fetchone()
        return int(result[0]) if result else 0


@contextmanager
def predicted_pairs(
    records: Iterable[SplinkRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    memory_limit: str | None = None,
    temp_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    on_skipped: Callable[[list[str]], None] | None = None,
) -> Iterator[PredictedPairs]:
    """Load, train and predict with Splink's best configuration on DuckDB; the pairs while inside.

    Records are normalised and loaded ``BATCH_ROWS`` at a time (``records``
    may be a generator over a file or a database, and may raise part-way).
    DuckDB spills to a temporary folder made inside ``temp_dir`` (default:
    the system's temporary folder), removed on leaving, when it reaches
    ``memory_limit``. ``on_skipped`` hears which training steps the data
    was too small for (see ``train``). The pairs can be read only inside
    the ``with`` block: the DuckDB database closes on leaving it.
    """
    require_splink()
    from splink.backends.duckdb import DuckDBAPI

    with tempfile.TemporaryDirectory(prefix=".haven-splink-", dir=temp_dir) as spill:
        con = duckdb_connection(memory_limit=memory_limit, temp_dir=spill)
        try:
            n = load_records(con, records)
            table = None
            count = 0
            if n >= 2:
                linker = linker_for("records", DuckDBAPI(con), normalised=True)
                skipped = train(linker, progress)
                if skipped and on_skipped:
                    on_skipped(skipped)
                if progress:
                    progress("predict", 0.0)
                table = linker.inference.predict(threshold_match_probability=threshold).physical_name
                row = con.execute(
                    f"SELECT count(*) FROM {table} WHERE match_probability >= {float(threshold)!r}"  # noqa: S608
                ).fetchone()
                count = int(row[0]) if row else 0
                if progress:
                    progress("predict", 1.0)
            yield PredictedPairs(n, count, con, table, threshold)
        finally:
            con.close()


def dedupe_records_to_csv(
    records: Iterable[SplinkRecord],
    output_path: str | os.PathLike[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    memory_limit: str | None = None,
    temp_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    on_skipped: Callable[[list[str]], None] | None = None,
) -> SplinkReport:
    """Deduplicate records with Splink's best configuration on DuckDB; write the pairs as CSV.

    Writes ``record_id_a,record_id_b,score`` (ids sorted within and across
    pairs; score = Splink's match probability, 4 decimals) for pairs at or
    above ``threshold``. The file appears only when complete: the pairs go
    to a temporary file beside it first, so bad input or a failure leaves
    no output. DuckDB spills to ``temp_dir`` (default: a temporary folder
    beside the output, removed afterwards) when it reaches ``memory_limit``.
    ``on_skipped`` hears which training steps the data was too small for
    (see ``train``).
    """
    t0 = time.perf_counter()
    output = Path(output_path)
    with predicted_pairs(
        records,
        threshold=threshold,
        memory_limit=memory_limit,
        temp_dir=temp_dir or output.parent,
        progress=progress,
        on_skipped=on_skipped,
    ) as pairs:
        partial = output.with_name(f".{output.name}.partial")
        try:
            written = pairs.to_csv(partial)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    if progress:
        progress("done", 1.0)
    return SplinkReport(pairs.records, written, time.perf_counter() - t0, str(output))


def _write_empty(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(OUTPUT_HEADER)
