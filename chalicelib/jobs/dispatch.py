"""The job queue's consumer: each message names a job; its kind says which runner works it
(``RUNNERS``). A runner goes page by page and checkpoints after each (``store/jobs.py``), so
a message received again goes on where the last receive stopped. A job that fails its last
receive is marked failed (and its message goes to the dead-letter queue)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain.models import Actor
from chalicelib.logs import logger
from chalicelib.store import jobs, queues

#: SQS receives before a job's message goes to the dead-letter queue (infra template).
MAX_RECEIVES = 3

Runner = Callable[[dict[str, Any], datetime], dict[str, Any]]


def _runners() -> dict[str, Runner]:
    from chalicelib.jobs import (
        appeal_export,
        enterprise_import,
        ledger_export,
        policy_push,
        search_snapshot,
    )

    return {
        "policy_push": policy_push.run,
        "enterprise_import": enterprise_import.run,
        "appeal_export": appeal_export.run,
        ledger_export.KIND: ledger_export.run,
        search_snapshot.KIND: search_snapshot.run_job,
    }


class PoisonMessage(Exception):
    """A message that can never be processed (no job id, unknown job or kind)."""


def enqueue(item: dict[str, Any]) -> None:
    """Send a job's message (its item is written already); a job that cannot be queued is
    marked failed at once rather than left queued with nothing to run it."""
    try:
        queues.send(settings().job_queue, [{"job_id": item["id"]}])
    except Exception as exc:
        jobs.fail(item["id"], clock.now(), f"not queued: {type(exc).__name__}")
        raise


def create(kind: str, params: dict[str, Any], actor: Actor | None) -> dict[str, Any]:
    """Write a job and queue it (for jobs that need no transaction with anything else)."""
    from chalicelib.store import db

    item = jobs.new_item(kind, params, actor, clock.now())
    db.transact([jobs.put_action(item)])
    enqueue(item)
    return item


def handle(body: str, receives: int) -> str:
    try:
        job_id = str(json.loads(body)["job_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PoisonMessage(f"unreadable message: {body[:200]}") from exc
    job = jobs.get(job_id)
    runner = _runners().get(job["kind"])
    if runner is None:
        raise PoisonMessage(f"unknown job kind {job['kind']!r}")
    if job["status"] in ("done", "failed"):
        return str(job["status"])  # a duplicate message
    try:
        result = runner(job, clock.now())
    except Exception as exc:
        if receives >= MAX_RECEIVES:
            jobs.fail(job_id, clock.now(), f"{type(exc).__name__}: {exc}")
        raise
    logger.info("job done", extra={"job": job_id, "kind": job["kind"], "result": result})
    return "done"


def handler(event: dict[str, Any]) -> dict[str, Any]:
    """An SQS event (Lambda's shape) → ``{"batchItemFailures": [...]}``."""
    from chalicelib.jobs import batch

    return batch.partial(event, handle)
