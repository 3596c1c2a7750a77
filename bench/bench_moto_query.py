"""The local stack's Query at county scale (moto with infra/local/moto_patches.py, in
process): a Query returning 20 items at 1,000 and at 250,000 items in the table, and the
ratio (goal ≤ 2×: O(log n + items returned), not O(table)).

Two tables, one of each size, queried in turn (so both see the same load on a shared
machine). The items are appeal-shaped (the app's table and its two indexes,
infra/definitions.py): every item in one gsi1 partition (the all-appeals list, the largest
there is), 100 items per enterprise on gsi2 (the same partition at either scale). They are
written straight into moto's backend: the bench measures the Query, not the writes.
Timed through boto3 as the app calls it: the median of 50 runs of

* the all-appeals list page: gsi1, newest first, Limit 20 (a partition of n items);
* the same with a range condition (``gsi1sk < :t``) and a filter;
* one enterprise's appeals: gsi2, Limit 20;
* the second page of the list (ExclusiveStartKey).

``--unpatched`` adds one Query of moto as released, at the largest size (the "before").

    .venv/bin/python bench/bench_moto_query.py [SMALL] [LARGE] [--unpatched]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
)

from figures import figure

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SMALL = int(ARGS[0]) if ARGS else 1_000
LARGE = int(ARGS[1]) if len(ARGS) > 1 else 250_000
RUNS = 50
GOAL = 2.0


def fill(backend: Any, table: str, start: int, stop: int) -> None:
    for i in range(start, stop):
        at = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00.{i:09d}Z"
        backend.put_item(
            table,
            {
                "pk": {"S": f"APPEAL#{i:09d}"},
                "sk": {"S": "META"},
                "gsi1pk": {"S": "APPEALS#ALL"},
                "gsi1sk": {"S": f"{at}#{i:09d}"},
                "gsi2pk": {"S": f"ENT#{i // 100:04d}"},
                "gsi2sk": {"S": at},
                "status": {"S": "open" if i % 5 else "closed"},
                "title": {"S": f"诉求 {i}：企业用工问题与政策咨询"},
                "version": {"N": str(i % 7)},
            },
        )


def queries(table: str) -> dict[str, dict[str, Any]]:
    return {
        "list page (gsi1, newest first, 20)": {
            "TableName": table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "APPEALS#ALL"}},
            "ScanIndexForward": False,
            "Limit": 20,
        },
        "due (gsi1sk < t, filter, 20)": {
            "TableName": table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :p AND gsi1sk < :t",
            "FilterExpression": "#s = :open",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {
                ":p": {"S": "APPEALS#ALL"},
                ":t": {"S": "2026-06"},
                ":open": {"S": "open"},
            },
            "Limit": 20,
        },
        "one enterprise (gsi2, 20)": {
            "TableName": table,
            "IndexName": "gsi2",
            "KeyConditionExpression": "gsi2pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "ENT#0007"}},
            "Limit": 20,
        },
    }


def timed(client: Any, small: dict[str, Any], large: dict[str, Any]) -> tuple[float, float]:
    """Medians of the same Query on the small and the large table, run in turn (so both see
    the same load on a shared machine)."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(RUNS):
        for params, out in ((small, samples[0]), (large, samples[1])):
            began = time.perf_counter()
            items = client.query(**params)["Items"]
            out.append(time.perf_counter() - began)
            assert items, params
    return statistics.median(samples[0]) * 1000, statistics.median(samples[1]) * 1000


def with_second_page(client: Any, table: str) -> dict[str, Any]:
    first = queries(table)["list page (gsi1, newest first, 20)"]
    second = dict(first)
    second["ExclusiveStartKey"] = client.query(**first)["LastEvaluatedKey"]
    return second


def main() -> None:
    import boto3
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from infra.definitions import Names, create_all
    from infra.local import moto_patches

    moto_patches.apply()
    with mock_aws():
        small_table, large_table = Names("small").of("MainTable"), Names("large").of("MainTable")
        create_all(boto3.Session(), Names("small"))
        create_all(boto3.Session(), Names("large"))
        client = boto3.client("dynamodb", region_name="us-east-1")
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]

        began = time.perf_counter()
        fill(backend, small_table, 0, SMALL)
        fill(backend, large_table, 0, LARGE)
        print(
            f"{SMALL + LARGE:,} items written into moto's backend in "
            f"{time.perf_counter() - began:.0f} s"
        )
        began = time.perf_counter()
        client.query(**queries(large_table)["one enterprise (gsi2, 20)"])
        print(
            "the first Query of the large table (its views built) "
            f"{time.perf_counter() - began:.1f} s"
        )

        pairs = {
            name: (params, queries(large_table)[name])
            for name, params in queries(small_table).items()
        }
        pairs["list page 2 (ExclusiveStartKey)"] = (
            with_second_page(client, small_table),
            with_second_page(client, large_table),
        )
        for name, (small_params, large_params) in pairs.items():
            small, large = timed(client, small_params, large_params)
            ratio = large / small
            figure(
                f"moto Query {name}: {SMALL:,} / {LARGE:,} items",
                f"{small:.1f} / {large:.1f} ms",
                f"ratio ≤ {GOAL:g}×",
                None,
            )
            figure("  ratio", f"{ratio:.2f}×", f"≤ {GOAL:g}×", ratio <= GOAL)

        if "--unpatched" in sys.argv:
            moto_patches.revert()
            try:
                began = time.perf_counter()
                client.query(**queries(large_table)["list page (gsi1, newest first, 20)"])
                before = time.perf_counter() - began
            finally:
                moto_patches.apply()
            figure(
                f"moto Query unpatched (before): list page at {LARGE:,}",
                f"{before * 1000:.0f} ms",
                "(moto 5.2.5 as released)",
                None,
            )


if __name__ == "__main__":
    main()
