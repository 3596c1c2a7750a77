"""Enterprises (R1.1): registered by the service centre, found by operators as they type."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.api.schemas import PatchBody
from chalicelib.domain import search
from chalicelib.domain.codes import STAFF_ROLES, Industry, Role, SizeClass
from chalicelib.domain.enterprise import InvalidCreditCode, normalize_uscc
from chalicelib.domain.enterprise_history import EnterpriseHistory
from chalicelib.domain.models import (
    Contact,
    Enterprise,
    Flags,
    Name,
    Phone,
    ShortNames,
    Slug,
    Strict,
    Uscc,
    User,
)
from chalicelib.domain.privacy import present_enterprise
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.services import enterprises as services
from chalicelib.store import enterprises as store

api = Api(__name__, "enterprises")

Town = Field(None, min_length=1, max_length=50, description="镇/街道")


class EnterpriseCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "uscc": "91320623MA1MXXXX0D",
                    "name": "如东恒润机械制造有限公司",
                    "short_names": ["恒润机械", "恒润"],
                    "size_class": "designated",
                    "industry": "industry",
                    "town": "掘港街道",
                    "flags": {"key_tech": True, "major_project": False},
                    "contacts": [{"name": "张伟", "phone": "13812345678"}],
                }
            ]
        }
    )

    uscc: Uscc
    name: Name
    short_names: ShortNames = Field(default_factory=list, description="简称")
    size_class: SizeClass
    industry: Industry
    town: str | None = Town
    flags: Flags = Field(default_factory=Flags)
    employees: int | None = Field(None, ge=0, le=10_000_000, description="从业人数")
    revenue: float | None = Field(None, ge=0, le=1e10, description="上年营业收入（万元）")
    contacts: list[Contact] = Field(default_factory=list, max_length=10)
    commissioner_id: Slug | None = None


class EnterprisePatch(PatchBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"version": 1, "town": "洋口镇", "size_class": "above_100m"}]
        }
    )
    nullable = frozenset({"town", "commissioner_id", "employees", "revenue"})

    name: Name | None = None
    short_names: ShortNames | None = None
    size_class: SizeClass | None = None
    industry: Industry | None = None
    town: str | None = Town
    flags: Flags | None = None
    contacts: list[Contact] | None = Field(None, max_length=10)
    commissioner_id: Slug | None = None
    employees: int | None = Field(None, ge=0, le=10_000_000)
    revenue: float | None = Field(None, ge=0, le=1e10)


class EnterpriseQuery(PageQuery):
    q: str | None = Field(
        None,
        min_length=1,
        max_length=search.QUERY_MAX,
        description="名称的任意部分、简称、拼音首字母或全拼、信用代码的 4 位以上片段 (1–50 "
        "characters: any part of the name, a short name, pinyin initials or full pinyin, 4+ "
        "characters of the credit code), best first: exact, start, part, pinyin",
    )
    phone: Phone | None = Field(
        None,
        description="来电号码：enterprises whose contacts, or whose earlier calls, used it",
    )
    size_class: SizeClass | None = Field(None, description="规模 (filter)")
    industry: Industry | None = Field(None, description="行业 (filter)")
    town: str | None = Field(None, min_length=1, max_length=50, description="镇/街道 (filter)")
    commissioner_id: Slug | None = Field(None, description="服务专员 (filter)")
    key_tech: bool | None = Field(None, description="重点科技型企业 (filter: true/false)")
    major_project: bool | None = Field(None, description="省市重大项目 (filter: true/false)")
    page: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="第几页 (1-based, with the filters or sort: a page of `limit` items; not "
        "with cursor)",
    )
    sort: Literal["name", "recent", "uscc"] | None = Field(
        None,
        description="name: 按名称拼音；recent: 最近更新在前；uscc: 信用代码. Without it: "
        "best match first with q, credit-code order otherwise",
    )

    def browsing(self) -> bool:
        """Whether the register list's filters or order are asked for."""
        return any(getattr(self, f) is not None for f in BROWSE_FIELDS)


#: The register list's filters and order (企业管理), in the order a refusal names them.
BROWSE_FIELDS = (
    "size_class",
    "industry",
    "town",
    "commissioner_id",
    "key_tech",
    "major_project",
    "sort",
    "page",
)


class EnterpriseList(Page[Enterprise]):
    """A page as the searches answer it (no count)."""


class EnterprisePage(EnterpriseList):
    """The list's answer: ``total`` is there only with the register list's filters or
    ``sort``; the plain list and the searches answer ``{items, next_cursor}`` as before."""

    response_may_omit: ClassVar[frozenset[str]] = frozenset({"total"})

    total: int | None = Field(
        None,
        description="共 N 条：how many match in all (given with the filters or sort; with q "
        "counted among the first 1,000 matches)",
    )


SEARCHERS = [Role.OPERATOR, Role.COMMISSIONER, Role.ADMIN, Role.SUPERVISOR]


def _path_uscc(value: str) -> str:
    """A credit code in a path: anything invalid cannot name an enterprise (404)."""
    try:
        return normalize_uscc(value)
    except InvalidCreditCode:
        raise NotFound("enterprise_not_found", uscc=value) from None


