"""Appeals (R1.6, R2): web filing, hotline calls, the appeal with its timeline, the lists,
and the events that move an appeal through 接→转→办→交→结 (API.md "Appeals")."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from chalicelib import clock
from chalicelib.api.contract import Api, Created, Ctx, Header, Page, PageQuery, naming
from chalicelib.clock import BEIJING
from chalicelib.domain import uploads
from chalicelib.domain.appeal import ledger as ledger_rules
from chalicelib.domain.appeal import similarity, transitions
from chalicelib.domain.appeal.events import (
    Command,
    EventBody,
    EventType,
    Supervise,
    Transfer,
    parse_command,
)
from chalicelib.domain.appeal.ledger import LedgerFilter, LedgerKind, LedgerState, LedgerStatus
from chalicelib.domain.appeals import (
    CASE_NUMBER,
    CONTENT_MAX,
    TITLE_MAX,
    Appeal,
    AppealDetail,
    FinancingRequest,
    ProgressNote,
    TimelineEvent,
    default_title,
    present,
    present_detail,
)
from chalicelib.domain.codes import STAFF_ROLES, Category, Channel, Role, Status, Urgency
from chalicelib.domain.counters import Counters, window
from chalicelib.domain.models import Name, Phone, SingleLine, Strict, Timestamp, Uscc, User
from chalicelib.domain.rules import Rules
from chalicelib.errors import (
    ArticlesUnavailable,
    FieldError,
    Forbidden,
    NotFound,
    ReferencesInactive,
    ValidationFailed,
)
from chalicelib.i18n import Lang, message
from chalicelib.jobs import dispatch
from chalicelib.jobs import ledger_export as ledger_export_job
from chalicelib.services import appeals as services
from chalicelib.services import counters, intake, ledgers
from chalicelib.store import appeal_search, files
from chalicelib.store import appeals as store
from chalicelib.store import jobs as job_store
from chalicelib.store import uploads as upload_store
from chalicelib.store.departments import departments

api = Api(__name__, "appeals")
ATTACHMENTS = uploads.PURPOSES["appeal_attachment"]

Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX), SingleLine]
Content = Annotated[str, Field(min_length=1, max_length=CONTENT_MAX)]
UploadId = Annotated[str, Field(pattern=uploads.UPLOAD_ID_PATTERN)]
#: Files an enterprise may file with one appeal.
MAX_ATTACHMENTS = 10
IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")
WEB_IDEMPOTENCY = (
    "optional: the browser's id of this filing, so a retry after a dropped connection files "
    "nothing twice — the same key and body return the same appeal (200), another body is "
    "422. Kept at least 7 days, per user (the hotline's rules)."
)
#: the optional key of a web filing, as the OpenAPI document describes it
WEB_KEY = Header(IDEMPOTENCY_HEADER, False, WEB_IDEMPOTENCY, pattern=_KEY_PATTERN.pattern)
#: the status of a replay (the same key and body): the appeal first made, nothing created
REPLAY = ((200, "同一幂等键、同一内容的重试：原诉求，未新建 (a replay: the same appeal)"),)


class AppealCreate(Strict):
    """An enterprise's appeal filed on the web."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "category": "land",
                    "title": "扩建厂房用地指标咨询",
                    "content": "我公司计划扩建二期厂房，约需 30 亩工业用地，想了解用地指标。",
                    "urgency": "normal",
                    "contact_name": "张伟",
                    "contact_phone": "13812345678",
                }
            ]
        }
    )

    category: Category
    title: Title
    content: Content
    urgency: Urgency = Urgency.NORMAL
    contact_name: Name | None = None
    contact_phone: Phone | None = None
    attachments: list[UploadId] = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS,
        description="ids of uploads (purpose appeal_attachment) the caller made for this appeal",
    )


class DirectAnswer(Strict):
    """A consultation answered during the call (直接答复): filed already closed."""

    content: Content = Field(description="the answer given on the call (the reply)")
    articles: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,64}$")]] = Field(
        default_factory=list, max_length=10, description="published knowledge articles cited"
    )


