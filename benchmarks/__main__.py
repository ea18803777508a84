"""Run every benchmark: ``.venv/bin/python -m benchmarks [--million]``.

Batch dedupe (bench_dedupe), Haven next to Splink (bench_splink, needs
``pip install -e '.[splink]'``), and search / duplicate-check latency on
SQLite and PostgreSQL (bench_search). Each prints a Markdown table for
docs/performance.md.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys


def main() -> int:
    million = ["--million"] if "--million" in sys.argv[1:] else []
    runs = [["benchmarks.bench_dedupe", *million], ["benchmarks.bench_search", *million]]
    if importlib.util.find_spec("splink") is not None:
        runs.insert(1, ["benchmarks.bench_splink", "--sizes", "10000", "100000"])
        if million:
            # Splink plain blocks on the date alone: at a million records that does not fit in memory.
            runs.insert(
                2,
                [
                    "benchmarks.bench_splink",
                    "--sizes",
                    "1000000",
                    "--engines",
                    "haven",
                    "best",
                    "--memory-limit",
                    "12GB",
                ],
            )
    else:
        print("splink is not installed: skipping bench_splink (pip install -e '.[splink]')", file=sys.stderr)
    status = 0
    for module, *args in runs:
        print(f"\n## {module}\n", flush=True)
        status |= subprocess.call([sys.executable, "-m", module, *args])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