@api.route(
    "/enterprises",
    summary="查找企业（名称、简称、拼音、信用代码片段或来电号码）",
    query=EnterpriseQuery,
    response=EnterprisePage,
    roles=SEARCHERS,
)
def list_enterprises(ctx: Ctx, query: EnterpriseQuery) -> EnterpriseList:
    """Enterprises in credit-code order; with any of the register list's filters or
    ``sort`` (企业管理), those admitted in that order with ``total`` (共 N 条), counted over
    the search snapshot, not the table (docs/search.md "Browsing"); with ``q``, those
    matching it best first (exact, start, part, pinyin; docs/search.md), a write found
    within seconds; with ``phone``,
    those whose contacts or earlier calls used the number (contacts first, then the latest
    call's). ``q`` and ``phone`` do not go together. Contacts' phones masked for
    supervisors (``138****5678``)."""
    if query.q is not None and query.phone is not None:
        raise ValidationFailed.one("phone", "search_one_term")
    if query.phone is not None and query.browsing():
        raise ValidationFailed.one(
            next(f for f in BROWSE_FIELDS if getattr(query, f) is not None), "search_one_term"
        )
    if query.browsing():
        q = None
        if query.q is not None:
            q = query.q.strip()
            if not search.query_key(q):
                raise ValidationFailed.one("q", "string_too_short", min_length=1)
        how = search.Browse(
            size_class=query.size_class.value if query.size_class else None,
            industry=query.industry.value if query.industry else None,
            town=query.town,
            commissioner_id=query.commissioner_id,
            key_tech=query.key_tech,
            major_project=query.major_project,
            sort=query.sort or ("relevance" if q is not None else "uscc"),
        )
        if query.page is not None and query.cursor:
            raise ValidationFailed.one("page", "search_one_term")
        offset = (query.page - 1) * query.limit if query.page is not None else None
        found, nxt, total = store.browse(how, q, query.limit, query.cursor, offset)
        return EnterprisePage(
            items=[present_enterprise(Enterprise.model_validate(i), ctx.user.role) for i in found],
            next_cursor=nxt,
            total=total,
        )
    if query.phone is not None:
        if query.cursor:
            raise ValidationFailed.one("cursor", "cursor_invalid")
        items, nxt = store.by_phone(query.phone, query.limit), None
    elif query.q is not None:
        q = query.q.strip()
        if not search.query_key(q):
            raise ValidationFailed.one("q", "string_too_short", min_length=1)
        items, nxt = store.find(q, query.limit, query.cursor)
    else:
        items, nxt = store.listing(query.limit, query.cursor)
    # without the filters the answer is as before: {items, next_cursor}
    return EnterpriseList(
        items=[present_enterprise(Enterprise.model_validate(i), ctx.user.role) for i in items],
        next_cursor=nxt,
    )


@api.route(
    "/enterprises/{uscc}",
    summary="企业详情",
    response=Enterprise,
    roles=[*STAFF_ROLES, Role.ENTERPRISE],
    errors=(404,),
)
def get_enterprise(ctx: Ctx, uscc: str) -> Enterprise:
    """Operators, commissioners, the service centre and supervisors read any enterprise; an
    enterprise user reads only its own; a department user only an enterprise one of whose
    appeals was transferred to its department (a part for it, open or done). Any other is a
    404, as if it did not exist. Contacts' phones are masked (``138****5678``) for
    departments and supervisors."""
    code = _path_uscc(uscc)
    if not _may_read(ctx.user, code):
        raise NotFound("enterprise_not_found", uscc=code)
    return present_enterprise(Enterprise.model_validate(store.get(code)), ctx.user.role)


def _may_read(user: User, uscc: str) -> bool:
    """Whether ``user`` may read the enterprise with this (valid) credit code; decided
    before the record is read, so a refusal and an unknown code look the same."""
    if user.role == Role.ENTERPRISE:
        return user.enterprise_uscc == uscc
    if user.role == Role.DEPARTMENT:
        return user.department_id is not None and store.transferred_to(uscc, user.department_id)
    return user.role in STAFF_ROLES


@api.route(
    "/enterprises",
    "POST",
    summary="登记企业",
    request=EnterpriseCreate,
    response=Enterprise,
    status=201,
    roles=[Role.ADMIN],
    errors=(409,),
)
def create_enterprise(ctx: Ctx, body: EnterpriseCreate) -> Created:
    """Register an enterprise; a known credit code is 409 ``already_exists``."""
    record = store.create(body.model_dump(mode="json"), ctx.user.actor())
    return Created(Enterprise.model_validate(record), location=f"/api/v1/enterprises/{body.uscc}")


@api.route(
    "/enterprises/{uscc}",
    "PATCH",
    summary="修改企业信息",
    request=EnterprisePatch,
    response=Enterprise,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def update_enterprise(ctx: Ctx, uscc: str, body: EnterprisePatch) -> Enterprise:
    """Change fields under ``version``; a stale version is 409 ``version_conflict``."""
    record = store.update(_path_uscc(uscc), body.changes(), body.version, ctx.user.actor())
    return Enterprise.model_validate(record)


@api.route(
    "/enterprises/{uscc}/history",
    summary="企业画像：诉求、申报、融资需求与服务专员",
    response=EnterpriseHistory,
    roles=SEARCHERS,
    errors=(404,),
)
def enterprise_history(ctx: Ctx, uscc: str) -> EnterpriseHistory:
    """The enterprise's history in one answer (企业画像): the enterprise, the commissioner
    serving it (named, or the one routing gives it; null: triage), and short summaries of
    its newest appeals — unfinished first (received and processing, then replied), each
    group newest first —, project applications and financing needs. Operators,
    commissioners, the service centre and supervisors (contacts' phones masked for
    supervisors); an unknown or malformed credit code is a 404."""
    found = services.history(_path_uscc(uscc), clock.now())
    shown = present_enterprise(found.enterprise, ctx.user.role)
    return found.model_copy(update={"enterprise": shown})
