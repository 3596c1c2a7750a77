"""Policies (R1.2) and matching them to enterprises (R1.3).

A policy carries declarative eligibility conditions: industries, size classes, towns (each
empty = any), flags the enterprise must have (重点科技型企业, 省市重大项目) and numeric ranges on
what the register keeps (从业人数, 上年营业收入). ``match`` says whether an enterprise meets every
condition, why (each condition it met, in words: 「行业：工业」) and, when it does not, which
conditions it failed — a *near miss* when it failed exactly one.

A policy's life (docs/policies.md): a *draft* (the service centre's alone; it may be deleted)
is *published* once (public, pushed, matched); a published policy may be *withdrawn*
(撤回/废止) with a reason: out of the catalogue, matching and pushing, its page still
readable and saying when and why. A withdrawal is final — a policy that comes back is a new
policy — and a withdrawn policy no longer changes. The rules of each change are here
(``withdraw``, ``add_attachments``, ``edit_interpretation`` …); handlers only call them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal, TypeVar

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.domain.codes import LABELS_ZH, Industry, SizeClass
from chalicelib.domain.models import Actor, Enterprise, Strict, Timestamp
from chalicelib.domain.uploads import Attachment
from chalicelib.domain.windows import Window
from chalicelib.errors import FieldError, InvalidTransition, NotFound, ValidationFailed

T = TypeVar("T")

TITLE_MAX = 200
#: A body of 30,000 characters (about 90 KB in UTF-8) keeps the policy, its audit entry
#: (old and new text of a change) and its interpretations within DynamoDB's 400 KB item.
BODY_MAX = 30_000
#: Interpretations one policy holds (each up to 5,000 characters: one DynamoDB item).
MAX_INTERPRETATIONS = 10
#: Files one policy keeps (the signed document, its forms): a few hundred bytes each.
MAX_ATTACHMENTS = 20
#: A withdrawal's reason, shown on the policy's page.
REASON_MAX = 500


class Range(Strict):
    """An inclusive range; either end may be open."""

    min: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError("min_above_max", "min is above max")
        return self

    def holds(self, value: float | None) -> bool | None:
        """True/False, or None when the enterprise's value is not kept (unknown)."""
        if value is None:
            return None
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def words(self, unit: str) -> str:
        def n(x: float) -> str:
            return f"{x:g}"

        if self.min is not None and self.max is not None:
            return f"{n(self.min)}–{n(self.max)}{unit}"
        if self.min is not None:
            return f"≥{n(self.min)}{unit}"
        return f"≤{n(self.max or 0)}{unit}"


class Conditions(Strict):
    """Who a policy is for; every list empty and nothing else set: every enterprise."""

    industries: list[Industry] = Field(default_factory=list, max_length=5)
    size_classes: list[SizeClass] = Field(default_factory=list, max_length=3)
    towns: list[str] = Field(default_factory=list, max_length=40)
    key_tech: bool = Field(False, description="only 重点科技型企业")
    major_project: bool = Field(False, description="only 省市重大项目 enterprises")
    employees: Range | None = Field(None, description="从业人数")
    revenue: Range | None = Field(None, description="上年营业收入（万元）")


class Reason(BaseModel):
    """One condition as matched or failed: a code for the SPA, words for people."""

    condition: Literal[
        "industry", "size_class", "town", "key_tech", "major_project", "employees", "revenue"
    ]
    text: str = Field(description="「行业：工业」")


class Match(BaseModel):
    matched: bool
    reasons: list[Reason] = Field(description="conditions met (none for a policy for everyone)")
    failed: list[Reason] = Field(description="conditions not met, or not known of it")

    @property
    def near_miss(self) -> bool:
        return not self.matched and len(self.failed) == 1


def _names(values: list[str]) -> str:
    return "、".join(LABELS_ZH.get(v, v) for v in values)


def match(c: Conditions, e: Enterprise) -> Match:
    """Does enterprise ``e`` meet conditions ``c``? With the reasons, both ways."""
    met: list[Reason] = []
    failed: list[Reason] = []

    def check(condition: str, ok: bool | None, met_text: str, failed_text: str) -> None:
        reason = Reason.model_validate(
            {"condition": condition, "text": met_text if ok else failed_text}
        )
        (met if ok else failed).append(reason)

    if c.industries:
        check(
            "industry",
            e.industry in c.industries,
            f"行业：{LABELS_ZH[e.industry]}",
            f"行业须为{_names(list(c.industries))}",
        )
    if c.size_classes:
        check(
            "size_class",
            e.size_class in c.size_classes,
            f"规模：{LABELS_ZH[e.size_class]}",
            f"规模须为{_names(list(c.size_classes))}",
        )
    if c.towns:
        check("town", e.town in c.towns, f"乡镇：{e.town}", f"乡镇须为{'、'.join(c.towns)}")
    if c.key_tech:
        check("key_tech", e.flags.key_tech, "重点科技型企业", "须为重点科技型企业")
    if c.major_project:
        check("major_project", e.flags.major_project, "省市重大项目", "须有省市重大项目")
    for condition, rng, value, label, unit in (
        ("employees", c.employees, e.employees, "从业人数", "人"),
        ("revenue", c.revenue, e.revenue, "营业收入", "万元"),
    ):
        if rng is None:
            continue
        holds = rng.holds(value)
        unknown = "（未登记）" if holds is None else ""
        check(
            condition,
            holds,
            f"{label}：{rng.words(unit)}",
            f"{label}须为{rng.words(unit)}{unknown}",
        )
    return Match(matched=not failed, reasons=met, failed=failed)


