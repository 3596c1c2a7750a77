"""Four patches of moto 5.2.5 that keep DynamoDB's semantics and drop costs that grow with
the table or the item (exercised by tests/infra/test_moto_patches.py and, against moto's own
answers, tests/infra/test_moto_query_patch.py):

``AttributeValue`` in responses: moto's response serializer walks the botocore model for
every attribute value of every item it returns, trying each of the ten members of
AttributeValue under two spellings: about 2 ms an appeal-sized item, the most of a Query
returning 20 and minutes of a report reading 40,000. A DynamoDB attribute value that is
plain (one type key and a value of its type, as moto's DynamoResult hands them over) is
written here as that serializer writes it (binaries base64-encoded); anything else keeps
moto's walk.

``Item``: moto builds an item attribute by attribute into a ``LimitedSizeDict`` that adds up
the size of every attribute already in it at each insert (the 400 KB limit), O(attributes²)
per item: about 2 ms for an appeal of 40 attributes, most of a put's time and 7½ minutes of
putting 200,000 items into the local stack. Here the running size is carried along instead:
the same ``ItemSizeTooLarge`` at the same attribute, in O(attributes).

``Query``: moto walks and sorts every item of the table for every Query (about 20 s at
241,000 items). Here each table keeps one sorted view per key order (its own key and each
secondary index), built at that view's first Query: partition value -> the items in moto's
own sort order, kept by every write (``Table.put_item``/``delete_item`` and the backend's
``update_item``, which moto applies to the stored item in place; an item whose index key
changes moves between partitions, one that loses it leaves a sparse index). A Query finds
its partition, bisects to the key condition and the ExclusiveStartKey, and hands moto's own
query only the items its walk would have reached before stopping (the Limit, the 1 MB page,
the one item after): moto still sorts, filters, projects and writes LastEvaluatedKey, so
the answer is moto's, at O(log n + items returned) (bench/bench_moto_query.py). Multi-
attribute index keys and QueryFilter keep moto's walk. Binary sort keys order as moto
orders them (their base64 text), not by bytes as DynamoDB does.

``TransactWriteItems``: moto 5.2.5's deep-copies every table it touches, per action, to
be able to roll back: each transaction costs O(table size), so the local stack's writes (all
single-table transactions) and the journal replay grow slower as data grows (measured: 23 ms
per replayed transaction at 300 items, rising linearly).

This replacement keeps DynamoDB's semantics — every condition is checked against the state
before the transaction, and either every action applies or none does — while copying only
the items the transaction touches. The durable server's lock already serialises requests.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.core.serialize import BaseJSONSerializer
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ItemSizeTooLarge,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, GlobalSecondaryIndex, Table
from moto.dynamodb.models.utilities import bytesize

_original_query = Table.query
_original_put_item = Table.put_item
_original_transact_write_items = DynamoDBBackend.transact_write_items
_original_delete_item = Table.delete_item
_original_update_item = DynamoDBBackend.update_item
_original_item_init = Item.__init__
_original_json_structure = BaseJSONSerializer._serialize_type_structure

#: moto's item size limit (LimitedSizeDict: "between 409 and 410KB" measured, 405,000 kept).
_MOTO_ITEM_LIMIT = 405_000
#: The largest item moto accepts (400 KB) with room for moto's own size accounting.
_MAX_ITEM_SIZE = 410 * 1024
_ORDER_ONLY = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}


class _Fallback(Exception):
    """This Query is outside what the sorted views answer: moto's own walk answers it."""


