"""``make bench``: every benchmark in turn, each as its own process (a cold interpreter, its
own moto), its output as it comes; then each one's wall time and the whole run's, the last
as a ``FIGURE`` line beside issue 20's goal (under 15 minutes on the 2-core machine).
A bench that fails stops the run with its exit code, as make would.

``python bench/run_all.py [NAME ...]`` runs only the benches named (``bench_load`` …)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from figures import figure

HERE = Path(__file__).resolve().parent
#: (script, arguments): the county-scale sizes the issues ask for
BENCHES: list[tuple[str, list[str]]] = [
    ("bench_import", []),
    ("bench_package", []),
    ("bench_requests", []),
    ("bench_sweep", []),
    ("bench_frontend", []),
    ("bench_restart", []),
    ("bench_startup", ["10000"]),
    ("bench_reports", ["50000"]),
    ("bench_duplicates", ["50000"]),
    ("bench_policy_push", ["10000"]),
    ("bench_enterprise_import", ["10000"]),
    ("bench_knowledge", ["2000"]),
    ("bench_search", ["100000", "50000"]),
    ("bench_moto_query", ["1000", "250000"]),
    ("bench_load", ["60", "100000"]),
]
GOAL_SECONDS = 15 * 60


def main(names: list[str]) -> int:
    chosen = [b for b in BENCHES if not names or b[0] in names]
    took: list[tuple[str, float]] = []
    began = time.perf_counter()
    for script, args in chosen:
        print(f"== {script} {' '.join(args)}".rstrip(), flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / f"{script}.py"), *args])
        took.append((f"{script} {' '.join(args)}".rstrip(), time.perf_counter() - start))
        if code:
            print(f"{script} failed with exit code {code}", flush=True)
            return code
    total = time.perf_counter() - began
    print("\nwall time of each bench:")
    for name, seconds in took:
        print(f"  {name:<40} {seconds:7.1f} s")
    minutes, seconds = divmod(round(total), 60)
    if len(chosen) == len(BENCHES):
        figure("make bench, the whole run", f"{minutes} min {seconds:02d} s", "< 15 min",
               total < GOAL_SECONDS)  # fmt: skip
    else:
        print(f"  {'(the benches chosen)':<40} {total:7.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
