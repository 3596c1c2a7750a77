"""Report figures (R5.3): what the service centre and the supervisors assess every month,
computed from the appeals' timelines so that each number can be recomputed and traced to the
appeals behind it (``docs/reports.md`` defines each figure).

The input is every timeline event whose time falls in the period (the store reads them from
a month index, never the table), with the appeals they belong to. Each figure counts events
of the period, so a report of a past period comes out the same whenever it is built:

- *received*: ``filed`` events;
- a reply deadline is *settled* in the period when it is met (a ``reply`` by its deadline) or
  missed (the sweep's ``escalated``/``marked_overdue`` at the deadline, or a late reply
  whose deadline fell in the period when the sweep had not marked it); every deadline is
  settled once, in the month it was met or passed;
- verdicts (``confirm``, ``callback``), escalations, supervision and department events are
  counted in the month they happened.

Units (commissioner, size class, channel, category) are the appeal's: its owner when the
report is built, the enterprise's size class when it filed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.clock import BEIJING, iso
from chalicelib.domain import calendar
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.codes import (
    LABELS_ZH,
    UNCOUNTED,
    Category,
    Channel,
    ClosedAs,
    PartStatus,
    SizeClass,
    UnitKind,
)
from chalicelib.domain.meetings import Meeting
from chalicelib.domain.models import YEARS
from chalicelib.errors import ValidationFailed
from chalicelib.i18n import message

#: The dimensions every appeal figure is broken down by (departments have their own table).
#: ``town``: the town (区镇) of the enterprise that filed, its ``town`` attribute (a name).
DIMENSIONS: tuple[str, ...] = ("commissioner", "size_class", "channel", "category", "town")
UNREGISTERED = "unregistered"  # a caller not registered: no size class, no town
NO_TOWN = "no_town"  # a registered enterprise whose town is not recorded
TRIAGE = "triage"  # no owner commissioner: the service centre's triage


class Period(BaseModel):
    """A report's period: a calendar month, or any run of whole days (Beijing dates)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    start: date = Field(alias="from")
    end: date = Field(alias="to")
    month: str | None = Field(None, description="YYYY-MM when the period is a calendar month")

    @classmethod
    def of_month(cls, month: str) -> Period:
        first = date.fromisoformat(month + "-01")
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return cls(start=first, end=last, month=month)

    @classmethod
    def of_days(cls, start: date, end: date) -> Period:
        whole_month = start.day == 1 and (end + timedelta(days=1)).day == 1
        same_month = (start.year, start.month) == (end.year, end.month)
        month = start.strftime("%Y-%m") if whole_month and same_month else None
        return cls(start=start, end=end, month=month)

    @property
    def key(self) -> str:
        return self.month or f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.month:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    def begins(self) -> datetime:
        return datetime.combine(self.start, time.min, BEIJING)

    def ends(self) -> datetime:
        """The period's last instant (the deadlines' 23:59:59 of its last day is inside)."""
        return datetime.combine(self.end, time(23, 59, 59, 999999), BEIJING)

    def months(self) -> list[str]:
        """Every month the period touches, in order (the month index is read for each)."""
        out: list[str] = []
        day = self.start.replace(day=1)
        while day <= self.end:
            out.append(day.strftime("%Y-%m"))
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out

    def previous(self) -> Period:
        """The period before: the month before, or as many days just before."""
        if self.month:
            return Period.of_month((self.start - timedelta(days=1)).strftime("%Y-%m"))
        length = (self.end - self.start).days + 1
        return Period.of_days(self.start - timedelta(days=length), self.start - timedelta(days=1))

    def contains(self, stamp: str | None) -> bool:
        if not stamp:
            return False
        when = datetime.fromisoformat(stamp)
        return self.begins() <= when <= self.ends()


#: The longest period one report may cover.
MAX_DAYS = 366


def requested(month: str | None, start: date | None, end: date | None, today: date) -> Period:
    """The period a report is asked for: a month, or whole days (at most ``MAX_DAYS``),
    starting today at the latest. A 400 naming the field otherwise."""
    if month and (start or end):
        raise ValidationFailed.one("month", "month_or_range")
    first = int(month[:4]) if month else start.year if start else YEARS[0]
    if first < YEARS[0]:  # year 1 failed in the job after a 202, year 0 was a 500 here
        raise ValidationFailed.one("month" if month else "from", "year_invalid")
    if month:
        period = Period.of_month(month)
    elif start and end:
        if end < start:
            raise ValidationFailed.one("to", "range_reversed")
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationFailed.one("to", "range_too_long", days=MAX_DAYS)
        period = Period.of_days(start, end)
    else:
        missing = "to" if start else "from" if end else "month"
        raise ValidationFailed.one(missing, "month_or_range")
    if period.start > today:
        raise ValidationFailed.one("month" if month else "from", "period_in_future")
    return period


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


