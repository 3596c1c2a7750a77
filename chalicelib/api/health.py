"""Liveness for load balancers and the local stack's start-up check."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from chalicelib import clock
from chalicelib.api.contract import Api
from chalicelib.config import settings

api = Api(__name__, "meta")


class Health(BaseModel):
    status: Literal["ok"]
    stage: str
    now: str


@api.route("/health", summary="健康检查", public=True, response=Health)
def health(ctx: Any) -> Health:
    """The app is up; ``now`` is the business clock (Beijing time)."""
    return Health(status="ok", stage=settings().stage, now=clock.iso(clock.now()))
