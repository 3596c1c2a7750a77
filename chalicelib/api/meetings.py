"""The monthly joint meeting (集中会办, R4.4): its agenda, its record and its decisions, each
decision putting its appeal under supervision (督办) with the deadline decided."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from chalicelib import clock
from chalicelib.api.contract import Api, Ctx, Page, PageQuery, naming
from chalicelib.domain.codes import Role
from chalicelib.domain.meetings import Meeting
from chalicelib.domain.models import Name, Slug, Strict
from chalicelib.errors import FieldError, ReferencesInactive, ValidationFailed
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
    summary="会办决定(转为督办)",
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
        raise ValidationFailed(
            [
                FieldError(f"departments.{i}", "reference_not_found", {"id": d})
                for i, d in enumerate(body.departments)
                if d in gone.departments
            ]
            or [FieldError("departments", "reference_not_found")]
        ) from None
