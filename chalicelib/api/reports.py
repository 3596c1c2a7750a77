"""Reports and notices (R5.3): admins and supervisors start a report for a month or a run
of days; it is built by the report job, with its progress visible, into an XLSX workbook,
a CSV and a JSON kept in the private reports bucket and downloaded through links that work
for five minutes. A supervisor publishes a notice (通报) from a report: listed for every
department, commissioner and the service centre, sent to their inboxes, never edited —
only followed by a correction."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.domain import reports as reports_rules
from chalicelib.domain.appeal import ledger
from chalicelib.domain.codes import Role
from chalicelib.domain.models import Actor, Strict, Timestamp
from chalicelib.domain.notices import Notice
from chalicelib.domain.reports import Figures, Metrics, Period
from chalicelib.domain.unit_month import UnitMonth
from chalicelib.errors import InvalidTransition, ValidationFailed
from chalicelib.services import notices
from chalicelib.store import files
from chalicelib.store import reports as store

api = Api(__name__, "reports")
MAKERS = [Role.ADMIN, Role.SUPERVISOR]
#: Who reads published notices: everyone assessed by them, and the service centre.
NOTICE_READERS = [Role.DEPARTMENT, Role.COMMISSIONER, Role.ADMIN, Role.SUPERVISOR]


class ReportRequest(Strict):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [{"month": "2026-10"}, {"from": "2026-10-01", "to": "2026-10-15"}]
        },
    )

    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-10"])
    start: date | None = Field(None, alias="from", description="first day (Beijing)")
    end: date | None = Field(None, alias="to", description="last day, included")


class Downloads(BaseModel):
    xlsx: str | None = None
    csv: str | None = None
    json_: str | None = Field(None, alias="json")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ReportSummary(BaseModel):
    totals: Metrics
    categories: dict[str, int]
    departments: list[dict[str, Any]]
    notice_items: int


class Report(BaseModel):
    """A report: its period, where its build stands, and (once done) its downloads."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: int = Field(ge=0, le=100, description="percent")
    period: Period
    trigger: Literal["manual", "scheduled"]
    requested_by: Actor | None = Field(None, description="null: the monthly run")
    requested_at: Timestamp
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    error: str | None = None
    items_read: int | None = Field(None, description="DynamoDB items the build read")
    downloads: Downloads = Field(
        default_factory=Downloads, description="links valid for 5 minutes, once done"
    )
    summary: ReportSummary | None = None


class ReportAccepted(BaseModel):
    id: str
    status: str


class ReportPage(Page[Report]):
    pass


class ReportFigures(BaseModel):
    """The report's figures for the dashboard (the JSON download also lists the appeals)."""

    id: str
    figures: Figures


class TrendPoint(BaseModel):
    month: str
    report_id: str
    totals: Metrics
    departments: list[dict[str, Any]]


class TrendQuery(Strict):
    months: int = Field(12, ge=1, le=24)


class Trend(BaseModel):
    items: list[TrendPoint] = Field(
        description="oldest month first; months without a report left out"
    )
    next_cursor: None = None


def _period(body: ReportRequest) -> Period:
    today = clock.to_beijing(clock.now()).date()
    return reports_rules.requested(body.month, body.start, body.end, today)


def _report(item: dict[str, Any], with_links: bool = False) -> Report:
    data = dict(item)
    summary = data.pop("summary", None)
    outputs = data.pop("outputs", None) or {}
    report = Report.model_validate({**data, "summary": json.loads(summary) if summary else None})
    if with_links and report.status == "done":
        name, ascii_name = f"兴企通报告-{report.period.key}", f"xqt-report-{report.period.key}"
        report.downloads = Downloads(
            **{
                kind: files.link(outputs[kind], f"{name}.{kind}", f"{ascii_name}.{kind}")
                for kind in ("xlsx", "csv", "json")
            }
        )
    return report


@api.route(
    "/reports",
    "POST",
    summary="生成报告",
    request=ReportRequest,
    response=ReportAccepted,
    status=202,
    roles=MAKERS,
)
def start_report(ctx: Ctx, body: ReportRequest) -> Created:
    """Start a report of a month (``{month}``) or of whole days (``{from, to}``, at most a
    year, starting today at the latest); it is built asynchronously — follow it with
    ``GET /api/v1/reports/{id}``."""
    from chalicelib.jobs import reports as job

    report = job.request(_period(body), ctx.user.actor(), clock.now())
    return Created(
        ReportAccepted(id=report["id"], status=report["status"]),
        f"/api/v1/reports/{report['id']}",
        status=202,
    )


@api.route("/reports", summary="报告列表", query=PageQuery, response=ReportPage, roles=MAKERS)
def list_reports(ctx: Ctx, query: PageQuery) -> ReportPage:
    """Reports, the latest requested first (downloads: open one)."""
    items, nxt = store.page(query.limit, query.cursor)
    return ReportPage(items=[_report(i) for i in items], next_cursor=nxt)