class Metrics(BaseModel):
    """The appeal figures of one unit (or of everything) over a period."""

    received: int = Field(0, description="受理数：appeals filed")
    replied: int = Field(0, description="答复数：replies given (a reply after 重办 counts again)")
    due: int = Field(0, description="应答复数：reply deadlines settled (met + missed)")
    on_time: int = Field(0, description="按时答复数：replies by their deadline")
    missed: int = Field(0, description="超期数：deadlines passed without a reply")
    on_time_rate: float | None = Field(None, description="按时答复率 = on_time / due")
    open_overdue: int = Field(0, description="超期未答复：missed and still unreplied at the end")
    replied_late: int = Field(0, description="超期答复：replies after their deadline")
    escalated_1: int = Field(0, description="升级至服务中心 (level 1)")
    escalated_2: int = Field(0, description="提交县政府会办 (level 2)")
    confirmed: int = Field(0, description="评价数：verdicts by the enterprise or a call-back")
    resolved: int = Field(0, description="verdicts: resolved")
    resolved_rate: float | None = Field(None, description="解决率 = resolved / confirmed")
    rated: int = Field(0, description="verdicts with a satisfaction score")
    satisfied: int = Field(0, description="satisfaction 4 or 5")
    satisfaction_rate: float | None = Field(None, description="满意率 = satisfied / rated")
    reopened: int = Field(0, description="重办数：verdicts 'not resolved'")
    reopened_rate: float | None = Field(None, description="重办率 = reopened / confirmed")
    auto_closed: int = Field(0, description="auto-closed replies nobody rated (apart)")
    answered_on_call: int = Field(0, description="直接答复：consultations answered on the call")
    direct_rate: float | None = Field(None, description="直办率 = answered on the call / received")
    repeat_calls: int = Field(0, description="重复来电：calls again about an open appeal")
    merged: int = Field(0, description="合并的重复诉求：duplicates merged (in no rate)")
    voided: int = Field(0, description="无效工单：invalid orders voided (in no rate)")
    withdrawn: int = Field(
        0, description="企业撤回：appeals the enterprise withdrew before a reply (in no rate)"
    )
    supplements: int = Field(0, description="补充材料：supplements the enterprises added")
    avg_working_days: float | None = Field(
        None, description="平均答复用时：working days from the period's start to the reply"
    )
    sign_due: int = Field(
        0, description="应签收数：the owner's sign-for deadlines settled (signed, or marked)"
    )
    signed_in_time: int = Field(0, description="按时签收数：signed for by the deadline")
    sign_rate: float | None = Field(None, description="签收及时率 = signed_in_time / sign_due")
    paused: int = Field(0, description="挂起诉求数：appeals paused in the period (each once)")
    pauses_ended: int = Field(0, description="pauses ended in the period (resumed or expired)")
    paused_working_days: int = Field(
        0, description="挂起工作日：working days of the pauses ended in the period"
    )
    avg_paused_working_days: float | None = Field(
        None, description="平均挂起工作日 = paused_working_days / pauses_ended"
    )
    pause_expired: int = Field(
        0, description="挂起到期：pauses the sweep ended at the 10-working-day limit"
    )


class DepartmentMetrics(BaseModel):
    """A department's figures: its parts of jointly handled appeals, and supervised items."""

    transferred: int = Field(0, description="转办数：parts transferred to it")
    replied: int = Field(0, description="部门答复数")
    on_time: int = Field(0, description="replies by the part's deadline")
    late: int = Field(0, description="replies after it")
    on_time_rate: float | None = Field(None, description="部门按时答复率 = on_time / replied")
    returned: int = Field(0, description="退回数")
    open_overdue: int = Field(
        0, description="parts open past their deadline when the report was built"
    )
    supervised: int = Field(0, description="督办事项：items put under its supervision")
    supervision_closed: int = Field(0, description="督办办结：completions accepted")
    supervision_on_time: int = Field(0, description="accepted by the supervision deadline")
    sign_due: int = Field(0, description="应签收数：its parts' sign-for deadlines settled")
    signed_in_time: int = Field(0, description="按时签收数：parts signed for by the deadline")
    sign_rate: float | None = Field(None, description="签收及时率 = signed_in_time / sign_due")
    parts_overdue: int = Field(
        0, description="超期件：its parts marked overdue by the sweep in the period (settled)"
    )


class Row(BaseModel):
    key: str
    name: str
    metrics: Metrics
    rank: int | None = Field(None, description="by on-time rate; null below the minimum")


class DepartmentRow(BaseModel):
    key: str
    name: str
    kind: UnitKind = Field(
        UnitKind.DEPARTMENT, description="department, or town（区镇）: a town handling its parts"
    )
    metrics: DepartmentMetrics
    rank: int | None = None


