"""Least privilege that still works: the functions' policy allows every AWS call the code
makes (found statically by infra/aws_calls.py), with real IAM actions, scoped to the
template's resources."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from infra import aws_calls, package
from tests.conftest import ROOT


def _policy(stage: str) -> dict:
    return json.loads((ROOT / ".chalice" / f"policy-{stage}.json").read_text())


def _scan_snippets(tmp_path: Path, files: dict[str, str]) -> dict[str, list[str]]:
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    calls = aws_calls.scan(sorted(tmp_path.rglob("*.py")), tmp_path)
    return aws_calls.required_actions(calls)


SNIPPET = {
    "pkg/__init__.py": "",
    "pkg/db.py": """
        import threading
        _client = None

        def client():
            global _client
            if _client is None:
                import boto3
                _client = boto3.client("dynamodb", region_name="us-east-1")
            return _client

        def transact(actions):
            client().transact_write_items(TransactItems=actions)
        """,
    "pkg/store.py": """
        from pkg import db
        from pkg.db import client as ddb

        def remove(key):
            db.transact([{"Delete": {"Key": key}}, {"Put": {"Item": key}}])

        def page():
            for page in db.client().get_paginator("query").paginate(TableName="t"):
                yield page
            return ddb().batch_get_item(RequestItems={})
        """,
    "pkg/files.py": """
        import boto3

        class Files:
            def __init__(self):
                self.s3 = boto3.session.Session().client("s3")

            def link(self, key):
                return self.s3.generate_presigned_url("get_object", Params={"Key": key})

            def upload_form(self, key):
                return self.s3.generate_presigned_post("bucket", key)

        SNS = boto3.client(service_name="sns")

        def text(phone, body):
            SNS.publish(PhoneNumber=phone, Message=body)
            not_a_client = {"publish": 1}
            not_a_client.get("publish")
        """,
}


def test_the_scanner_follows_clients_through_modules_functions_and_attributes(tmp_path):
    needed = _scan_snippets(tmp_path, SNIPPET)
    assert set(needed) == {
        "dynamodb:DeleteItem",  # the transaction's items, not a TransactWriteItems action
        "dynamodb:PutItem",
        "dynamodb:Query",  # the paginator's operation
        "dynamodb:BatchGetItem",  # through the imported function
        "s3:GetObject",  # the presigned URL's operation
        "s3:PutObject",  # the presigned POST
        "sns:Publish",
    }
    assert needed["sns:Publish"] == ["pkg/files.py:17"]  # and not the dict's .get


def test_a_new_call_is_a_missing_permission_until_the_policy_allows_it(tmp_path):
    before = _scan_snippets(tmp_path, SNIPPET)
    policy = {
        "Statement": [{"Effect": "Allow", "Action": sorted(before), "Resource": "*"}],
    }
    assert aws_calls.missing_from(policy, before) == []
    source = (tmp_path / "pkg/store.py").read_text()
    (tmp_path / "pkg/store.py").write_text(
        source + "\n\ndef forget(key):\n    db.client().delete_item(TableName='t', Key=key)\n"
        "\n\ndef count():\n    return db.client().scan(TableName='t', Select='COUNT')\n"
    )
    after = aws_calls.required_actions(aws_calls.scan(sorted(tmp_path.rglob("*.py")), tmp_path))
    assert aws_calls.missing_from(policy, after) == ["dynamodb:Scan"]  # DeleteItem was there


def test_the_scanner_keeps_clients_apart_by_class_and_function(tmp_path):
    """Two providers each holding ``self.client`` of another service, two functions each
    with a local ``client``: every call is its own client's."""
    needed = _scan_snippets(
        tmp_path,
        {
            "outbox.py": """
                import boto3

                class Sms:
                    def __init__(self):
                        self.client = boto3.client("sns", region_name="cn-north-1")

                    def send(self, m):
                        return self.client.publish(PhoneNumber=m, Message="x")

                class Mail:
                    def __init__(self):
                        self.client = boto3.client("sesv2")

                    def send(self, m):
                        return self.client.send_email(FromEmailAddress=m)

                def files():
                    client = boto3.client("s3")
                    client.put_object(Bucket="b", Key="k", Body=b"")

                def depth():
                    client = boto3.client("sqs")
                    client.get_queue_attributes(QueueUrl="q")
                """,
        },
    )
    assert needed == {
        "sns:Publish": ["outbox.py:9"],
        "ses:SendEmail": ["outbox.py:16"],
        "s3:PutObject": ["outbox.py:20"],
        "sqs:GetQueueAttributes": ["outbox.py:24"],
    }