@dataclass
class _View:
    """One key order of a table: the table's own key, or one secondary index.

    ``parts`` maps a partition's hash value to two parallel lists, the items' in-partition
    sort tuples (the cast values of ``sort_attrs``, moto's own sort order for the Query) and
    the items; ``where`` maps a table key to the entry's partition and sort tuple.
    """

    name: str | None
    hash_attr: str
    range_attr: str | None  # the attribute a range condition compares (None: none allowed)
    sort_attrs: list[str]  # the in-partition order: moto's attrs to sort by, minus the hash
    required: list[str]  # the attributes an item must hold (truthy) to be in the view
    built: bool = False
    parts: dict[Any, tuple[list[tuple[Any, ...]], list[Item]]] = field(default_factory=dict)
    where: dict[tuple[Any, Any], tuple[Any, tuple[Any, ...]]] = field(default_factory=dict)

    def entry(self, item: Item) -> tuple[Any, tuple[Any, ...]] | None:
        attrs = item.attrs
        for name in self.required:
            if not attrs.get(name):
                return None
        return attrs[self.hash_attr], tuple(attrs[a].cast_value for a in self.sort_attrs)

    def add(self, key: tuple[Any, Any], item: Item) -> None:
        entry = self.entry(item)
        if entry is None:
            return
        hash_value, sort = entry
        keys, items = self.parts.setdefault(hash_value, ([], []))
        at = bisect.bisect_left(keys, sort)
        keys.insert(at, sort)
        items.insert(at, item)
        self.where[key] = entry

    def build(self, table: Table, stored: list[Item]) -> None:
        """Every stored item at once: one sort per partition (``add`` one by one would move
        the whole list at each insert)."""
        grouped: dict[Any, list[tuple[tuple[Any, ...], Item]]] = {}
        for item in stored:
            entry = self.entry(item)
            if entry is None:
                continue
            hash_value, sort = entry
            grouped.setdefault(hash_value, []).append((sort, item))
            self.where[_table_key(table, item)] = entry
        for hash_value, entries in grouped.items():
            entries.sort(key=lambda pair: pair[0])
            self.parts[hash_value] = ([e[0] for e in entries], [e[1] for e in entries])
        self.built = True

    def remove(self, key: tuple[Any, Any]) -> None:
        entry = self.where.pop(key, None)
        if entry is None:
            return
        hash_value, sort = entry
        keys, items = self.parts[hash_value]
        at = bisect.bisect_left(keys, sort)
        del keys[at]
        del items[at]
        if not keys:
            del self.parts[hash_value]


@dataclass
class _Views:
    """Every key order of one table, built on its first Query and kept by its writes."""

    items_ref: Any
    signature: Any
    views: dict[str | None, _View]


def _signature(table: Table) -> Any:
    return tuple((i.name, str(i.schema)) for i in table.all_indexes())


def _table_key(table: Table, item: Item) -> tuple[Any, Any]:
    return item.hash_key, item.range_key if table.range_key_attr else None


def _make_views(table: Table) -> dict[str | None, _View]:
    views: dict[str | None, _View] = {}
    if table.range_key_attr:
        views[None] = _View(
            None, table.hash_key_attr, table.range_key_attr, [table.range_key_attr], []
        )
    for index in table.all_indexes():
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        if len(hashes) != 1 or len(ranges) > 1:
            continue  # multi-attribute keys: moto's walk
        # moto's order on an index (Table.query): index hash, index range, table hash,
        # table range; an index without a range sorts by the table's range (a GSI of a
        # table with one) or hash key in the index range's place
        if ranges:
            stand_in = ranges[0]
        elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
            stand_in = table.range_key_attr
        else:
            stand_in = table.hash_key_attr
        sort = table._generate_attr_to_sort_by(
            [hashes[0], table.hash_key_attr], [stand_in, table.range_key_attr]
        )[1:]
        views[index.name] = _View(
            index.name, hashes[0], ranges[0] if ranges else None, sort, [hashes[0], *ranges]
        )
    return views


def _all_stored(table: Table) -> list[Item]:
    if table.range_key_attr:
        return [item for part in table.items.values() for item in part.values()]
    return list(table.items.values())  # type: ignore[arg-type]