class NoticeItem(BaseModel):
    """An overdue or late item as the notice (通报) names it, with its owners."""

    appeal_id: str
    title: str
    enterprise: str
    kind: Literal["open_overdue", "replied_late", "part_overdue"]
    owner: str = Field(description="the owner commissioner (or the service centre's triage)")
    departments: list[str] = Field(default_factory=list, description="departments concerned")
    due_at: str
    replied_at: str | None = None
    working_days_late: int = Field(description="working days past the deadline")


class CategoryTrend(BaseModel):
    key: str
    name: str
    received: int
    previous: int | None
    change: int | None


class RepeatEnterprise(BaseModel):
    uscc: str
    name: str
    received: int
    categories: list[str]
    appeal_ids: list[str]


class CommonItem(BaseModel):
    appeal_id: str
    title: str
    enterprise: str
    category: str


class Recurring(BaseModel):
    """共性诉求: the categories and enterprises that keep coming back."""

    categories: list[CategoryTrend]
    enterprises: list[RepeatEnterprise] = Field(description="two or more appeals in the period")
    common: list[CommonItem] = Field(description="escalated as a common appeal（共性诉求）")


class SupervisionFigures(BaseModel):
    started: int = 0
    closed: int = 0
    closed_on_time: int = 0
    on_time_rate: float | None = Field(None, description="closed_on_time / closed")
    overdue: int = Field(0, description="supervised items that passed their deadline")


class CommonAccepted(BaseModel):
    """A common-problem item (共性诉求) the centre accepted onto a meeting's agenda."""

    month: str = Field(description="the meeting's month")
    group_id: str
    title: str
    accepted_at: str
    appeal_ids: list[str]
    enterprises: int


class MeetingFigures(BaseModel):
    held: list[str] = Field(default_factory=list, description="months with a meeting held")
    missed: list[str] = Field(default_factory=list, description="months that ended without one")
    decided_items: int = 0
    common_items: list[CommonAccepted] = Field(
        default_factory=list, description="common-problem items accepted in the period"
    )
    common_appeals: int = Field(0, description="the appeals they cover, each counted once")


class Fact(BaseModel):
    """One appeal's part in the period: the detail every figure can be traced to."""

    appeal_id: str
    title: str
    enterprise: str
    channel: str
    category: str
    size_class: str
    town: str = Field(
        UNREGISTERED, description="the enterprise's town when the report is built (no_town: none)"
    )
    owner: str
    received_in_period: bool
    replies: int
    on_time: int
    missed: int
    open_overdue: bool
    escalated_to: int = Field(description="highest escalation level reached in the period")
    verdicts: int
    resolved: bool | None = None
    satisfaction: int | None = None
    events: str = Field(description="the period's events, in order")


class Figures(BaseModel):
    """Everything a report says, as stored in its JSON output."""

    period: Period
    as_of: str = Field(description="events up to this instant are counted (the period's end)")
    built_at: str
    min_ranked: int
    totals: Metrics
    previous_period: Period | None = None
    previous: Metrics | None = None
    change: dict[str, float | int | None] = Field(default_factory=dict)
    by: dict[str, list[Row]]
    departments: list[DepartmentRow]
    notice: list[NoticeItem]
    recurring: Recurring
    supervision: SupervisionFigures
    meetings: MeetingFigures
    appeals: list[Fact] = Field(default_factory=list)


# --- the computation ---------------------------------------------------------------------


@dataclass
class _Tally:
    """A unit's counters while events are read; ``metrics()`` turns them into figures."""

    received: int = 0
    replied: int = 0
    on_time: int = 0
    missed: int = 0
    open_overdue: int = 0
    replied_late: int = 0
    escalated_1: int = 0
    escalated_2: int = 0
    confirmed: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    reopened: int = 0
    auto_closed: int = 0
    answered_on_call: int = 0
    repeat_calls: int = 0
    merged: int = 0
    voided: int = 0
    withdrawn: int = 0
    supplements: int = 0
    sign_due: int = 0
    signed_in_time: int = 0
    paused: int = 0
    pauses_ended: int = 0
    paused_working_days: int = 0
    pause_expired: int = 0
    took: list[int] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        for name in self.__dataclass_fields__:
            if name == "took":
                self.took.extend(other.took)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def metrics(self) -> Metrics:
        due = self.on_time + self.missed
        return Metrics(
            received=self.received,
            replied=self.replied,
            due=due,
            on_time=self.on_time,
            missed=self.missed,
            on_time_rate=_rate(self.on_time, due),
            open_overdue=self.open_overdue,
            replied_late=self.replied_late,
            escalated_1=self.escalated_1,
            escalated_2=self.escalated_2,
            confirmed=self.confirmed,
            resolved=self.resolved,
            resolved_rate=_rate(self.resolved, self.confirmed),
            rated=self.rated,
            satisfied=self.satisfied,
            satisfaction_rate=_rate(self.satisfied, self.rated),
            reopened=self.reopened,
            reopened_rate=_rate(self.reopened, self.confirmed),
            auto_closed=self.auto_closed,
            answered_on_call=self.answered_on_call,
            direct_rate=_rate(self.answered_on_call, self.received),
            repeat_calls=self.repeat_calls,
            merged=self.merged,
            voided=self.voided,
            withdrawn=self.withdrawn,
            supplements=self.supplements,
            avg_working_days=round(sum(self.took) / len(self.took), 2) if self.took else None,
            sign_due=self.sign_due,
            signed_in_time=self.signed_in_time,
            sign_rate=_rate(self.signed_in_time, self.sign_due),
            paused=self.paused,
            pauses_ended=self.pauses_ended,
            paused_working_days=self.paused_working_days,
            avg_paused_working_days=(
                round(self.paused_working_days / self.pauses_ended, 2)
                if self.pauses_ended
                else None
            ),
            pause_expired=self.pause_expired,
        )


