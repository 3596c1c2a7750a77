"""The monthly joint handling meeting (集中会办, R4.4): the county government takes up what
the service centre could not settle (level-2 appeals), decides an owner and a deadline for
each, and every decided item becomes supervised (督办). A month without a recorded meeting
is flagged."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.clock import BEIJING, iso
from chalicelib.domain import calendar
from chalicelib.domain.appeal import supervision, transitions
from chalicelib.domain.appeal.decision import Decision, Directory
from chalicelib.domain.appeal.events import EventType, Supervise
from chalicelib.domain.appeals import Appeal, DepartmentRef
from chalicelib.domain.models import Actor, Timestamp, User
from chalicelib.domain.rules import Rules
from chalicelib.errors import InvalidTransition, ValidationFailed


class AgendaDecision(BaseModel):
    """What the meeting decided for one item: its owners and new deadline."""

    departments: list[DepartmentRef]
    due_working_days: int
    supervision_due_at: Timestamp
    notes: str | None = None
    decided_at: Timestamp
    decided_by: Actor


class AgendaItem(BaseModel):
    appeal_id: str
    title: str
    reason: str | None = Field(None, description="why it was escalated (common, multi_department…)")
    decision: AgendaDecision | None = None


class Meeting(BaseModel):
    """One month's meeting: drafted by the monthly job, recorded and decided by admins."""

    id: str = Field(description="the month, YYYY-MM")
    month: str
    status: Literal["draft", "held", "missed"]
    held_at: date | None = None
    chair: str | None = None
    attendees: list[str] = Field(default_factory=list)
    agenda: list[AgendaItem] = Field(default_factory=list)
    flagged_at: Timestamp | None = Field(None, description="when the month was flagged missed")
    version: int = 0
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None

    def item(self, appeal_id: str) -> AgendaItem | None:
        return next((i for i in self.agenda if i.appeal_id == appeal_id), None)


def month_of(when: datetime) -> str:
    return when.astimezone(BEIJING).strftime("%Y-%m")


def previous_month(month: str) -> str:
    first = date.fromisoformat(month + "-01")
    return (first - timedelta(days=1)).strftime("%Y-%m")


def first_working_day(month: str, cal: calendar.WorkCalendar) -> date:
    """The first working day of a month on the calendar in force."""
    day = date.fromisoformat(month + "-01")
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day


def agenda_item(appeal: Appeal) -> AgendaItem:
    return AgendaItem(appeal_id=appeal.id, title=appeal.title, reason=appeal.escalation_reason)


def draft(month: str, level_two: list[Appeal], existing: Meeting | None) -> Meeting | None:
    """The month's meeting with every open level-2 appeal on its agenda; an existing draft
    gains the items it lacks (its decisions and edits kept). ``None``: nothing to change."""
    if existing is None:
        return Meeting(
            id=month, month=month, status="draft", agenda=[agenda_item(a) for a in level_two]
        )
    if existing.status != "draft":
        return None
    missing = [agenda_item(a) for a in level_two if existing.item(a.id) is None]
    if not missing:
        return None
    return existing.model_copy(update={"agenda": [*existing.agenda, *missing]})


def flag_missed(month: str, existing: Meeting | None, now: datetime) -> Meeting | None:
    """A month that ended without a recorded meeting, flagged (``None`` if it was held or
    already flagged)."""
    if existing is not None and existing.status != "draft":
        return None
    base = existing or Meeting(id=month, month=month, status="draft")
    return base.model_copy(update={"status": "missed", "flagged_at": iso(now)})


def decide(
    meeting: Meeting,
    appeal: Appeal,
    departments: list[str],
    due_working_days: int,
    notes: str | None,
    user: User,
    now: datetime,
    directory: Directory,
    rules: Rules,
) -> tuple[Meeting, Decision]:
    """A held meeting decides one agenda item: the appeal is supervised — by the ``supervise``
    event's own rules — with the owners and deadline decided, and the item records it."""
    item = meeting.item(appeal.id)
    if item is None:
        raise ValidationFailed.one("appeal_id", "not_on_agenda", id=appeal.id)
    supervision.check_owners(departments, directory)  # what was sent is checked first
    if meeting.status != "held":
        raise InvalidTransition("meeting_not_held", month=meeting.month)
    if item.decision is not None:
        raise InvalidTransition("already_decided", id=appeal.id)
    command = Supervise(
        type=EventType.SUPERVISE,
        version=appeal.version,
        due_working_days=due_working_days,
        departments=departments,
        note=notes,
    )
    decision = transitions.decide(appeal, command, user, now, directory, rules)
    sup = decision.appeal.supervision
    assert sup is not None
    sup.source = f"meeting:{meeting.month}"
    decided = item.model_copy(
        update={
            "decision": AgendaDecision(
                departments=sup.departments,
                due_working_days=due_working_days,
                supervision_due_at=sup.due_at,
                notes=notes,
                decided_at=iso(now),
                decided_by=user.actor(),
            )
        }
    )
    agenda = [decided if i.appeal_id == appeal.id else i for i in meeting.agenda]
    return meeting.model_copy(update={"agenda": agenda}), decision


def agenda_refusal(appeal: Appeal) -> str | None:
    """Why an appeal cannot be put on the agenda, or ``None``: only open level-2 appeals
    (what the service centre could not settle) go before the county."""
    if not appeal.is_open or appeal.escalation_level < 2:
        return "not_level_two"
    return None


def set_agenda(meeting: Meeting, items: list[AgendaItem]) -> Meeting:
    """The agenda replaced, while the meeting is still a draft."""
    if meeting.status != "draft":
        raise InvalidTransition("meeting_not_draft", month=meeting.month)
    return meeting.model_copy(update={"agenda": items})


def record(
    meeting: Meeting, held_at: date, chair: str, attendees: list[str], now: datetime
) -> Meeting:
    """The meeting recorded as held: on which day, who chaired, who attended."""
    check_held_at(meeting.month, held_at, now)
    if meeting.status == "held":
        raise InvalidTransition("meeting_already_held", month=meeting.month)
    return meeting.model_copy(
        update={"status": "held", "held_at": held_at, "chair": chair, "attendees": attendees}
    )


def check_held_at(month: str, held_at: date, now: datetime) -> None:
    """A meeting is recorded after it was held: not on a day still to come (Beijing), and
    not before the month whose meeting it is."""
    today = now.astimezone(BEIJING).date()
    if held_at > today:
        raise ValidationFailed.one("held_at", "meeting_held_in_future", today=today.isoformat())
    first = date.fromisoformat(month + "-01")
    if held_at < first:
        raise ValidationFailed.one("held_at", "meeting_held_before_month", month=month)