def _views_of(table: Table) -> _Views:
    """The table's views, (re)built when first asked or when its items or indexes were
    replaced wholesale (a restore from backup, an index added)."""
    state: _Views | None = table.__dict__.get("_xqt_views")
    signature = _signature(table)
    if state is None or state.items_ref is not table.items or state.signature != signature:
        views = _make_views(table)  # each built at its own first Query (``built``)
        state = _Views(table.items, signature, views)
        table.__dict__["_xqt_views"] = state
    return state


def _reindex(table: Table, hash_value: Any, range_value: Any) -> None:
    """After a write to one key: the views hold that key's current item, or nothing."""
    state: _Views | None = table.__dict__.get("_xqt_views")
    if state is None:
        return  # never queried: built on the first Query
    if state.items_ref is not table.items:
        table.__dict__.pop("_xqt_views", None)
        return
    key = (hash_value, range_value if table.range_key_attr else None)
    try:
        current = table.get_item(hash_value, range_value) if hash_value is not None else None
    except Exception:
        current = None
    for view in state.views.values():
        if not view.built:
            continue
        view.remove(key)
        if current is not None:
            view.add(key, current)


def item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: Any) -> None:
    """moto's ``Item.__init__`` with the size of the attributes so far carried along: moto's
    ``LimitedSizeDict.__setitem__`` sums every attribute already in the item at each insert
    and raises ``ItemSizeTooLarge`` once that sum and the new one pass the limit. Sizes are
    never negative, so the running sum raises at the same attribute, in one pass."""
    self.hash_key = hash_key
    self.range_key = range_key
    built = LimitedSizeDict()
    size = 0
    for key, value in attrs.items():
        typed, value_size = _typed(value)
        size += bytesize(key) + value_size
        if size > _MOTO_ITEM_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(built, key, typed)
    self.attrs = built


def _typed(value: Any) -> tuple[DynamoType, int]:
    """``DynamoType(value)`` and its ``size()``: a plain S, N, BOOL or NULL value (one key, a
    value of its type) made at once, the same object moto's constructor makes for it;
    anything else through moto's constructor and size."""
    if type(value) is dict and len(value) == 1:
        ((kind, inner),) = value.items()
        inner_type = type(inner)
        if (kind == "S" or kind == "N") and inner_type is str:
            size = len(inner) if kind == "N" else len(inner.encode("utf-8"))
        elif (kind == "BOOL" or kind == "NULL") and inner_type is bool:
            size = 1
        else:
            size = -1
        if size >= 0:
            typed = _new_type(DynamoType)
            typed.type = kind
            typed.value = inner
            return typed, size
    typed = DynamoType(value)
    return typed, typed.size()


_new_type = object.__new__


def _attribute_value(serializer: Any, value: Any) -> dict[str, Any]:
    """What moto's JSON serializer writes for a plain attribute value (``_Fallback`` if not
    plain: a value of another Python type, None, or more than one key)."""
    if type(value) is not dict or len(value) != 1:
        raise _Fallback
    ((kind, inner),) = value.items()
    if kind in ("S", "N"):
        if type(inner) is not str:
            raise _Fallback
        return {kind: inner}
    if kind in ("BOOL", "NULL"):
        if type(inner) is not bool:
            raise _Fallback
        return {kind: inner}
    if kind == "M":
        if type(inner) is not dict or "" in inner:  # moto writes an empty name's value
            raise _Fallback  # into the map itself
        return {"M": {k: _attribute_value(serializer, v) for k, v in inner.items()}}
    if kind == "L":
        if type(inner) is not list:
            raise _Fallback
        return {"L": [_attribute_value(serializer, v) for v in inner]}
    if kind in ("SS", "NS"):
        if type(inner) is not list or any(type(m) is not str for m in inner):
            raise _Fallback
        return {kind: list(inner)}
    if kind == "B":
        if not isinstance(inner, bytes | str):
            raise _Fallback
        return {"B": serializer._base64(inner)}
    if kind == "BS":
        if type(inner) is not list or any(not isinstance(m, bytes | str) for m in inner):
            raise _Fallback
        return {"BS": [serializer._base64(m) for m in inner]}
    raise _Fallback