class HotlineCall(Strict):
    """A call posted by a hotline operator or a call-centre system."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "line": "12345",
                    "caller_phone": "13912345678",
                    "enterprise_name": "如东某水产养殖场",
                    "category": "financing",
                    "content": "养殖场想申请贴息贷款，不清楚哪家银行有针对农业的产品。",
                    "urgency": "normal",
                }
            ]
        }
    )

    line: Literal["12345", "center"] = Field(description="12345 专线 or the service centre's")
    caller_phone: Phone
    uscc: Uscc | None = Field(None, description="a registered code makes it that enterprise's")
    enterprise_name: Name | None = None
    category: Category
    content: Content
    title: Title | None = Field(None, description="default: the start of the content")
    urgency: Urgency = Urgency.NORMAL
    external_ref: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[\x21-\x7e]+$",
        description="the 12345 platform's work-order number（工单号）, for the hand-back",
    )
    repeat_of: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        pattern=CASE_NUMBER.pattern,
        description="a repeat call（重复来电）about this open appeal: recorded on it, 200 with "
        "it, nothing created; a closed one is 409",
    )
    direct_answer: DirectAnswer | None = Field(
        None,
        description="answered on the call: the appeal is filed closed (answered_on_call), "
        "with filed, reply and closed events",
    )


#: Roles that read every appeal (and the escalation queues).
STAFF_READERS = (Role.COMMISSIONER, Role.ADMIN, Role.SUPERVISOR)
LINES = {"12345": Channel.HOTLINE_12345, "center": Channel.HOTLINE_CENTER}


class EventRequest(RootModel[EventBody]):
    """``{type, version, ...}``: one of the events, chosen by ``type``."""

    @classmethod
    def parse_request(cls, data: Any) -> Command:
        return parse_command(data)


class SearchFields(BaseModel):
    """What a search of the appeals asks (API.md "Searching appeals"); none: a plain list."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    status: Status | None = None
    overdue: bool | None = Field(None, description="true: past the deadline without a reply")
    q: str | None = Field(
        None,
        min_length=1,
        max_length=50,
        description="a case number, or words (up to 5) each found in the title, the content "
        "or the enterprise's name",
    )
    phone: Phone | None = Field(None, description="staff: the caller's or the contact's phone")
    uscc: Uscc | None = None
    category: Category | None = None
    channel: Channel | None = None
    external_ref: str | None = Field(
        None, min_length=1, max_length=64, description="the 12345 work-order number"
    )
    start: date | None = Field(None, alias="from", description="filed on or after (Beijing)")
    end: date | None = Field(None, alias="to", description="filed on or before (Beijing)")
    due: Literal["today", "overdue"] | None = Field(
        None,
        description="today（今日到期）: open, due from now until 24:00 Beijing — what the home's "
        "due_today counts; overdue: as overdue=true",
    )

    def check(self, user: User) -> None:
        """What depends on who asks, or on two fields together: a 400 naming the field."""
        if self.phone is not None and user.role == Role.ENTERPRISE:
            raise ValidationFailed.one("phone", "not_for_role")
        disagree = self.overdue is not None and self.overdue != (self.due == "overdue")
        if self.due is not None and disagree:
            raise ValidationFailed.one("due", "due_with_overdue")
        if self.start and self.end and self.end < self.start:
            raise ValidationFailed.one("to", "range_reversed")

    def searched(self) -> bool:
        asked = (self.q, self.phone, self.uscc, self.category, self.channel, self.external_ref)
        return any(v is not None for v in (*asked, self.start, self.end))

    def search(self) -> appeal_search.Search:
        day = timedelta(days=1)
        return appeal_search.Search(
            q=self.q,
            phone=self.phone,
            uscc=self.uscc,
            category=self.category,
            channel=self.channel,
            external_ref=self.external_ref,
            start=clock.iso(datetime.combine(self.start, time(0), BEIJING)) if self.start else None,
            end=clock.iso(datetime.combine(self.end + day, time(0), BEIJING)) if self.end else None,
            status=self.status,
            overdue=self.late,
            due="today" if self.due == "today" else None,
        )

    @property
    def late(self) -> bool | None:
        """``overdue``, or ``due=overdue`` said another way."""
        return True if self.due == "overdue" else self.overdue


