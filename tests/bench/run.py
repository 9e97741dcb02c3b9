"""`make bench`: runs every benchmark under tests/bench on PostgreSQL and prints its figures.

Benchmarks are not tests: they measure, print and save figures (tests/bench/results/*.json) for the
closing notes; they do not pass or fail on time. Each module exposes `main(argv) -> dict`.
Choose one with `make bench BENCH=import_people` and pass arguments with BENCH_ARGS="--rows 1000".
"""

from __future__ import annotations

import importlib
import json
import os
import shlex
import sys
import time
from pathlib import Path

BENCHMARKS = ["import_people", "registration_burst", "catalog", "surveys"]
RESULTS = Path(__file__).parent / "results"


def main() -> int:
    chosen = os.environ.get("BENCH", "").split() or BENCHMARKS
    extra = shlex.split(os.environ.get("BENCH_ARGS", ""))
    RESULTS.mkdir(exist_ok=True)
    for name in chosen:
        module = importlib.import_module(f"tests.bench.{name}")
        print(f"=== {name} ===", flush=True)
        started = time.perf_counter()
        figures = module.main(extra)
        figures["bench_wall_seconds"] = round(time.perf_counter() - started, 2)
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
