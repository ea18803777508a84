"""Haven's batch engine next to Splink 5 (DuckDB) on the same synthetic records.

    .venv/bin/pip install splink==5.0.0          # not a Haven dependency; only for this benchmark
    .venv/bin/python -m benchmarks.bench_splink                 # 10k and 100k records
    .venv/bin/python -m benchmarks.bench_splink --sizes 10000

Records come from ``benchmarks/synthetic.py`` (same seed as
``bench_dedupe``), so the three engines see identical input. Splink runs
twice:

- *plain*: the raw name columns, Jaro-Winkler comparisons, blocking on raw
  names and the date of birth;
- *best*: Haven's normalised forms as input (cross-script phonetic keys
  and Latin readings from ``haven.matching.core``), comparisons that
  agree first on the key, then on Jaro-Winkler of the Latin reading,
  a date comparison that knows swapped day/month and year-only dates, and
  blocking on pairs of keys.

Both are trained unsupervised (u by random sampling, m by EM), as Splink's
documentation recommends; the reported threshold is the best of 0.5, 0.9
and 0.99 match probability for each configuration. Pairwise precision,
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

THRESHOLDS = (0.5, 0.9, 0.99)


def _prf(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _table(records: list[SynthRecord], *, normalised: bool) -> Any:
    import pyarrow as pa

    cols: dict[str, list[Any]] = {
        "unique_id": [],
        "given": [],
        "father": [],
        "family": [],
        "dob": [],
        "year": [],
        "md": [],
        "sex": [],
    }
    if normalised:
        from haven.matching.core.normalize import normalize_name

        for c in ("given_lat", "father_lat", "family_lat"):
            cols[c] = []
    for r in records:
        cols["unique_id"].append(r.record_id)
        for c, v in (("given", r.given_name), ("father", r.father_name), ("family", r.family_name)):
            if normalised:
                n = normalize_name(v) if v else None
                cols[c].append(n.key if n else None)
                cols[c + "_lat"].append(n.latin if n else None)
            else:
                cols[c].append(v or None)
        dob = r.date_of_birth or None
        cols["dob"].append(dob)
        cols["year"].append(dob[:4] if dob else None)
        # month-day sorted, so that a swapped day and month agree here
        cols["md"].append("-".join(sorted((dob[5:7], dob[8:10]))) if dob else None)
        cols["sex"].append(r.sex or None)
    return pa.table(cols)


def _settings(normalised: bool) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

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


def run_splink(records: list[SynthRecord], truth: set[tuple[str, str]], *, normalised: bool) -> dict[str, Any]:
    from splink import Linker, block_on
    from splink.backends.duckdb import DuckDBAPI

    t0 = time.perf_counter()
    db_api = DuckDBAPI()
    df = db_api.register(_table(records, normalised=normalised), table_name="records")
    linker = Linker(df, _settings(normalised), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given", "father", "family", "dob")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given", "family"))
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    rows = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r, match_probability").fetchall()
    seconds = time.perf_counter() - t0
    best: dict[str, Any] = {}
    for th in THRESHOLDS:
        found = {(a, b) if a < b else (b, a) for a, b, p in rows if p >= th}
        p, r, f = _prf(found, truth)
        if not best or f > best["F1"]:
            best = {"threshold": th, "precision": p, "recall": r, "F1": f, "pairs": len(found)}
    best["seconds"] = seconds
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


def dedupe_file(source: Path, output: Path, threshold: float = 0.9) -> int:
    """National-scale batch on Splink itself: a dedupe CSV in, ``record_id_a,record_id_b,score`` out.

    Uses the *best* configuration (Haven's keys as input) on DuckDB; for
    Spark, build the same settings with ``splink.backends.spark.SparkAPI``.
    """
    import csv

    from haven.matching.core.dedupe import read_csv

    records = [
        SynthRecord(
            r.record_id,
            0,
            r.given_name,
            r.father_name,
            r.family_name,
            r.date_of_birth.isoformat() if r.date_of_birth else "",
            r.sex,
            r.place_of_birth,
        )
        for r in read_csv(source)
    ]
    from splink import Linker, block_on
    from splink.backends.duckdb import DuckDBAPI

    db_api = DuckDBAPI()
    linker = Linker(
        db_api.register(_table(records, normalised=True), table_name="records"), _settings(True), log_level=None
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given", "father", "family", "dob")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given", "family"))
    rel = linker.inference.predict(threshold_match_probability=threshold).as_duckdbpyrelation()
    n = 0
    with output.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("record_id_a", "record_id_b", "score"))
        for a, b, p in rel.select("unique_id_l, unique_id_r, match_probability").fetchall():
            w.writerow((min(a, b), max(a, b), f"{p:.4f}"))
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument(
        "--input", type=Path, help="dedupe a CSV (manage.py dedupe format) with Splink instead of benchmarking"
    )
    ap.add_argument("--output", type=Path, help="pairs CSV written with --input")
    ap.add_argument("--seed", type=int, default=42, help="same default as bench_dedupe")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.input:
        if not args.output:
            ap.error("--input needs --output")
        t0 = time.perf_counter()
        n = dedupe_file(args.input, args.output)
        print(f"{n} pairs written to {args.output} in {time.perf_counter() - t0:.1f} s")
        return 0
    results = []
    lines = [
        "| records | engine | threshold | precision | recall | F1 | pairs | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in args.sizes:
        records = Generator(args.seed).records(n)
        truth = true_pairs(records)
        for engine, fn in (
            ("Haven", lambda: run_haven(n, args.seed, args.workers)),  # noqa: B023 - called at once
            ("Splink plain", lambda: run_splink(records, truth, normalised=False)),  # noqa: B023
            ("Splink best (Haven keys)", lambda: run_splink(records, truth, normalised=True)),  # noqa: B023
        ):
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
