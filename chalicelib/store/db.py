"""DynamoDB access shared by the store modules: a lazy client, item (de)serialisation,
transactions that translate failed conditions, and page cursors.

The boto3 client is made on first use, not at import: cold starts stay cheap and a client is
never created before a test's moto mock is in place.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from chalicelib.config import settings
from chalicelib.errors import ValidationFailed

_lock = threading.Lock()
_client: Any = None


def client() -> Any:
    """The process's DynamoDB client (endpoint from ``AWS_ENDPOINT_URL`` when set)."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                import boto3  # deferred: ~100 ms that only requests that touch data pay

                _client = boto3.client("dynamodb", region_name=settings().region)
    return _client


def reset() -> None:
    """Forget the client (tests that switch endpoints or mocks)."""
    global _client
    _client = None


def table() -> str:
    return settings().table


def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_plain(v) for v in value]
    return value


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """A plain dict → DynamoDB attribute values (``None`` values are left out)."""
    ser = _serializer()
    return {k: ser.serialize(_decimals(v)) for k, v in data.items() if v is not None}


def _decimals(value: Any) -> Any:
    """Floats (at any depth: a report's rates) as the Decimals DynamoDB takes."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    return value


def to_values(data: dict[str, Any]) -> dict[str, Any]:
    """Expression attribute values (keys like ``:v``) → DynamoDB attribute values."""
    return to_item(data)


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB attribute values → a plain dict (numbers as int or float, not Decimal)."""
    from boto3.dynamodb.types import TypeDeserializer

    des = TypeDeserializer()
    return {k: _plain(des.deserialize(v)) for k, v in item.items()}


def get(key: dict[str, str], consistent: bool = True) -> dict[str, Any] | None:
    """One item by key, or ``None``."""
    resp = client().get_item(TableName=table(), Key=to_item(key), ConsistentRead=consistent)
    item = resp.get("Item")
    return from_item(item) if item else None


class ConditionFailed(Exception):
    """A transaction's condition failed; ``reasons`` has one entry per action (or None)."""

    def __init__(self, reasons: list[str | None]) -> None:
        super().__init__(reasons)
        self.reasons = reasons

    def failed(self, index: int) -> bool:
        """True if the action at ``index`` is the one whose condition failed."""
        if not 0 <= index < len(self.reasons):  # -1: "no such action in this transaction"
            return False
        return self.reasons[index] == "ConditionalCheckFailed"


class TransactionConflict(Exception):
    """DynamoDB cancelled a transaction because another one was changing the same items."""


def transact(actions: list[dict[str, Any]]) -> None:
    """``TransactWriteItems`` with the table filled in; failed conditions → ConditionFailed.

    Each action is ``{"Put": {...}}``, ``{"Update": {...}}``, ``{"ConditionCheck": {...}}`` or
    ``{"Delete": {...}}`` without ``TableName``.
    """
    from botocore.exceptions import ClientError

    items = []
    for action in actions:
        ((kind, body),) = action.items()
        items.append({kind: {"TableName": table(), **body}})
    try:
        client().transact_write_items(TransactItems=items)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = exc.response.get("CancellationReasons") or []
        codes = [r.get("Code") if r.get("Code") != "None" else None for r in reasons]
        if not any(c == "ConditionalCheckFailed" for c in codes):
            if any(c == "TransactionConflict" for c in codes):
                raise TransactionConflict(codes) from exc
            raise
        raise ConditionFailed(codes) from exc


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """An opaque page cursor from DynamoDB's ``LastEvaluatedKey``."""
    if not last_key:
        return None
    plain = {k: v["S"] for k, v in last_key.items()}
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_invalid() -> ValidationFailed:
    """The one field error the store names: the opaque page cursor it decodes, the same
    query parameter on every list."""
    return ValidationFailed.one("cursor", "cursor_invalid")


