"""Public progress (进度查询): anyone with a case number and the phone on the appeal follows
it without an account (API.md "Public progress (no account)"; docs/public-lookup.md)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Ctx
from chalicelib.domain.models import Strict
from chalicelib.domain.public import PublicProgress
from chalicelib.services import lookup

api = Api(__name__, "public")


class LookupRequest(Strict):
    """A case number and a phone, as the person typed them (any form of the number)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"case_number": "XQT-20261127-0042", "phone": "13912345678"}]
        }
    )

    case_number: str = Field(description="受理编号，e.g. XQT-20261127-0042")
    phone: str = Field(description="the appeal's contact or caller phone")


@api.route(
    "/public/lookup",
    "POST",
    summary="诉求办理进度查询（公开，凭受理编号和手机号）",
    request=LookupRequest,
    response=PublicProgress,
    public=True,
    errors=(404, 429),
)
def look_up(ctx: Ctx, body: LookupRequest) -> PublicProgress:
    """An appeal's status, times and steps — no names, phones, content or replies — for a
    case number and the appeal's contact or caller phone. A wrong phone, an unknown case
    number and a malformed one are the same 404. After 10 failed tries on one case number,
    or 30 from one client address, within the last hour: 429 with ``Retry-After``, the right
    phone included, until the hour has passed."""
    return lookup.look_up(body.case_number, body.phone, ctx.client_address, clock.real_now())