class AppealQuery(PageQuery, SearchFields):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    scope: Literal["mine", "queue", "all"] = Field(
        "all", description="mine: the caller's own; queue: open items waiting on the caller"
    )
    escalation_level: int | None = Field(
        None,
        ge=1,
        le=2,
        description="the escalation queue (staff): open appeals raised to 1 (service centre) "
        "or 2 (county joint meeting), urgent first then by deadline",
    )
    count: bool = Field(
        False,
        description="true: the answer also holds total（共 N 条）, counted up to 1,000, and "
        "total_capped (true: more than total, or the count stopped reading)",
    )


class ExportRequest(SearchFields):
    """The appeals to export: the same search as the list's (none: every appeal one reads)."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={"examples": [{"category": "land", "from": "2026-11-01"}]},
    )


class ExportDownload(BaseModel):
    url: str
    expires_at: Timestamp


class AppealExport(BaseModel):
    """An export of a searched list to XLSX, as a job: its progress, then its download."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: int = Field(ge=0, le=100, description="pages read so far (100 when done)")
    rows: int = Field(description="appeals exported so far")
    truncated: bool = Field(False, description="more matched than an export holds (50,000)")
    created_at: Timestamp
    finished_at: Timestamp | None = None
    download: ExportDownload | None = Field(None, description="when done: valid five minutes")


class AppealPage(Page[Appeal]):
    pass


class CountedAppealPage(AppealPage):
    """The list's answer: with ``count=true`` also ``total`` and ``total_capped``; without,
    ``{items, next_cursor}`` as the contract says."""

    response_may_omit: ClassVar[frozenset[str]] = frozenset({"total", "total_capped"})

    total: int | None = Field(
        None, description="共 N 条 (with count=true): how many match, counted up to 1,000"
    )
    total_capped: bool | None = Field(
        None,
        description="with count=true: true when more match than total says (over 1,000, or "
        "a filtered list read as far as one count reads)",
    )


class LedgerItem(Appeal):
    """An item of a unit's ledger (推进台账): the appeal, and the unit's latest progress entry."""

    appeal_id: str = Field(description="the appeal's case number (its `id`)")
    last_progress: ProgressNote | None = Field(
        None, description="推进情况：the unit's latest progress entry on it; null before any"
    )
    ledger: LedgerState = Field(description="its place on the unit's ledger")


class LedgerPage(Page[LedgerItem]):
    total: int = Field(description="共 N 条：how many items match the filters in all")


class AppealResponse(AppealDetail):
    """An appeal with its timeline and the events the caller may post now."""

    actions: list[EventType] = Field(default_factory=list, description="events the caller may post")


def _detail(
    appeal: Appeal, events: list[TimelineEvent], user: User, now: datetime, rules: Rules
) -> Any:
    shown = present_detail(appeal, events, user, now, rules)
    return AppealResponse(
        **shown.model_dump(), actions=transitions.allowed_events(appeal, user, now)
    )


@api.route(
    "/appeals",
    "POST",
    summary="企业在线提交诉求",
    request=AppealCreate,
    response=AppealResponse,
    status=201,
    roles=[Role.ENTERPRISE],
    errors=(422,),
    headers=(WEB_KEY,),
    also=REPLAY,
)
def file_appeal(ctx: Ctx, body: AppealCreate) -> Created:
    """File an appeal for the caller's enterprise: routed and timed at once."""
    return file_for_enterprise(
        ctx,
        category=body.category,
        title=body.title,
        content=body.content,
        urgency=body.urgency,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        attachments=body.attachments,
    )


