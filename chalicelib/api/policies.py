"""Policies (R1.2, R1.3): the public catalogue — list, search by Chinese keywords, filter by
industry and size class, read a policy with its interpretations, without signing in — and
the service centre's side: draft, change, publish (which pushes the policy to every
enterprise it matches, as a job whose progress admins follow), add, edit and remove
interpretations and attachments, withdraw a published policy (撤回) and delete a draft. Anyone
downloads a public policy's files. An enterprise sees the policies for it, each with why it
matched, and the near misses with the one condition it failed. The rules of each change are
in ``domain/policies.py``."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any, Literal

from chalice import Response
from pydantic import BaseModel, ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery, naming
from chalicelib.api.schemas import PatchBody
from chalicelib.domain import policies as rules
from chalicelib.domain import uploads
from chalicelib.domain.codes import LABELS_ZH, Industry, Role, SizeClass
from chalicelib.domain.models import Enterprise, Strict
from chalicelib.domain.policies import (
    BODY_MAX,
    MAX_ATTACHMENTS,
    REASON_MAX,
    TITLE_MAX,
    Conditions,
    Interpretation,
    Match,
    Policy,
    match,
    shown,
    summary,
)
from chalicelib.domain.windows import period_state
from chalicelib.errors import NotFound, ValidationFailed, VersionConflict
from chalicelib.store import enterprises as enterprise_store
from chalicelib.store import jobs
from chalicelib.store import policies as store
from chalicelib.store import uploads as upload_store

api = Api(__name__, "policies")
ADMINS = [Role.ADMIN]
ATTACHMENTS = uploads.PURPOSES["policy_attachment"]
UploadId = Annotated[str, Field(pattern=uploads.UPLOAD_ID_PATTERN)]


def _today() -> date:
    return clock.to_beijing(clock.now()).date()


class PolicyQuery(PageQuery):
    q: str | None = Field(
        None, max_length=50, description="关键词，空格分隔，全部包含 (every word, anywhere)"
    )
    industry: Industry | None = None
    size_class: SizeClass | None = None
    include_expired: bool = Field(False, description="also policies past their last day")
    applying: bool = Field(False, description="only those taking applications（申报）now")


class ApplicationPeriod(BaseModel):
    """When a policy takes applications, and whether it does now."""

    opens_at: str
    closes_at: str
    state: Literal["not_open", "open", "closed"]


class PolicySummary(BaseModel):
    """A policy as the catalogue lists it (no body)."""

    id: str
    title: str
    issuer: str
    doc_number: str | None = None
    summary: str | None = None
    effective_from: date
    expires_on: date | None = None
    conditions_text: str
    interpretations: int = Field(description="how many interpretations it has")
    published_at: str
    expired: bool
    application: ApplicationPeriod | None = Field(
        None, description="its application window（申报）, when it has one"
    )


class PolicyPage(Page[PolicySummary]):
    pass


class PolicyAdminPage(Page[Policy]):
    pass


def _summary(item: dict[str, Any], today: date) -> PolicySummary:
    expires = None if item["expires_on"] == "9999-12-31" else date.fromisoformat(item["expires_on"])
    return PolicySummary(
        id=item["id"],
        title=item["title"],
        issuer=item["issuer"],
        doc_number=item.get("doc_number"),
        summary=item.get("summary"),
        effective_from=date.fromisoformat(item["effective_from"]),
        expires_on=expires,
        conditions_text=item["conditions_text"],
        interpretations=int(item.get("interpretations", 0)),
        published_at=item["published_at"],
        expired=expires is not None and expires < today,
        application=_period(item),
    )


def _period(item: dict[str, Any]) -> ApplicationPeriod | None:
    opens, closes = item.get("application_opens_at"), item.get("application_closes_at")
    if not opens or not closes:
        return None
    return ApplicationPeriod(
        opens_at=opens, closes_at=closes, state=period_state(opens, closes, clock.now())
    )


def _shown(p: Policy) -> Policy:
    p.expired = p.is_expired(_today())
    return p


@api.route(
    "/policies", summary="政策列表（公开）", query=PolicyQuery, response=PolicyPage, public=True
)
def list_policies(ctx: Ctx, query: PolicyQuery) -> PolicyPage:
    """Published policies, the newest first; ``q`` finds every keyword in the title, issuer,
    document number, summary, conditions and interpretations' titles. Expired policies only
    with ``include_expired`` (they stay readable, marked); ``applying``: only those taking
    applications now (each lists its application period and whether it is open)."""
    today = _today()
    items, nxt = store.catalog_page(
        words=(query.q or "").split(),
        industry=query.industry.value if query.industry else None,
        size_class=query.size_class.value if query.size_class else None,
        current_on=None if query.include_expired else today,
        limit=query.limit,
        cursor=query.cursor,
        applying_at=clock.iso(clock.now()) if query.applying else None,
    )
    return PolicyPage(items=[_summary(i, today) for i in items], next_cursor=nxt)


@api.route(
    "/policies/{policy_id}",
    summary="政策详情（公开）",
    response=Policy,
    public=True,
    errors=(404,),
)
def get_policy(ctx: Ctx, policy_id: str) -> Policy:
    """A published policy with its interpretations and attachments; a withdrawn one too,
    with ``withdrawal`` (when, why): links sent earlier still answer. A draft does not exist
    for the public."""
    p = store.get(policy_id)
    if not rules.is_public(p):
        raise NotFound("policy_not_found", id=policy_id)
    return _shown(p)


@api.route(
    "/policies/{policy_id}/attachments/{attachment_id}",
    summary="下载政策附件（公开，短时有效链接）",
    response=uploads.AttachmentLink,
    public=True,
    optional_auth=True,
    errors=(401, 404),
)
def policy_attachment(ctx: Ctx, policy_id: str, attachment_id: str) -> uploads.AttachmentLink:
    """A presigned GET of one of the policy's files, valid five minutes: for anyone, without
    signing in, when the policy is public (published or withdrawn); a draft's only for an
    admin's token (a token, when sent, is verified). Anyone else: 404, as for the policy."""
    p = store.get(policy_id)
    admin = ctx.principal is not None and ctx.principal.role in ADMINS
    if not (rules.is_public(p) or admin):
        raise NotFound("policy_not_found", id=policy_id)
    return upload_store.link(ATTACHMENTS, rules.attachment(p, attachment_id))


