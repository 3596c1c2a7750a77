"""Webhooks of call-centre service accounts (API.md "Hand-back to 12345 (回传)"): the service
centre registers, lists and removes them and reads each one's delivery log. The secret is
never returned, not even in the 201. The rules are in ``domain/webhooks.py``, the sending in
``jobs/webhooks.py`` (run by the outbox job)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.domain import webhooks as rules
from chalicelib.domain.codes import Role
from chalicelib.domain.models import Actor, Strict, Timestamp, Username
from chalicelib.errors import ValidationFailed
from chalicelib.services import webhooks as services
from chalicelib.store import webhooks as store

api = Api(__name__, "webhooks")
ADMINS = [Role.ADMIN]

Secret = Annotated[
    str,
    Field(
        min_length=16,
        max_length=256,
        pattern=r"^[\x21-\x7e]+$",
        description="shared secret of the HMAC signature (printable ASCII, no spaces); "
        "never returned",
    ),
]


class WebhookCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "callcenter-12345",
                    "url": "https://12345.rudong.gov.cn/xqt/handback",
                    "secret": "a-long-random-shared-secret",
                }
            ]
        }
    )

    username: Username = Field(description="a service account (service_account: true)")
    url: str = Field(
        min_length=1,
        max_length=rules.URL_MAX,
        description="https to a public address (the local stage also http://127.0.0.1)",
    )
    secret: Secret


class Webhook(BaseModel):
    """A webhook as shown: never its secret."""

    id: str
    username: str
    url: str
    version: int
    created_at: Timestamp
    created_by: Actor | None = None


class WebhookPage(Page[Webhook]):
    pass


class Delivery(BaseModel):
    """One event told to one webhook: pending (tried again at ``next_attempt_at``),
    sending, delivered, or dead (tried for 24 hours and more without a 2xx)."""

    id: str
    event_id: str
    appeal_id: str
    type: str = Field(description="the timeline event's type")
    status: Literal["pending", "sending", "delivered", "dead"]
    attempts: int = Field(description="tries made")
    last_status: int | None = Field(None, description="the receiver's last HTTP status")
    last_error: str | None = None
    created_at: Timestamp = Field(description="when the event happened")
    tried_at: Timestamp | None = None
    next_attempt_at: Timestamp | None = None
    delivered_at: Timestamp | None = None
    dead_at: Timestamp | None = None


class DeliveryPage(Page[Delivery]):
    pass


@api.route(
    "/webhooks",
    "POST",
    summary="登记回传地址（webhook）",
    request=WebhookCreate,
    response=Webhook,
    status=201,
    roles=ADMINS,
)
def create_webhook(ctx: Ctx, body: WebhookCreate) -> Created:
    """A webhook for a call-centre service account: every later step of the appeals it
    posted (API.md) is POSTed to ``url``, signed with ``secret``. An unknown user or a
    person's account is a 400 naming ``username``; a URL that is not https (deployed), or
    resolves to a private, loopback or link-local address, a 400 naming ``url``."""
    try:
        hook = services.register(ctx.user, body.username, body.url, body.secret)
    except services.UnknownAccount:
        raise ValidationFailed.one("username", "user_not_found", username=body.username) from None
    except services.NotServiceAccount:
        raise ValidationFailed.one("username", "not_service_account") from None
    except rules.UnsafeUrl as refused:
        raise ValidationFailed.one("url", refused.code) from None
    return Created(Webhook.model_validate(hook), f"/api/v1/webhooks/{hook['id']}")


@api.route("/webhooks", summary="回传地址列表", query=PageQuery, response=WebhookPage, roles=ADMINS)
def list_webhooks(ctx: Ctx, query: PageQuery) -> WebhookPage:
    """Every webhook, the newest first."""
    items, nxt = store.page(query.limit, query.cursor)
    return WebhookPage(items=[Webhook.model_validate(i) for i in items], next_cursor=nxt)


@api.route(
    "/webhooks/{webhook_id}", summary="回传地址详情", response=Webhook, roles=ADMINS, errors=(404,)
)
def get_webhook(ctx: Ctx, webhook_id: str) -> Webhook:
    return Webhook.model_validate(store.get(webhook_id))


@api.route(
    "/webhooks/{webhook_id}",
    "DELETE",
    summary="删除回传地址",
    response=Webhook,
    roles=ADMINS,
    errors=(404,),
)
def delete_webhook(ctx: Ctx, webhook_id: str) -> Webhook:
    """Remove a webhook: nothing more is written for it; its log stays readable, and what
    was still pending is dead-lettered."""
    return Webhook.model_validate(store.delete(webhook_id, ctx.user.actor()))


@api.route(
    "/webhooks/{webhook_id}/deliveries",
    summary="回传投递记录",
    query=PageQuery,
    response=DeliveryPage,
    roles=ADMINS,
    errors=(404,),
)
def list_deliveries(ctx: Ctx, webhook_id: str, query: PageQuery) -> DeliveryPage:
    """A webhook's deliveries, the newest event first (the body is not shown)."""
    items, nxt = store.deliveries(webhook_id, query.limit, query.cursor)
    if not items and query.cursor is None:
        store.get(webhook_id)  # 404 for a webhook that never existed (a deleted one: empty)
    return DeliveryPage(items=[Delivery.model_validate(i) for i in items], next_cursor=nxt)