def file_for_enterprise(
    ctx: Ctx,
    *,
    category: Category,
    title: str,
    content: str,
    urgency: Urgency,
    contact_name: str | None,
    contact_phone: str | None,
    financing: FinancingRequest | None = None,
    attachments: list[str] | None = None,
) -> Created:
    """A web filing by the caller's enterprise (an appeal, or a financing need), with the
    files it uploaded for it (each checked in the bucket first: 400 naming
    ``attachments.{i}``)."""
    if not ctx.user.enterprise_uscc:
        raise Forbidden("enterprise_unbound")
    claim = idempotency_claim(ctx, required=False)
    with naming("attachments"):
        kept = upload_store.attach(attachments or [], ATTACHMENTS, ctx.user.username)
    filing = intake.Filing(
        channel=Channel.WEB,
        category=category,
        title=title,
        content=content,
        urgency=urgency,
        contact_name=contact_name,
        contact_phone=contact_phone,
        financing=financing,
        attachments=kept,
    )
    now = clock.now()
    return _created(ctx, intake.file_for_enterprise(ctx.user, filing, claim, now, ctx.rules), now)


def _created(ctx: Ctx, filed: intake.Filed, now: datetime) -> Created:
    """201 with the new appeal, or 200 with the one an idempotency key's replay names."""
    return Created(
        _detail(filed.appeal, filed.events, ctx.user, now, ctx.rules),
        f"/api/v1/appeals/{filed.appeal.id}",
        status=201 if filed.created else 200,
    )


def idempotency_claim(ctx: Ctx, *, required: bool) -> store.IdempotencyClaim | None:
    """The request's ``Idempotency-Key`` (required of hotline calls, optional for web
    filings) as a claim written in the appeal's own transaction: the same key and body
    again is the same appeal (200), another body 422, an invalid key 400."""
    key = ctx.headers.get(IDEMPOTENCY_HEADER.lower())
    if not required and key is None:
        return None
    if not key:
        raise ValidationFailed.one(IDEMPOTENCY_HEADER, "missing")
    if not _KEY_PATTERN.match(key):
        raise ValidationFailed.one(IDEMPOTENCY_HEADER, "idempotency_key_invalid")
    return store.IdempotencyClaim.of(ctx.user.username, key, ctx.body_json)


@api.route(
    "/hotline/calls",
    "POST",
    summary="热线来电登记（幂等）",
    request=HotlineCall,
    response=AppealResponse,
    status=201,
    roles=[Role.OPERATOR],
    errors=(422,),
    headers=(
        Header(
            IDEMPOTENCY_HEADER,
            True,
            "the call-centre's id of this call (printable ASCII, no spaces); a retry with the "
            "same key and body returns the same appeal (200), another body is 422. Kept at "
            "least 7 days, per caller.",
            pattern=_KEY_PATTERN.pattern,
        ),
    ),
    also=REPLAY,
)
def post_call(ctx: Ctx, body: HotlineCall) -> Created:
    """Post a hotline call: a registered ``uscc`` makes it that enterprise's appeal; any
    other caller's goes to the service centre's triage queue."""
    claim = idempotency_claim(ctx, required=True)
    assert claim is not None  # required
    answer = body.direct_answer
    if answer is not None and body.repeat_of is not None:
        raise ValidationFailed.one("direct_answer", "direct_answer_with_repeat")
    filing = intake.Filing(
        channel=LINES[body.line],
        category=body.category,
        title=body.title or default_title(body.content),
        content=body.content,
        urgency=body.urgency,
        caller_phone=body.caller_phone,
        enterprise_name=body.enterprise_name,
        external_ref=body.external_ref,
        answer=answer.content if answer else None,
        answer_articles=tuple(dict.fromkeys(answer.articles)) if answer else (),
    )
    now = clock.now()
    if body.repeat_of is not None:
        repeated = intake.repeat_call(ctx.user, body.repeat_of, filing, claim, now)
        return _created(ctx, repeated, now)
    try:
        taken = intake.take_call(ctx.user, filing, body.uscc, claim, now, ctx.rules)
    except ArticlesUnavailable as gone:
        raise ValidationFailed(
            [
                FieldError(f"direct_answer.articles.{i}", "article_not_published", {"id": a[:64]})
                for i, a in zip(gone.positions, gone.ids, strict=True)
            ]
        ) from None
    return _created(ctx, taken, now)


def _case_number(appeal_id: str) -> None:
    if not CASE_NUMBER.match(appeal_id):  # cannot name an appeal: never reaches a key
        raise NotFound("appeal_not_found", id=appeal_id[:40])