@dataclass
class _DeptTally:
    transferred: int = 0
    replied: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    open_overdue: int = 0
    supervised: int = 0
    supervision_closed: int = 0
    supervision_on_time: int = 0
    sign_due: int = 0
    signed_in_time: int = 0
    parts_overdue: int = 0

    def metrics(self) -> DepartmentMetrics:
        return DepartmentMetrics(
            **{name: getattr(self, name) for name in self.__dataclass_fields__},
            on_time_rate=_rate(self.on_time, self.replied),
            sign_rate=_rate(self.signed_in_time, self.sign_due),
        )


def _working_days_between(start: str, end: datetime, cal: calendar.WorkCalendar) -> int:
    return calendar.working_days_left(datetime.fromisoformat(start), end, cal)


@dataclass
class _Appeal:
    """What one appeal contributed in the period."""

    tally: _Tally
    fact: Fact
    notice: list[NoticeItem]


@dataclass
class _Reading:
    """One appeal's events being read for a period's figures: what each event adds goes
    into these (``COUNTS`` says which event adds what)."""

    appeal: Appeal
    period: Period
    owner: str
    supervision: SupervisionFigures
    depts: defaultdict[str, _DeptTally]
    cal: calendar.WorkCalendar
    tally: _Tally = field(default_factory=_Tally)
    settled: set[str] = field(default_factory=set)  # reply deadlines met or missed in the period
    missed_at: dict[str, str] = field(default_factory=dict)  # deadline → when marked missed
    notice: list[NoticeItem] = field(default_factory=list)
    level: int = 0
    verdict: tuple[bool | None, int | None] = (None, None)

    @property
    def enterprise(self) -> str:
        return self.appeal.enterprise.name or message("unregistered_caller")

    def note(self, kind: Any, due: str, replied_at: str | None, until: datetime) -> None:
        """An item the notice names: replied late, or still open past its deadline."""
        open_parts = [p.name for p in self.appeal.departments if p.status == PartStatus.OPEN]
        self.notice.append(
            NoticeItem(
                appeal_id=self.appeal.id,
                title=self.appeal.title,
                enterprise=self.enterprise,
                kind=kind,
                owner=self.owner,
                departments=open_parts,
                due_at=due,
                replied_at=replied_at,
                working_days_late=_working_days_between(due, until, self.cal),
            )
        )


def _filed(r: _Reading, e: TimelineEvent) -> None:
    r.tally.received += 1


def _reply(r: _Reading, e: TimelineEvent) -> None:
    t = r.tally
    t.replied += 1
    if e.took_working_days is not None:
        t.took.append(e.took_working_days)
    due = e.reply_due_at
    if due is None or e.at <= due:
        t.on_time += 1
        if due:
            r.settled.add(due)
        return
    t.replied_late += 1
    if due in r.missed_at:
        pass  # missed when the sweep marked it (in this period)
    elif r.period.contains(due) and due not in r.settled:
        t.missed += 1  # the sweep had not marked it: the late reply settles it
    r.settled.add(due)
    r.note("replied_late", due, e.at, datetime.fromisoformat(e.at))


def _marked_overdue(r: _Reading, e: TimelineEvent) -> None:
    """The sweep's mark of a reply deadline passed without a reply."""
    due = e.reply_due_at or ""
    if due not in r.settled:
        r.tally.missed += 1
        r.settled.add(due)
        r.missed_at[due] = e.at


def _escalated(r: _Reading, e: TimelineEvent) -> None:
    if e.reason == "overdue":  # escalated by the sweep for a missed reply deadline
        _marked_overdue(r, e)
    if e.level == 1:
        r.tally.escalated_1 += 1
    elif (e.level or 0) >= 2:
        r.tally.escalated_2 += 1
    r.level = max(r.level, e.level or 0)


