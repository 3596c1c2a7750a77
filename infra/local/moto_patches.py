"""Two patches of moto 5.2.5 that keep DynamoDB's semantics and drop costs that grow with the
table (both exercised by tests/infra/test_moto_patches.py):

``Query``: moto walks and sorts every item of the table for every Query, even on the table's
own key, where DynamoDB reads one partition. The replacement hands moto's own query only the
queried partition's items (a Query on the table), or every item unsorted (on an index: moto
sorts the matches itself), so a search's one Query of the change list does not cost a walk
of 250,000 items (bench/bench_search.py).

``TransactWriteItems``: moto 5.2.5's deep-copies every table it touches, per action, to
be able to roll back: each transaction costs O(table size), so the local stack's writes (all
single-table transactions) and the journal replay grow slower as data grows (measured: 23 ms
per replayed transaction at 300 items, rising linearly).

This replacement keeps DynamoDB's semantics — every condition is checked against the state
before the transaction, and either every action applies or none does — while copying only
the items the transaction touches. The durable server's lock already serialises requests.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_original_query = Table.query


def query(
    self: Table,
    hash_key: Any,
    range_comparison: Any,
    range_objs: Any,
    limit: Any,
    exclusive_start_key: Any,
    scan_index_forward: Any,
    projection_expressions: Any,
    index_name: str | None = None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """moto's query over the candidates only: the partition's items (the table's key) or
    every item without the sort ``all_items`` does (an index: its matches are sorted by
    moto's query itself)."""
    if index_name is None and self.range_key_attr and hash_key is not None:
        partition = self.items.get(hash_key)
        candidates = list(partition.values()) if isinstance(partition, dict) else []
    else:
        candidates = [
            item
            for hash_set in self.items.values()
            for item in (hash_set.values() if self.range_key_attr else [hash_set])
        ]
    self.all_items = lambda: candidates  # type: ignore[method-assign]
    try:
        return _original_query(
            self,
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            *args,
            **kwargs,
        )
    finally:
        del self.all_items


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    plan: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    errors: list[Any] = []
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        table = self.get_table(op["TableName"])
        if op_type == "Put":
            attrs = op["Item"]
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
        else:
            key = op["Key"]
        marker = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if marker in seen:
            raise MultipleTransactionsException()
        seen.add(marker)
        current = self.get_item(op["TableName"], key)
        condition = op.get("ConditionExpression")
        if condition is not None:
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not check.expr(current):
                old = None
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
                continue
        errors.append((None, None, None))
        plan.append((op_type, op, key))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    # Every condition held: apply, keeping copies of just the touched items to undo a
    # validation error raised half-way (moto raises those while applying an Update).
    undo: list[tuple[str, dict[str, Any], Any]] = []
    try:
        for op_type, op, key in plan:
            name = op["TableName"]
            before = self.get_item(name, key)
            undo.append(
                (name, key, copy.deepcopy(before.to_json()["Attributes"]) if before else None)
            )
            if op_type == "Put":
                self.put_item(name, op["Item"])
            elif op_type == "Delete":
                self.delete_item(name, key)
            elif op_type == "Update":
                self.update_item(
                    name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=op.get("ExpressionAttributeNames") or {},
                    expression_attribute_values=op.get("ExpressionAttributeValues") or {},
                )
    except Exception:
        for name, key, attrs in reversed(undo):
            if attrs is None:
                self.delete_item(name, key)
            else:
                self.put_item(name, attrs)
        raise


def apply() -> None:
    """Install the replacements (idempotent)."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