def _readable(ctx: Ctx, appeal_id: str) -> tuple[Appeal, list[TimelineEvent]]:
    _case_number(appeal_id)
    return services.readable(ctx.user, appeal_id)  # others' appeals do not exist for them


@api.route(
    "/appeals/{appeal_id}/attachments/{attachment_id}",
    summary="下载诉求附件（短时有效链接）",
    response=uploads.AttachmentLink,
    errors=(404,),
)
def appeal_attachment(ctx: Ctx, appeal_id: str, attachment_id: str) -> uploads.AttachmentLink:
    """A presigned GET of one of the appeal's files, valid five minutes, for whoever may
    read the appeal (anyone else: 404, as for the appeal itself)."""
    appeal, _ = _readable(ctx, appeal_id)
    attachment = appeal.attachment(attachment_id)  # filed with it, or added by a supplement
    if attachment is None:
        raise NotFound("attachment_not_found", id=attachment_id[:40])
    return upload_store.link(ATTACHMENTS, attachment)


@api.route(
    "/appeals/{appeal_id}",
    summary="诉求详情与办理过程",
    response=AppealResponse,
    errors=(404,),
)
def get_appeal(ctx: Ctx, appeal_id: str) -> Any:
    """The appeal with every step of its timeline, as the caller may see it."""
    appeal, events = _readable(ctx, appeal_id)
    return _detail(appeal, events, ctx.user, clock.now(), ctx.rules)


@api.route(
    "/appeals",
    summary="诉求列表",
    query=AppealQuery,
    response=CountedAppealPage,
)
def list_appeals(ctx: Ctx, query: AppealQuery) -> AppealPage:
    """``mine``, ``queue`` (urgent first, then by deadline) or ``all`` the caller may read;
    with ``count=true`` also how many (共 N 条, bounded: docs/search.md)."""
    if query.escalation_level is not None and ctx.user.role not in STAFF_READERS:
        # what others read is already their own: nothing escalated to list
        raise ValidationFailed.one("escalation_level", "not_for_role")
    query.check(ctx.user)
    now = clock.now()
    counted: tuple[int, bool] | None = None
    if query.searched():
        if query.escalation_level is not None or query.scope != "all":
            raise ValidationFailed.one("scope", "search_scope_all")
        wanted = query.search()
        items, nxt = appeal_search.search(ctx.user, wanted, now, query.limit, query.cursor)
        if query.count:
            counted = appeal_search.count(ctx.user, wanted, now)
    else:
        due_by = window(now).end_of_today if query.due == "today" else None
        spec = store.list_query(
            ctx.user, query.scope, query.status, query.late, now, query.escalation_level, due_by
        )
        items, nxt = store.page(spec, now, query.limit, query.cursor)
        if query.count:
            counted = store.count_list(spec, now)
    shown = [present(a, ctx.user, now, ctx.rules) for a in items]
    if counted is None:
        return AppealPage(items=shown, next_cursor=nxt)
    total, capped = counted
    return CountedAppealPage(items=shown, next_cursor=nxt, total=total, total_capped=capped)


@api.route("/me/counters", summary="首页计数（逾期、今日到期、待签收、待回访）", response=Counters)
def my_counters(ctx: Ctx) -> Counters:
    """What waits on the caller, counted on its own lists (bounded: docs/ui.md)."""
    found, _ = counters.of(ctx.user, clock.now())
    return found


@api.route(
    "/appeals/{appeal_id}/events",
    "POST",
    summary="诉求办理操作（受理、转办、答复、确认、回访……）",
    request=EventRequest,
    response=AppealResponse,
    errors=(403, 404, 409),
)
def post_event(ctx: Ctx, appeal_id: str, body: Command) -> Any:
    """One step of the appeal's life under ``version``: who may post which event in which
    status is in ``chalicelib/domain/appeal/transitions.py``."""
    _case_number(appeal_id)
    now = clock.now()
    try:
        with naming("attachments"):  # a supplement's files, each checked in the bucket
            decision, events = services.post_event(ctx.user, appeal_id, body, now, ctx.rules)
    except ReferencesInactive as gone:
        raise ValidationFailed(_inactive_fields(body, gone)) from None
    return _detail(decision.appeal, [*events, decision.event], ctx.user, now, ctx.rules)