def _verdict(r: _Reading, e: TimelineEvent) -> None:
    """The enterprise's confirmation, or the hotline's callback (回访)."""
    t = r.tally
    t.confirmed += 1
    t.resolved += bool(e.resolved)
    t.reopened += e.resolved is False
    if e.satisfaction is not None:
        t.rated += 1
        t.satisfied += e.satisfaction >= 4
    r.verdict = (e.resolved, e.satisfaction)


def _auto_closed(r: _Reading, e: TimelineEvent) -> None:
    r.tally.auto_closed += 1


def _transfer(r: _Reading, e: TimelineEvent) -> None:
    for ref in e.departments or []:
        r.depts[ref.id].transferred += 1


def _signed(r: _Reading, e: TimelineEvent) -> None:
    """A sign-for (``accept``; a department's ``accept_part`` or first ``department_reply``)
    settles its deadline when it carries ``in_time`` (null: none, or already marked)."""
    if e.in_time is None:
        return
    if e.part:
        d = r.depts[e.part]
        d.sign_due += 1
        d.signed_in_time += e.in_time
    else:
        r.tally.sign_due += 1
        r.tally.signed_in_time += e.in_time


def _sign_overdue(r: _Reading, e: TimelineEvent) -> None:
    """The sweep's mark of a sign-for deadline passed unsigned: settled, not in time."""
    if e.part:
        r.depts[e.part].sign_due += 1
    else:
        r.tally.sign_due += 1


def _part_overdue(r: _Reading, e: TimelineEvent) -> None:
    if e.part:
        r.depts[e.part].parts_overdue += 1


def _department_reply(r: _Reading, e: TimelineEvent) -> None:
    _signed(r, e)
    if not e.department:
        return
    d = r.depts[e.department.id]
    d.replied += 1
    if e.department.due_at and e.at > e.department.due_at:
        d.late += 1
    else:
        d.on_time += 1


def _return(r: _Reading, e: TimelineEvent) -> None:
    if e.department:
        r.depts[e.department.id].returned += 1


def _supervise(r: _Reading, e: TimelineEvent) -> None:
    r.supervision.started += 1
    for ref in e.departments or []:
        r.depts[ref.id].supervised += 1


def _accept_completion(r: _Reading, e: TimelineEvent) -> None:
    r.supervision.closed += 1
    on_time = e.supervision_due_at is None or e.at <= e.supervision_due_at
    r.supervision.closed_on_time += on_time
    sup = r.appeal.supervision
    for ref in sup.departments if sup else []:
        r.depts[ref.id].supervision_closed += 1
        r.depts[ref.id].supervision_on_time += on_time


def _supervision_overdue(r: _Reading, e: TimelineEvent) -> None:
    r.supervision.overdue += 1


def _repeat_call(r: _Reading, e: TimelineEvent) -> None:
    r.tally.repeat_calls += 1


def _merge(r: _Reading, e: TimelineEvent) -> None:
    r.tally.merged += 1


def _void(r: _Reading, e: TimelineEvent) -> None:
    r.tally.voided += 1


def _withdraw(r: _Reading, e: TimelineEvent) -> None:
    r.tally.withdrawn += 1


def _supplement(r: _Reading, e: TimelineEvent) -> None:
    r.tally.supplements += 1


def _closed(r: _Reading, e: TimelineEvent) -> None:
    if e.closed_as == ClosedAs.ANSWERED_ON_CALL:
        r.tally.answered_on_call += 1


def _paused(r: _Reading, e: TimelineEvent) -> None:
    """挂起: the appeal counts once however often it was paused in the period."""
    r.tally.paused = 1


def _pause_ended(r: _Reading, e: TimelineEvent) -> None:
    """A pause ended (resume, or the sweep at the limit): its working days, in the period
    it ended (a pause that ran over the month's end counts whole, when it ended)."""
    r.tally.pauses_ended += 1
    r.tally.paused_working_days += e.working_days or 0
    r.tally.pause_expired += e.type == EventType.PAUSE_EXPIRED


Count = Callable[[_Reading, TimelineEvent], None]

