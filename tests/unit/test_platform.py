"""Platform pieces without AWS: messages, clock, logs, tokens of the local issuer, and the
one definition of tables in infra/resources.yaml."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jwt
import pytest

from chalicelib import clock, i18n


def test_language_defaults_to_chinese():
    assert i18n.language(None) == "zh"
    assert i18n.language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert i18n.language("en-GB,en;q=0.9") == "en"
    assert i18n.message("string_too_long", "zh", max_length=100) == "不能超过 100 个字符"
    assert i18n.message("no-such-code") == i18n.message("invalid")


def test_clock_moves_and_resets():
    try:
        set_to = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
        now = clock.set_now(set_to)
        assert abs((now - set_to).total_seconds()) < 1
        assert clock.iso(now).startswith("2026-10-01T16:00")
        assert clock.iso(now).endswith("+08:00")
    finally:
        clock.set_now(None)
    assert abs((clock.now() - clock.real_now()).total_seconds()) < 1


def test_log_lines_are_json_with_masked_phones():
    import io
    import logging

    from chalicelib.logs import logger, set_correlation_id

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        set_correlation_id("req-1")
        logger.warning("caller 13812345678 asked", extra={"phone": "13987654321"})
    finally:
        set_correlation_id(None)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["correlation_id"] == "req-1"
    assert line["message"] == "caller 138****5678 asked"
    assert line["phone"] == "139****4321"
    assert line["level"] == "WARNING"


def test_local_issuer_keys_are_made_once(tmp_path):
    from chalicelib.auth import local_issuer

    private, jwks = local_issuer.ensure_keys(tmp_path)
    first = private.read_bytes()
    assert local_issuer.ensure_keys(tmp_path) == (private, jwks)
    assert private.read_bytes() == first
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    token = local_issuer.sign(str(private), str(jwks), "admin", username="admin", ttl_seconds=60)
    keyset = jwt.PyJWKSet.from_json(jwks.read_text())
    claims = jwt.decode(token, keyset.keys[0].key, algorithms=["RS256"], audience="xingqitong")
    assert claims["sub"] == "admin" and claims["iss"] == local_issuer.ISSUER
    assert jwt.get_unverified_header(token)["kid"] == keyset.keys[0].key_id


def test_table_definitions_come_from_the_template():
    from infra import definitions

    names = definitions.Names("unit")
    (table,) = definitions.table_specs(names)
    assert table["TableName"] == "unit-maintable"
    assert {g["IndexName"] for g in table["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2"}
    assert definitions.ttl_specs(names) == [("unit-maintable", "expires_at")]
    assert definitions.bucket_names(names) == ["unit-reportsbucket", "unit-attachmentsbucket"]
    assert names.environment() == {
        "XQT_TABLE": "unit-maintable",
        "XQT_REPORTS_BUCKET": "unit-reportsbucket",
        "XQT_ATTACHMENTS_BUCKET": "unit-attachmentsbucket",
        "XQT_ESCALATION_QUEUE": "unit-escalationqueue",
        "XQT_REPORT_QUEUE": "unit-reportqueue",
        "XQT_JOB_QUEUE": "unit-jobqueue",
    }
    specs = definitions.queue_specs(names)
    names_in_order = [q["QueueName"] for q in specs]
    # every dead-letter queue is created before the queue whose redrive policy names it
    for queue in specs:
        redrive = queue["Attributes"].get("RedrivePolicy")
        if redrive:
            assert names_in_order.index(redrive["deadLetterTarget"]) < names_in_order.index(
                queue["QueueName"]
            )
    redrives = {q["QueueName"]: q["Attributes"].get("RedrivePolicy") for q in specs}
    assert redrives["unit-escalationqueue"] == {
        "deadLetterTarget": "unit-escalationdeadletterqueue",
        "maxReceiveCount": "3",
    }
    assert redrives["unit-reportqueue"] == {
        "deadLetterTarget": "unit-reportdeadletterqueue",
        "maxReceiveCount": "3",
    }


def test_store_keys_use_only_indexes_the_template_defines():
    from chalicelib.store import keys
    from infra import definitions

    (table,) = definitions.table_specs(definitions.Names("unit"))
    indexes = {
        g["IndexName"]: [k["AttributeName"] for k in g["KeySchema"]]
        for g in table["GlobalSecondaryIndexes"]
    }
    assert indexes[keys.GSI1] == ["gsi1pk", "gsi1sk"]
    assert indexes[keys.GSI2] == ["gsi2pk", "gsi2sk"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    for built in (
        keys.enterprise_indexes("X", "如东"),
        keys.catalog_indexes("DEPT", "tax"),
        keys.user_indexes("admin"),
    ):
        assert set(built) <= {"gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"}
    # every index a query names (index=..., "IndexName": ...), literal or keys.GSIn
    used = _indexes_queried()
    assert used >= {"gsi1", "gsi2"}, used  # the scan sees the queries
    assert used <= set(indexes), f"queries name indexes the template lacks: {used - set(indexes)}"


def _code_files():
    from tests.conftest import ROOT

    return [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]


def _indexes_queried() -> set[str]:
    """Index names the code queries, resolving ``keys.GSI1``-style constants."""
    import ast

    from chalicelib.store import keys

    def value(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "keys"
        ):
            return getattr(keys, node.attr)
        return None

    used = set()
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in ("index", "IndexName"):
                used.add(value(node.value))
            elif isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == "IndexName":
                        used.add(value(v))
    used.discard(None)
    return used


def test_every_setting_the_code_reads_is_deployed_or_has_its_default():
    """An XQT_* variable the code reads is set on every function by the packaged template
    (resources, identity, .chalice/config.json), or is listed with the reason its default
    holds; a variable the template sets points at a resource of the template."""
    import ast
    import re

    from infra import definitions, package
    from tests.conftest import ROOT

    read = set()
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and re.fullmatch(r"XQT_[A-Z0-9_]+", str(node.value)):
                read.add(node.value)
    assert {"XQT_TABLE", "XQT_AUTH_ISSUER", "XQT_ESCALATION_QUEUE"} <= read  # the scan works
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in package.STAGES:
        deployed = set(package.lambda_environment(package.merge_fragments(stage)))
        deployed |= set(config["environment_variables"])
        deployed |= set(config["stages"][stage]["environment_variables"])
        unset = read - deployed - set(package.DEFAULTED_ENV)
        assert not unset, f"{stage}: read by the code, set by no template: {sorted(unset)}"
    resources = definitions.template()["Resources"]
    assert set(definitions.ENV_VARS) <= set(resources)


def test_queue_handlers_consume_queues_of_the_template():
    """Each @app.on_sqs_message handler's queue (named through its XQT_*_QUEUE variable) is a
    queue of infra/resources.yaml, and so is its dead-letter queue's redrive target."""
    from infra import package

    consumed = package.app_queues()
    assert consumed["escalations"] == "EscalationQueue"
    from infra import definitions

    resources = definitions.template()["Resources"]
    for queue in consumed.values():
        assert "RedrivePolicy" in resources[queue]["Properties"], f"{queue} has no DLQ"


@pytest.mark.parametrize("bad", ["", "@@@"])
def test_cursor_garbage_is_a_validation_error(bad):
    from chalicelib.errors import ValidationFailed
    from chalicelib.store import db

    if not bad:
        assert db.decode_cursor(bad, ["pk", "sk"]) is None
        return
    with pytest.raises(ValidationFailed):
        db.decode_cursor(bad, ["pk", "sk"])


def test_a_missing_action_index_never_counts_as_the_failed_one():
    """-1 stands for "no such action in this transaction": it must not read the last reason."""
    from chalicelib.store.db import ConditionFailed

    failed = ConditionFailed([None, "ConditionalCheckFailed"])
    assert failed.failed(1) and not failed.failed(0)
    assert not failed.failed(-1) and not failed.failed(2)
