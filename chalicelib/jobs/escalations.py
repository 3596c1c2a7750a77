"""The escalation consumer: each message of the sweep acted on by its use case
(``services.appeals.act_on_finding``), with Powertools' batch processor — a message that
fails does not fail its batch (partial batch response); after the queue's receives it goes
to the DLQ."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import clock
from chalicelib.domain.appeal import sweep
from chalicelib.domain.rules import Rules
from chalicelib.logs import logger
from chalicelib.services import appeals as services


class PoisonMessage(Exception):
    """A message that can never be processed (bad body, unknown appeal): to the DLQ."""


def handle(body: str, rules: Rules) -> str:
    """Act on one finding; returns what was done (an event type, or ``nothing``). ``rules``:
    the calendar a pause ended by the sweep (``pause_expired``) is counted on."""
    try:
        message = json.loads(body)
        appeal_id, finding, deadline = (
            message["appeal_id"],
            message["finding"],
            message["deadline"],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise PoisonMessage(f"unreadable message: {body[:200]}") from exc
    kind, _, part = str(finding).partition(":")
    known = sweep.PART_FINDINGS if part else sweep.FINDINGS
    if kind not in known:
        raise PoisonMessage(f"unknown finding {finding!r}")
    done = services.act_on_finding(str(appeal_id), finding, str(deadline), clock.now(), rules)
    if done != "nothing":
        logger.info("sweep finding acted on", extra={"appeal": appeal_id, "event": done})
    return done


def handler(event: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """An SQS event (Lambda's shape) → ``{"batchItemFailures": [...]}``."""
    from chalicelib.jobs import batch

    return batch.partial(event, lambda body, _receives: handle(body, rules))