#: What each timeline event adds to a period's figures (``None``: nothing). Every
#: ``EventType`` is here: a new one must say (tests/unit/test_event_tables.py).
COUNTS: dict[EventType, Count | None] = {
    EventType.FILED: _filed,
    EventType.ACCEPT: _signed,
    EventType.ACCEPT_PART: _signed,
    EventType.TRANSFER: _transfer,
    EventType.DEPARTMENT_REPLY: _department_reply,
    EventType.RETURN: _return,
    EventType.REPLY: _reply,
    EventType.CONFIRM: _verdict,
    EventType.CALLBACK: _verdict,
    EventType.REASSIGN: None,
    EventType.SET_URGENCY: None,
    EventType.REQUEST_EXTENSION: None,
    EventType.APPROVE_EXTENSION: None,  # the new deadline is on the reply that meets it
    EventType.REJECT_EXTENSION: None,
    EventType.ESCALATE: None,  # a command: recorded as ``escalated``
    EventType.ESCALATED: _escalated,
    EventType.SUPERVISE: _supervise,
    EventType.REPORT_COMPLETION: None,
    EventType.ACCEPT_COMPLETION: _accept_completion,
    EventType.REJECT_COMPLETION: None,
    EventType.WARNED: None,
    EventType.MARKED_OVERDUE: _marked_overdue,
    EventType.AUTO_CLOSED: _auto_closed,
    EventType.DEADLINE_RECOMPUTED: None,
    EventType.SUPERVISION_OVERDUE: _supervision_overdue,
    EventType.SIGN_OVERDUE: _sign_overdue,
    EventType.PART_WARNED: None,
    EventType.PART_OVERDUE: _part_overdue,
    EventType.REPEAT_CALL: _repeat_call,
    EventType.MERGE: _merge,
    EventType.VOID: _void,
    EventType.MERGED: None,  # the master's figures are its own
    EventType.MERGED_REPLY: None,  # the master's reply, counted on the master
    EventType.CLOSED: _closed,
    EventType.PAUSE: _paused,
    EventType.RESUME: _pause_ended,
    EventType.PAUSE_EXPIRED: _pause_ended,
    EventType.SUPPLEMENT: _supplement,
    EventType.WITHDRAW: _withdraw,
    EventType.PROGRESS: None,
}

#: What still counts of an appeal merged, voided or withdrawn (``codes.UNCOUNTED``): it is
#: in no rate, nor received; only these events of it are counted.
COUNTED_WHEN_UNCOUNTED = frozenset(
    {
        EventType.REPEAT_CALL,
        EventType.MERGE,
        EventType.VOID,
        EventType.WITHDRAW,
        EventType.SUPPLEMENT,
    }
)


def _one(
    appeal: Appeal,
    events: list[TimelineEvent],
    period: Period,
    as_of: datetime,
    owner_name: str,
    supervision: SupervisionFigures,
    depts: defaultdict[str, _DeptTally],
    cal: calendar.WorkCalendar,
    town: str = UNREGISTERED,
) -> _Appeal:
    """What one appeal's events in the period add to its units' figures."""
    r = _Reading(appeal, period, owner_name, supervision, depts, cal)
    uncounted = appeal.closed_as in UNCOUNTED
    for e in events:
        count = COUNTS[e.type]
        if count is not None and (not uncounted or e.type in COUNTED_WHEN_UNCOUNTED):
            count(r, e)
    # still open past a missed deadline at the end: no reply after the mark in the period
    last_reply = max((e.at for e in events if e.type == EventType.REPLY), default="")
    for due, marked in r.missed_at.items():
        if last_reply < marked:
            r.tally.open_overdue += 1
            r.note("open_overdue", due, None, as_of)
    fact = Fact(
        appeal_id=appeal.id,
        title=appeal.title,
        enterprise=r.enterprise,
        channel=appeal.channel.value,
        category=appeal.category.value,
        size_class=_size_class(appeal),
        town=town,
        owner=owner_name,
        received_in_period=r.tally.received > 0,
        replies=r.tally.replied,
        on_time=r.tally.on_time,
        missed=r.tally.missed,
        open_overdue=r.tally.open_overdue > 0,
        escalated_to=r.level,
        verdicts=r.tally.confirmed,
        resolved=r.verdict[0],
        satisfaction=r.verdict[1],
        events=" ".join(e.type for e in events),
    )
    return _Appeal(r.tally, fact, r.notice)


def _size_class(appeal: Appeal) -> str:
    size = appeal.enterprise.size_class
    return size.value if size else UNREGISTERED


def _town(appeal: Appeal, towns: Mapping[str, str | None]) -> str:
    """The town of the enterprise that filed (a name) as it was when it filed (the appeal's
    snapshot); for an appeal filed before the snapshot was kept, the enterprise's town now
    (``towns``); ``no_town`` when it records none; ``unregistered`` for a caller not
    registered."""
    uscc = appeal.enterprise.uscc
    if not uscc:
        return UNREGISTERED
    return appeal.enterprise.town or towns.get(uscc) or NO_TOWN


def _unit(appeal: Appeal, dimension: str, towns: Mapping[str, str | None] | None = None) -> str:
    if dimension == "commissioner":
        return appeal.assignee.commissioner_id or TRIAGE
    if dimension == "size_class":
        return _size_class(appeal)
    if dimension == "channel":
        return appeal.channel.value
    if dimension == "town":
        return _town(appeal, towns or {})
    return appeal.category.value


