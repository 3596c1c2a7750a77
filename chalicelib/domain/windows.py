"""A policy's application window (申报窗口, R1.4): when applications are taken, the materials
each must carry, and who reviews them. Kept on the policy (``Policy.application``); the
applications themselves are ``domain/applications.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.clock import iso
from chalicelib.domain.codes import LABELS_ZH, Role
from chalicelib.domain.models import Instant, Strict, Timestamp
from chalicelib.errors import FieldError, ValidationFailed

#: Materials a window may ask for.
MAX_MATERIALS = 20


class Material(Strict):
    """One material (申报材料) a window asks for."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,29}$", description="e.g. business_plan")
    name: str = Field(min_length=1, max_length=100, description="e.g. 项目可行性研究报告")
    description: str | None = Field(None, max_length=500)
    required: bool = True


class WindowSet(Strict):
    """An application window as the service centre sets it on a policy."""

    version: int = Field(ge=1, description="the policy's")
    opens_at: Instant
    closes_at: Instant = Field(description="applications are refused from this moment")
    materials: list[Material] = Field(min_length=1, max_length=MAX_MATERIALS)
    reviewer_department_id: str | None = Field(
        None, max_length=64, description="the department that reviews; null: the service centre"
    )
    instructions: str | None = Field(None, max_length=2000, description="申报说明")


class Window(BaseModel):
    """A policy's application window (申报窗口)."""

    opens_at: Timestamp
    closes_at: Timestamp
    materials: list[Material]
    reviewer_department_id: str | None = None
    reviewer_name: str = Field(description="who reviews, in words")
    instructions: str | None = None


def check_window(body: WindowSet) -> None:
    """A window closes after it opens, and names each material once."""
    problems = []
    if body.closes_at <= body.opens_at:
        problems.append(FieldError("closes_at", "closes_before_opens"))
    seen: set[str] = set()
    for i, m in enumerate(body.materials):
        if m.id in seen:
            problems.append(FieldError(f"materials.{i}.id", "material_duplicate"))
        seen.add(m.id)
    if problems:
        raise ValidationFailed(problems)


def window_state(w: Window, now: datetime) -> Literal["not_open", "open", "closed"]:
    """Whether applications are taken at ``now``: from ``opens_at`` until before
    ``closes_at``."""
    return period_state(w.opens_at, w.closes_at, now)


def period_state(
    opens_at: str, closes_at: str, now: datetime
) -> Literal["not_open", "open", "closed"]:
    """The state at ``now`` of a period from ``opens_at`` until before ``closes_at``."""
    at = _instant(iso(now))
    if at < _instant(opens_at):
        return "not_open"
    if at >= _instant(closes_at):
        return "closed"
    return "open"


def _instant(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


def reviewer_name(department_name: str | None) -> str:
    """Who reviews, in words: the reviewing department, or else the service centre."""
    return department_name or LABELS_ZH[Role.ADMIN]
