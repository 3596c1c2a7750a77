"""The deadline sweep's reads at 1,000, 10,000 and 100,000 open appeals, 100 of them due:
items DynamoDB read to find them (ScannedCount summed over the shards' Queries) and the time
it took on moto. The target: items read ≤ 2 × items due + one page per shard, the same at
every size. moto's Query walks its whole table, so its time grows where DynamoDB's does not:
the items read are the figure that counts. Prints; asserts nothing."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "XQT_TABLE": "bench-maintable",
        "XQT_AUTH_ISSUER": "bench",
        "XQT_AUTH_AUDIENCE": "bench",
    }
)

DUE = 100
SIZES = (1_000, 10_000, 100_000)


def fill(client: object, count: int, start: int, now: datetime) -> None:
    """``count`` watch items (the sweep's sparse index), ``DUE`` of them already due."""
    from chalicelib import clock
    from chalicelib.store import appeals, db, keys

    batch = []
    for n in range(start, start + count):
        appeal_id = f"XQT-20261127-{n:06d}"
        due = now - timedelta(hours=1) if n < DUE else now + timedelta(days=1 + n % 20)
        stamp = clock.iso(due)
        batch.append(
            {
                "PutRequest": {
                    "Item": db.to_item(
                        {
                            "pk": f"APPEAL#{appeal_id}",
                            "sk": "L#watch",
                            "gsi1pk": keys.sweep_watch(appeals._shard(appeal_id)),
                            "gsi1sk": f"{stamp}#overdue#{appeal_id}",
                            "id": appeal_id,
                            "reply_due_at": stamp,
                        }
                    )
                }
            }
        )
        if len(batch) == 25:
            client.batch_write_item(RequestItems={db.table(): batch})  # type: ignore[attr-defined]
            batch = []
    if batch:
        client.batch_write_item(RequestItems={db.table(): batch})  # type: ignore[attr-defined]


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib.config import settings
    from chalicelib.store import appeals, db
    from infra.definitions import Names, create_all

    now = datetime(2026, 11, 27, 12, 0, tzinfo=datetime.now().astimezone().tzinfo)
    with mock_aws():
        db.reset()
        create_all(boto3.Session(), Names("bench"))
        client = db.client()
        shards = settings().sweep_shards
        head = ("open appeals", "due", "found", "items read", "target ≤", "seconds")
        print(f"{head[0]:>13} {head[1]:>5} {head[2]:>6} {head[3]:>11} {head[4]:>9} {head[5]:>8}")
        have = 0
        for size in SIZES:
            fill(client, size - have, have, now)
            have = size
            began = time.perf_counter()
            found, scanned = appeals.due_for_sweep(now)
            elapsed = time.perf_counter() - began
            target = 2 * DUE + shards
            print(f"{size:>13,} {DUE:>5} {len(found):>6} {scanned:>11} {target:>9} {elapsed:>8.2f}")
    print(f"({shards} shards; one Query per shard with gsi1sk < now)")


if __name__ == "__main__":
    main()