def serialize_structure(
    self: BaseJSONSerializer, serialized: Any, value: Any, shape: Any, key: str
) -> None:
    """moto's JSON structure serializer, with plain DynamoDB attribute values written at once."""
    if shape.name == "AttributeValue" and key:
        service = self.operation_model.service_model.service_name
        if service in ("dynamodb", "dynamodbstreams"):
            try:
                out = _attribute_value(self, value)
            except _Fallback:
                pass
            else:
                serialized[self.get_serialized_name(shape, key)] = out
                return
    _original_json_structure(self, serialized, value, shape, key)


def put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    item = _original_put_item(self, item_attrs, *args, **kwargs)
    _reindex(self, item.hash_key, item.range_key)
    return item


def delete_item(self: Table, hash_key: Any, range_key: Any) -> Item | None:
    item = _original_delete_item(self, hash_key, range_key)
    if item is not None:
        _reindex(self, hash_key, range_key)
    return item


def update_item(self: DynamoDBBackend, table_name: str, key: Any, *args: Any, **kw: Any) -> Item:
    """moto updates the stored item in place: the views follow it, even when the update
    fails half-way (moto keeps what it applied)."""
    try:
        return _original_update_item(self, table_name, key, *args, **kw)
    finally:
        try:
            table = self.get_table(table_name)
            hash_value, range_value = self.get_keys_value(table, key)
        except Exception:
            table = None
        if table is not None:
            _reindex(table, hash_value, range_value)