# --- the service centre's side ------------------------------------------------------------


class PolicyCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "如东县支持工业企业技术改造的若干政策",
                    "issuer": "县工业和信息化局",
                    "doc_number": "东政发〔2026〕12号",
                    "summary": "对年度技改投入 500 万元以上的规上工业企业给予补助。",
                    "body": "第一条 为推动工业企业转型升级……",
                    "effective_from": "2026-01-01",
                    "expires_on": "2027-12-31",
                    "conditions": {"industries": ["industry"], "size_classes": ["designated"]},
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    issuer: str = Field(min_length=1, max_length=100)
    doc_number: str | None = Field(None, min_length=1, max_length=60)
    summary: str | None = Field(None, min_length=1, max_length=500)
    body: str = Field(min_length=1, max_length=BODY_MAX)
    effective_from: date
    expires_on: date | None = None
    conditions: Conditions = Field(default_factory=Conditions)


class PolicyPatch(PatchBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 2, "expires_on": "2026-12-31"}]}
    )
    nullable = frozenset({"doc_number", "summary", "expires_on"})

    title: str | None = Field(None, min_length=1, max_length=TITLE_MAX)
    issuer: str | None = Field(None, min_length=1, max_length=100)
    doc_number: str | None = Field(None, min_length=1, max_length=60)
    summary: str | None = Field(None, min_length=1, max_length=500)
    body: str | None = Field(None, min_length=1, max_length=BODY_MAX)
    effective_from: date | None = None
    expires_on: date | None = None
    conditions: Conditions | None = None


class Publish(Strict):
    version: int = Field(ge=1)


class VersionQuery(BaseModel):
    """``?version=N``: the version a removal is based on (DELETE takes no body)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="the policy's version read")


class Withdraw(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"version": 4, "reason": "已被《如东县技改补助办法（2027年修订）》替代"}]
        }
    )

    version: int = Field(ge=1)
    reason: str = Field(
        min_length=1, max_length=REASON_MAX, description="why (shown on the public page)"
    )


class AttachmentsAdd(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 2, "attachments": ["U0123456789abcdef"]}]}
    )

    version: int = Field(ge=1, description="the policy's")
    attachments: list[UploadId] = Field(
        min_length=1,
        max_length=MAX_ATTACHMENTS,
        description="ids of uploads (purpose policy_attachment) the caller made",
    )


class InterpretationPatch(PatchBody):
    """Change an interpretation; ``version`` is the policy's."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 3, "title": "一图读懂技改补助（修订）"}]}
    )

    title: str | None = Field(None, min_length=1, max_length=TITLE_MAX)
    body: str | None = Field(None, min_length=1, max_length=5000)
    author: str | None = Field(None, min_length=1, max_length=100)


