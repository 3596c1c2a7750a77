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
from chalicelib.domain.common_problems import Proposal, enterprises_of, regroup
from chalicelib.domain.models import Actor, Timestamp, User
from chalicelib.domain.rules import Rules
from chalicelib.errors import FieldError, InvalidTransition, NotFound, ValidationFailed


class AgendaDecision(BaseModel):
    """What the meeting decided for one item: its owners and new deadline."""

    departments: list[DepartmentRef]
    due_working_days: int
    supervision_due_at: Timestamp
    notes: str | None = None
    decided_at: Timestamp
    decided_by: Actor
    supervised: list[str] = Field(
        default_factory=list, description="a common item: its appeals put under supervision"
    )
    already_supervised: list[str] = Field(
        default_factory=list,
        description="a common item: its appeals left as they were, under a supervision already",
    )
    pending: list[str] = Field(
        default_factory=list, description="a common item: its appeals not yet supervised"
    )


class AgendaItem(BaseModel):
    appeal_id: str = Field(description="the appeal; a common item: its group's lead appeal")
    title: str
    reason: str | None = Field(None, description="why it was escalated (common, multi_department…)")
    decision: AgendaDecision | None = None
    kind: Literal["appeal", "common"] = Field(
        "appeal", description="common: a common problem（共性诉求）, a group of appeals"
    )
    group_id: str | None = Field(None, description="a common item: its proposal's id")
    appeal_ids: list[str] = Field(
        default_factory=list, description="a common item: every appeal of the group"
    )


class Meeting(BaseModel):
    """One month's meeting: drafted by the monthly job, recorded and decided by admins."""

    id: str = Field(description="the month, YYYY-MM")
    month: str
    status: Literal["draft", "held", "missed"]
    held_at: date | None = None
    chair: str | None = None
    attendees: list[str] = Field(default_factory=list)
    agenda: list[AgendaItem] = Field(default_factory=list)
    proposals: list[Proposal] = Field(
        default_factory=list, description="common problems proposed for the agenda (R4.3)"
    )
    proposals_at: Timestamp | None = Field(None, description="when they were last grouped")
    flagged_at: Timestamp | None = Field(None, description="when the month was flagged missed")
    version: int = 0
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None

    def item(self, appeal_id: str) -> AgendaItem | None:
        """The item of one appeal (not a common item led by it)."""
        return next(
            (i for i in self.agenda if i.appeal_id == appeal_id and i.kind == "appeal"), None
        )

    def group_item(self, group_id: str) -> AgendaItem | None:
        return next((i for i in self.agenda if i.group_id == group_id), None)

    def proposal(self, group_id: str) -> Proposal:
        found = next((p for p in self.proposals if p.id == group_id), None)
        if found is None:
            raise NotFound("proposal_not_found", id=group_id)
        return found


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


# --- common problems (共性诉求, R4.3) ----------------------------------------------------------


def _draft_only(meeting: Meeting) -> None:
    if meeting.status != "draft":
        raise InvalidTransition("meeting_not_draft", month=meeting.month)


def propose(meeting: Meeting, fresh: list[Proposal], now: datetime) -> Meeting:
    """The draft's proposals after a new grouping (``common_problems.regroup``)."""
    _draft_only(meeting)
    return meeting.model_copy(
        update={"proposals": regroup(meeting.proposals, fresh), "proposals_at": iso(now)}
    )


def _replace(meeting: Meeting, proposal: Proposal) -> list[Proposal]:
    return [proposal if p.id == proposal.id else p for p in meeting.proposals]


def accept(
    meeting: Meeting,
    group_id: str,
    title: str | None,
    appeal_ids: list[str] | None,
    now: datetime,
) -> Meeting:
    """A proposal accepted as one 共性诉求 item of the agenda, its title edited and appeals
    left out as the centre chose (at least two stay, each one of the group's)."""
    proposal = meeting.proposal(group_id)
    _draft_only(meeting)
    if proposal.status != "proposed":
        raise InvalidTransition("proposal_not_proposed", id=group_id, status=proposal.status)
    kept = proposal.appeal_ids if appeal_ids is None else appeal_ids
    errors = [
        FieldError(f"appeal_ids.{i}", "not_in_group", {"id": a})
        for i, a in enumerate(kept)
        if a not in proposal.appeal_ids
    ]
    errors += [
        FieldError(f"appeal_ids.{i}", "duplicate", {"id": a})
        for i, a in enumerate(kept)
        if a in kept[:i]
    ]
    if errors:
        raise ValidationFailed(errors)
    if len(kept) < 2:
        raise ValidationFailed.one("appeal_ids", "too_few", min=2)
    order = [a for a in proposal.appeal_ids if a in kept]
    members = [m for m in proposal.appeals if m.id in kept]
    accepted = proposal.model_copy(
        update={
            "status": "accepted",
            "accepted_at": iso(now),
            "title": title or proposal.title,
            "appeal_ids": order,
            "appeals": members,
            "enterprises": enterprises_of(members),
        }
    )
    item = AgendaItem(
        appeal_id=order[0],
        title=accepted.title,
        reason="common",
        kind="common",
        group_id=group_id,
        appeal_ids=order,
    )
    return meeting.model_copy(
        update={"proposals": _replace(meeting, accepted), "agenda": [*meeting.agenda, item]}
    )