def summary(c: Conditions) -> str:
    """The conditions in words (「行业：工业；规模：规上」, or 「所有企业」)."""
    parts = []
    if c.industries:
        parts.append(f"行业：{_names(list(c.industries))}")
    if c.size_classes:
        parts.append(f"规模：{_names(list(c.size_classes))}")
    if c.towns:
        parts.append(f"乡镇：{'、'.join(c.towns)}")
    if c.key_tech:
        parts.append("重点科技型企业")
    if c.major_project:
        parts.append("省市重大项目")
    if c.employees:
        parts.append(f"从业人数：{c.employees.words('人')}")
    if c.revenue:
        parts.append(f"营业收入：{c.revenue.words('万元')}")
    return "；".join(parts) or "所有企业"


class Interpretation(BaseModel):
    """解读: a plain-language reading of the policy, by the service centre or its issuer."""

    id: str
    title: str
    body: str
    author: str = Field(description="who wrote it (a department, or the service centre)")
    published_at: Timestamp
    published_by: Actor
    updated_at: Timestamp | None = Field(None, description="last changed, if ever")
    updated_by: Actor | None = None


class Withdrawal(BaseModel):
    """撤回/废止: when, by whom and why a published policy was withdrawn."""

    at: Timestamp
    by: Actor
    reason: str


Status = Literal["draft", "published", "withdrawn"]


class Policy(BaseModel):
    """A policy document (政策) as published."""

    id: str
    title: str
    issuer: str = Field(description="issuing department（发文单位）")
    doc_number: str | None = Field(None, description="文号，e.g. 东政发〔2026〕12号")
    summary: str | None = None
    body: str
    effective_from: date
    expires_on: date | None = Field(None, description="last day in force; null: no end")
    conditions: Conditions
    conditions_text: str = Field(description="the conditions in words")
    status: Status = Field(
        description="draft (service centre only), published (public), withdrawn（撤回："
        "its page still readable, out of the catalogue and matching）"
    )
    published_at: Timestamp | None = None
    interpretations: list[Interpretation] = Field(default_factory=list)
    attachments: list[Attachment] = Field(
        default_factory=list, description="the signed document, forms: public with the policy"
    )
    withdrawal: Withdrawal | None = Field(None, description="set once withdrawn")
    push_job_id: str | None = Field(None, description="the push to matching enterprises")
    application: Window | None = Field(
        None, description="the application window（申报）, when the policy takes applications"
    )
    expired: bool = Field(False, description="past its last day (still readable)")
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    def is_expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today


def search_text(p: Policy) -> str:
    """What a keyword search looks in: title, issuer, document number, summary, the
    conditions in words and the interpretations' titles (lower-cased)."""
    parts = [p.title, p.issuer, p.doc_number or "", p.summary or "", p.conditions_text]
    parts += [i.title for i in p.interpretations]
    return " ".join(parts).lower()


def shown(found: list[tuple[T, Match]], when: Callable[[T], str]) -> list[tuple[T, Match]]:
    """What "policies for you" shows of ``(policy, match)`` pairs: the matches, newest first
    (``when``: a policy's publication time), then the near misses (one condition failed),
    newest first; nothing else."""
    matched = [f for f in found if f[1].matched]
    near = [f for f in found if f[1].near_miss]

    def newest(pairs: list[tuple[T, Match]]) -> list[tuple[T, Match]]:
        return sorted(pairs, key=lambda f: when(f[0]), reverse=True)

    return newest(matched) + newest(near)


# --- the policy's life: who reads it, what may change -------------------------------------


def is_public(p: Policy) -> bool:
    """Whether anyone may read the policy (and download its files) without signing in: a
    published policy, and a withdrawn one — links sent to inboxes earlier still answer, and
    say it was withdrawn. A draft does not exist for the public."""
    return p.status in ("published", "withdrawn")


def ensure_changeable(p: Policy) -> None:
    """A withdrawn policy is a record of what was withdrawn: it no longer changes (409)."""
    if p.status == "withdrawn":
        raise InvalidTransition("policy_withdrawn", id=p.id)


