"""A bench's seed data into its in-process moto (``mock_aws``) the way the durable server
restores a snapshot: each item straight into moto's backend as moto's BatchWriteItem puts
it (``infra.local.durable.put_directly``), without botocore's validation and serialisation
and moto's request parser, which cost several times the put itself (minutes for the
200,000-odd items of bench_reports.py). An item that path does not take, or a client not
on the in-process moto, goes through ``batch_write_item`` as before. Import as
``moto_seed`` (the benches run from bench/)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.local.durable import put_directly


def batch_write(client: Any, request_items: dict[str, list[dict[str, Any]]]) -> None:
    """``client.batch_write_item(RequestItems=request_items)`` for PutRequests, in order."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    in_process = "amazonaws.com" in (client.meta.endpoint_url or "")
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][client.meta.region_name]
    for name, requests in request_items.items():
        table = backend.tables.get(name) if in_process else None
        for request in requests:
            put = request.get("PutRequest")
            if table is None or put is None or not put_directly(table, put["Item"]):
                client.batch_write_item(RequestItems={name: [request]})
