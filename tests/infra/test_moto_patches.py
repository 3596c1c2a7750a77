"""The local stack's TransactWriteItems: all actions or none, conditions on the prior state."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
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
