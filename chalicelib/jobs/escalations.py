"""The escalation consumer: each message of the sweep acted on through the domain
(``appeal.sweep.act_on``), with Powertools' batch processor — a message that fails does not
fail its batch (partial batch response); after the queue's receives it goes to the DLQ."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import clock
from chalicelib.domain.appeal import sweep
from chalicelib.errors import VersionConflict
from chalicelib.logs import logger
from chalicelib.store import appeals


class PoisonMessage(Exception):
    """A message that can never be processed (bad body, unknown appeal): to the DLQ."""


def handle(body: str) -> str:
    """Act on one finding; returns what was done (an event type, or ``nothing``)."""
    try:
        message = json.loads(body)
        appeal_id, finding, deadline = (
            message["appeal_id"],
            message["finding"],
            message["deadline"],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise PoisonMessage(f"unreadable message: {body[:200]}") from exc
    if finding not in ("warn", "overdue", "auto_close", "supervision_overdue"):
        raise PoisonMessage(f"unknown finding {finding!r}")
    for _attempt in range(3):
        appeal, _ = appeals.load(str(appeal_id))  # NotFound: fails, then the DLQ
        decision = sweep.act_on(appeal, finding, str(deadline), clock.now())
        if decision is None:
            return "nothing"  # already done, or no longer true (replied, moved deadline)
        try:
            appeals.record(appeal, decision)
        except VersionConflict:
            continue  # someone changed it meanwhile: decide again on what is there now
        logger.info(
            "sweep finding acted on", extra={"appeal": appeal_id, "event": decision.event.type}
        )
        return decision.event.type
    raise VersionConflict("stale_version", given=appeal.version)


def handler(event: dict[str, Any]) -> dict[str, Any]:
    """An SQS event (Lambda's shape) → ``{"batchItemFailures": [...]}``."""
    from chalicelib.jobs import batch

    return batch.partial(event, lambda body, _receives: handle(body))