def _inactive_fields(body: Command, gone: ReferencesInactive) -> list[FieldError]:
    """The request's fields naming what went inactive while the step was decided."""
    named = list(body.departments) if isinstance(body, Transfer | Supervise) else []
    errors = [
        FieldError("commissioner_id", "reference_not_found", {"id": c}) for c in gone.commissioners
    ]
    errors += [
        FieldError(f"departments.{i}", "reference_not_found", {"id": d})
        for i, d in enumerate(named)
        if d in gone.departments
    ]
    return errors or [FieldError("body", "reference_not_found")]


class SimilarAppeal(BaseModel):
    """What a similar appeal shows: enough to recognise it, nothing of its content."""

    id: str
    title: str
    status: Status
    enterprise: str | None = Field(description="the enterprise's name, or the caller's")


class SimilarItem(BaseModel):
    appeal: SimilarAppeal
    score: float = Field(ge=0, le=1, description="how likely the same problem, 0–1")
    why: list[str] = Field(description="what they share, in the reader's language")


class SimilarPage(Page[SimilarItem]):
    pass


class CallProbe(Strict):
    content: str = Field(min_length=1, max_length=500, description="what the caller says")
    uscc: Uscc | None = Field(None, description="the caller's enterprise, once found")
    phone: Phone | None = Field(None, description="the number the caller calls from")
    category: Category | None = None


def _similar_page(matches: list[similarity.Match], lang: Lang) -> SimilarPage:
    items = [
        SimilarItem(
            appeal=SimilarAppeal(
                id=m.appeal.id,
                title=m.appeal.title,
                status=m.appeal.status,
                enterprise=m.appeal.enterprise.name,
            ),
            score=m.score,
            why=[message(f"similar_{code}", lang, pct=pct) for code, pct in m.reasons],
        )
        for m in matches
    ]
    return SimilarPage(items=items, next_cursor=None)


def _export(job: dict[str, Any]) -> AppealExport:
    result = job.get("result") or {}
    download = None
    if job["status"] == "done" and result.get("key"):
        real = clock.real_now()
        download = ExportDownload(
            url=files.link(
                result["key"], f"诉求导出-{job['id']}.xlsx", f"appeals-{job['id']}.xlsx"
            ),
            expires_at=clock.iso(real + timedelta(seconds=files.LINK_SECONDS)),
        )
    return AppealExport(
        id=job["id"],
        status=job["status"],
        progress=int(job.get("progress") or 0),
        rows=int(result.get("rows", job.get("processed") or 0)),
        truncated=bool(result.get("truncated", False)),
        created_at=job["created_at"],
        finished_at=job.get("finished_at"),
        download=download,
    )


@api.route(
    "/appeal-exports",
    "POST",
    summary="导出诉求列表（XLSX，后台任务）",
    request=ExportRequest,
    response=AppealExport,
    status=202,
    roles=sorted(STAFF_ROLES),
)
def start_export(ctx: Ctx, body: ExportRequest) -> Created:
    """Export the appeals of a search (the list's parameters; none: every appeal the caller
    reads) to XLSX as a job: read as the caller, a page at a time, up to 50,000 rows; poll
    ``GET /appeal-exports/{id}`` for its progress and then its five-minute link."""
    body.check(ctx.user)
    params = {"username": ctx.user.username, "search": body.search().params()}
    job = dispatch.create("appeal_export", params, ctx.user.actor())
    return Created(_export(job), f"/api/v1/appeal-exports/{job['id']}", status=202)