def ensure_deletable(p: Policy) -> None:
    """Only a draft may be deleted (nobody outside the service centre has seen it); a
    published policy is withdrawn instead, so what was public stays on record."""
    if p.status != "draft":
        raise InvalidTransition("policy_not_draft", id=p.id)


def publish(p: Policy, push_job_id: str, at: str) -> Policy:
    """Publish a draft (once): public, in the catalogue, pushed by the job ``push_job_id``.
    A published policy is not published again, nor a withdrawn one (409)."""
    if p.status == "published":
        raise InvalidTransition("policy_already_published", id=p.id)
    ensure_changeable(p)
    return p.model_copy(
        update={
            "status": "published",
            "published_at": at,
            "push_job_id": push_job_id,
            "updated_at": at,
        }
    )


def withdraw(p: Policy, reason: str, by: Actor, at: str) -> Policy:
    """Withdraw a published policy (撤回/废止) with its reason. A draft is deleted instead,
    a withdrawn policy stays withdrawn (409 either way)."""
    if p.status == "withdrawn":
        raise InvalidTransition("policy_already_withdrawn", id=p.id)
    if p.status != "published":
        raise InvalidTransition("policy_not_published", id=p.id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.one("reason", "missing")
    return p.model_copy(
        update={
            "status": "withdrawn",
            "withdrawal": Withdrawal(at=at, by=by, reason=reason),
            "updated_at": at,
        }
    )


def add_attachments(p: Policy, kept: list[Attachment], at: str) -> Policy:
    """The policy with more files; at most ``MAX_ATTACHMENTS`` in all, none kept twice
    (400 naming ``attachments`` or ``attachments.{i}``)."""
    ensure_changeable(p)
    check_new_attachments(p, [a.id for a in kept])
    return p.model_copy(update={"attachments": [*p.attachments, *kept], "updated_at": at})


def check_new_attachments(p: Policy, upload_ids: list[str]) -> None:
    """What is wrong with adding these uploads to the policy, before they are read from the
    bucket: too many in all, or one the policy keeps already."""
    if len(p.attachments) + len(upload_ids) > MAX_ATTACHMENTS:
        raise ValidationFailed.one("attachments", "too_many_attachments", max=MAX_ATTACHMENTS)
    have = {a.id for a in p.attachments}
    again = [
        FieldError(f"attachments.{i}", "attachment_duplicate")
        for i, upload_id in enumerate(upload_ids)
        if upload_id in have
    ]
    if again:
        raise ValidationFailed(again)


def attachment(p: Policy, attachment_id: str) -> Attachment:
    """One of the policy's files, or 404."""
    for a in p.attachments:
        if a.id == attachment_id:
            return a
    raise NotFound("attachment_not_found", id=attachment_id[:40])


def remove_attachment(p: Policy, attachment_id: str, at: str) -> Policy:
    """The policy without one of its files (its object stays in the bucket, no longer
    linked)."""
    ensure_changeable(p)
    gone = attachment(p, attachment_id)
    return p.model_copy(
        update={"attachments": [a for a in p.attachments if a.id != gone.id], "updated_at": at}
    )


def add_interpretation(p: Policy, item: Interpretation, at: str) -> Policy:
    """The policy with one more interpretation (at most ``MAX_INTERPRETATIONS``)."""
    ensure_changeable(p)
    if len(p.interpretations) >= MAX_INTERPRETATIONS:
        raise ValidationFailed.one("title", "too_many_interpretations", max=MAX_INTERPRETATIONS)
    return p.model_copy(update={"interpretations": [*p.interpretations, item], "updated_at": at})


def _interpretation(p: Policy, interpretation_id: str) -> Interpretation:
    for i in p.interpretations:
        if i.id == interpretation_id:
            return i
    raise NotFound("interpretation_not_found", id=interpretation_id[:40])


def edit_interpretation(
    p: Policy, interpretation_id: str, changes: dict[str, str], by: Actor, at: str
) -> Policy:
    """The policy with one interpretation changed (``title``, ``body``, ``author``), marked
    when and by whom; its first publication stays as it was."""
    ensure_changeable(p)
    old = _interpretation(p, interpretation_id)
    new = old.model_copy(update={**changes, "updated_at": at, "updated_by": by})
    readings = [new if i.id == old.id else i for i in p.interpretations]
    return p.model_copy(update={"interpretations": readings, "updated_at": at})


def remove_interpretation(p: Policy, interpretation_id: str, at: str) -> Policy:
    """The policy without one interpretation (withdrawn: the audit trail keeps its text)."""
    ensure_changeable(p)
    gone = _interpretation(p, interpretation_id)
    readings = [i for i in p.interpretations if i.id != gone.id]
    return p.model_copy(update={"interpretations": readings, "updated_at": at})