def _first(keys: list[tuple[Any, ...]], lo: int, hi: int, past: Callable[[Any], bool]) -> int:
    """The first position in keys[lo:hi] whose first element is ``past`` (monotone)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if past(keys[mid][0]):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _run(keys: list[tuple[Any, ...]], op: str | None, values: list[Any]) -> tuple[int, int]:
    """The positions [start, end) of the partition's items that meet the range condition
    (a contiguous run in key order, whatever the operator)."""
    n = len(keys)
    if op is None:
        return 0, n
    op = _ORDER_ONLY.get(op, op)
    if op == "BEGINS_WITH":
        (prefix,) = values
        if not isinstance(prefix, str):
            raise _Fallback
        start = _first(keys, 0, n, lambda v: v >= prefix)
        end = _first(keys, start, n, lambda v: not v.startswith(prefix))
        return start, end
    if op == "BETWEEN":
        low, high = values
        start = _first(keys, 0, n, lambda v: v >= low)
        return start, max(start, _first(keys, start, n, lambda v: v > high))
    (value,) = values
    if op == "=":
        start = _first(keys, 0, n, lambda v: v >= value)
        return start, _first(keys, start, n, lambda v: v > value)
    if op == "<":
        return 0, _first(keys, 0, n, lambda v: v >= value)
    if op == "<=":
        return 0, _first(keys, 0, n, lambda v: v > value)
    if op == ">":
        return _first(keys, 0, n, lambda v: v > value), n
    if op == ">=":
        return _first(keys, 0, n, lambda v: v >= value), n
    raise _Fallback


def _candidates(
    table: Table,
    view: _View,
    hash_value: Any,
    range_comparison: str | None,
    range_objs: list[Any],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    forward: bool,
) -> list[Item]:
    """The items moto's walk of the whole partition would look at before it stops: the
    run meeting the range condition, after the start key, up to the Limit or the 1 MB page,
    and the item after (moto ends a page with a LastEvaluatedKey only when one follows)."""
    part = view.parts.get(hash_value)
    if part is None:
        return []
    keys, items = part
    if range_comparison and view.range_attr is None:
        raise _Fallback  # moto raises its own error
    sort_type = items[0].attrs[view.range_attr].type if view.range_attr else None
    if any(obj.type != sort_type for obj in range_objs):
        raise _Fallback  # moto compares values of different types its own way
    start, end = _run(keys, range_comparison, [obj.cast_value for obj in range_objs])
    if exclusive_start_key is not None:
        if DynamoType(exclusive_start_key[view.hash_attr]) != hash_value:
            raise _Fallback
        esk_types = [DynamoType(exclusive_start_key[a]) for a in view.sort_attrs]
        first_types = [items[0].attrs[a].type for a in view.sort_attrs]
        if [t.type for t in esk_types] != first_types:
            raise _Fallback
        esk = tuple(t.cast_value for t in esk_types)
        # moto skips every item at or before the start key in the scan's direction
        if forward:
            start = max(start, bisect.bisect_right(keys, esk))
        else:
            end = min(end, bisect.bisect_left(keys, esk))
    n = len(items)
    order = range(start, n) if forward else range(end - 1, -1, -1)
    inside = (lambda i: i < end) if forward else (lambda i: i >= start)
    out: list[Item] = []
    matched = size = 0
    for i in order:
        item = items[i]
        if limit is not None and matched == limit:
            out.append(item)
            break
        item_size = item.size()
        if size + item_size > RESULT_SIZE_LIMIT:
            out.append(item)
            break
        if inside(i):
            matched += 1
            size += item_size
            out.append(item)
        elif RESULT_SIZE_LIMIT - size > _MAX_ITEM_SIZE:
            break  # past the run, and no item can fill the page: moto stops nowhere later
    return out


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
    """moto's own query, handed as its candidates only the items its walk of the whole
    table would reach before it stops (see ``_candidates``): O(log n + items returned).

    Anything the sorted views do not model (multi-attribute index keys, QueryFilter,
    mixed types) is handed the whole table, unsorted, as before."""
    candidates: list[Item] | None = None
    hash_conditions = kwargs.get("hash_key_conditions") or []
    range_conditions = kwargs.get("range_key_conditions") or []
    modelled = not any(k not in ("hash_key_conditions", "range_key_conditions") for k in kwargs)
    if not self.range_key_attr and index_name is None and hash_key is not None:
        stored = self.items.get(hash_key)
        candidates = [stored] if isinstance(stored, Item) else []
    elif modelled and len(range_conditions) <= 1 and len(hash_conditions) <= 1:
        try:
            views = _views_of(self).views
            if index_name is not None and index_name not in views:
                raise _Fallback
            view = views.get(index_name)
            if view is None:
                raise _Fallback
            if not view.built:
                view.build(self, _all_stored(self))
            if index_name is None:
                hash_value = hash_key
            else:
                named = dict(hash_conditions)
                if set(named) != {view.hash_attr}:
                    raise _Fallback
                hash_value = named[view.hash_attr]
            if hash_value is None or (
                range_conditions and range_conditions[0][0] != view.range_attr
            ):
                raise _Fallback
            candidates = _candidates(
                self,
                view,
                hash_value,
                range_comparison,
                list(range_objs or []),
                limit,
                exclusive_start_key,
                scan_index_forward is not False,
            )
        except (_Fallback, TypeError, KeyError, ValueError):
            candidates = None
    if candidates is None:
        if index_name is None and self.range_key_attr and hash_key is not None:
            partition = self.items.get(hash_key)
            candidates = list(partition.values()) if isinstance(partition, dict) else []
        else:
            candidates = _all_stored(self)
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
    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]
    Item.__init__ = item_init  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]


def revert() -> None:
    """Put moto's own methods back (for the tests that compare both)."""
    BaseJSONSerializer._serialize_type_structure = _original_json_structure  # type: ignore[method-assign]
    Item.__init__ = _original_item_init  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _original_transact_write_items  # type: ignore[method-assign]
    DynamoDBBackend.update_item = _original_update_item  # type: ignore[method-assign]
    Table.put_item = _original_put_item  # type: ignore[method-assign]
    Table.delete_item = _original_delete_item  # type: ignore[method-assign]
    Table.query = _original_query  # type: ignore[method-assign]
