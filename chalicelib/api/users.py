"""Users and their roles (admin), the signed-in user (``/me``), and the audit trail."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery, validate
from chalicelib.api.schemas import PatchBody
from chalicelib.auth import tokens
from chalicelib.config import settings
from chalicelib.domain.codes import Role
from chalicelib.domain.models import (
    Actor,
    Bindings,
    Name,
    Phone,
    Slug,
    Strict,
    Uscc,
    User,
    Username,
)
from chalicelib.domain.privacy import present_enterprise_changes
from chalicelib.store import audit as audit_store
from chalicelib.store import users as store

api = Api(__name__, "users")


class UserCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "dept-tax-wang",
                    "display_name": "王强（县税务局）",
                    "role": "department",
                    "department_id": "tax",
                },
                {
                    "username": "callcenter-12345",
                    "display_name": "12345 热线系统",
                    "role": "operator",
                    "service_account": True,
                },
            ]
        }
    )

    username: Username
    display_name: Name
    role: Role
    enterprise_uscc: Uscc | None = None
    commissioner_id: Slug | None = None
    department_id: Slug | None = None
    phone: Phone | None = None
    service_account: bool = False
    issuer: str | None = Field(
        None,
        min_length=1,
        max_length=300,
        description="token issuer (iss); default: this deployment's",
    )
    subject: str | None = Field(
        None, min_length=1, max_length=200, description="token subject (sub); default: the username"
    )
    active: bool = True


class UserPatch(PatchBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"version": 1, "role": "commissioner", "commissioner_id": "c-designated"}]
        }
    )
    nullable = frozenset({"enterprise_uscc", "commissioner_id", "department_id", "phone"})

    display_name: Name | None = None
    role: Role | None = None
    enterprise_uscc: Uscc | None = None
    commissioner_id: Slug | None = None
    department_id: Slug | None = None
    phone: Phone | None = None
    active: bool | None = None


class UserPage(Page[User]):
    pass


class AuditEntry(BaseModel):
    entity_type: str
    entity_id: str
    action: str
    version: int
    actor: Actor | None = Field(None, description="null: the system (seed, jobs)")
    at: str
    changes: dict[str, Any]


class AuditPage(Page[AuditEntry]):
    pass


class AuditQuery(PageQuery):
    entity_type: str | None = Field(None, pattern=r"^[a-z_]{1,30}$", examples=["enterprise"])
    entity_id: str | None = Field(None, min_length=1, max_length=100)
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


_BINDING_FIELDS = ("role", "enterprise_uscc", "commissioner_id", "department_id")


@api.route("/me", summary="当前登录用户", response=User)
def me(ctx: Ctx) -> User:
    """Who the token belongs to, with role and bindings."""
    return ctx.user


@api.route("/users", summary="用户列表", query=PageQuery, response=UserPage, roles=[Role.ADMIN])
def list_users(ctx: Ctx, query: PageQuery) -> UserPage:
    items, nxt = store.page(query.limit, query.cursor)
    return UserPage(items=[User.model_validate(i) for i in items], next_cursor=nxt)


@api.route(
    "/users/{username}", summary="用户详情", response=User, roles=[Role.ADMIN], errors=(404,)
)
def get_user(ctx: Ctx, username: str) -> User:
    return User.model_validate(store.by_username(username))


@api.route(
    "/users",
    "POST",
    summary="新增用户（含服务账号）",
    request=UserCreate,
    response=User,
    status=201,
    roles=[Role.ADMIN],
    errors=(409,),
)
def create_user(ctx: Ctx, body: UserCreate) -> Created:
    """Register a person or a call-centre service account, bound to its role's record."""
    data = body.model_dump(mode="json")
    validate(Bindings, {k: data.get(k) for k in _BINDING_FIELDS})
    data["issuer"] = body.issuer or settings().auth_issuer
    data["subject"] = body.subject or body.username
    record = store.create(data, ctx.user.actor())
    tokens.forget_user(data["issuer"], data["subject"])
    return Created(User.model_validate(record), f"/api/v1/users/{body.username}")


@api.route(
    "/users/{username}",
    "PATCH",
    summary="修改用户角色、绑定或状态",
    request=UserPatch,
    response=User,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def update_user(ctx: Ctx, username: str, body: UserPatch) -> User:
    """Change a user under ``version``; a role change must come with its binding."""
    current = store.by_username(username)
    changes = body.changes()
    if "role" in changes:  # a new role drops the old role's binding unless it is restated
        for field in ("enterprise_uscc", "commissioner_id", "department_id"):
            changes.setdefault(field, None)
    merged = {**current, **changes}
    validate(Bindings, {k: merged.get(k) for k in _BINDING_FIELDS})
    record = store.update(username, changes, body.version, ctx.user.actor())
    tokens.forget_user(record["issuer"], record["subject"])
    return User.model_validate(record)


_SAFE_ID = re.compile(r"^[^#]{1,100}$")


@api.route(
    "/audit",
    summary="操作审计记录",
    query=AuditQuery,
    response=AuditPage,
    roles=[Role.ADMIN, Role.SUPERVISOR],
)
def list_audit(ctx: Ctx, query: AuditQuery) -> AuditPage:
    """One record's changes (``entity_type`` + ``entity_id``), or a month's, newest first
    (for supervisors, enterprises' contacts' phones masked, ``138****5678``)."""
    if query.entity_type and query.entity_id and _SAFE_ID.match(query.entity_id):
        items, nxt = audit_store.of_entity(
            query.entity_type, query.entity_id, query.limit, query.cursor
        )
    else:
        month = query.month or clock.iso(clock.now())[:7]
        items, nxt = audit_store.of_month(month, query.limit, query.cursor)
    return AuditPage(
        items=[_shown(AuditEntry.model_validate(i), ctx) for i in items], next_cursor=nxt
    )


def _shown(entry: AuditEntry, ctx: Ctx) -> AuditEntry:
    """An entry as the caller may see it: an enterprise's contacts' phones masked for
    supervisors, as in the enterprise's record itself."""
    if entry.entity_type != "enterprise":
        return entry
    changes = present_enterprise_changes(entry.changes, ctx.user.role)
    return entry.model_copy(update={"changes": changes})
