"""Haven's batch engine next to Splink 5 (DuckDB) on the same synthetic records.

    .venv/bin/pip install -e '.[splink]'         # Splink is an optional extra
    .venv/bin/python -m benchmarks.bench_splink                 # 10k and 100k records
    .venv/bin/python -m benchmarks.bench_splink --sizes 10000

Records come from ``benchmarks/synthetic.py`` (same seed as
``bench_dedupe``), so the three engines see identical input. Splink runs
twice, with the two configurations defined in
``haven.matching.splink_engine`` (shared with ``manage.py dedupe_splink``,
which runs the best one on a file):

- *plain*: the raw name columns, Jaro-Winkler comparisons, blocking on raw
  names and the date of birth;
- *best*: Haven's normalised forms as input (cross-script phonetic keys
  and Latin readings from ``haven.matching.core``), comparisons that
  agree first on the key, then on Jaro-Winkler of the Latin reading,
  a date comparison that knows swapped day/month and year-only dates, and
  blocking on pairs of keys.

Both are trained unsupervised (u by random sampling, m by EM), as Splink's
documentation recommends; the reported threshold is the best of a grid of
match probabilities from 0.01 to 0.99 for each configuration. Pairwise precision,
recall and F1 are against the generator's hidden entity ids; time is wall
clock including training.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import Generator, SynthRecord, true_pairs  # noqa: E402

THRESHOLDS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
"""Splink is given the best of these match probabilities (a fine grid, so the comparison is fair to it)."""


def _prf(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_splink(
    records: list[SynthRecord], truth: set[tuple[str, str]], *, normalised: bool, memory_limit: str | None = None
) -> dict[str, Any]:
    from splink.backends.duckdb import DuckDBAPI

    from haven.matching import splink_engine

    t0 = time.perf_counter()
    con = splink_engine.duckdb_connection(memory_limit=memory_limit, temp_dir=tempfile.gettempdir())
    try:
        linker = splink_engine.linker_for(
            splink_engine.records_table(records, normalised=normalised),
            DuckDBAPI(connection=con),
            normalised=normalised,
        )
        splink_engine.train(linker)
        predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
        rows = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r, match_probability").fetchall()
    finally:
        con.close()  # DuckDB's memory goes back before the next engine runs
    seconds = time.perf_counter() - t0
    prior = linker._settings_obj._probability_two_random_records_match
    print(f"  prior (probability two random records match): {prior:.3g}", file=sys.stderr, flush=True)
    best: dict[str, Any] = {}
    grid = {}
    for th in THRESHOLDS:
        found = {(a, b) if a < b else (b, a) for a, b, p in rows if p >= th}
        p, r, f = _prf(found, truth)
        grid[th] = {"precision": p, "recall": r, "F1": f}
        print(f"  threshold {th}: precision {p:.4f} recall {r:.4f} F1 {f:.4f}", file=sys.stderr, flush=True)
        if not best or f > best["F1"]:
            best = {"threshold": th, "precision": p, "recall": r, "F1": f, "pairs": len(found)}
    best["seconds"] = seconds
    best["grid"] = grid
    best["prior"] = prior
    return best


def run_haven(n: int, seed: int, workers: int | None) -> dict[str, Any]:
    from benchmarks.bench_dedupe import run

    with tempfile.TemporaryDirectory() as tmp:
        r = run(n, seed, workers, Path(tmp))
    return {
        "threshold": "SAME",
        "precision": r["precision"],
        "recall": r["recall"],
        "F1": r["F1"],
        "pairs": r["SAME pairs"],
        "seconds": r["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=42, help="same default as bench_dedupe")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--engines",
        nargs="*",
        choices=["haven", "plain", "best"],
        default=["haven", "plain", "best"],
        help="which engines to run (at 1M Splink plain's blocking on the date alone does not fit in memory)",
    )
    ap.add_argument("--memory-limit", default=None, help="DuckDB's memory limit for Splink, e.g. 12GB")
    args = ap.parse_args(argv)
    results = []
    lines = [
        "| records | engine | threshold | precision | recall | F1 | pairs | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in args.sizes:
        records = Generator(args.seed).records(n)
        truth = true_pairs(records)
        mem = args.memory_limit
        for key, engine, fn in (
            ("haven", "Haven", lambda: run_haven(n, args.seed, args.workers)),  # noqa: B023 - called at once
            ("plain", "Splink plain", lambda: run_splink(records, truth, normalised=False, memory_limit=mem)),  # noqa: B023
            ("best", "Splink best (Haven keys)", lambda: run_splink(records, truth, normalised=True, memory_limit=mem)),  # noqa: B023
        ):
            if key not in args.engines:
                continue
            print(f"{engine} on {n:,} records ...", file=sys.stderr, flush=True)
            r = fn()
            r.update({"engine": engine, "records": n})
            results.append(r)
            line = (
                f"| {n:,} | {engine} | {r['threshold']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['F1']:.4f} "
                f"| {r['pairs']:,} | {r['seconds']:.1f} |"
            )
            lines.append(line)
            print(line, flush=True)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