def test_a_client_that_may_be_either_of_two_services_is_refused(tmp_path):
    (tmp_path / "m.py").write_text(
        "import boto3\nc = boto3.client('sns')\nc = boto3.client('sqs')\nc.publish(Message='x')\n"
    )
    with pytest.raises(aws_calls.ScanError, match="which one"):
        aws_calls.scan([tmp_path / "m.py"], tmp_path)


@pytest.mark.parametrize(
    ("source", "refusal"),
    [
        ("import boto3\nt = boto3.resource('dynamodb').Table('t')\n", "use a client"),
        ("import boto3\nboto3.client('kms').decrypt(CiphertextBlob=b'')\n", "IAM prefix"),
        (
            "import boto3\nm = 'get_object'\nboto3.client('s3').generate_presigned_url(m)\n",
            "not a literal",
        ),
        ("import boto3\nboto3.client('sqs').send_mesage(QueueUrl='q')\n", "no operation"),
    ],
)
def test_the_scanner_refuses_what_it_cannot_account_for(tmp_path, source, refusal):
    (tmp_path / "m.py").write_text(source)
    with pytest.raises(aws_calls.ScanError, match=refusal):
        aws_calls.scan([tmp_path / "m.py"], tmp_path)


def _code_needs() -> dict[str, list[str]]:
    return aws_calls.required_actions(aws_calls.scan(aws_calls.app_sources(ROOT), ROOT))


@pytest.mark.parametrize("stage", package.STAGES)
def test_each_stage_policy_allows_every_call_the_code_makes(stage):
    needed = _code_needs()
    # what the code is known to call: the scan must keep finding it
    assert {"dynamodb:Query", "dynamodb:DeleteItem", "sqs:SendMessage"} <= set(needed)
    missing = aws_calls.missing_from(_policy(stage), needed)
    where = {a: needed[a] for a in missing}
    assert not missing, f"policy-{stage}.json lacks {missing} (called at {where})"


def _iam_actions() -> set[str]:
    """Every IAM action there is, as cfn-lint knows them (offline), lower-case."""
    import cfnlint.data.AdditionalSpecs
    from cfnlint.helpers import load_resource

    services = load_resource(cfnlint.data.AdditionalSpecs, "Policies.json")
    return {f"{p}:{a}" for p, s in services.items() for a in s["Actions"]}


def test_every_action_named_is_a_real_iam_action():
    """cfn-lint skips its IAM action check on SAM templates, so it is made here: a made-up
    action (dynamodb:TransactWriteItems, which IAM does not have) would allow nothing."""
    known = _iam_actions()
    named = {a for actions in aws_calls.ACTIONS_OF.values() for a in actions}
    named |= set(aws_calls.TRANSACT_ACTIONS.values()) | set(_code_needs())
    for stage in package.STAGES:
        for statement in _policy(stage)["Statement"]:
            named |= set(statement["Action"])
    assert sorted(a for a in named if a.lower() not in known) == []


@pytest.mark.parametrize("stage", package.STAGES)
def test_each_stage_policy_is_scoped_to_the_stacks_resources(stage):
    """No action wildcards, no Resource "*"; every ${...} names a resource, a parameter or a
    pseudo parameter of the stack. Sending SMS is the one statement without a resource (SNS
    authorises a publish to a phone number on none): it excludes every topic instead."""
    merged = package.merge_fragments(stage)
    known = set(merged["Resources"]) | set(merged["Parameters"])
    for statement in _policy(stage)["Statement"]:
        assert statement["Effect"] == "Allow"
        assert all("*" not in a for a in statement["Action"]), statement
        resources = statement.get("Resource")
        if resources is None:
            assert statement["Action"] == ["sns:Publish"]
            assert statement["NotResource"] == "arn:${AWS::Partition}:sns:*:*:*"
            continue
        for resource in resources if isinstance(resources, list) else [resources]:
            assert resource != "*"
            assert resource.startswith(("arn:${AWS::Partition}:", "${")), resource
            for name in re.findall(r"\$\{([^}.]+)", resource):
                assert name.startswith("AWS::") or name in known, (statement["Sid"], name)