@api.route(
    "/reports/trend",
    summary="月度趋势",
    query=TrendQuery,
    response=Trend,
    roles=MAKERS,
)
def report_trend(ctx: Ctx, query: TrendQuery) -> Trend:
    """The last ``months`` months' figures, each from the month's latest finished report."""
    month = clock.to_beijing(clock.now()).date().replace(day=1)
    points: list[TrendPoint] = []
    for _ in range(query.months):
        key = month.strftime("%Y-%m")
        done = store.latest_done(key)
        if done and done.get("summary"):
            summary = json.loads(done["summary"])
            points.append(
                TrendPoint(
                    month=key,
                    report_id=done["id"],
                    totals=Metrics.model_validate(summary["totals"]),
                    departments=summary["departments"],
                )
            )
        month = (month - timedelta(days=1)).replace(day=1)
    return Trend(items=list(reversed(points)))


@api.route(
    "/reports/{report_id}",
    summary="报告状态与下载",
    response=Report,
    roles=MAKERS,
    errors=(404,),
)
def get_report(ctx: Ctx, report_id: str) -> Report:
    """Status and progress; once done, download links valid for five minutes."""
    return _report(store.get(report_id), with_links=True)


@api.route(
    "/reports/{report_id}/figures",
    summary="报告数据（看板）",
    response=ReportFigures,
    roles=MAKERS,
    errors=(404, 409),
)
def get_figures(ctx: Ctx, report_id: str) -> ReportFigures:
    """Every figure of a finished report, without the per-appeal detail."""
    item = store.get(report_id)
    if item["status"] != "done":
        raise InvalidTransition("report_not_done", id=report_id)
    figures = Figures.model_validate_json(files.read(item["outputs"]["json"]))
    figures.appeals = []
    return ReportFigures(id=report_id, figures=figures)


# --- a unit's month (its home) ------------------------------------------------------------


class UnitMonthQuery(Strict):
    month: str | None = Field(
        None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="YYYY-MM (Beijing), not after this month; omitted: this month",
        examples=["2026-12"],
    )


@api.route(
    "/departments/{department_id}/month",
    summary="单位本月数据与全县平均",
    query=UnitMonthQuery,
    response=UnitMonth,
    roles=[Role.DEPARTMENT, Role.ADMIN, Role.SUPERVISOR],
    errors=(404,),
)
def unit_month(ctx: Ctx, department_id: str, query: UnitMonthQuery) -> UnitMonth:
    """A unit's figures for a month — parts received, answered, on-time rate, sign-for rate,
    parts overdue, supervised items — beside the county's average unit, from the month's
    finished report when one was built after the month ended, else computed now from the
    month's events (docs/departments.md). The unit's own users, admins and supervisors;
    another unit's user gets 404, as for its ledger."""
    from chalicelib.jobs import unit_month as unit_month_job

    ledger.check_reader(ctx.user, department_id)
    now = clock.now()
    this_month = clock.to_beijing(now).strftime("%Y-%m")
    month = query.month or this_month
    if month > this_month:
        raise ValidationFailed.one("month", "period_in_future")
    return unit_month_job.of(department_id, month, now, lambda: ctx.rules)


# --- notices (通报) ------------------------------------------------------------------------


class NoticeRequest(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "report_id": "R-20261201-3f9a2c",
                    "title": "关于2026年11月企业诉求办理情况的通报",
                    "text": "11月，全县受理企业诉求 52 件……",
                }
            ]
        }
    )

    report_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=10000, description="the supervisor's own words")
    corrects: str | None = Field(
        None, min_length=1, max_length=64, description="the notice this one corrects"
    )


class NoticePage(Page[Notice]):
    pass


@api.route(
    "/notices",
    "POST",
    summary="发布通报",
    request=NoticeRequest,
    response=Notice,
    status=201,
    roles=[Role.SUPERVISOR],
    errors=(404, 409),
)
def publish_notice(ctx: Ctx, body: NoticeRequest) -> Created:
    """Publish a notice from a finished report; every department, commissioner and the
    service centre are told in their inboxes. A notice is never edited: a correction is a
    new notice naming the one it corrects (``corrects``), which then points to it."""
    notice = notices.publish(
        ctx.user, body.report_id, body.title, body.text, body.corrects, clock.now()
    )
    return Created(notice, f"/api/v1/notices/{notice.id}")


@api.route(
    "/notices", summary="通报列表", query=PageQuery, response=NoticePage, roles=NOTICE_READERS
)
def list_notices(ctx: Ctx, query: PageQuery) -> NoticePage:
    """Published notices, the latest first."""
    items, nxt = store.notices(query.limit, query.cursor)
    return NoticePage(items=[Notice.model_validate(i) for i in items], next_cursor=nxt)


@api.route(
    "/notices/{notice_id}",
    summary="通报详情",
    response=Notice,
    roles=NOTICE_READERS,
    errors=(404,),
)
def get_notice(ctx: Ctx, notice_id: str) -> Notice:
    return Notice.model_validate(store.notice(notice_id))
