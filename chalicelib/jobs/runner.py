"""Running queue handlers outside Lambda (the local stack's poller and the dev route):
receive a batch, hand it to the handler in Lambda's SQS event shape, delete what succeeded.
What failed stays, becomes visible again and, after the queue's receives, goes to its DLQ —
the same as in AWS with ``ReportBatchItemFailures``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from chalicelib.store import queues


def lambda_event(queue_url: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The event Lambda's SQS poller hands a consumer for ``messages`` of a queue."""
    arn = "arn:aws:sqs:us-east-1:000000000000:" + queue_url.rsplit("/", 1)[-1]
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


def poll_once(
    name: str, handler: Callable[[dict[str, Any]], Any], wait_seconds: int = 0
) -> tuple[int, int]:
    """One receive (up to 10 messages) through ``handler``; returns (processed, failed)."""
    url = queues.url(name)
    resp = queues.client().receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=wait_seconds,
        AttributeNames=["All"],
    )
    messages = resp.get("Messages", [])
    if not messages:
        return 0, 0
    result = handler(lambda_event(url, messages)) or {}
    failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        queues.client().delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
            ],
        )
    if failed:  # make them visible again at once: the local stack need not wait a minute
        for m in messages:
            if m["MessageId"] in failed:
                queues.client().change_message_visibility(
                    QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
                )
    return len(done), len(failed)


def drain(
    name: str, handler: Callable[[dict[str, Any]], Any], timeout: float = 30.0
) -> dict[str, int]:
    """Process a queue until it is empty (failures retried until they reach the DLQ)."""
    processed = failed = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, bad = poll_once(name, handler)
        processed += done
        failed += bad
        if done == 0 and bad == 0:
            visible, in_flight = queues.depth(name)
            if visible == 0 and in_flight == 0:
                break
            time.sleep(0.05)  # another consumer holds some: wait for it
    return {"processed": processed, "failed": failed}
