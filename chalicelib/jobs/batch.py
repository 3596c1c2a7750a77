"""The SQS consumers' common shape: Powertools' batch processor with a partial batch
response, so a message that fails does not fail its batch (it is retried, then
dead-lettered) — the escalations, the reports and the long jobs all use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def partial(event: dict[str, Any], handle: Callable[[str, int], Any]) -> dict[str, Any]:
    """An SQS event (Lambda's shape) → ``{"batchItemFailures": [...]}``; ``handle`` gets
    each message's body and how many times it has been received."""
    from aws_lambda_powertools.utilities.batch import (  # loaded here: ~100 ms at import
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    # a batch whose every message fails is reported like any other, message by message
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=event,
        record_handler=lambda record: handle(
            record.body, int(record.attributes.approximate_receive_count or 1)
        ),
        processor=processor,
    )
    return dict(response)
