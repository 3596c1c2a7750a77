"""What an enterprise import keeps besides its job item: the rows each page rejected, so
the result file can be written when the job ends, however many receives it took.

Keys (docs/data-model.md): ``JOB#{id}`` / ``REJECTED#{page}#{part}``, TTL a month.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib import clock
from chalicelib.store import db, keys

#: Rejected rows per item: 25 rows of long reasons stay far below DynamoDB's 400 KB.
PART = 25
KEEP_SECONDS = 30 * 86400


def put_rejections(job_id: str, page: int, rows: list[dict[str, Any]]) -> None:
    """Keep a page's rejected rows (``{row, uscc, name, reasons}``). Written again by a
    receive that redoes the page, it is the same items with the same content."""
    expires = int(clock.real_now().timestamp()) + KEEP_SECONDS
    puts = []
    for part, start in enumerate(range(0, len(rows), PART)):
        item = {
            **keys.import_rejections(job_id, page, part),
            "item_type": "import_rejections",
            "rows": rows[start : start + PART],
            "expires_at": expires,
        }
        puts.append({"PutRequest": {"Item": db.to_item(item)}})
    for start in range(0, len(puts), 25):
        pending = puts[start : start + 25]
        while pending:
            resp = db.client().batch_write_item(RequestItems={db.table(): pending})
            pending = resp.get("UnprocessedItems", {}).get(db.table(), [])


def rejections(job_id: str) -> Iterator[dict[str, Any]]:
    """Every rejected row of a job, in file order (pages, then parts, are in key order)."""
    cursor = None
    while True:
        items, cursor = db.query_page(
            index=None,
            key_condition="pk = :pk AND begins_with(sk, :p)",
            values={":pk": keys.job_partition(job_id), ":p": keys.import_rejections_prefix()},
            limit=40,
            cursor=cursor,
            consistent=True,
        )
        for item in items:
            yield from item["rows"]
        if cursor is None:
            return