def drop(meeting: Meeting, group_id: str) -> Meeting:
    """A proposal dropped (an accepted one leaves the agenda too, while it is a draft)."""
    proposal = meeting.proposal(group_id)
    _draft_only(meeting)
    if proposal.status == "dropped":
        raise InvalidTransition("proposal_not_proposed", id=group_id, status=proposal.status)
    dropped = proposal.model_copy(update={"status": "dropped"})
    agenda = [i for i in meeting.agenda if i.group_id != group_id]
    return meeting.model_copy(update={"proposals": _replace(meeting, dropped), "agenda": agenda})


def source_of(month: str, group_id: str) -> str:
    """A supervision's ``source`` when a meeting's decision on a common item made it."""
    return f"meeting:{month}:{group_id}"


def decide_group(
    meeting: Meeting,
    group_id: str,
    departments: list[str],
    due_working_days: int,
    notes: str | None,
    user: User,
    now: datetime,
    directory: Directory,
    rules: Rules,
) -> Meeting:
    """A held meeting decides a common item: the decision recorded on the item, every one
    of its appeals still ``pending`` — each then supervised by :func:`supervise_member`, in
    a write of its own under its own version (docs/meetings.md)."""
    item = meeting.group_item(group_id)
    if item is None:
        raise ValidationFailed.one("group_id", "not_on_agenda", id=group_id)
    supervision.check_owners(departments, directory)
    if meeting.status != "held":
        raise InvalidTransition("meeting_not_held", month=meeting.month)
    if item.decision is not None:
        raise InvalidTransition("already_decided", id=group_id)
    due = calendar.add_working_days(now, due_working_days, rules.calendar).due_at
    decided = item.model_copy(
        update={
            "decision": AgendaDecision(
                departments=[
                    DepartmentRef(id=d, name=directory.departments[d].name, due_at=iso(due))
                    for d in departments
                ],
                due_working_days=due_working_days,
                supervision_due_at=iso(due),
                notes=notes,
                decided_at=iso(now),
                decided_by=user.actor(),
                pending=list(item.appeal_ids),
            )
        }
    )
    return _with_item(meeting, decided)


def _with_item(meeting: Meeting, item: AgendaItem) -> Meeting:
    agenda = [
        item if i.group_id == item.group_id and i.kind == "common" else i for i in meeting.agenda
    ]
    return meeting.model_copy(update={"agenda": agenda})


def member_state(month: str, item: AgendaItem, appeal: Appeal) -> Literal["done", "held", "todo"]:
    """Where one appeal of a decided common item stands: ``done`` (this decision supervised
    it: a run resumed), ``held`` (a supervision still open holds it; left as it is) or
    ``todo``."""
    sup = appeal.supervision
    assert item.group_id is not None
    if sup is not None and sup.source == source_of(month, item.group_id):
        return "done"
    if sup is not None and sup.status != "accepted":
        return "held"
    return "todo"


def supervise_member(
    meeting: Meeting,
    item: AgendaItem,
    appeal: Appeal,
    user: User,
    now: datetime,
    directory: Directory,
    rules: Rules,
) -> Decision:
    """One appeal of a decided common item put under supervision — by the ``supervise``
    event's own rules — with the decision's owners and deadline."""
    decided = item.decision
    assert decided is not None and item.group_id is not None
    source = source_of(meeting.month, item.group_id)
    command = Supervise(
        type=EventType.SUPERVISE,
        version=appeal.version,
        due_working_days=decided.due_working_days,
        departments=[d.id for d in decided.departments],
        note=decided.notes,
    )
    decision = transitions.decide(appeal, command, user, now, directory, rules)
    assert decision.appeal.supervision is not None
    decision.appeal.supervision.source = source
    return decision


def settle_member(meeting: Meeting, group_id: str, appeal_id: str, supervised: bool) -> Meeting:
    """A common item's appeal taken off ``pending``: supervised, or left as it was."""
    item = meeting.group_item(group_id)
    assert item is not None and item.decision is not None
    d = item.decision
    if appeal_id not in d.pending:
        return meeting
    after = d.model_copy(
        update={
            "pending": [a for a in d.pending if a != appeal_id],
            "supervised": [*d.supervised, appeal_id] if supervised else d.supervised,
            "already_supervised": d.already_supervised
            if supervised
            else [*d.already_supervised, appeal_id],
        }
    )
    return _with_item(meeting, item.model_copy(update={"decision": after}))
