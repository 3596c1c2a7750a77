"""Routing (R3.2): who owns a new appeal.

The order, one rule per step:

1. the enterprise's named commissioner, if that commissioner is active;
2. else the active commissioners whose coverage takes in the enterprise's size class and
   industry — a size-class commissioner (服务专员) before an industry task team (专班), since
   the seed makes the commissioner the one who "对接相关服务专班和职能部门"; among equals the
   narrowest coverage, then the lowest id, so the choice never depends on storage order;
3. else nobody: the service centre's triage queue. Callers the platform does not know
   (no registered credit code) always land there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.codes import CommissionerKind, Industry, SizeClass
from chalicelib.domain.models import Coverage


class RouteReason(StrEnum):
    NAMED = "named"  # the enterprise's own commissioner
    COVERAGE = "coverage"  # covers its size class and industry
    TRIAGE = "triage"  # nobody covers it: the service centre decides
    UNKNOWN_CALLER = "unknown_caller"  # not a registered enterprise: the service centre decides


@dataclass(frozen=True)
class Candidate:
    """A commissioner as routing sees it."""

    id: str
    name: str
    kind: CommissionerKind
    coverage: Coverage
    active: bool = True
    email: str | None = None


@dataclass(frozen=True)
class Profile:
    """What routing needs to know of an enterprise."""

    size_class: SizeClass
    industry: Industry
    commissioner_id: str | None = None


@dataclass(frozen=True)
class Route:
    """The owner chosen (``None``: the triage queue) and why."""

    commissioner: Candidate | None
    reason: RouteReason


def _breadth(coverage: Coverage) -> int:
    """How much a coverage takes in (an empty list takes in every value)."""
    sizes = len(coverage.size_classes) or len(SizeClass)
    industries = len(coverage.industries) or len(Industry)
    return sizes * industries


def route(enterprise: Profile | None, commissioners: Iterable[Candidate]) -> Route:
    """The owner of a new appeal of ``enterprise`` (``None``: an unknown caller)."""
    if enterprise is None:
        return Route(None, RouteReason.UNKNOWN_CALLER)
    active = [c for c in commissioners if c.active]
    for candidate in active:
        if candidate.id == enterprise.commissioner_id:
            return Route(candidate, RouteReason.NAMED)
    covering = [c for c in active if c.coverage.covers(enterprise.size_class, enterprise.industry)]
    if not covering:
        return Route(None, RouteReason.TRIAGE)
    best = min(
        covering,
        key=lambda c: (c.kind != CommissionerKind.SIZE_CLASS, _breadth(c.coverage), c.id),
    )
    return Route(best, RouteReason.COVERAGE)
