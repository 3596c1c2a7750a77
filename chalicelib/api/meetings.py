"""The monthly joint meeting (集中会办, R4.4): its agenda, its record and its decisions, each
decision putting its appeal under supervision (督办) with the deadline decided."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from chalicelib import clock
from chalicelib.api.contract import Api, Ctx, Page, PageQuery, naming
from chalicelib.domain.codes import Role
from chalicelib.domain.meetings import Meeting
from chalicelib.domain.models import Name, Slug, Strict
from chalicelib.errors import FieldError, NotFound, ReferencesInactive, ValidationFailed
from chalicelib.services import meetings as services
from chalicelib.store import meetings as store

api = Api(__name__, "meetings")
READERS = [Role.ADMIN, Role.SUPERVISOR]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class MeetingPage(Page[Meeting]):
    pass


class AgendaChange(Strict):
    version: int = Field(ge=1)
    appeal_ids: list[str] = Field(max_length=100, description="the agenda, in order")


class MeetingRecord(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"version": 1, "held_at": "2026-11-27", "chair": "王县长", "attendees": ["发改委"]}
            ]
        }
    )
    version: int = Field(ge=1)
    held_at: date
    chair: Name
    attendees: list[Name] = Field(min_length=1, max_length=50)


class MeetingDecision(Strict):
    version: int = Field(ge=1)
    appeal_id: str = Field(min_length=1, max_length=40)
    departments: list[Slug] = Field(min_length=1, max_length=10)
    due_working_days: int = Field(ge=1, le=60)
    notes: str | None = Field(None, min_length=1, max_length=2000)


class ProposalsRegroup(Strict):
    version: int = Field(ge=1)


class ProposalAccept(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 3, "title": "多家企业反映园区用电容量不足"}]}
    )
    version: int = Field(ge=1)
    title: Name | None = Field(None, description="the item's title (default: the proposal's)")
    appeal_ids: list[Annotated[str, Field(min_length=1, max_length=40)]] | None = Field(
        None,
        min_length=2,
        max_length=100,
        description="the group's appeals to keep (default: all); at least two",
    )


class ProposalDrop(Strict):
    version: int = Field(ge=1)


class GroupDecision(Strict):
    version: int = Field(ge=1)
    departments: list[Slug] = Field(min_length=1, max_length=10)
    due_working_days: int = Field(ge=1, le=60)
    notes: str | None = Field(None, min_length=1, max_length=2000)


#: A proposal's id: ``CP-`` and its lead appeal's case number.
GROUP_ID = re.compile(r"^CP-[A-Z]{2,5}-\d{8}-\d{4,6}$")


def _group(value: str) -> str:
    if not GROUP_ID.match(value):
        raise NotFound("proposal_not_found", id=value[:40])
    return value


def _month(value: str) -> str:
    try:
        return str(TypeAdapter(Month).validate_python(value))
    except ValidationError:
        raise ValidationFailed.one("month", "month_invalid") from None


@api.route(
    "/meetings", summary="集中会办列表", query=PageQuery, response=MeetingPage, roles=READERS
)
def list_meetings(ctx: Ctx, query: PageQuery) -> MeetingPage:
    """Meetings, the latest month first (``missed``: a month flagged without one)."""
    items, nxt = store.page(query.limit, query.cursor)
    return MeetingPage(items=items, next_cursor=nxt)


@api.route(
    "/meetings/{month}", summary="集中会办详情", response=Meeting, roles=READERS, errors=(400, 404)
)
def get_meeting(ctx: Ctx, month: str) -> Meeting:
    return store.get(_month(month))


@api.route(
    "/meetings/{month}/agenda",
    "PUT",
    summary="编辑会办议程",
    request=AgendaChange,
    response=Meeting,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def set_agenda(ctx: Ctx, month: str, body: AgendaChange) -> Meeting:
    """The agenda: open level-2 appeals; decided items keep their decisions."""
    with naming("appeal_ids"):
        return services.set_agenda(ctx.user, _month(month), body.version, body.appeal_ids)


@api.route(
    "/meetings/{month}/record",
    "POST",
    summary="记录会办召开情况",
    request=MeetingRecord,
    response=Meeting,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def record_meeting(ctx: Ctx, month: str, body: MeetingRecord) -> Meeting:
    """Record that the meeting was held: date, chair, attendees."""
    return services.record(
        ctx.user, _month(month), body.version, body.held_at, body.chair, body.attendees, clock.now()
    )


@api.route(
    "/meetings/{month}/decisions",
    "POST",
    summary="会办决定（转为督办）",
    request=MeetingDecision,
    response=Meeting,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def decide(ctx: Ctx, month: str, body: MeetingDecision) -> Meeting:
    """Decide an agenda item: owner department(s) and a new deadline in working days; the
    appeal becomes supervised with that deadline (one transaction with the meeting)."""
    try:
        return services.decide(
            ctx.user,
            _month(month),
            body.version,
            body.appeal_id,
            body.departments,
            body.due_working_days,
            body.notes,
            clock.now(),
            ctx.rules,
        )
    except ReferencesInactive as gone:  # a department closed between the check and the write
        raise _departments_gone(body.departments, gone) from None


def _departments_gone(departments: list[str], gone: ReferencesInactive) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(f"departments.{i}", "reference_not_found", {"id": d})
            for i, d in enumerate(departments)
            if d in gone.departments
        ]
        or [FieldError("departments", "reference_not_found")]
    )


# --- common problems (共性诉求, R4.3; docs/meetings.md) ----------------------------------------


@api.route(
    "/meetings/{month}/proposals",
    "POST",
    summary="重新归集共性诉求",
    request=ProposalsRegroup,
    response=Meeting,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def regroup(ctx: Ctx, month: str, body: ProposalsRegroup) -> Meeting:
    """Group the common problems again now: the open appeals and those closed lately, from
    different enterprises, about the same problem. Proposals accepted or dropped stay."""
    return services.regroup(ctx.user, _month(month), body.version, clock.now())


@api.route(
    "/meetings/{month}/proposals/{group_id}/accept",
    "POST",
    summary="采纳共性诉求为会办议题",
    request=ProposalAccept,
    response=Meeting,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def accept_proposal(ctx: Ctx, month: str, group_id: str, body: ProposalAccept) -> Meeting:
    """Put a proposal on the draft's agenda as one 共性诉求 item (``kind: common``), its
    title edited and appeals left out as the centre chooses."""
    return services.accept_proposal(
        ctx.user,
        _month(month),
        body.version,
        _group(group_id),
        body.title,
        body.appeal_ids,
        clock.now(),
    )


@api.route(
    "/meetings/{month}/proposals/{group_id}/drop",
    "POST",
    summary="不采纳共性诉求",
    request=ProposalDrop,
    response=Meeting,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def drop_proposal(ctx: Ctx, month: str, group_id: str, body: ProposalDrop) -> Meeting:
    """Drop a proposal (an accepted one leaves the draft's agenda); grouping again does
    not propose it anew."""
    return services.drop_proposal(ctx.user, _month(month), body.version, _group(group_id))


@api.route(
    "/meetings/{month}/proposals/{group_id}/decision",
    "POST",
    summary="共性诉求会办决定（逐件转为督办）",
    request=GroupDecision,
    response=Meeting,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def decide_group(ctx: Ctx, month: str, group_id: str, body: GroupDecision) -> Meeting:
    """Decide a common item of a held meeting: every appeal of it supervised with the owners
    and deadline decided (one write per appeal, under its version); one under a supervision
    still open is left as it is (``already_supervised``)."""
    try:
        return services.decide_group(
            ctx.user,
            _month(month),
            body.version,
            _group(group_id),
            body.departments,
            body.due_working_days,
            body.notes,
            clock.now(),
            ctx.rules,
        )
    except ReferencesInactive as gone:
        raise _departments_gone(body.departments, gone) from None
