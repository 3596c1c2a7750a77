"""Financing (R1.5): the banks' products, listed and filtered for every signed-in user and
kept by the service centre; an enterprise's financing need, filed as an appeal of category
financing (routed, timed and escalated like any other) with the products that suit it
suggested to the enterprise and its commissioner."""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api import appeals as appeal_api
from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.api.schemas import PatchBody
from chalicelib.domain.appeals import FinancingRequest, can_read
from chalicelib.domain.codes import Category, Role, Urgency
from chalicelib.domain.financing import (
    RANGES,
    FinancingNeed,
    Product,
    ProductFields,
    Suggestion,
    appeal_text,
    suggestions,
)
from chalicelib.domain.models import Enterprise, Name, Phone
from chalicelib.domain.policies import Conditions, summary
from chalicelib.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.store import appeals as appeal_store
from chalicelib.store import enterprises as enterprise_store
from chalicelib.store import financing as store

api = Api(__name__, "financing")


class ProductQuery(PageQuery):
    amount: float | None = Field(None, gt=0, description="万元：products whose range holds it")
    term_months: int | None = Field(None, ge=1, le=360)
    bank: str | None = Field(None, max_length=100, description="the bank's name contains it")
    include_inactive: bool = Field(False, description="admins: also withdrawn products")


class ProductPage(Page[Product]):
    pass


class ProductCreate(ProductFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bank": "如东农村商业银行",
                    "name": "科技贷",
                    "rate_min": 3.45,
                    "rate_max": 4.2,
                    "term_min": 6,
                    "term_max": 36,
                    "amount_min": 50,
                    "amount_max": 1000,
                    "conditions": {"key_tech": True},
                    "description": "面向科技型中小企业的信用贷款，无需抵押。",
                }
            ]
        }
    )


class ProductPatch(PatchBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "active": False}]})
    nullable = frozenset({"description"})

    bank: str | None = Field(None, min_length=1, max_length=100)
    name: str | None = Field(None, min_length=1, max_length=100)
    rate_min: float | None = Field(None, ge=0, le=36)
    rate_max: float | None = Field(None, ge=0, le=36)
    term_min: int | None = Field(None, ge=1, le=360)
    term_max: int | None = Field(None, ge=1, le=360)
    amount_min: float | None = Field(None, ge=0, le=1_000_000)
    amount_max: float | None = Field(None, gt=0, le=1_000_000)
    conditions: Conditions | None = None
    description: str | None = Field(None, min_length=1, max_length=2000)
    active: bool | None = None


def _products(include_inactive: bool = False) -> list[Product]:
    found = [Product.model_validate(p) for p in store.every()]
    return [p for p in found if p.active or include_inactive]


def _ordered_ranges(data: dict[str, Any]) -> None:
    """A product's ranges low ≤ high (400 naming the upper end)."""
    for low, high in RANGES:
        if data[low] > data[high]:
            raise ValidationFailed.one(high, "range_order")


@api.route("/financing/products", summary="金融产品", query=ProductQuery, response=ProductPage)
def list_products(ctx: Ctx, query: ProductQuery) -> ProductPage:
    """Products by bank and name; ``amount`` and ``term_months`` keep those whose ranges
    hold them. One page: a county lists tens of products."""
    include = query.include_inactive and ctx.user.role == Role.ADMIN
    found = [
        p
        for p in _products(include)
        if (query.amount is None or p.amount_min <= query.amount <= p.amount_max)
        and (query.term_months is None or p.term_min <= query.term_months <= p.term_max)
        and (not query.bank or query.bank in p.bank)
    ]
    found.sort(key=lambda p: (p.bank, p.name, p.id))
    return ProductPage(items=found, next_cursor=None)


@api.route(
    "/financing/products",
    "POST",
    summary="新增金融产品",
    request=ProductCreate,
    response=Product,
    status=201,
    roles=[Role.ADMIN],
)
def create_product(ctx: Ctx, body: ProductCreate) -> Created:
    data = body.model_dump(mode="json")
    _ordered_ranges(data)
    data["id"] = f"fp-{secrets.token_hex(4)}"
    data["conditions_text"] = summary(body.conditions)
    record = store.products.create(data, ctx.user.actor())
    return Created(Product.model_validate(record), f"/api/v1/financing/products/{data['id']}")


@api.route(
    "/financing/products/{product_id}",
    "PATCH",
    summary="修改金融产品",
    request=ProductPatch,
    response=Product,
    roles=[Role.ADMIN],
    errors=(404, 409),
)
def update_product(ctx: Ctx, product_id: str, body: ProductPatch) -> Product:
    current = store.products.get(product_id)
    changes = body.changes()
    merged = {**current, **changes}
    _ordered_ranges(merged)
    if "conditions" in changes:
        changes["conditions_text"] = summary(Conditions.model_validate(changes["conditions"]))
    record = store.products.update(product_id, changes, body.version, ctx.user.actor())
    return Product.model_validate(record)


# --- financing needs ----------------------------------------------------------------------


class NeedCreate(FinancingNeed):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"amount": 300, "term_months": 12, "purpose": "采购原材料，扩大生产"}]
        }
    )
    contact_name: Name | None = None
    contact_phone: Phone | None = None


class Suggestions(BaseModel):
    items: list[Suggestion] = Field(description="the products that suit, the lowest rate first")
    next_cursor: None = None


def _suggest(need: FinancingRequest, uscc: str | None) -> Suggestions:
    if not uscc:
        return Suggestions(items=[])  # a caller not registered: no profile to match
    enterprise = Enterprise.model_validate(enterprise_store.get(uscc))
    wanted = FinancingNeed(amount=need.amount, term_months=need.term_months, purpose=need.purpose)
    return Suggestions(items=suggestions(_products(), wanted, enterprise))


@api.route(
    "/financing/needs",
    "POST",
    summary="提交融资需求",
    request=NeedCreate,
    response=appeal_api.AppealResponse,
    status=201,
    roles=[Role.ENTERPRISE],
    errors=(422,),
    headers=(appeal_api.WEB_KEY,),
    also=appeal_api.REPLAY,
)
def file_need(ctx: Ctx, body: NeedCreate) -> Created:
    """A financing need becomes an appeal of category ``financing`` (routed and timed like
    any other) that keeps the amount, term and purpose; its suitable products are at
    ``GET /api/v1/appeals/{id}/products``."""
    if not ctx.user.enterprise_uscc:
        raise Forbidden("enterprise_unbound")
    title, content = appeal_text(body)
    need = FinancingRequest(amount=body.amount, term_months=body.term_months, purpose=body.purpose)
    return appeal_api.file_for_enterprise(
        ctx,
        category=Category.FINANCING,
        title=title,
        content=content,
        urgency=Urgency.NORMAL,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        financing=need,
    )


@api.route(
    "/appeals/{appeal_id}/products",
    summary="适合该融资需求的金融产品",
    response=Suggestions,
    errors=(404,),
)
def appeal_products(ctx: Ctx, appeal_id: str) -> Suggestions:
    """For a financing need: the active products whose amount and term ranges hold it and
    whose conditions the enterprise meets, each with why; for the appeal's readers."""
    appeal, _ = appeal_store.load(appeal_id)
    if not can_read(ctx.user, appeal):
        raise NotFound("appeal_not_found", id=appeal_id)
    if appeal.financing is None:
        return Suggestions(items=[])
    return _suggest(appeal.financing, appeal.enterprise.uscc)
