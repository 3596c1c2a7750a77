"""The report job (R5.3): a message on the report queue names a report; the consumer reads
the period's events through the month index, the appeals behind them and the parts open now,
computes the figures (``domain/reports.py``), writes the XLSX, CSV and JSON to the reports
bucket, and marks the report done with a summary — updating its progress as it goes. A
report that fails its last receive is marked failed (and its message goes to the DLQ).

The monthly run: on the first working day of a month, last month's report is started once
(a guard item per month), whatever the retries."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import meetings as meeting_rules
from chalicelib.domain import reports as rules
from chalicelib.domain.models import Actor
from chalicelib.domain.reports import Figures, Metrics, Period
from chalicelib.domain.rules import Rules
from chalicelib.errors import AlreadyExists
from chalicelib.jobs import report_files
from chalicelib.logs import logger
from chalicelib.store import directory, files, meetings, queues
from chalicelib.store import reports as store

#: SQS receives before a report's message goes to the dead-letter queue (infra template).
MAX_RECEIVES = 3


class PoisonMessage(Exception):
    """A message that can never be processed (no report id, unknown report)."""


def request(period: Period, actor: Actor | None, now: datetime, trigger: str = "manual") -> dict:
    """Create the report (queued) and put its message on the queue."""
    report = store.create(period, actor, now, trigger=trigger)
    try:
        queues.send(settings().report_queue, [{"report_id": report["id"]}])
    except Exception as exc:  # never left queued with no message to build it
        store.fail(report["id"], now, f"not queued: {type(exc).__name__}")
        raise
    return report


def _summary(figures: Figures) -> dict[str, Any]:
    """What the report item keeps of its figures: the totals (the trend chart, the next
    period's comparison), received per category, and each department's headline."""
    return {
        "totals": figures.totals.model_dump(),
        "categories": rules.category_counts(figures),
        "departments": [
            {
                "key": d.key,
                "name": d.name,
                "replied": d.metrics.replied,
                "on_time_rate": d.metrics.on_time_rate,
                "open_overdue": d.metrics.open_overdue,
            }
            for d in figures.departments
        ],
        "notice_items": len(figures.notice),
    }


def _previous(
    period: Period, now: datetime, reads: store.Reads, in_force: Rules
) -> tuple[Period, Metrics, dict[str, int]]:
    """The previous period's totals: from its latest finished report, or computed now."""
    before = period.previous()
    done = store.latest_done(before.key)
    if done and done.get("summary"):
        summary = json.loads(done["summary"])
        return before, Metrics.model_validate(summary["totals"]), summary["categories"]
    figures = compute(before, now, reads, in_force, with_previous=False)
    return before, figures.totals, rules.category_counts(figures)


def compute(
    period: Period,
    now: datetime,
    reads: store.Reads,
    in_force: Rules,
    *,
    with_previous: bool = True,
    on_progress: Any = None,
) -> Figures:
    """The figures of ``period`` as of ``now`` (events after the period's end do not count),
    working days counted on the calendar ``in_force``."""

    def step(percent: int) -> None:
        if on_progress is not None:
            on_progress(percent)

    as_of = rules.as_of(period, now)
    events: list[tuple[str, Any]] = []
    span = max((period.ends() - period.begins()).total_seconds(), 1.0)
    for page in store.period_events(period, reads):
        events += page
        reached = datetime.fromisoformat(page[-1][1].at) - period.begins()
        step(5 + int(50 * min(reached.total_seconds() / span, 1.0)))
    appeals = store.appeals(sorted({appeal_id for appeal_id, _ in events}), reads)
    # the towns of the filing enterprises whose appeals predate the town kept on the appeal
    # (their uscc and town only) and the units' kinds; not for a previous period computed
    # for its totals only
    filers = sorted(
        {a.enterprise.uscc for a in appeals.values() if a.enterprise.uscc and not a.enterprise.town}
    )
    towns = store.enterprise_towns(filers, reads) if with_previous else {}
    kinds = store.unit_kinds(reads) if with_previous else {}
    step(65)
    known = directory.read()
    names = {c.id: c.name for c in known.commissioners.values()}
    names.update({d.id: d.name for d in known.departments.values()})
    parts = store.open_parts(sorted(known.departments), reads) if with_previous else []
    # the month before too: a common problem accepted on its draft after it ended counts here
    months = [meeting_rules.previous_month(period.months()[0]), *period.months()]
    held = [m for m in (meetings.find(month) for month in months) if m is not None]
    step(75)
    previous = _previous(period, now, reads, in_force) if with_previous else None
    step(80)
    return rules.compute(
        period,
        events,
        appeals,
        names,
        as_of=as_of,
        built_at=now,
        min_ranked=settings().report_min_ranked,
        cal=in_force.calendar,
        meetings=held,
        open_parts=parts,
        previous=previous,
        towns=towns,
        kinds=kinds,
    )


def build(report_id: str, now: datetime, in_force: Rules) -> str:
    """Build one report; returns its status afterwards (``done``, or what it already was)."""
    report = store.get(report_id)
    if not store.start(report_id, now):
        return str(report["status"])  # done or failed already: a duplicate message
    period = Period.model_validate(report["period"])
    reads = store.Reads()
    figures = compute(
        period, now, reads, in_force, on_progress=lambda p: store.progress(report_id, p)
    )
    base = f"reports/{report_id}/兴企通报告-{period.key}"
    outputs = {
        "xlsx": f"{base}.xlsx",
        "csv": f"{base}.csv",
        "json": f"{base}.json",
    }
    files.put(
        outputs["xlsx"],
        report_files.workbook(figures),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    store.progress(report_id, 90)
    files.put(outputs["csv"], report_files.table_csv(figures), "text/csv; charset=utf-8")
    files.put(outputs["json"], report_files.document(figures), "application/json")
    store.finish(
        report_id,
        period,
        clock.now(),
        outputs,
        json.dumps(_summary(figures), ensure_ascii=False),
        reads,
    )
    logger.info(
        "report built",
        extra={"report": report_id, "period": period.key, "items_read": reads.items},
    )
    return "done"


def handle(body: str, receives: int, in_force: Rules) -> str:
    try:
        report_id = str(json.loads(body)["report_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PoisonMessage(f"unreadable message: {body[:200]}") from exc
    try:
        return build(report_id, clock.now(), in_force)
    except Exception as exc:
        if receives >= MAX_RECEIVES:  # the last try: the report says so, the DLQ keeps it
            store.fail(report_id, clock.now(), f"{type(exc).__name__}: {exc}")
        raise


def handler(event: dict[str, Any], in_force: Rules) -> dict[str, Any]:
    """An SQS event (Lambda's shape) → ``{"batchItemFailures": [...]}``."""
    from chalicelib.jobs import batch

    return batch.partial(event, lambda body, receives: handle(body, receives, in_force))


def monthly(now: datetime, in_force: Rules, force: bool = False) -> dict[str, Any]:
    """On the first working day of a month (or now, ``force``): last month's report, once."""
    month = meeting_rules.month_of(now)
    today = clock.to_beijing(now).date()
    if not force and today != meeting_rules.first_working_day(month, in_force.calendar):
        return {"started": 0}
    period = Period.of_month(meeting_rules.previous_month(month))
    try:
        report = request(period, None, now, trigger="scheduled")
    except AlreadyExists:
        return {"started": 0}
    return {"started": 1, "report_id": report["id"]}