def _label(dimension: str, key: str, names: Mapping[str, str]) -> str:
    if dimension in ("commissioner", "department"):
        if key == TRIAGE:
            return message("unit_triage")
        return names.get(key, key)
    if key == UNREGISTERED:
        return message("unit_unregistered")
    if dimension == "town":
        return message("unit_no_town") if key == NO_TOWN else key
    return LABELS_ZH.get(key, key)


def _all_keys(dimension: str, town_names: Iterable[str] = ()) -> list[str]:
    """Every unit of a fixed dimension, so a unit with nothing still shows its zeros (the
    towns: every town unit's name, which the enterprises' ``town`` uses)."""
    if dimension == "town":
        return list(town_names)
    if dimension == "size_class":
        return [s.value for s in SizeClass] + [UNREGISTERED]
    if dimension == "channel":
        return [c.value for c in Channel]
    if dimension == "category":
        return [c.value for c in Category]
    return []


def _ranked(rows: list[Any], min_ranked: int, size: Any, rate: Any) -> None:
    """Rank rows by on-time rate (then volume), only those with at least ``min_ranked``."""
    eligible = [r for r in rows if size(r) >= min_ranked and rate(r) is not None]
    eligible.sort(key=lambda r: (-rate(r), -size(r), r.key))
    for i, r in enumerate(eligible, start=1):
        r.rank = i


def _change(now: Metrics, before: Metrics | None) -> dict[str, float | int | None]:
    if before is None:
        return {}
    out: dict[str, float | int | None] = {}
    for name, value in now.model_dump().items():
        old = getattr(before, name)
        if value is None or old is None:
            out[name] = None
        elif isinstance(value, float) or isinstance(old, float):
            out[name] = round(value - old, 4)
        else:
            out[name] = value - old
    return out


def compute(
    period: Period,
    events: Iterable[tuple[str, TimelineEvent]],
    appeals: Mapping[str, Appeal],
    names: Mapping[str, str],
    *,
    as_of: datetime,
    built_at: datetime,
    min_ranked: int,
    cal: calendar.WorkCalendar,
    meetings: Iterable[Meeting] = (),
    open_parts: Iterable[tuple[Appeal, str]] = (),
    previous: tuple[Period, Metrics, Mapping[str, int]] | None = None,
    towns: Mapping[str, str | None] | None = None,
    kinds: Mapping[str, UnitKind] | None = None,
) -> Figures:
    """The figures of ``period`` from its events (``(appeal_id, event)`` in time order) and
    the appeals they belong to. ``names``: commissioners' and departments' names by id;
    ``towns``: the filing enterprises' towns by credit code; ``kinds``: each unit's kind
    (department or town; a unit not named is a department);
    ``open_parts``: (appeal, department id) of parts open when the report is built;
    ``previous``: the period before with its totals and received count per category;
    ``cal``: the calendar in force (working days late are counted on it)."""
    by_appeal: dict[str, list[TimelineEvent]] = defaultdict(list)
    for appeal_id, event in events:
        if datetime.fromisoformat(event.at) <= as_of:
            by_appeal[appeal_id].append(event)
    totals = _Tally()
    units: dict[str, defaultdict[str, _Tally]] = {d: defaultdict(_Tally) for d in DIMENSIONS}
    depts: defaultdict[str, _DeptTally] = defaultdict(_DeptTally)
    supervision = SupervisionFigures()
    notice: list[NoticeItem] = []
    facts: list[Fact] = []
    filings: defaultdict[str, list[Appeal]] = defaultdict(list)
    common: list[CommonItem] = []
    for appeal_id, evs in by_appeal.items():
        appeal = appeals.get(appeal_id)
        if appeal is None:
            continue  # an event without its appeal cannot be attributed (never expected)
        evs.sort(key=lambda e: (e.at, e.version))
        owner = _label("commissioner", _unit(appeal, "commissioner"), names)
        town = _town(appeal, towns or {})
        one = _one(appeal, evs, period, as_of, owner, supervision, depts, cal, town)
        totals.add(one.tally)
        for dim in DIMENSIONS:
            units[dim][_unit(appeal, dim, towns)].add(one.tally)
        notice += one.notice
        facts.append(one.fact)
        if one.tally.received and appeal.enterprise.uscc:
            filings[appeal.enterprise.uscc].append(appeal)
        if any(e.type == EventType.ESCALATED and e.reason == "common" for e in evs):
            common.append(
                CommonItem(
                    appeal_id=appeal.id,
                    title=appeal.title,
                    enterprise=one.fact.enterprise,
                    category=LABELS_ZH.get(appeal.category, appeal.category.value),
                )
            )
    for appeal, dept_id in open_parts:
        part = appeal.part(dept_id)
        if part and part.status == PartStatus.OPEN and part.due_at < iso(built_at):
            depts[dept_id].open_overdue += 1
            notice.append(
                NoticeItem(
                    appeal_id=appeal.id,
                    title=appeal.title,
                    enterprise=appeal.enterprise.name or message("unregistered_caller"),
                    kind="part_overdue",
                    owner=_label("commissioner", _unit(appeal, "commissioner"), names),
                    departments=[part.name],
                    due_at=part.due_at,
                    working_days_late=_working_days_between(part.due_at, built_at, cal),
                )
            )

    kinds = kinds or {}
    town_names = [names.get(k, k) for k in sorted(kinds) if kinds[k] == UnitKind.TOWN]
    by: dict[str, list[Row]] = {}
    for dim in DIMENSIONS:
        keys = list(dict.fromkeys([*_all_keys(dim, town_names), *sorted(units[dim])]))
        rows = [
            Row(key=k, name=_label(dim, k, names), metrics=units[dim][k].metrics()) for k in keys
        ]
        _ranked(rows, min_ranked, lambda r: r.metrics.due, lambda r: r.metrics.on_time_rate)
        by[dim] = rows
    dept_rows = [
        DepartmentRow(
            key=k,
            name=_label("department", k, names),
            kind=kinds.get(k, UnitKind.DEPARTMENT),
            metrics=depts[k].metrics(),
        )
        for k in sorted(depts)
    ]
    _ranked(dept_rows, min_ranked, lambda r: r.metrics.replied, lambda r: r.metrics.on_time_rate)
    dept_rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.key))

    total = totals.metrics()
    received_by_category = {r.key: r.metrics.received for r in by["category"]}
    before_categories = previous[2] if previous else None
    categories = sorted(
        (
            CategoryTrend(
                key=k,
                name=_label("category", k, names),
                received=n,
                previous=before_categories.get(k, 0) if before_categories is not None else None,
                change=n - before_categories.get(k, 0) if before_categories is not None else None,
            )
            for k, n in received_by_category.items()
        ),
        key=lambda c: (-c.received, c.key),
    )
    repeaters = sorted(
        (
            RepeatEnterprise(
                uscc=uscc,
                name=found[0].enterprise.name or uscc,
                received=len(found),
                categories=sorted({LABELS_ZH.get(a.category, a.category.value) for a in found}),
                appeal_ids=[a.id for a in found],
            )
            for uscc, found in filings.items()
            if len(found) >= 2
        ),
        key=lambda r: (-r.received, r.uscc),
    )
    notice.sort(key=lambda n: (-n.working_days_late, n.due_at, n.appeal_id))
    facts.sort(key=lambda f: f.appeal_id)
    supervision.on_time_rate = _rate(supervision.closed_on_time, supervision.closed)
    return Figures(
        period=period,
        as_of=iso(as_of),
        built_at=iso(built_at),
        min_ranked=min_ranked,
        totals=total,
        previous_period=previous[0] if previous else None,
        previous=previous[1] if previous else None,
        change=_change(total, previous[1] if previous else None),
        by=by,
        departments=dept_rows,
        notice=notice,
        recurring=Recurring(categories=categories, enterprises=repeaters, common=common),
        supervision=supervision,
        meetings=_meetings(period, as_of, meetings),
        appeals=facts,
    )


