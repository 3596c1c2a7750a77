"""SQS: sending the sweep's findings, and (local stack, dev route) receiving them."""

from __future__ import annotations

import json
import threading
from typing import Any

from chalicelib.config import settings

_lock = threading.Lock()
_client: Any = None
_urls: dict[str, str] = {}


def client() -> Any:
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                import boto3

                _client = boto3.client("sqs", region_name=settings().region)
    return _client


def reset() -> None:
    global _client
    _client = None
    _urls.clear()


def url(name: str) -> str:
    """A queue's URL by its name (looked up once per process)."""
    if name not in _urls:
        _urls[name] = client().get_queue_url(QueueName=name)["QueueUrl"]
    return _urls[name]


def send(name: str, bodies: list[dict[str, Any]]) -> int:
    """Send each body as one message (batches of 10); returns how many were sent."""
    sent = 0
    for start in range(0, len(bodies), 10):
        chunk = bodies[start : start + 10]
        resp = client().send_message_batch(
            QueueUrl=url(name),
            Entries=[
                {"Id": str(i), "MessageBody": json.dumps(b, ensure_ascii=False)}
                for i, b in enumerate(chunk)
            ],
        )
        if resp.get("Failed"):
            raise RuntimeError(f"SQS refused {len(resp['Failed'])} message(s): {resp['Failed']}")
        sent += len(resp.get("Successful", []))
    return sent


def depth(name: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    attrs = client().get_queue_attributes(
        QueueUrl=url(name),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )
