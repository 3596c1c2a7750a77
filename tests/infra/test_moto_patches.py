"""The local stack's TransactWriteItems: all actions or none, conditions on the prior state."""

from __future__ import annotations

from collections.abc import Callable

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

from infra.local import moto_patches


@pytest.fixture
def ddb():
    moto_patches.apply()
    with mock_aws():
        c = boto3.client("dynamodb", region_name="us-east-1")
        c.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        c.put_item(TableName="t", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
        yield c


def _get(c, pk):
    return c.get_item(TableName="t", Key={"pk": {"S": pk}}).get("Item")


def test_failed_condition_applies_nothing(ddb):
    with pytest.raises(ClientError) as info:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}}}},
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "a"}},
                        "UpdateExpression": "SET v = :n",
                        "ConditionExpression": "v = :old",
                        "ExpressionAttributeValues": {":n": {"N": "3"}, ":old": {"N": "2"}},
                    }
                },
            ]
        )
    reasons = [r["Code"] for r in info.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]
    assert _get(ddb, "b") is None and _get(ddb, "a")["v"] == {"N": "1"}


def test_all_conditions_hold_then_all_apply(ddb):
    ddb.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": "t",
                    "Item": {"pk": {"S": "b"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"pk": {"S": "a"}},
                    "UpdateExpression": "SET v = v + :one",
                    "ConditionExpression": "v = :old",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":old": {"N": "1"}},
                }
            },
        ]
    )
    assert _get(ddb, "b") is not None and _get(ddb, "a")["v"] == {"N": "2"}


def test_error_while_applying_rolls_back_what_was_applied(ddb):
    with pytest.raises(ClientError):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "c"}}}},
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "a"}},
                        "UpdateExpression": "SET v = v + :s",
                        "ExpressionAttributeValues": {":s": {"S": "text"}},
                    }
                },
            ]
        )
    assert _get(ddb, "c") is None and _get(ddb, "a")["v"] == {"N": "1"}


def test_same_item_twice_is_refused(ddb):
    with pytest.raises(ClientError):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "d"}}}},
                {"Delete": {"TableName": "t", "Key": {"pk": {"S": "d"}}}},
            ]
        )
    assert _get(ddb, "d") is None


@pytest.fixture
def keyed():
    """A table with pk/sk and one index, items in three partitions (and the index)."""
    moto_patches.apply()
    with mock_aws():
        c = boto3.client("dynamodb", region_name="us-east-1")
        c.create_table(
            TableName="k",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk", "gsk")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "gsi",
                    "KeySchema": [
                        {"AttributeName": "gpk", "KeyType": "HASH"},
                        {"AttributeName": "gsk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for p in ("A", "B", "C"):
            for n in range(30, 0, -1):  # written out of order
                item = {"pk": {"S": p}, "sk": {"S": f"C#{n:03d}"}}
                if n % 2:
                    item |= {"gpk": {"S": f"G{p}"}, "gsk": {"S": f"{n:03d}"}}
                c.put_item(TableName="k", Item=item)
        yield c


def _all_pages(c, **params):
    out, start = [], None
    while True:
        resp = c.query(TableName="k", **params, **({"ExclusiveStartKey": start} if start else {}))
        out += [i["sk"]["S"] for i in resp["Items"]]
        start = resp.get("LastEvaluatedKey")
        if not start:
            return out


def test_a_query_reads_its_partition_in_key_order_with_ranges_and_pages(keyed):
    values = {":p": {"S": "B"}, ":a": {"S": "C#010"}}
    got = _all_pages(
        keyed,
        KeyConditionExpression="pk = :p AND sk > :a",
        ExpressionAttributeValues=values,
        Limit=7,
    )
    assert got == [f"C#{n:03d}" for n in range(11, 31)]
    backwards = keyed.query(
        TableName="k",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "C"}},
        ScanIndexForward=False,
        Limit=3,
    )
    assert [i["sk"]["S"] for i in backwards["Items"]] == ["C#030", "C#029", "C#028"]
    assert backwards["ScannedCount"] == 3
    none = keyed.query(
        TableName="k",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "Z"}},
    )
    assert none["Items"] == [] and none["Count"] == 0


def test_an_index_query_finds_only_its_partition_sorted(keyed):
    got = _all_pages(
        keyed,
        IndexName="gsi",
        KeyConditionExpression="gpk = :p AND begins_with(gsk, :b)",
        ExpressionAttributeValues={":p": {"S": "GA"}, ":b": {"S": "01"}},
        Limit=2,
    )
    assert got == [f"C#{n:03d}" for n in (11, 13, 15, 17, 19)]


def _patched_and_released(outcome: Callable[[], object]) -> tuple[object, object]:
    """``outcome()`` with the patches applied, then with moto as released (the patches are
    applied again afterwards, whatever happens)."""
    moto_patches.apply()
    try:
        patched = outcome()
        moto_patches.revert()
        return patched, outcome()
    finally:
        moto_patches.apply()


def _item_outcome(attrs: dict) -> object:
    """What moto's ``Item`` makes of ``attrs``: its attributes as held, or the error."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    try:
        item = Item(DynamoType({"S": "h"}), None, attrs)
    except Exception as exc:
        return type(exc).__name__
    assert type(item.attrs).__name__ == "LimitedSizeDict"  # later SETs are still checked
    return {k: (v.type, repr(v.value)) for k, v in item.attrs.items()}


@pytest.mark.parametrize(
    ("sizes", "too_large"),
    [
        ([10, 20, 30], False),
        ([200_000, 204_982], False),  # 405,000 with the names and "m" (18 bytes): the limit
        ([200_000, 204_983], True),  # one byte over
        ([404_990, 1], True),
        ([100, 405_000, 5], True),  # over at the second attribute
        ([150_000, 150_000, 150_000], True),
        ([200_000, 204_946, -34], False),  # a number's digits count as its size: the limit
        ([200_000, 204_946, -35], True),
    ],
)
def test_items_are_built_as_moto_builds_them_up_to_its_size_limit(sizes, too_large):
    """The patched ``Item`` (running size, one pass) holds the same attributes as moto's
    (size re-added at each insert) and raises the same error at its size limit."""
    from moto.dynamodb.models.dynamo_type import Item

    attrs = {
        f"a{i}": {"S": "x" * size} if size > 0 else {"N": "9" * -size}
        for i, size in enumerate(sizes)
    }
    attrs["m"] = {"M": {"l": {"L": [{"N": "1.50"}, {"SS": ["文", "字"]}]}, "b": {"BOOL": True}}}
    moto_patches.apply()
    assert Item.__init__ is moto_patches.item_init
    patched, released = _patched_and_released(lambda: _item_outcome(attrs))
    assert patched == released
    assert (patched == "ItemSizeTooLarge") == too_large


_SCALARS = st.one_of(
    st.builds(lambda v: {"S": v}, st.text(max_size=8)),
    st.builds(lambda v: {"N": v}, st.sampled_from(["0", "-1.50", "1e10", "123456789012345678"])),
    st.builds(lambda v: {"B": v}, st.binary(max_size=6)),
    st.builds(lambda v: {"B": v}, st.sampled_from(["eQ==", ""])),  # moto keeps some as base64
    st.builds(lambda v: {"BOOL": v}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda v: {"SS": v}, st.lists(st.text(max_size=4), max_size=3)),
    st.builds(lambda v: {"NS": v}, st.lists(st.sampled_from(["1", "2.5"]), max_size=2)),
    st.builds(lambda v: {"BS": v}, st.lists(st.binary(max_size=3), max_size=2)),
    # not plain: moto's own walk must answer these
    st.just({"S": None}),
    st.just({"S": 5}),
    st.just({"X": "unknown"}),
    st.just({"S": "a", "N": "1"}),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.builds(lambda v: {"M": v}, st.dictionaries(st.text(max_size=4), inner, max_size=3)),
        st.builds(lambda v: {"L": v}, st.lists(inner, max_size=3)),
    ),
    max_leaves=12,
)


def _serialized(operation: str, result: dict) -> object:
    from moto.core.serialize import XFormedAttributePicker, get_serializer_class
    from moto.core.utils import get_service_model

    model = get_service_model("dynamodb")
    serializer = get_serializer_class("dynamodb", "json")(
        operation_model=model.operation_model(operation),
        pretty_print=False,
        value_picker=XFormedAttributePicker(),
    )
    return serializer.serialize(result)


@settings(max_examples=150, deadline=None)
@given(items=st.lists(st.dictionaries(st.text(max_size=5), _VALUES, max_size=4), max_size=3))
def test_attribute_values_are_serialized_as_moto_serializes_them(items):
    """Query, GetItem and BatchGetItem answers: the same status, headers and body, byte for
    byte, with the patch's plain attribute values as with moto's walk of its model."""
    results = [
        ("Query", {"Count": len(items), "ScannedCount": len(items), "Items": items}),
        ("GetItem", {"Item": items[0] if items else {}}),
        ("BatchGetItem", {"Responses": {"t": items}, "UnprocessedKeys": {}}),
    ]
    patched, released = _patched_and_released(
        lambda: [_serialized(op, result) for op, result in results]
    )
    assert patched == released


@settings(max_examples=150, deadline=None)
@given(attrs=st.dictionaries(st.text(max_size=5), _VALUES, max_size=6))
def test_items_of_every_type_are_built_as_moto_builds_them(attrs):
    """Random attributes of every type (and values that are not plain, which keep moto's
    constructor): the patched ``Item`` holds the same types and values as moto's."""
    patched, released = _patched_and_released(lambda: _item_outcome(attrs))
    assert patched == released
