"""Pushing a published policy (R1.3): the job goes through the register a page (100
enterprises) at a time — never all in memory — tells each enterprise the policy matches in
its inbox, with the reasons, and checkpoints after every page. A retried message goes on from
the last checkpoint; a notification written twice is one (its key is the policy's). Close to
Lambda's time limit the job queues itself again and stops; the next receive goes on. A policy
withdrawn while its push runs is pushed no further: each page reads its status first."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.domain.models import Enterprise
from chalicelib.domain.policies import match
from chalicelib.store import enterprises, jobs, notifications
from chalicelib.store import policies as policy_store

PAGE = 100
#: Seconds a receive works before it hands the rest to a fresh message (Lambda: 300 s).
BUDGET_SECONDS = 240.0


def run(job: dict[str, Any], now: datetime) -> dict[str, Any]:
    from chalicelib.jobs import dispatch

    began = time.monotonic()
    policy = policy_store.get(job["params"]["policy_id"])
    total = job.get("total")
    if total is None:
        total = enterprises.count()
    if not jobs.start(job["id"], now, total):
        return {"skipped": job["status"]}
    page_number = int(job.get("page", 0))
    cursor = job.get("cursor") or None
    if page_number and not cursor:  # the last page was done: only the finish is left
        return _finish(job, now)
    processed = int(job.get("processed", 0))
    counts = {"matched": 0, **(job.get("counts") or {})}
    at = policy.published_at or clock.iso(now)
    epoch = int(clock.real_now().timestamp())
    while True:
        if page_number:  # read again before every page but the first
            policy = policy_store.get(policy.id)
        if policy.status != "published":  # withdrawn meanwhile: nobody more is told
            job = {**job, "processed": processed, "counts": counts}
            return _finish(job, now, stopped=policy.status)
        items, cursor = enterprises.listing(PAGE, cursor)
        told = []
        for item in items:
            enterprise = Enterprise.model_validate(item)
            found = match(policy.conditions, enterprise)
            if found.matched:
                told.append(
                    notifications.put_action(
                        f"enterprise:{enterprise.uscc}",
                        "policy_matched",
                        policy.title,
                        at,
                        epoch,
                        policy_id=policy.id,
                        stable_id=f"policy-{policy.id}",
                    )
                )
        notifications.write_batch(told)
        page_number += 1
        processed += len(items)
        counts["matched"] += len(told)
        progress = min(99, processed * 100 // max(total, 1))
        if not jobs.checkpoint(job["id"], page_number, cursor, processed, counts, progress):
            return {"stopped": "another receive holds the job"}
        if cursor is None:
            job = {**job, "processed": processed, "counts": counts}
            return _finish(job, now)
        if time.monotonic() - began > BUDGET_SECONDS:
            dispatch.enqueue(job)  # the rest in a fresh receive, from this checkpoint
            return {"continued": page_number}


def _finish(job: dict[str, Any], now: datetime, stopped: str | None = None) -> dict[str, Any]:
    counts = job.get("counts") or {}
    result: dict[str, Any] = {
        "processed": int(job.get("processed", 0)),
        "matched": int(counts.get("matched", 0)),
    }
    if stopped:
        result["stopped"] = stopped
    jobs.finish(job["id"], now, result)
    return result