@api.route(
    "/appeal-exports/{export_id}",
    summary="诉求导出进度与下载",
    response=AppealExport,
    roles=sorted(STAFF_ROLES),
    errors=(404,),
)
def get_export(ctx: Ctx, export_id: str) -> AppealExport:
    """An export's progress and, once done, its download; only whoever asked for it (and the
    service centre) reads it — anyone else: 404."""
    try:
        job = job_store.get(export_id[:64])
    except NotFound:
        raise NotFound("export_not_found", id=export_id[:64]) from None
    mine = (job.get("created_by") or {}).get("username") == ctx.user.username
    if job["kind"] != "appeal_export" or not (mine or ctx.user.role == Role.ADMIN):
        raise NotFound("export_not_found", id=export_id[:64])
    return _export(job)


@api.route(
    "/appeals/{appeal_id}/similar",
    summary="相似诉求（疑似重复）",
    response=SimilarPage,
    roles=sorted(STAFF_ROLES),
    errors=(404,),
)
def similar_appeals(ctx: Ctx, appeal_id: str) -> SimilarPage:
    """Open appeals likely about the same problem, best first, among those the caller may
    read: drawn from the enterprise's latest and the category's latest open appeals (two
    Queries, whatever the table's size), ranked by text similarity and what they share."""
    _case_number(appeal_id)
    return _similar_page(services.similar(ctx.user, appeal_id), ctx.lang)


@api.route(
    "/hotline/similar",
    summary="来电时查重：该企业相似的未办结诉求",
    query=CallProbe,
    response=SimilarPage,
    roles=[Role.OPERATOR, Role.ADMIN],
)
def similar_to_call(ctx: Ctx, query: CallProbe) -> SimilarPage:
    """While the call is taken: the open appeals of the caller's enterprise, or made from its
    number, likely about what it is saying — so a repeat call is recorded on one
    (``repeat_of``) instead of a new appeal."""
    probe = similarity.Probe(
        title="",
        content=query.content,
        category=query.category,
        uscc=query.uscc,
        phones=frozenset([query.phone] if query.phone else []),
    )
    return _similar_page(services.similar_to_call(probe), ctx.lang)


class LedgerFields(BaseModel):
    """What a ledger page or export asks for (none: every item the unit owns)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    kind: LedgerKind | None = Field(None, description="part（转办）or supervised（督办）")
    status: LedgerStatus | None = None
    overdue: bool = Field(False, description="true: only items past their deadline")
    category: Category | None = None
    assigned_from: date | None = Field(None, description="assigned on or after (Beijing)")
    assigned_to: date | None = Field(None, description="assigned on or before (Beijing)")
    signed: bool | None = Field(
        None, description="only parts: true signed for（办理中）, false awaiting it（待签收）"
    )
    accepted: bool | None = Field(
        None,
        description="supervised items accepted or not; false also keeps the open parts. "
        "Accepted items are listed back 90 days by their deadline, or from assigned_from",
    )

    def wanted(self) -> LedgerFilter:
        if self.assigned_from and self.assigned_to and self.assigned_to < self.assigned_from:
            raise ValidationFailed.one("assigned_to", "range_reversed")
        return LedgerFilter(
            kind=self.kind,
            status=self.status,
            overdue=self.overdue,
            category=self.category,
            assigned_from=self.assigned_from,
            assigned_to=self.assigned_to,
            signed=self.signed,
            accepted=self.accepted,
        )


class LedgerQuery(LedgerFields, PageQuery):
    pass


class LedgerExportRequest(LedgerFields):
    """The items to export: the ledger page's filters (none: every item the unit owns)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"kind": "part", "overdue": True}]},
    )


class LedgerExport(BaseModel):
    """An export of a unit's ledger to XLSX for print, as a job: its state, then its download."""

    id: str
    department_id: str
    status: Literal["queued", "running", "done", "failed"]
    rows: int = Field(0, description="items exported (when done)")
    truncated: bool = Field(False, description="more matched than an export holds (5,000)")
    created_at: Timestamp
    finished_at: Timestamp | None = None
    download: ExportDownload | None = Field(None, description="when done: valid five minutes")


def _own_ledger(ctx: Ctx, department_id: str) -> None:
    """A unit's ledger is its own users', the service centre's and supervisors': another
    unit's user gets 404 (as for an appeal it cannot read), as does an id of no unit."""
    ledger_rules.check_reader(ctx.user, department_id)


