"""Alarms made to fire offline: the real consumer and queues (moto, created from the
template) produce the condition, and the alarm's own definition (infra/alarms.yaml) is
evaluated against what an AWS metric would report. CloudWatch cannot be reached here, and
moto stores alarms without evaluating them."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.domain.rules import Rules
from infra import definitions

_OPERATORS = {
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}
#: CloudWatch's SQS metric → the queue attribute it is published from.
_SQS_ATTRIBUTE = {"ApproximateNumberOfMessagesVisible": "ApproximateNumberOfMessages"}


def _alarms() -> dict[str, dict[str, Any]]:
    resources = definitions.template("alarms.yaml")["Resources"]
    return {
        k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"
    }


def _threshold(alarm: dict[str, Any]) -> float:
    threshold = alarm["Threshold"]
    if isinstance(threshold, dict):  # a parameter: its default
        parameters = definitions.template("alarms.yaml")["Parameters"]
        return float(parameters[threshold["Ref"]]["Default"])
    return float(threshold)


def breached(alarm: dict[str, Any], value: float) -> bool:
    """Whether a datapoint of ``value`` puts the alarm in ALARM (one evaluation period)."""
    assert alarm["EvaluationPeriods"] == 1
    return _OPERATORS[alarm["ComparisonOperator"]](value, _threshold(alarm))


def _dead_letter_queues() -> set[str]:
    resources = definitions.template()["Resources"]
    return {
        r["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for r in resources.values()
        if r["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in r["Properties"]
    }


def _queue_alarm(queue: str) -> dict[str, Any]:
    dimensions = [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
    (alarm,) = [
        a
        for a in _alarms().values()
        if a["Namespace"] == "AWS/SQS" and a["Dimensions"] == dimensions
    ]
    return alarm


def test_every_dead_letter_queue_has_an_alarm_on_its_first_message():
    dlqs = _dead_letter_queues()
    assert dlqs >= {"EscalationDeadLetterQueue", "ReportDeadLetterQueue"}
    for queue in dlqs:
        alarm = _queue_alarm(queue)
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Statistic"] == "Maximum"
        assert not breached(alarm, 0) and breached(alarm, 1)
        assert alarm["TreatMissingData"] == "notBreaching"


@pytest.fixture
def queues_from_the_template(monkeypatch):
    from chalicelib.config import settings
    from chalicelib.store import queues

    names = definitions.Names("alarm")
    for var, value in names.environment().items():
        monkeypatch.setenv(var, value)
    settings.cache_clear()
    with mock_aws():
        queues.reset()
        definitions.create_all(boto3.Session(), names)
        yield names
    queues.reset()
    settings.cache_clear()


def test_a_poisoned_escalation_fires_the_dead_letter_alarm(queues_from_the_template):
    """A message the escalation consumer can never handle is retried by the queue's redrive
    policy (3 receives), lands in the dead-letter queue, and the queue's depth there is
    what CloudWatch would report as ApproximateNumberOfMessagesVisible: the alarm fires."""
    from chalicelib.jobs import escalations, runner
    from chalicelib.store import queues

    names = queues_from_the_template
    work, dead = names.of("EscalationQueue"), names.of("EscalationDeadLetterQueue")
    alarm = _queue_alarm("EscalationDeadLetterQueue")

    def metric() -> float:
        attributes = queues.client().get_queue_attributes(
            QueueUrl=queues.url(dead), AttributeNames=[_SQS_ATTRIBUTE[alarm["MetricName"]]]
        )["Attributes"]
        return float(attributes[_SQS_ATTRIBUTE[alarm["MetricName"]]])

    assert not breached(alarm, metric())  # OK before
    queues.client().send_message(QueueUrl=queues.url(work), MessageBody='{"finding": "warn"')
    failures = 0
    for _ in range(4):  # three receives fail; the fourth finds it moved to the DLQ
        _done, failed = runner.poll_once(work, lambda e: escalations.handler(e, Rules()))
        failures += failed
    assert failures == 3
    assert queues.depth(work) == (0, 0)
    assert metric() == 1
    assert breached(alarm, metric())  # ALARM


def test_a_day_of_overdue_findings_fires_the_overdue_alarm(monkeypatch):
    """The sweep's metric (EMF on stdout) matches the alarm's namespace, name and dimensions;
    a day whose sweeps find the threshold's number of overdue appeals fires it."""
    from chalicelib.config import settings
    from chalicelib.jobs import metrics
    from chalicelib.store.appeals import Finding

    (alarm,) = [a for a in _alarms().values() if a["Namespace"] == metrics.NAMESPACE]
    assert alarm["MetricName"] == metrics.OVERDUE_APPEALS and alarm["Statistic"] == "Sum"
    monkeypatch.setenv("XQT_STAGE", "prod")
    monkeypatch.setenv("XQT_TABLE", "alarm-maintable")
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    settings.cache_clear()
    try:
        out = io.StringIO()
        sweeps = [
            [Finding("A-1", "overdue", "d"), Finding("A-2", "warn", "d")],
            [Finding("A-3", "overdue", "d"), Finding("A-4", "supervision_overdue", "d")],
            [],
        ] * 4
        with contextlib.redirect_stdout(out):
            for findings in sweeps:
                metrics.sweep_findings(findings)
    finally:
        settings.cache_clear()
    documents = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(documents) == len(sweeps)  # a quiet sweep reports its zero too
    wanted = {
        d["Name"]: d["Value"]["Ref"] if isinstance(d["Value"], dict) else d["Value"]
        for d in alarm["Dimensions"]
    }
    day = 0.0
    for doc in documents:
        (directive,) = doc["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == alarm["Namespace"]
        assert {n for d in directive["Dimensions"] for n in d} == set(wanted)
        assert doc["service"] == wanted["service"] and wanted["stage"] == "Stage"
        assert doc["stage"] == "prod"
        day += sum(doc[alarm["MetricName"]])
    assert day == 12
    assert breached(alarm, day)
    assert not breached(alarm, day - 3)  # 9 in a day: below the default threshold of 10
