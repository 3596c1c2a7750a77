"""Financing (R1.5): the banks' products, and an enterprise's financing need — an appeal of
category financing, routed, timed and escalated like any other — with the products that
suit it suggested to the commissioner and the enterprise.

A product suits a need when the amount and the term fall in the product's ranges and the
enterprise meets the product's eligibility conditions (the same conditions as a policy's);
each check is a reason in words, so a commissioner can say why."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.domain.models import Enterprise, Strict, Timestamp
from chalicelib.domain.policies import Conditions, match


class FinancingNeed(Strict):
    """What an enterprise asks for: amount, term and purpose (kept on the appeal)."""

    amount: float = Field(gt=0, le=1_000_000, description="万元")
    term_months: int = Field(ge=1, le=360)
    purpose: str = Field(min_length=1, max_length=1000, description="资金用途")


class Product(BaseModel):
    """A bank's financial product (金融产品)."""

    id: str
    bank: str
    name: str
    rate_min: float = Field(description="年化利率下限（%）")
    rate_max: float = Field(description="年化利率上限（%）")
    term_min: int = Field(description="期限下限（月）")
    term_max: int = Field(description="期限上限（月）")
    amount_min: float = Field(description="额度下限（万元）")
    amount_max: float = Field(description="额度上限（万元）")
    conditions: Conditions
    conditions_text: str
    description: str | None = None
    active: bool = True
    version: int
    created_at: Timestamp
    updated_at: Timestamp


class ProductFields(Strict):
    """What an administrator writes of a product (ranges checked in order)."""

    bank: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=100)
    rate_min: float = Field(ge=0, le=36)
    rate_max: float = Field(ge=0, le=36)
    term_min: int = Field(ge=1, le=360)
    term_max: int = Field(ge=1, le=360)
    amount_min: float = Field(ge=0, le=1_000_000)
    amount_max: float = Field(gt=0, le=1_000_000)
    conditions: Conditions = Field(default_factory=Conditions)
    description: str | None = Field(None, min_length=1, max_length=2000)
    active: bool = True


#: A product's ranges: (lower end, upper end); the API refuses an upper end below the lower.
RANGES = (("rate_min", "rate_max"), ("term_min", "term_max"), ("amount_min", "amount_max"))


class Suggestion(BaseModel):
    product: Product
    reasons: list[str] = Field(description="why it suits: 「额度 50–500 万元」「期限 ≤36 个月」…")


def _n(x: float) -> str:
    return f"{x:g}"


def suits(p: Product, need: FinancingNeed, e: Enterprise) -> tuple[bool, list[str], list[str]]:
    """Whether product ``p`` suits ``need`` of enterprise ``e``: (suits, why it suits, what
    does not fit), each in words."""
    reasons: list[str] = []
    failed: list[str] = []
    amount = f"额度 {_n(p.amount_min)}–{_n(p.amount_max)} 万元"
    (reasons if p.amount_min <= need.amount <= p.amount_max else failed).append(amount)
    term = f"期限 {p.term_min}–{p.term_max} 个月"
    (reasons if p.term_min <= need.term_months <= p.term_max else failed).append(term)
    eligible = match(p.conditions, e)
    reasons += [r.text for r in eligible.reasons]
    failed += [r.text for r in eligible.failed]
    return p.active and not failed, reasons, failed


def suggestions(products: list[Product], need: FinancingNeed, e: Enterprise) -> list[Suggestion]:
    """The active products that suit, the lowest rate first."""
    out = []
    for p in products:
        ok, reasons, _ = suits(p, need, e)
        if ok:
            out.append(Suggestion(product=p, reasons=reasons))
    out.sort(key=lambda s: (s.product.rate_min, s.product.rate_max, s.product.id))
    return out


def appeal_text(need: FinancingNeed) -> tuple[str, str]:
    """The financing appeal's title and content, as the commissioner reads them."""
    title = f"融资需求：{_n(need.amount)} 万元，{need.term_months} 个月"
    content = (
        f"融资金额：{_n(need.amount)} 万元\n期限：{need.term_months} 个月\n资金用途：{need.purpose}"
    )
    return title, content
