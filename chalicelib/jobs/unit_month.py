"""A unit's month for its home (issue 21 part 4): the month's figures from its finished
report when one was built after the month ended (one Query for the report item, one S3 GET
of its JSON), else computed now from the month's events as the report job reads them (the
month index, the appeals behind the events; neither the open parts, the towns nor the
previous month). Never the table; docs/departments.md says the cost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib import clock
from chalicelib.domain import unit_month as rules
from chalicelib.domain.reports import Figures, Period
from chalicelib.domain.rules import Rules
from chalicelib.jobs import reports as report_job
from chalicelib.store import files
from chalicelib.store import reports as store


def month_figures(
    month: str, now: datetime, in_force: Callable[[], Rules]
) -> tuple[Figures, str | None]:
    """The month's figures and the report they came from (None: computed now, on the
    calendar ``in_force()`` — read only then)."""
    period = Period.of_month(month)
    done = store.latest_done(month)
    over = clock.iso(period.ends())
    if done and str(done.get("finished_at") or "") >= over and done.get("outputs"):
        figures = Figures.model_validate_json(files.read(done["outputs"]["json"]))
        return figures, str(done["id"])
    reads = store.Reads()
    return report_job.compute(period, now, reads, in_force(), with_previous=False), None


def of(unit_id: str, month: str, now: datetime, in_force: Callable[[], Rules]) -> rules.UnitMonth:
    figures, report_id = month_figures(month, now, in_force)
    unit, county = rules.of(figures, unit_id)
    return rules.UnitMonth(
        department_id=unit_id,
        month=month,
        as_of=figures.as_of,
        source="report" if report_id else "live",
        report_id=report_id,
        unit=unit,
        county=county,
    )