@api.route(
    "/departments/{department_id}/ledger",
    summary="单位推进台账",
    query=LedgerQuery,
    response=LedgerPage,
    roles=[Role.DEPARTMENT, Role.ADMIN, Role.SUPERVISOR],
    errors=(404,),
)
def department_ledger(ctx: Ctx, department_id: str, query: LedgerQuery) -> LedgerPage:
    """A unit's ledger (推进台账): the appeals where its part is open and the supervised items
    it owns, open ones first by deadline, each with its place on the ledger (``ledger``: kind,
    status, deadline, assigned), the unit's latest progress entry (``last_progress``) and —
    on the appeal — its whole history; filtered by kind, status, overdue, category and the
    days of assignment, with how many match (``total``)."""
    _own_ledger(ctx, department_id)
    wanted = query.wanted()
    now = clock.now()
    items, nxt, total = ledgers.page(department_id, wanted, now, query.limit, query.cursor)
    return LedgerPage(
        items=[
            LedgerItem(
                **present(a, ctx.user, now, ctx.rules).model_dump(),
                appeal_id=a.id,
                last_progress=a.unit_progress.get(department_id),
                ledger=item,
            )
            for a, item in items
        ],
        next_cursor=nxt,
        total=total,
    )


def _ledger_export(job: dict[str, Any]) -> LedgerExport:
    result = job.get("result") or {}
    download = None
    if job["status"] == "done" and result.get("key"):
        real = clock.real_now()
        download = ExportDownload(
            url=files.link(result["key"], str(result["filename"]), f"ledger-{job['id']}.xlsx"),
            expires_at=clock.iso(real + timedelta(seconds=files.LINK_SECONDS)),
        )
    return LedgerExport(
        id=job["id"],
        department_id=job["params"]["department_id"],
        status=job["status"],
        rows=int(result.get("rows", 0)),
        truncated=bool(result.get("truncated", False)),
        created_at=job["created_at"],
        finished_at=job.get("finished_at"),
        download=download,
    )


@api.route(
    "/departments/{department_id}/ledger-exports",
    "POST",
    summary="导出推进台账（XLSX，供会议打印）",
    request=LedgerExportRequest,
    response=LedgerExport,
    status=202,
    roles=[Role.DEPARTMENT, Role.ADMIN, Role.SUPERVISOR],
    errors=(404,),
)
def start_ledger_export(ctx: Ctx, department_id: str, body: LedgerExportRequest) -> Created:
    """Export a unit's ledger (the page's filters) to XLSX laid out for printing at its
    meeting, as a job: poll ``GET …/ledger-exports/{export_id}`` for its five-minute link."""
    body.wanted()  # a reversed range: 400 before anything is read
    _own_ledger(ctx, department_id)
    departments.get(department_id)  # an unknown unit: 404
    params = {
        "username": ctx.user.username,
        "department_id": department_id,
        "filter": body.model_dump(mode="json", exclude_defaults=True),
    }
    job = dispatch.create(ledger_export_job.KIND, params, ctx.user.actor())
    location = f"/api/v1/departments/{department_id}/ledger-exports/{job['id']}"
    return Created(_ledger_export(job), location, status=202)


@api.route(
    "/departments/{department_id}/ledger-exports/{export_id}",
    summary="推进台账导出进度与下载",
    response=LedgerExport,
    roles=[Role.DEPARTMENT, Role.ADMIN, Role.SUPERVISOR],
    errors=(404,),
)
def get_ledger_export(ctx: Ctx, department_id: str, export_id: str) -> LedgerExport:
    """A ledger export's state and, once done, its download: for whoever may read the unit's
    ledger (its users, the service centre, supervisors); anyone else, or another unit's
    export under this one's path: 404."""
    _own_ledger(ctx, department_id)
    try:
        job = job_store.get(export_id[:64])
    except NotFound:
        raise NotFound("export_not_found", id=export_id[:64]) from None
    if job["kind"] != ledger_export_job.KIND or job["params"].get("department_id") != department_id:
        raise NotFound("export_not_found", id=export_id[:64])
    return _ledger_export(job)
