"""The metrics the alarms watch, written as CloudWatch embedded metric format (EMF) lines on
stdout: Lambda's log delivery turns them into metrics, with no ``PutMetricData`` call (no
permission, no latency). The overdue-appeals alarm in ``infra/alarms.yaml`` names the
namespace, metric and dimensions below; a test holds the two together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from chalicelib.config import settings

NAMESPACE = "Xingqitong"
SERVICE = "xingqitong"
#: Appeals whose reply (or supervision) deadline the sweep found passed, per sweep.
OVERDUE_APPEALS = "OverdueAppeals"
#: Everything the sweep found due (warnings, overdue, auto-closes), per sweep.
SWEEP_FINDINGS = "SweepFindings"
_OVERDUE = ("overdue", "supervision_overdue")


class _Finding(Protocol):
    @property
    def finding(self) -> str: ...


def sweep_findings(findings: Iterable[_Finding]) -> dict[str, int]:
    """Publish what one sweep found (zeros too, so the alarm sees a quiet day as quiet);
    returns the values published."""
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit  # ~50 ms: here only

    kinds = [f.finding for f in findings]
    values = {
        OVERDUE_APPEALS: sum(1 for k in kinds if k in _OVERDUE),
        SWEEP_FINDINGS: len(kinds),
    }
    metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    metrics.add_dimension(name="stage", value=settings().stage)
    for name, value in values.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    metrics.flush_metrics()
    return values