class InterpretationCreate(Strict):
    version: int = Field(ge=1, description="the policy's")
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=5000)
    author: str | None = Field(
        None, min_length=1, max_length=100, description="default: the service centre"
    )


class Job(BaseModel):
    """A long job (a policy's push, an import) and how far it is."""

    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: int = Field(ge=0, le=100)
    processed: int = Field(description="items gone through")
    total: int | None = Field(None, description="items to go through, when known")
    counts: dict[str, int] = Field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None


class Published(BaseModel):
    policy: Policy
    job: Job


def _check_dates(effective_from: date, expires_on: date | None) -> None:
    if expires_on is not None and expires_on < effective_from:
        raise ValidationFailed.one("expires_on", "expires_before_effective")


@api.route(
    "/policies",
    "POST",
    summary="起草政策",
    request=PolicyCreate,
    response=Policy,
    status=201,
    roles=ADMINS,
)
def create_policy(ctx: Ctx, body: PolicyCreate) -> Created:
    """A draft: not public until published."""
    _check_dates(body.effective_from, body.expires_on)
    now = clock.now()
    at = clock.iso(now)
    p = Policy(
        id=f"P-{clock.to_beijing(now):%Y%m%d}-{secrets.token_hex(3)}",
        **body.model_dump(),
        conditions_text=summary(body.conditions),
        status="draft",
        version=1,
        created_at=at,
        updated_at=at,
    )
    created = store.create(p, ctx.user.actor())
    return Created(created, f"/api/v1/admin/policies/{created.id}")


@api.route(
    "/policies/{policy_id}",
    "PATCH",
    summary="修改政策",
    request=PolicyPatch,
    response=Policy,
    roles=ADMINS,
    errors=(404, 409),
)
def update_policy(ctx: Ctx, policy_id: str, body: PolicyPatch) -> Policy:
    """Change a policy under its version (a published one stays published; its catalogue
    entry changes with it; its conditions are not pushed again)."""
    before = store.get(policy_id)
    rules.ensure_changeable(before)
    after = Policy.model_validate({**before.model_dump(mode="json"), **body.changes()})
    after.conditions_text = summary(after.conditions)
    _check_dates(after.effective_from, after.expires_on)
    VersionConflict.unless(before.version, body.version)
    after.updated_at = clock.iso(clock.now())
    return _shown(store.replace(before, after, ctx.user.actor()))


@api.route(
    "/policies/{policy_id}/publish",
    "POST",
    summary="发布政策并推送给符合条件的企业",
    request=Publish,
    response=Published,
    roles=ADMINS,
    errors=(404, 409),
)
def publish_policy(ctx: Ctx, policy_id: str, body: Publish) -> Published:
    """Publish: the policy enters the public catalogue and a job tells every enterprise it
    matches, in its inbox (follow it at ``GET /api/v1/jobs/{id}``). Once only."""
    from chalicelib.jobs import dispatch

    before = store.get(policy_id)
    VersionConflict.unless(before.version, body.version)
    now = clock.now()
    job_item = jobs.new_item("policy_push", {"policy_id": policy_id}, ctx.user.actor(), now)
    after = rules.publish(before, job_item["id"], clock.iso(now))
    published = store.replace(before, after, ctx.user.actor(), extra=[jobs.put_action(job_item)])
    dispatch.enqueue(job_item)
    return Published(policy=_shown(published), job=Job.model_validate(jobs.get(job_item["id"])))


@api.route(
    "/policies/{policy_id}/interpretations",
    "POST",
    summary="添加政策解读",
    request=InterpretationCreate,
    response=Policy,
    status=201,
    roles=ADMINS,
    errors=(404, 409),
)
def add_interpretation(ctx: Ctx, policy_id: str, body: InterpretationCreate) -> Created:
    before = store.get(policy_id)
    at = clock.iso(clock.now())
    item = Interpretation(
        id=f"I-{secrets.token_hex(3)}",
        title=body.title,
        body=body.body,
        author=body.author or LABELS_ZH[Role.ADMIN],
        published_at=at,
        published_by=ctx.user.actor(),
    )
    after = rules.add_interpretation(before, item, at)
    VersionConflict.unless(before.version, body.version)
    saved = store.replace(before, after, ctx.user.actor())
    return Created(_shown(saved), f"/api/v1/policies/{policy_id}")


