"""The local stack (``infra.local.server``) with extra items put straight into its moto's
memory right after moto starts, for bench/bench_load.py: 100,000 appeals restored through
the durable server's own path (BatchWriteItem, 25 at a time) take over 15 minutes on the
shared 2-core machine, and the bench measures the requests, not the restore. The items are
not journaled (not durable): a bench's data.

    XQT_BENCH_ITEMS=<json lines of {"table", "items"}> python bench/stack_with_appeals.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.local import durable, server  # noqa: E402

_start = durable.DurableMotoServer.start


def start(self: durable.DurableMotoServer) -> None:
    _start(self)
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend: Any = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    began, count = time.perf_counter(), 0
    with self._lock, open(os.environ["XQT_BENCH_ITEMS"], encoding="utf-8") as lines:
        for line in lines:
            page = json.loads(line)
            for item in page["items"]:
                backend.put_item(page["table"], item)
                count += 1
    print(
        f"bench: {count:,} items put into moto in {time.perf_counter() - began:.0f} s", flush=True
    )


durable.DurableMotoServer.start = start  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(server.main())
