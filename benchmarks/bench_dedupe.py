"""Batch deduplication benchmark: Haven's engine on synthetic households.

    python -m benchmarks.bench_dedupe            # 10k and 100k records
    python -m benchmarks.bench_dedupe --sizes 10000 --million

Prints records, pairs found, pairwise precision/recall/F1 at the SAME
threshold, precision of the SAME band and of the POSSIBLE band, wall time of
``dedupe_csv`` (reading, normalising, blocking, scoring, writing) and peak RSS
of the main process and of the largest worker.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import Generator, true_pairs, write_csv
from haven.matching.core.dedupe import dedupe_csv
from haven.matching.core.score import POSSIBLE, SAME


def _rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def run(n: int, seed: int, workers: int | None, tmp: Path) -> dict[str, float]:
    records = Generator(seed).records(n)
    truth = true_pairs(records)
    inp, out = tmp / f"in_{n}.csv", tmp / f"out_{n}.csv"
    write_csv(records, inp)
    del records
    t0 = time.perf_counter()
    report = dedupe_csv(inp, out, threshold=POSSIBLE, workers=workers)
    seconds = time.perf_counter() - t0
    same, possible = set(), set()
    with out.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pair = (row["record_id_a"], row["record_id_b"])
            (same if float(row["score"]) >= SAME else possible).add(pair)
    tp = len(same & truth)
    precision = tp / len(same) if same else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    p_possible = len(possible & truth) / len(possible) if possible else 1.0
    recall_both = len((same | possible) & truth) / len(truth) if truth else 1.0
    me, kids = _rss_mb()
    return {
        "records": report.records,
        "true pairs": len(truth),
        "candidates": report.candidate_pairs,
        "SAME pairs": len(same),
        "precision": precision,
        "recall": recall,
        "F1": f1,
        "POSSIBLE pairs": len(possible),
        "P(possible)": p_possible,
        "recall same+possible": recall_both,
        "seconds": seconds,
        "RSS MB": me,
        "worker RSS MB": kids,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--million", action="store_true", help="also run 1,000,000 records")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    sizes = list(args.sizes) + ([1_000_000] if args.million else [])
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            rows.append(run(n, args.seed, args.workers, Path(d)))
            print(_fmt(rows[-1]), file=sys.stderr, flush=True)
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(_cell(r[c]) for c in cols) + " |")
    print(f"\ncpu count: {os.cpu_count()}; SAME >= {SAME}, POSSIBLE >= {POSSIBLE}")
    return 0


def _cell(v: float) -> str:
    if isinstance(v, float) and v < 1.0001 and v != int(v):
        return f"{v:.4f}"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def _fmt(r: dict[str, float]) -> str:
    return ", ".join(f"{k}={_cell(v)}" for k, v in r.items())


if __name__ == "__main__":
    raise SystemExit(main())
