"""The deadline sweep (R4.2): every few minutes, find the appeals whose next check has come
and put one message per finding on the escalation queue. It reads O(items due) through the
sparse index and writes nothing itself: the consumer acts, once per appeal and deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.config import settings
from chalicelib.jobs import metrics
from chalicelib.logs import logger
from chalicelib.store import appeals, queues


def run(now: datetime) -> dict[str, Any]:
    """Find what is due at ``now`` and enqueue it; returns what it did."""
    findings, scanned = appeals.due_for_sweep(now)
    bodies = [
        {"appeal_id": f.appeal_id, "finding": f.finding, "deadline": f.deadline} for f in findings
    ]
    sent = queues.send(settings().escalation_queue, bodies) if bodies else 0
    summary = {"found": len(findings), "enqueued": sent, "items_read": scanned}
    logger.info("deadline sweep", extra=summary)
    metrics.sweep_findings(findings)
    return summary