@api.route(
    "/policies/{policy_id}/interpretations/{interpretation_id}",
    "PATCH",
    summary="修改政策解读",
    request=InterpretationPatch,
    response=Policy,
    roles=ADMINS,
    errors=(404, 409),
)
def update_interpretation(
    ctx: Ctx, policy_id: str, interpretation_id: str, body: InterpretationPatch
) -> Policy:
    """Change an interpretation's title, text or author under the policy's version; it is
    marked changed (when, by whom) and the change audited."""
    before = store.get(policy_id)
    at = clock.iso(clock.now())
    after = rules.edit_interpretation(
        before, interpretation_id, body.changes(), ctx.user.actor(), at
    )
    VersionConflict.unless(before.version, body.version)
    return _shown(store.replace(before, after, ctx.user.actor()))


@api.route(
    "/policies/{policy_id}/interpretations/{interpretation_id}",
    "DELETE",
    summary="删除政策解读",
    query=VersionQuery,
    response=Policy,
    roles=ADMINS,
    errors=(404, 409),
)
def remove_interpretation(
    ctx: Ctx, policy_id: str, interpretation_id: str, query: VersionQuery
) -> Policy:
    """Take an interpretation off the policy (``?version=`` the policy's); the audit trail
    keeps its text."""
    before = store.get(policy_id)
    after = rules.remove_interpretation(before, interpretation_id, clock.iso(clock.now()))
    VersionConflict.unless(before.version, query.version)
    return _shown(store.replace(before, after, ctx.user.actor()))


@api.route(
    "/policies/{policy_id}/attachments",
    "POST",
    summary="添加政策附件",
    request=AttachmentsAdd,
    response=Policy,
    status=201,
    roles=ADMINS,
    errors=(404, 409),
)
def add_attachments(ctx: Ctx, policy_id: str, body: AttachmentsAdd) -> Created:
    """Keep files the caller uploaded (purpose ``policy_attachment``) with the policy, at
    most 20 in all, under its version. Each is checked in the bucket (size, declared type,
    first bytes): a 400 naming ``attachments.{i}``, and nothing kept of a list with any
    problem. Public with the policy once it is published."""
    before = store.get(policy_id)
    rules.ensure_changeable(before)
    rules.check_new_attachments(before, body.attachments)
    with naming("attachments"):
        kept = upload_store.attach(body.attachments, ATTACHMENTS, ctx.user.username)
    after = rules.add_attachments(before, kept, clock.iso(clock.now()))
    VersionConflict.unless(before.version, body.version)
    saved = store.replace(before, after, ctx.user.actor())
    return Created(_shown(saved), f"/api/v1/admin/policies/{policy_id}")


@api.route(
    "/policies/{policy_id}/attachments/{attachment_id}",
    "DELETE",
    summary="删除政策附件",
    query=VersionQuery,
    response=Policy,
    roles=ADMINS,
    errors=(404, 409),
)
def remove_attachment(ctx: Ctx, policy_id: str, attachment_id: str, query: VersionQuery) -> Policy:
    """Take a file off the policy (``?version=`` the policy's): no link to it is given
    any more."""
    before = store.get(policy_id)
    after = rules.remove_attachment(before, attachment_id, clock.iso(clock.now()))
    VersionConflict.unless(before.version, query.version)
    return _shown(store.replace(before, after, ctx.user.actor()))


@api.route(
    "/policies/{policy_id}/withdraw",
    "POST",
    summary="撤回（废止）已发布的政策",
    request=Withdraw,
    response=Policy,
    roles=ADMINS,
    errors=(404, 409),
)
def withdraw_policy(ctx: Ctx, policy_id: str, body: Withdraw) -> Policy:
    """撤回/废止 a published policy with its reason: out of the catalogue, "policies for you"
    and any push still running, in one transaction; its page still answers, showing when
    and why it was withdrawn. Final: a policy that comes back is drafted anew. A draft is
    deleted instead (409 here)."""
    before = store.get(policy_id)
    VersionConflict.unless(before.version, body.version)
    after = rules.withdraw(before, body.reason, ctx.user.actor(), clock.iso(clock.now()))
    return _shown(store.replace(before, after, ctx.user.actor(), action="withdraw"))