def decode_cursor(cursor: str | None, expected_keys: Iterable[str]) -> dict[str, Any] | None:
    """``ExclusiveStartKey`` from a cursor; a malformed one is a 400 naming ``cursor``."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed.one("cursor", "cursor_invalid") from None
    keys = set(expected_keys)
    if (
        not isinstance(plain, dict)
        or set(plain) != keys
        or not all(isinstance(v, str) and v for v in plain.values())
    ):
        raise ValidationFailed.one("cursor", "cursor_invalid")
    return {k: {"S": v} for k, v in plain.items()}


def batch_get(keys: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Several items in one ``BatchGetItem`` (strongly consistent), by ``(pk, sk)``; items that
    do not exist are absent. Unprocessed keys are asked for again."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    pending: list[dict[str, Any]] = [to_item(k) for k in keys]
    while pending:
        resp = client().batch_get_item(
            RequestItems={table(): {"Keys": pending, "ConsistentRead": True}}
        )
        for raw in resp.get("Responses", {}).get(table(), []):
            item = from_item(raw)
            found[(item["pk"], item["sk"])] = item
        pending = resp.get("UnprocessedKeys", {}).get(table(), {}).get("Keys", [])
    return found


def query_page(
    *,
    index: str | None,
    key_condition: str,
    values: dict[str, Any],
    limit: int,
    cursor: str | None,
    forward: bool = True,
    names: dict[str, str] | None = None,
    filter_expression: str | None = None,
    consistent: bool = False,
    max_requests: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a Query on the table or an index; returns (items, next cursor).

    With ``filter_expression`` DynamoDB drops non-matching items after reading them, so a
    page may need several requests; the cursor then points after the last item returned.
    ``max_requests`` bounds them (a search over a long list): the page may then come back
    short, even empty, with a cursor to where the reading stopped.
    """
    from botocore.exceptions import ClientError

    key_attrs = ["pk", "sk"] + ([f"{index}pk", f"{index}sk"] if index else [])
    params: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": key_condition,
        "ExpressionAttributeValues": to_values(values),
        # One more than asked: the extra item tells whether a next page exists, so the last
        # page's cursor is null rather than a cursor to an empty page.
        "Limit": limit + 1 if not filter_expression else min(4 * (limit + 1), 400),
        "ScanIndexForward": forward,
    }
    if index:
        params["IndexName"] = index
    elif consistent:
        params["ConsistentRead"] = True
    if names:
        params["ExpressionAttributeNames"] = names
    if filter_expression:
        params["FilterExpression"] = filter_expression
    start = decode_cursor(cursor, key_attrs)
    raw_items: list[dict[str, Any]] = []
    requests = 0
    while True:
        if start:
            params["ExclusiveStartKey"] = start
        try:
            resp = client().query(**params)
        except ClientError as exc:
            if start and exc.response["Error"]["Code"] == "ValidationException":
                raise ValidationFailed.one("cursor", "cursor_invalid") from exc
            raise
        raw_items.extend(resp.get("Items", []))
        start = resp.get("LastEvaluatedKey")
        requests += 1
        if len(raw_items) > limit or not start:
            break
        if max_requests is not None and requests >= max_requests:
            # stopped reading with fewer than asked: go on from where DynamoDB stopped
            return [from_item(i) for i in raw_items], encode_cursor(start)
    if len(raw_items) > limit:
        raw_items = raw_items[:limit]
        last = raw_items[-1]
        next_cursor = encode_cursor({k: last[k] for k in key_attrs})
    else:
        next_cursor = None
    return [from_item(i) for i in raw_items], next_cursor


#: ``count_query``: at most this many are counted (共 N 条 beyond it reads "more than N").
COUNT_CAP = 1000
#: ``count_query``: requests one count may make (each reads at most ``COUNT_CAP + 1`` items).
COUNT_REQUESTS = 4


def count_query(
    *,
    index: str | None,
    key_condition: str,
    values: dict[str, Any],
    names: dict[str, str] | None = None,
    filter_expression: str | None = None,
    cap: int | None = None,
    max_requests: int | None = None,
) -> tuple[int, bool]:
    """How many items a Query returns (``Select=COUNT``), bounded: ``(n, capped)``.

    Each request reads at most ``cap + 1`` items, so an unfiltered list is counted exactly up
    to ``cap`` in one request; more than ``cap`` is ``(cap, True)``. With a filter the reading
    stops after ``max_requests``: ``capped`` then says ``n`` is a lower bound."""
    cap = COUNT_CAP if cap is None else cap
    params: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": key_condition,
        "ExpressionAttributeValues": to_values(values),
        "Select": "COUNT",
        "Limit": cap + 1,
    }
    if index:
        params["IndexName"] = index
    if names:
        params["ExpressionAttributeNames"] = names
    if filter_expression:
        params["FilterExpression"] = filter_expression
    total = 0
    for _ in range(COUNT_REQUESTS if max_requests is None else max_requests):
        resp = client().query(**params)
        total += resp["Count"]
        if total > cap:
            return cap, True
        start = resp.get("LastEvaluatedKey")
        if not start:
            return total, False
        params["ExclusiveStartKey"] = start
    return total, True


def query_all(
    *, key_condition: str, values: dict[str, Any], consistent: bool = False
) -> list[dict[str, Any]]:
    """Every item a Query on the table returns, page after page (1 MB each) with no limit:
    a whole partition read into memory (the knowledge base), each item read once."""
    params: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": key_condition,
        "ExpressionAttributeValues": to_values(values),
        "ConsistentRead": consistent,
    }
    items: list[dict[str, Any]] = []
    while True:
        resp = client().query(**params)
        items.extend(from_item(i) for i in resp.get("Items", []))
        if not resp.get("LastEvaluatedKey"):
            return items
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def update_if(
    key: dict[str, str],
    expression: str,
    condition: str,
    values: dict[str, Any],
    names: dict[str, str] | None = None,
) -> bool:
    """One conditional ``UpdateItem``; False (nothing written) when the condition fails.
    ``names`` keeps only the ``#names`` the expressions use (DynamoDB refuses others)."""
    from botocore.exceptions import ClientError

    params: dict[str, Any] = {
        "TableName": table(),
        "Key": to_item(key),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeValues": to_values(values),
    }
    used = {k: v for k, v in (names or {}).items() if k in expression or k in condition}
    if used:
        params["ExpressionAttributeNames"] = used
    try:
        client().update_item(**params)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
