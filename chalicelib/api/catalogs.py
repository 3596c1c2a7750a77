"""Commissioners with their coverage (R3.1) and departments: created and changed by the
service centre, read by every signed-in user."""

from __future__ import annotations

import secrets

from pydantic import ConfigDict, Field

from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.api.schemas import PatchBody
from chalicelib.domain.codes import CommissionerKind, Role
from chalicelib.domain.models import (
    Commissioner,
    Coverage,
    Department,
    Email,
    Name,
    Phone,
    Slug,
    Strict,
)
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
                    "name": "李娜(小微企业服务专员)",
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
        json_schema_extra={"examples": [{"id": "tax", "name": "县税务局", "phone": "051384100000"}]}
    )

    id: Slug | None = Field(None, description="omitted: generated")
    name: Name
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
    active: bool | None = None


class DepartmentPage(Page[Department]):
    pass


@api.route(
    "/commissioners",
    summary="服务专员与行业专班(含服务范围)",
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


@api.route("/departments", summary="职能部门", query=PageQuery, response=DepartmentPage)
def list_departments(ctx: Ctx, query: PageQuery) -> DepartmentPage:
    """Departments in id order."""
    items, nxt = departments.page(query.limit, query.cursor)
    return DepartmentPage(items=[Department.model_validate(i) for i in items], next_cursor=nxt)


@api.route("/departments/{department_id}", summary="部门详情", response=Department, errors=(404,))
def get_department(ctx: Ctx, department_id: str) -> Department:
    return Department.model_validate(departments.get(department_id))


@api.route(
    "/departments",
    "POST",
    summary="新增职能部门",
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
    record = departments.update(department_id, body.changes(), body.version, ctx.user.actor())
    return Department.model_validate(record)
