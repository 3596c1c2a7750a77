"""Long jobs (issue 9): pushing a published policy to the enterprises it matches, importing
the county's register. One item per job with its status, progress and counts; a job works
page by page and checkpoints after each (the cursor it reached and its counts), so a message
received again after a failure goes on from there, and two receives never both advance it.

Keys (docs/data-model.md): ``JOB#{id}``; gsi1 ``JOBS#{kind}``, ``{created_at}#{ns}#{id}``.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.domain.models import Actor
from chalicelib.errors import NotFound
from chalicelib.store import db, keys, records

_key = keys.job


def new_item(
    kind: str, params: dict[str, Any], actor: Actor | None, now: datetime
) -> dict[str, Any]:
    """A queued job's item (not written: the caller puts it, alone or in a transaction)."""
    job_id = f"J-{clock.to_beijing(now):%Y%m%d}-{secrets.token_hex(4)}"
    at = clock.iso(now)
    return {
        **_key(job_id),
        "gsi1pk": keys.jobs_of_kind(kind),
        # the business time, then the real write time: newest first even within a second
        "gsi1sk": f"{at}#{time.time_ns():020d}#{job_id}",
        "item_type": "job",
        "id": job_id,
        "kind": kind,
        "status": "queued",
        "progress": 0,
        "processed": 0,
        "total": None,
        "counts": {},
        "params": params,
        "page": 0,
        "created_by": actor.model_dump(mode="json") if actor else None,
        "created_at": at,
        "version": 1,
    }


def put_action(item: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}}


def get(job_id: str) -> dict[str, Any]:
    item = db.get(_key(job_id)) if len(job_id) <= 64 else None
    if item is None:
        raise NotFound("background_job_not_found", id=job_id)
    return records.strip_keys(item)


def page(kind: str, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": keys.jobs_of_kind(kind)},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    return [records.strip_keys(i) for i in items], nxt


#: Attributes named in expressions by other names (reserved words in DynamoDB).
NAMES = {
    "#s": "status",
    "#p": "page",
    "#t": "total",
    "#c": "cursor",
    "#n": "processed",
    "#r": "result",
    "#e": "error",
}


def _update(job_id: str, expression: str, condition: str, values: dict[str, Any]) -> bool:
    return db.update_if(_key(job_id), expression, condition, values, NAMES)


def start(job_id: str, now: datetime, total: int | None) -> bool:
    """queued → running (or running again after a receive that died); False once finished.
    ``total``: how many items the job will go through, when known (kept from the first)."""
    values: dict[str, Any] = {
        ":running": "running",
        ":queued": "queued",
        ":at": clock.iso(now),
        ":one": 1,
    }
    expression = "SET #s = :running, started_at = if_not_exists(started_at, :at)"
    if total is not None:
        expression += ", #t = if_not_exists(#t, :total)"
        values[":total"] = total
    return _update(job_id, expression + " ADD attempts :one", "#s IN (:queued, :running)", values)


def checkpoint(
    job_id: str,
    page_number: int,
    cursor: str | None,
    processed: int,
    counts: dict[str, int],
    progress: int,
) -> bool:
    """Record that page ``page_number`` is done (only if the job stands at the page before:
    of two receives working at once, one advances it, the other stops)."""
    return _update(
        job_id,
        "SET #p = :page, #c = :cursor, #n = :n, counts = :c, progress = :pr",
        "#s = :running AND #p = :before",
        {
            ":page": page_number,
            ":before": page_number - 1,
            ":cursor": cursor or "",
            ":n": processed,
            ":c": counts,
            ":pr": progress,
            ":running": "running",
        },
    )


def finish(job_id: str, now: datetime, result: dict[str, Any]) -> bool:
    return _update(
        job_id,
        "SET #s = :done, progress = :full, finished_at = :at, #r = :result ADD version :one",
        "#s = :running",
        {
            ":done": "done",
            ":running": "running",
            ":full": 100,
            ":at": clock.iso(now),
            ":result": result,
            ":one": 1,
        },
    )


def fail(
    job_id: str,
    now: datetime,
    error: str,
    code: str | None = None,
    params: dict[str, Any] | None = None,
) -> None:
    """queued/running → failed, with the error (the job's last receive failed) in words and,
    with ``code`` and ``params``, as an i18n message for a client to show in its reader's
    language."""
    expression = "SET #s = :failed, finished_at = :at, #e = :err"
    values: dict[str, Any] = {
        ":failed": "failed",
        ":queued": "queued",
        ":running": "running",
        ":at": clock.iso(now),
        ":err": error[:500],
        ":one": 1,
    }
    if code:
        expression += ", error_code = :code, error_params = :params"
        values[":code"] = code
        values[":params"] = params or {}
    _update(job_id, expression + " ADD version :one", "#s IN (:queued, :running)", values)
