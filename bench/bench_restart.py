"""Restart time of the durable moto server after N journaled writes (default 10,000).

A child process runs the server on a new data folder with the template's tables (through
``infra.definitions.create_all``); N PutItems go to it through boto3 from a few threads; the
child is SIGKILLed. Then this process times ``start()`` (restore + replay + compact) after the
crash, stops cleanly, and times a second start from the compacted snapshot. Prints figures.

    .venv/bin/python bench/bench_restart.py [N]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from infra.definitions import Names, create_all, table_specs  # noqa: E402
from infra.local.durable import DurableMotoServer  # noqa: E402

THREADS = 6
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
NAMES = Names("bench")
TABLE = table_specs(NAMES)[0]["TableName"]


def setup(endpoint_url: str) -> None:
    """Create the template's tables and buckets, as the local stack does."""
    # create_all makes its clients from the session alone: point them at this server.
    os.environ["AWS_ENDPOINT_URL"] = endpoint_url
    create_all(boto3.Session(region_name="us-east-1", **CREDENTIALS), NAMES)


def ddb(endpoint_url: str) -> Any:
    """A DynamoDB client for the server."""
    return boto3.client(
        "dynamodb", endpoint_url=endpoint_url, region_name="us-east-1", **CREDENTIALS
    )


def serve(data_dir: str) -> None:
    """Child process: run the server until killed."""
    server = DurableMotoServer(Path(data_dir), setup=setup)
    server.start()
    print(server.endpoint_url, flush=True)
    while True:
        time.sleep(3600)


def write_all(endpoint_url: str, writes: int) -> float:
    """N PutItems shaped like the app's (key, two index keys, a few attributes); seconds."""

    def work(ids: range) -> None:
        client = ddb(endpoint_url)
        for i in ids:
            client.put_item(
                TableName=TABLE,
                Item={
                    "pk": {"S": f"DEPT#{i:06d}"},
                    "sk": {"S": "META"},
                    "gsi1pk": {"S": "DEPT"},
                    "gsi1sk": {"S": f"{i:06d}"},
                    "name": {"S": f"基准部门{i}"},
                    "version": {"N": "1"},
                },
            )

    began = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, [range(t, writes, THREADS) for t in range(THREADS)]))
    return time.perf_counter() - began


def count_items(endpoint_url: str) -> int:
    """Items in the bench table (a paginated COUNT scan)."""
    client, total = ddb(endpoint_url), 0
    kwargs: dict[str, Any] = {}
    while True:
        page = client.scan(TableName=TABLE, Select="COUNT", **kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def timed_start(data_dir: Path) -> tuple[DurableMotoServer, float]:
    """Start a server on ``data_dir``; the server and the seconds ``start()`` took."""
    server = DurableMotoServer(data_dir, setup=setup)
    began = time.perf_counter()
    server.start()
    return server, time.perf_counter() - began


def phases(server: DurableMotoServer) -> str:
    """The start phases' seconds, on one line."""
    return "  ".join(f"{k} {v:.2f}" for k, v in server.report.seconds.items() if k != "total")


def main(writes: int) -> None:
    """Write, kill -9, restart twice; print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(data_dir)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout is not None
            url = child.stdout.readline().strip()
            assert url.startswith("http://"), "server child did not start"
            took = write_all(url, writes)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        journal = data_dir / "moto" / "journal.log"
        print(f"writes:                         {writes}")
        print(f"write throughput:               {writes / took:8.0f} /s ({THREADS} threads)")
        print(f"journal bytes:                  {journal.stat().st_size}")
        print(f"journal bytes per write:        {journal.stat().st_size / writes:8.0f}")

        server, crash_s = timed_start(data_dir)
        replayed, failures = server.report.replayed, server.report.replay_failures
        items_after_crash = count_items(server.endpoint_url)
        print(f"restart after kill -9:          {crash_s:8.2f} s  ({phases(server)})")
        print(f"  records replayed / failed:    {replayed} / {failures}")
        print(f"  items present:                {items_after_crash}")
        server.stop()
        snapshot = data_dir / "moto" / "snapshot.json"
        print(f"snapshot bytes:                 {snapshot.stat().st_size}")

        server, clean_s = timed_start(data_dir)
        items_after_clean = count_items(server.endpoint_url)
        print(f"restart after clean stop:       {clean_s:8.2f} s  ({phases(server)})")
        print(
            f"  items restored / present:     {server.report.restored_items} / {items_after_clean}"
        )
        server.stop()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
