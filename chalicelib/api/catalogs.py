"""Commissioners with their coverage (R3.1) and departments: created and changed by the
service centre, read by every signed-in user."""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.api.schemas import PatchBody
from chalicelib.domain.codes import Category, CommissionerKind, Role, UnitKind
from chalicelib.domain.models import (
    RESPONSIBILITIES_MAX,
    Commissioner,
    Coverage,
    Department,
    Email,
    Name,
    Phone,
    Responsibility,
    Slug,
    Strict,
)
from chalicelib.services import units as unit_service
from chalicelib.store.commissioners import commissioners
from chalicelib.store.departments import departments

api = Api(__name__, "catalogs")


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


class CommissionerCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c-small-micro-2",
                    "name": "李娜（小微企业服务专员）",
                    "kind": "size_class",
                    "coverage": {"size_classes": ["small_micro"], "industries": []},
                    "phone": "13900001111",
                }
            ]
        }
    )

    id: Slug | None = Field(None, description="omitted: generated")
    name: Name
    kind: CommissionerKind
    coverage: Coverage = Field(default_factory=Coverage)
    phone: Phone | None = None
    email: Email | None = None
    active: bool = True


class CommissionerPatch(PatchBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "active": False}]})
    nullable = frozenset({"phone", "email"})

    name: Name | None = None
    kind: CommissionerKind | None = None
    coverage: Coverage | None = None
    phone: Phone | None = None
    email: Email | None = None
    active: bool | None = None


class CommissionerPage(Page[Commissioner]):
    pass


class DepartmentCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "tax", "name": "县税务局", "phone": "051384100000"},
                {"id": "town-juegang", "name": "掘港街道", "kind": "town"},
            ]
        }
    )

    id: Slug | None = Field(None, description="omitted: generated")
    name: Name
    kind: UnitKind = Field(UnitKind.DEPARTMENT, description="department, or town（区镇）; fixed")
    phone: Phone | None = None
    email: Email | None = None
    active: bool = True


class DepartmentPatch(PatchBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "name": "县自然资源和规划局"}]}
    )
    nullable = frozenset({"phone", "email"})

    name: Name | None = None
    phone: Phone | None = None
    email: Email | None = None
    active: bool | None = Field(
        None, description="false: deactivate; refused (409) while the unit holds open parts"
    )

    @model_validator(mode="before")
    @classmethod
    def _kind_is_fixed(cls, data: Any) -> Any:
        # a unit's kind is set at creation: say so, rather than "unknown field"
        if isinstance(data, dict) and "kind" in data:
            raise PydanticCustomError("immutable", "set at creation only", {"field": "kind"})
        return data


class DepartmentListed(Department):
    covers: bool | None = Field(
        None,
        description="with `category`: whether the unit's responsibility list covers it; "
        "null without",
    )


class DepartmentPage(Page[DepartmentListed]):
    pass


class DepartmentQuery(PageQuery):
    category: Category | None = Field(
        None,
        description="an appeal category: the units whose responsibility list covers it come "
        "first (ordered, not filtered), each with `covers`",
    )