@api.route(
    "/policies/{policy_id}",
    "DELETE",
    summary="删除政策草稿",
    query=VersionQuery,
    status=204,
    roles=ADMINS,
    errors=(404, 409),
)
def delete_policy(ctx: Ctx, policy_id: str, query: VersionQuery) -> Response:
    """Delete a draft (``?version=``): nobody outside the service centre saw it. A
    published policy is withdrawn instead (409). The audit trail keeps what it said."""
    before = store.get(policy_id)
    VersionConflict.unless(before.version, query.version)
    rules.ensure_deletable(before)
    store.delete(before, ctx.user.actor())
    return Response(body="", status_code=204)


@api.route(
    "/admin/policies",
    summary="政策管理列表",
    query=PageQuery,
    response=PolicyAdminPage,
    roles=ADMINS,
)
def admin_policies(ctx: Ctx, query: PageQuery) -> PolicyAdminPage:
    """Every policy, drafts included, the last changed first."""
    items, nxt = store.page_all(query.limit, query.cursor)
    return PolicyAdminPage(items=[_shown(p) for p in items], next_cursor=nxt)


@api.route(
    "/admin/policies/{policy_id}",
    summary="政策（含草稿）",
    response=Policy,
    roles=ADMINS,
    errors=(404,),
)
def admin_policy(ctx: Ctx, policy_id: str) -> Policy:
    return _shown(store.get(policy_id))


@api.route("/jobs/{job_id}", summary="后台任务进度", response=Job, roles=ADMINS, errors=(404,))
def get_job(ctx: Ctx, job_id: str) -> Job:
    """A long job: its status, progress, counts and, once done, its result."""
    return Job.model_validate(jobs.get(job_id))


# --- policies for an enterprise -----------------------------------------------------------


class PolicyMatch(BaseModel):
    policy: PolicySummary
    match: Match
    near_miss: bool = Field(description="failed exactly one condition")


class PolicyMatches(BaseModel):
    items: list[PolicyMatch] = Field(description="matches first (newest first), then near misses")
    next_cursor: None = None


def _matches(enterprise: Enterprise) -> PolicyMatches:
    today = _today()
    found = [
        (item, match(Conditions.model_validate(item["conditions"]), enterprise))
        for item in store.published(today)
    ]
    return PolicyMatches(
        items=[
            PolicyMatch(policy=_summary(item, today), match=m, near_miss=m.near_miss)
            for item, m in shown(found, lambda item: str(item["published_at"]))
        ]
    )


@api.route(
    "/me/policies",
    summary="为我推荐的政策",
    response=PolicyMatches,
    roles=[Role.ENTERPRISE],
)
def my_policies(ctx: Ctx) -> PolicyMatches:
    """Policies in force for the caller's enterprise, each with the reasons it matched; then
    the near misses, each with the one condition not met."""
    uscc = ctx.user.enterprise_uscc or ""
    return _matches(Enterprise.model_validate(enterprise_store.get(uscc)))


class PolicyEligibility(BaseModel):
    """Whether the caller's enterprise meets one policy's conditions, and why (shown on the
    policy page and the application form before anything is uploaded)."""

    policy_id: str
    match: Match


@api.route(
    "/me/policies/{policy_id}",
    summary="本企业是否符合某项政策的条件",
    response=PolicyEligibility,
    roles=[Role.ENTERPRISE],
    errors=(404,),
)
def my_eligibility(ctx: Ctx, policy_id: str) -> PolicyEligibility:
    """The caller's enterprise against a public policy's conditions: met and failed, each in
    words (two GetItems: the policy and the enterprise)."""
    p = store.get(policy_id)
    if not rules.is_public(p):
        raise NotFound("policy_not_found", id=policy_id)
    uscc = ctx.user.enterprise_uscc or ""
    enterprise = Enterprise.model_validate(enterprise_store.get(uscc))
    return PolicyEligibility(policy_id=p.id, match=match(p.conditions, enterprise))


@api.route(
    "/enterprises/{uscc}/policies",
    summary="企业适用的政策",
    response=PolicyMatches,
    roles=[Role.OPERATOR, Role.COMMISSIONER, Role.ADMIN, Role.SUPERVISOR],
    errors=(404,),
)
def enterprise_policies(ctx: Ctx, uscc: str) -> PolicyMatches:
    """The same for staff: what a commissioner can point an enterprise to."""
    return _matches(Enterprise.model_validate(enterprise_store.get(uscc)))