def _meetings(period: Period, as_of: datetime, meetings: Iterable[Meeting]) -> MeetingFigures:
    """Months of the period with a meeting held, and months over without one; the common
    problems (共性诉求) accepted onto any meeting given (the period's months' and the month
    before: a draft may be accepted on after its month) within the period (by their
    ``accepted_at``, up to ``as_of``) and the appeals they cover, each once."""
    found = {m.month: m for m in meetings}
    out = MeetingFigures()
    for month in period.months():
        m = found.get(month)
        over = Period.of_month(month).ends() <= as_of
        if m is not None and m.status == "held":
            out.held.append(month)
            out.decided_items += sum(1 for i in m.agenda if i.decision is not None)
        elif over:
            out.missed.append(month)
    for m in found.values():  # the meetings read: the period's months' and the month before
        for p in m.proposals:
            accepted = p.accepted_at
            if p.status != "accepted" or accepted is None or not period.contains(accepted):
                continue
            if datetime.fromisoformat(accepted) <= as_of:
                out.common_items.append(
                    CommonAccepted(
                        month=m.month,
                        group_id=p.id,
                        title=p.title,
                        accepted_at=accepted,
                        appeal_ids=p.appeal_ids,
                        enterprises=len(p.enterprises),
                    )
                )
    out.common_items.sort(key=lambda c: (c.accepted_at, c.group_id))
    out.common_appeals = len({a for c in out.common_items for a in c.appeal_ids})
    return out


def as_of(period: Period, now: datetime) -> datetime:
    """Events up to the period's end count, or up to now while the period runs."""
    return min(period.ends(), now.astimezone(BEIJING))


def category_counts(figures: Figures) -> dict[str, int]:
    return {r.key: r.metrics.received for r in figures.by["category"]}
