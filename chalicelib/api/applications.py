"""Project applications (项目申报, R1.4): the service centre opens a window on a policy; an
enterprise applies with a form and the materials' files while it is open; the reviewing
department (or the service centre) works its queue; each step reaches the inbox of whoever
should hear of it. Rules: ``domain/applications.py``; words: ``docs/applications.md``."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.domain import applications as rules
from chalicelib.domain import uploads
from chalicelib.domain.applications import (
    Application,
    ApplicationForm,
    MaterialFiles,
)
from chalicelib.domain.codes import Role
from chalicelib.domain.models import Enterprise, Strict
from chalicelib.domain.policies import Policy, ensure_changeable
from chalicelib.domain.windows import (
    Window,
    WindowSet,
    check_window,
    reviewer_name,
)
from chalicelib.errors import (
    FieldError,
    Forbidden,
    ItemsRefused,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from chalicelib.store import applications as store
from chalicelib.store import enterprises as enterprise_store
from chalicelib.store import policies as policy_store
from chalicelib.store import uploads as upload_store
from chalicelib.store.departments import departments

api = Api(__name__, "applications")
ATTACHMENTS = uploads.PURPOSES["application_attachment"]
UploadId = Annotated[str, Field(pattern=uploads.UPLOAD_ID_PATTERN)]


# --- the window, on the policy --------------------------------------------------------------


@api.route(
    "/policies/{policy_id}/application-window",
    "PUT",
    summary="设置政策的项目申报窗口",
    request=WindowSet,
    response=Policy,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def set_window(ctx: Ctx, policy_id: str, body: WindowSet) -> Policy:
    """Open (or change) the policy's application window: when it opens and closes, the
    materials each application carries, the reviewing department (none: the service
    centre). Under the policy's version; audited with the policy. Applications already
    made keep the materials and reviewer they were made with."""
    check_window(body)
    department_name = None
    if body.reviewer_department_id:
        try:
            department_name = str(departments.get(body.reviewer_department_id)["name"])
        except NotFound:
            raise ValidationFailed.one("reviewer_department_id", "department_unknown") from None
    before = policy_store.get(policy_id)
    ensure_changeable(before)
    VersionConflict.unless(before.version, body.version)
    window = Window(
        opens_at=clock.iso(body.opens_at),
        closes_at=clock.iso(body.closes_at),
        materials=body.materials,
        reviewer_department_id=body.reviewer_department_id,
        reviewer_name=reviewer_name(department_name),
        instructions=body.instructions,
    )
    after = before.model_copy(update={"application": window, "updated_at": clock.iso(clock.now())})
    return policy_store.replace(before, after, ctx.user.actor())


# --- applying -------------------------------------------------------------------------------


class MaterialGiven(Strict):
    material_id: str = Field(min_length=1, max_length=30)
    attachments: list[UploadId] = Field(
        min_length=1,
        max_length=rules.MAX_FILES_PER_MATERIAL,
        description="ids of uploads (purpose application_attachment)",
    )


class ApplicationCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "policy_id": "P-20261101-3fa9c1",
                    "form": {
                        "project_name": "年产 2 万台数控机床智能化改造项目",
                        "summary": "购置五轴加工中心 12 台，建设数字化车间。",
                        "amount": 300,
                        "contact_name": "张伟",
                        "contact_phone": "13812345678",
                    },
                    "materials": [
                        {"material_id": "feasibility", "attachments": ["U3f9a2c71d04be5a6"]}
                    ],
                }
            ]
        }
    )

    policy_id: str = Field(min_length=1, max_length=64)
    form: ApplicationForm
    materials: list[MaterialGiven] = Field(max_length=40)


class ApplicationResponse(Application):
    """An application with the steps the caller may take now."""

    actions: list[str] = Field(default_factory=list)


def _response(a: Application, ctx: Ctx) -> ApplicationResponse:
    return ApplicationResponse(**a.model_dump(), actions=rules.allowed_actions(ctx.user, a))


def _open_policy(policy_id: str) -> tuple[Policy, Window]:
    """The policy applied to and its window, open now (``rules.open_window``)."""
    try:
        policy = policy_store.get(policy_id)
    except NotFound:
        raise ValidationFailed.one("policy_id", "policy_not_found", id=policy_id[:64]) from None
    return policy, rules.open_window(policy, clock.now())


def _materials(window: Window, given: list[MaterialGiven], username: str) -> list[MaterialFiles]:
    """The materials given, checked against the window and each file in the bucket: one
    400 naming every field with a problem."""
    ids = [m.material_id for m in given]
    errors = [FieldError(f, c) for f, c in rules.material_problems(window, ids)]
    names = {m.id: m.name for m in window.materials}
    out = []
    for i, m in enumerate(given):
        try:
            kept = upload_store.attach(m.attachments, ATTACHMENTS, username)
        except ItemsRefused as refused:
            errors += refused.named(f"materials.{i}.attachments").errors
            continue
        if m.material_id in names:
            out.append(
                MaterialFiles(
                    material_id=m.material_id, name=names[m.material_id], attachments=kept
                )
            )
    if errors:
        raise ValidationFailed(sorted(errors, key=lambda e: e.field))
    order = [m.id for m in window.materials]
    return sorted(out, key=lambda m: order.index(m.material_id))


@api.route(
    "/applications",
    "POST",
    summary="企业提交项目申报",
    request=ApplicationCreate,
    response=ApplicationResponse,
    status=201,
    roles=[Role.ENTERPRISE],
    errors=(409,),
)
def apply(ctx: Ctx, body: ApplicationCreate) -> Created:
    """Apply to a policy whose window is open now (409 before it opens, from the moment it
    closes, and while the enterprise has an open or approved application to it), with a
    file for every required material. The enterprise is not refused for a condition it
    does not meet: how it matched is kept for the reviewer."""
    uscc = ctx.user.enterprise_uscc
    if not uscc:
        raise Forbidden("enterprise_unbound")
    policy, window = _open_policy(body.policy_id)
    materials = _materials(window, body.materials, ctx.user.username)
    enterprise = Enterprise.model_validate(enterprise_store.get(uscc))
    now = clock.now()
    a = rules.new_application(
        f"SB-{clock.to_beijing(now):%Y%m%d}-{secrets.token_hex(3)}",
        policy,
        window,
        enterprise,
        body.form,
        materials,
        ctx.user,
        now,
    )
    created = store.create(a, ctx.user.actor())
    return Created(_response(created, ctx), f"/api/v1/applications/{created.id}")


# --- reading --------------------------------------------------------------------------------


class ApplicationQuery(PageQuery):
    scope: Literal["mine", "queue"] = Field(
        "mine", description="mine: the enterprise's own; queue: those the caller reviews"
    )
    status: Literal["open", "all"] = Field("open", description="queue: open ones only, or all")
    reviewer: str | None = Field(
        None, max_length=64, description="queue, admins: a department's (default: the centre's)"
    )


class ApplicationPage(Page[Application]):
    pass


def _readable(ctx: Ctx, application_id: str) -> Application:
    a = store.get(application_id)
    if not rules.can_read(ctx.user, a):
        raise NotFound("application_not_found", id=application_id[:40])  # others' don't exist
    return a


@api.route(
    "/applications",
    summary="项目申报列表（我的申报、审核队列）",
    query=ApplicationQuery,
    response=ApplicationPage,
    roles=[Role.ENTERPRISE, Role.DEPARTMENT, Role.ADMIN],
)
def list_applications(ctx: Ctx, query: ApplicationQuery) -> ApplicationPage:
    """``mine`` (enterprises): its applications, the newest first. ``queue`` (departments:
    their own; admins: the centre's, or ``reviewer``'s): waiting, then under review, the
    oldest first; ``status=all`` adds the decided ones after them."""
    user = ctx.user
    if query.scope == "mine":
        if user.role != Role.ENTERPRISE or not user.enterprise_uscc:
            raise ValidationFailed.one("scope", "scope_not_for_role")
        items, nxt = store.page_of_enterprise(user.enterprise_uscc, query.limit, query.cursor)
    else:
        reviewer = rules.queue_of(user, query.reviewer)
        items, nxt = store.page_of_queue(
            reviewer, query.status == "open", query.limit, query.cursor
        )
    return ApplicationPage(items=items, next_cursor=nxt)


@api.route(
    "/applications/{application_id}",
    summary="项目申报详情与进度",
    response=ApplicationResponse,
    errors=(404,),
)
def get_application(ctx: Ctx, application_id: str) -> ApplicationResponse:
    """The application with every step of its progress, for the enterprise that applied,
    its reviewers, the service centre and supervisors (anyone else: 404)."""
    return _response(_readable(ctx, application_id), ctx)


@api.route(
    "/applications/{application_id}/attachments/{attachment_id}",
    summary="下载申报材料（短时有效链接）",
    response=uploads.AttachmentLink,
    errors=(404,),
)
def application_attachment(
    ctx: Ctx, application_id: str, attachment_id: str
) -> uploads.AttachmentLink:
    """A presigned GET of one of the application's files, valid five minutes, for whoever
    may read the application."""
    a = _readable(ctx, application_id)
    for material in a.materials:
        for attachment in material.attachments:
            if attachment.id == attachment_id:
                return upload_store.link(ATTACHMENTS, attachment)
    raise NotFound("attachment_not_found", id=attachment_id[:40])


@api.route(
    "/policies/{policy_id}/applications",
    summary="政策收到的项目申报",
    query=PageQuery,
    response=ApplicationPage,
    roles=[Role.ADMIN, Role.DEPARTMENT, Role.SUPERVISOR],
    errors=(404,),
)
def policy_applications(ctx: Ctx, policy_id: str, query: PageQuery) -> ApplicationPage:
    """Every enterprise's latest application to the policy, by credit code: the service
    centre and supervisors; a department only those it reviews."""
    policy_store.get(policy_id)  # 404 for a policy that does not exist
    items, nxt = store.of_policy(policy_id, query.limit, query.cursor)
    return ApplicationPage(items=[a for a in items if rules.can_read(ctx.user, a)], next_cursor=nxt)


# --- the review -----------------------------------------------------------------------------


class StepRequest(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"action": "reject", "version": 2, "note": "项目投资额未达到政策要求的 500 万元"}
            ]
        }
    )

    action: rules.Action = Field(
        description="review: start reviewing; approve; reject (a reason in note); "
        "withdraw: the enterprise, before review starts"
    )
    version: int = Field(ge=1, description="the application's, as read")
    note: str | None = Field(
        None, max_length=1000, description="the reason of a rejection (required), or a note"
    )


@api.route(
    "/applications/{application_id}/steps",
    "POST",
    summary="项目申报审核（受理、通过、驳回）或企业撤回",
    request=StepRequest,
    response=ApplicationResponse,
    errors=(404, 409),
)
def take_step(ctx: Ctx, application_id: str, body: StepRequest) -> ApplicationResponse:
    """Move the application on: 403 for someone who may not take that step, 409 for a step
    out of order or a stale version, 400 naming ``note`` for a rejection without a reason.
    The enterprise hears of each step in its inbox; the reviewers of a withdrawal."""
    before = _readable(ctx, application_id)
    VersionConflict.unless(before.version, body.version)
    after = rules.move(before, body.action, ctx.user, body.note, clock.now())
    return _response(store.replace(before, after, ctx.user.actor()), ctx)
