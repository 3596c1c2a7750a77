"""A unit's month (issue 21 part 4): this month's figures for a department or town beside
the county's average, taken from a month's figures (``domain/reports.py``) — the report's, or
computed now the same way. Pure: docs/departments.md defines each figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.clock import iso
from chalicelib.domain.reports import DepartmentMetrics, DepartmentRow

#: A month computed live is kept this long and shared by every unit's home: a visit reads
#: figures at most this old (the answer's ``as_of`` and ``fresh_until`` say how old).
LIVE_SECONDS = 300


class LiveMonth(BaseModel):
    """The units' rows of a month computed live, as kept for the homes."""

    as_of: str = Field(description="events up to this instant are counted")
    computed_at: str | None = Field(None, description="when they were computed (None: a report)")
    departments: list[DepartmentRow] = Field(default_factory=list)

    @property
    def settled(self) -> bool:
        """Counted up to the month's end before they were computed: the month was over, and
        its figures no longer change."""
        return self.computed_at is not None and self.as_of < self.computed_at

    def fresh_until(self) -> str | None:
        """Until when a visit reads these figures (None: settled, or from a report)."""
        if self.computed_at is None or self.settled:
            return None
        until = datetime.fromisoformat(self.computed_at) + timedelta(seconds=LIVE_SECONDS)
        return iso(until)

    def serves(self, now: datetime) -> bool:
        """Whether these kept figures answer a visit at ``now``: a past month's settled ones
        always (until the item's TTL), this month's for ``LIVE_SECONDS`` after they were
        computed; never when the clock reads earlier than that (a demo moved time back)."""
        if self.computed_at is None:
            return False
        age = (now - datetime.fromisoformat(self.computed_at)).total_seconds()
        return age >= 0 and (self.settled or age < LIVE_SECONDS)


class UnitFigures(BaseModel):
    """A unit's figures for the month, as the report's 按部门 row defines them."""

    transferred: int = Field(0, description="收到转办：parts transferred to it")
    replied: int = Field(0, description="已答复：its answers（部门答复）")
    on_time_rate: float | None = Field(None, description="按时答复率：answers by the deadline")
    sign_rate: float | None = Field(None, description="签收及时率：sign-fors in time ÷ settled")
    parts_overdue: int = Field(0, description="超期件：part deadlines passed unanswered")
    supervised: int = Field(0, description="督办事项：items put under its supervision")


class CountyAverage(BaseModel):
    """The county's average unit: counts per unit (one decimal), rates pooled over every
    unit's parts (the county's rate, not a mean of rates)."""

    transferred: float = 0.0
    replied: float = 0.0
    on_time_rate: float | None = None
    sign_rate: float | None = None
    parts_overdue: float = 0.0
    supervised: float = 0.0
    units: int = Field(0, description="units averaged: those with an event in the month")


class UnitMonth(BaseModel):
    department_id: str
    month: str
    as_of: str = Field(description="events up to this instant are counted")
    source: Literal["report", "live"] = Field(
        description="report: the month's finished report (built after the month); live: "
        "computed from the month's events at as_of, kept and shared for five minutes"
    )
    fresh_until: str | None = Field(
        None,
        description="live, this month: when these figures are next computed afresh (five "
        "minutes after they were); a visit before then reads them as they were at as_of. "
        "null: a past month's settled figures, or a report's",
    )
    report_id: str | None = None
    unit: UnitFigures
    county: CountyAverage


def _unit(m: DepartmentMetrics) -> UnitFigures:
    return UnitFigures(
        transferred=m.transferred,
        replied=m.replied,
        on_time_rate=m.on_time_rate,
        sign_rate=m.sign_rate,
        parts_overdue=m.parts_overdue,
        supervised=m.supervised,
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def of(departments: Sequence[DepartmentRow], unit_id: str) -> tuple[UnitFigures, CountyAverage]:
    """The unit's row (zeros when it had no event in the month) and the county's average."""
    rows = [d.metrics for d in departments]
    mine = next((d.metrics for d in departments if d.key == unit_id), None)
    unit = _unit(mine) if mine is not None else UnitFigures()
    n = len(rows)
    if n == 0:
        return unit, CountyAverage()

    def mean(name: str) -> float:
        return round(sum(getattr(r, name) for r in rows) / n, 1)

    return unit, CountyAverage(
        transferred=mean("transferred"),
        replied=mean("replied"),
        on_time_rate=_rate(sum(r.on_time for r in rows), sum(r.replied for r in rows)),
        sign_rate=_rate(sum(r.signed_in_time for r in rows), sum(r.sign_due for r in rows)),
        parts_overdue=mean("parts_overdue"),
        supervised=mean("supervised"),
        units=n,
    )
