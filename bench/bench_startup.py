"""Time from starting the local stack (installed already) to its first answered request:
on a new data folder, after a clean stop, and after ``kill -9`` with N journaled writes
(default 10,000; each an API write of one TransactWriteItems). Prints figures only.

    .venv/bin/python bench/bench_startup.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.seed import credit_code  # noqa: E402
from tests.e2e.conftest import Stack  # noqa: E402


def main(writes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp) / "data")
        stack.data_dir.mkdir()
        print(f"first start (keys, tables, seed): {stack.start():6.2f} s")
        stack.call("GET", "/api/v1/me", as_user="admin")
        began = time.perf_counter()

        def write(i: int) -> int:
            # enterprises: a county has thousands (departments and commissioners are tens,
            # and each of those also rewrites the one directory item)
            status, _ = stack.call(
                "POST",
                "/api/v1/enterprises",
                {
                    "uscc": credit_code(f"bench {i}"),
                    "name": f"如东基准企业{i:05d}有限公司",
                    "size_class": "small_micro",
                    "industry": "services",
                },
                as_user="admin",
            )
            return status

        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(write, range(writes)))
        took = time.perf_counter() - began
        assert statuses.count(201) == writes, statuses[:5]
        journal = stack.data_dir / "moto" / "journal.log"
        size = journal.stat().st_size if journal.exists() else 0
        print(
            f"{writes} API writes:              {took:6.2f} s ({writes / took:.0f}/s), "
            f"journal {size / 1e6:.1f} MB"
        )
        stack.kill()
        after_kill = stack.start()
        print(f"start after kill -9:    {after_kill:6.2f} s  (replays the journal, compacts)")
        stack.stop()
        after_stop = stack.start()
        print(
            f"start after clean stop:           {after_stop:6.2f} s  (from the compacted snapshot)"
        )
        _status, page = stack.call("GET", "/api/v1/enterprises?limit=100", as_user="admin")
        count, cursor = len(page["items"]), page["next_cursor"]
        while cursor:
            _, page = stack.call(
                "GET", f"/api/v1/enterprises?limit=100&cursor={cursor}", as_user="admin"
            )
            count += len(page["items"])
            cursor = page["next_cursor"]
        print(f"enterprises present after both restarts: {count} (32 seeded)")
        stack.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
