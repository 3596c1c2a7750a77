"""A unit's month for its home (issue 21 part 4): the month's figures from its finished
report when one was built after the month ended (one Query for the report item, one S3 GET
of its JSON), else computed now from the month's events as the report job reads them (the
month index, the appeals behind the events; neither the open parts, the towns nor the
previous month) and kept five minutes for every unit's home. Never the table;
docs/departments.md says the cost."""

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


def month_rows(
    month: str, now: datetime, in_force: Callable[[], Rules]
) -> tuple[rules.LiveMonth, str | None]:
    """The month's units' rows and the report they came from (None: computed live — kept
    ``LIVE_SECONDS`` and shared by every unit's home; the calendar ``in_force()`` is read
    only when computing)."""
    period = Period.of_month(month)
    done = store.latest_done(month)
    over = clock.iso(period.ends())
    if done and str(done.get("finished_at") or "") >= over and done.get("outputs"):
        figures = Figures.model_validate_json(files.read(done["outputs"]["json"]))
        return rules.LiveMonth(as_of=figures.as_of, departments=figures.departments), str(
            done["id"]
        )
    kept = store.live_month(month)
    if kept is not None:
        held = rules.LiveMonth.model_validate(kept)
        if held.serves(now):
            return held, None
    reads = store.Reads()
    figures = report_job.compute(period, now, reads, in_force(), with_previous=False)
    live = rules.LiveMonth(
        as_of=figures.as_of, computed_at=clock.iso(now), departments=figures.departments
    )
    expires = int(clock.real_now().timestamp()) + 86_400
    store.keep_live_month(month, live.model_dump(mode="json"), expires)
    return live, None


def of(unit_id: str, month: str, now: datetime, in_force: Callable[[], Rules]) -> rules.UnitMonth:
    live, report_id = month_rows(month, now, in_force)
    unit, county = rules.of(live.departments, unit_id)
    return rules.UnitMonth(
        department_id=unit_id,
        month=month,
        as_of=live.as_of,
        source="report" if report_id else "live",
        report_id=report_id,
        fresh_until=live.fresh_until(),
        unit=unit,
        county=county,
    )