class ResponsibilitiesPut(Strict):
    """A unit's whole responsibility list (责任清单), replacing the one it had."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 3,
                    "items": [
                        {"category": "land", "matters": "建设用地报批、土地供应、不动产登记"},
                        {"category": "project", "matters": "规划许可与规划条件核定"},
                    ],
                }
            ]
        }
    )

    version: int = Field(ge=1, description="the unit's version, as read")
    items: list[Responsibility] = Field(max_length=RESPONSIBILITIES_MAX)


@api.route(
    "/commissioners",
    summary="服务专员与行业专班（含服务范围）",
    query=PageQuery,
    response=CommissionerPage,
)
def list_commissioners(ctx: Ctx, query: PageQuery) -> CommissionerPage:
    """Commissioners in id order, each with the size classes and industries it covers."""
    items, nxt = commissioners.page(query.limit, query.cursor)
    return CommissionerPage(items=[Commissioner.model_validate(i) for i in items], next_cursor=nxt)


@api.route(
    "/commissioners/{commissioner_id}", summary="服务专员详情", response=Commissioner, errors=(404,)
)
def get_commissioner(ctx: Ctx, commissioner_id: str) -> Commissioner:
    return Commissioner.model_validate(commissioners.get(commissioner_id))


@api.route(
    "/commissioners",
    "POST",
    summary="新增服务专员或行业专班",
    request=CommissionerCreate,
    response=Commissioner,
    status=201,
    roles=[Role.ADMIN],
    errors=(409,),
)
def create_commissioner(ctx: Ctx, body: CommissionerCreate) -> Created:
    data = body.model_dump(mode="json")
    data["id"] = body.id or _new_id("c")
    record = commissioners.create(data, ctx.user.actor())
    return Created(Commissioner.model_validate(record), f"/api/v1/commissioners/{data['id']}")


@api.route(
    "/commissioners/{commissioner_id}",
    "PATCH",
    summary="修改服务专员",
    request=CommissionerPatch,
    response=Commissioner,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def update_commissioner(ctx: Ctx, commissioner_id: str, body: CommissionerPatch) -> Commissioner:
    record = commissioners.update(commissioner_id, body.changes(), body.version, ctx.user.actor())
    return Commissioner.model_validate(record)


@api.route(
    "/departments",
    summary="各地各部门（职能部门与区镇）",
    query=DepartmentQuery,
    response=DepartmentPage,
)
def list_departments(ctx: Ctx, query: DepartmentQuery) -> DepartmentPage:
    """Units (departments and towns) in id order; with ``category``, those whose
    responsibility list covers it first."""
    if query.category is None:
        items, nxt = departments.page(query.limit, query.cursor)
        return DepartmentPage(
            items=[DepartmentListed.model_validate(i) for i in items], next_cursor=nxt
        )
    rows, nxt = unit_service.ordered_page(query.category, query.limit, query.cursor)
    return DepartmentPage(
        items=[DepartmentListed.model_validate({**u, "covers": c}) for u, c in rows],
        next_cursor=nxt,
    )


@api.route(
    "/departments/{department_id}",
    summary="单位详情（部门或区镇）",
    response=Department,
    errors=(404,),
)
def get_department(ctx: Ctx, department_id: str) -> Department:
    return Department.model_validate(departments.get(department_id))


@api.route(
    "/departments",
    "POST",
    summary="新增职能部门或区镇",
    request=DepartmentCreate,
    response=Department,
    status=201,
    roles=[Role.ADMIN],
    errors=(409,),
)
def create_department(ctx: Ctx, body: DepartmentCreate) -> Created:
    data = body.model_dump(mode="json")
    data["id"] = body.id or _new_id("d")
    record = departments.create(data, ctx.user.actor())
    return Created(Department.model_validate(record), f"/api/v1/departments/{data['id']}")


@api.route(
    "/departments/{department_id}",
    "PATCH",
    summary="修改职能部门",
    request=DepartmentPatch,
    response=Department,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def update_department(ctx: Ctx, department_id: str, body: DepartmentPatch) -> Department:
    record = unit_service.update(department_id, body.changes(), body.version, ctx.user.actor())
    return Department.model_validate(record)


@api.route(
    "/departments/{department_id}/responsibilities",
    "PUT",
    summary="设置单位责任清单",
    request=ResponsibilitiesPut,
    response=Department,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def put_responsibilities(ctx: Ctx, department_id: str, body: ResponsibilitiesPut) -> Department:
    """Replace a unit's responsibility list (责任清单) under the unit's version; audited as
    ``responsibilities``."""
    items = [i.model_dump(mode="json") for i in body.items]
    record = unit_service.set_responsibilities(department_id, items, body.version, ctx.user.actor())
    return Department.model_validate(record)
