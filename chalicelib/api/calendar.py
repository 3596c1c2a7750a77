"""The working-day calendar (R4.1): each year's schedule, administrators loading a year's
notice, a deadline preview, and the service levels every deadline follows."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from chalicelib import clock
from chalicelib.api.contract import Api, Ctx
from chalicelib.domain import calendar
from chalicelib.domain.codes import Role
from chalicelib.domain.models import Instant, Strict, Timestamp
from chalicelib.domain.rules import Rules, ServiceLevels
from chalicelib.errors import FieldError, ValidationFailed
from chalicelib.services import appeals as services
from chalicelib.store import settings as store

api = Api(__name__, "calendar")

HolidayName = Annotated[str, Field(min_length=1, max_length=20)]


class CalendarYear(BaseModel):
    """A year's days off and make-up working days, and where they come from."""

    year: int
    official: bool = Field(description="false: no notice yet, deadlines are provisional")
    source: str = Field(description="admin (loaded here), chinesecalendar, or fallback")
    holidays: list[date]
    working_weekends: list[date]
    names: dict[str, str] = Field(description="holiday name by date（国庆，中秋 …）")
    version: int | None = Field(None, description="set when an administrator loaded it")
    updated_at: Timestamp | None = None


class CalendarLoad(Strict):
    """A year's notice (国务院办公厅关于放假安排的通知): every day off, every make-up day."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "holidays": ["2027-01-01", "2027-02-05", "2027-02-06"],
                    "working_weekends": ["2027-02-20"],
                    "names": {"2027-01-01": "元旦", "2027-02-05": "春节", "2027-02-06": "春节"},
                }
            ]
        }
    )

    holidays: list[date] = Field(min_length=1, max_length=60)
    working_weekends: list[date] = Field(default_factory=list, max_length=30)
    names: dict[date, HolidayName] = Field(default_factory=dict)
    version: int | None = Field(
        None, ge=0, description="the version read (0: none loaded); when given, a stale one is 409"
    )


class CalendarLoaded(CalendarYear):
    recomputed: int = Field(description="open appeals whose provisional deadline was recounted")


def _plus(value: Any) -> Any:
    # an unencoded "+08:00" in a query string arrives as " 08:00"
    return value.replace(" ", "+") if isinstance(value, str) else value


class DeadlineQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    received_at: Annotated[Instant, BeforeValidator(_plus)]
    working_days: int = Field(ge=1, le=60)


class DeadlinePreview(BaseModel):
    due_at: Timestamp
    provisional: bool
    counted: list[date]
    explanation: str


class ServiceLevelsView(ServiceLevels):
    version: int = Field(description="0 while the defaults are in force")
    updated_at: Timestamp | None = None


class ServiceLevelsChange(Strict):
    version: int = Field(ge=0, description="the version read (0: the defaults)")
    normal_working_days: int = Field(ge=1, le=30)
    urgent_working_days: int = Field(ge=1, le=30)
    warning_working_days: int = Field(ge=1, le=10)
    accept_working_days: int | None = Field(
        None, ge=1, le=10, description="签收时限 (working days); left out: kept as it is"
    )


def _year(value: str) -> int:
    if not value.isdigit() or not 2000 <= int(value) <= 2099:
        raise ValidationFailed.one("year", "year_invalid")
    return int(value)


def _view(year: int, rules: Rules) -> CalendarYear:
    stored = store.loaded_years().get(year)
    sched = rules.calendar.schedule(year)
    return CalendarYear(
        year=year,
        official=sched.official,
        source=sched.source,
        holidays=sorted(sched.holidays),
        working_weekends=sorted(sched.working_weekends),
        names={d.isoformat(): n for d, n in sorted(sched.names.items())},
        version=stored["version"] if stored else None,
        updated_at=stored["updated_at"] if stored else None,
    )


@api.route(
    "/calendar/deadline", summary="答复期限试算", query=DeadlineQuery, response=DeadlinePreview
)
def preview_deadline(ctx: Ctx, query: DeadlineQuery) -> DeadlinePreview:
    """When N working days from a receipt end, which days count, and why."""
    d = calendar.add_working_days(query.received_at, query.working_days, ctx.rules.calendar)
    return DeadlinePreview(
        due_at=clock.iso(d.due_at),
        provisional=d.provisional,
        counted=list(d.counted),
        explanation=d.explanation,
    )


@api.route("/calendar/{year}", summary="年度工作日安排", response=CalendarYear, errors=(400,))
def get_year(ctx: Ctx, year: str) -> CalendarYear:
    """The schedule in force for a year; ``official: false`` until its notice is loaded."""
    return _view(_year(year), ctx.rules)


@api.route(
    "/calendar/{year}",
    "PUT",
    summary="录入年度放假安排",
    request=CalendarLoad,
    response=CalendarLoaded,
    roles=[Role.ADMIN],
    errors=(400, 409),
)
def load_year(ctx: Ctx, year: str, body: CalendarLoad) -> CalendarLoaded:
    """Load a year's notice (it takes precedence over the library); the provisional
    deadlines of open appeals are counted again, each with a ``deadline_recomputed`` event."""
    number = _year(year)
    errors: list[FieldError] = []
    for field, days in (("holidays", body.holidays), ("working_weekends", body.working_weekends)):
        for i, day in enumerate(days):
            if day.year != number:
                errors.append(FieldError(f"{field}.{i}", "date_not_in_year", {"year": number}))
    for i, day in enumerate(body.working_weekends):
        if day.weekday() < 5:
            errors.append(FieldError(f"working_weekends.{i}", "not_a_weekend", {"day": day}))
        elif day in body.holidays:
            errors.append(FieldError(f"working_weekends.{i}", "also_a_holiday", {"day": day}))
    for day in body.names:
        if day not in body.holidays:
            errors.append(FieldError(f"names.{day.isoformat()}", "name_without_holiday", {}))
    if errors:
        raise ValidationFailed(errors)
    store.put_year(
        number,
        body.holidays,
        body.working_weekends,
        dict(body.names),
        ctx.user.actor(),
        expected_version=body.version,
    )
    recomputed = services.recount_provisional(clock.now(), store.rules(force=True))
    # the rules as they are after the load (the write dropped this process's copy)
    return CalendarLoaded(**_view(number, store.rules()).model_dump(), recomputed=recomputed)


@api.route(
    "/settings/service-levels",
    summary="服务时限设置",
    response=ServiceLevelsView,
    roles=[Role.ADMIN, Role.SUPERVISOR, Role.COMMISSIONER, Role.OPERATOR, Role.DEPARTMENT],
)
def get_service_levels(ctx: Ctx) -> ServiceLevelsView:
    """Working days to reply (normal, urgent) and when the warning falls."""
    return ServiceLevelsView.model_validate(store.service_levels_record())


@api.route(
    "/settings/service-levels",
    "PUT",
    summary="修改服务时限",
    request=ServiceLevelsChange,
    response=ServiceLevelsView,
    roles=[Role.ADMIN],
    errors=(409,),
)
def put_service_levels(ctx: Ctx, body: ServiceLevelsChange) -> ServiceLevelsView:
    """Change the service levels (each change audited); new deadlines follow them."""
    if body.urgent_working_days > body.normal_working_days:
        raise ValidationFailed.one(
            "urgent_working_days", "urgent_longer_than_normal", normal=body.normal_working_days
        )
    fields = body.model_dump(exclude={"version"})
    if body.accept_working_days is None:  # a client that does not know it keeps it
        fields["accept_working_days"] = ctx.rules.levels.accept_working_days
    levels = ServiceLevels.model_validate(fields)
    return ServiceLevelsView.model_validate(
        store.put_service_levels(levels, body.version, ctx.user.actor())
    )
