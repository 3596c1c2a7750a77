"""Every user's inbox: what happened to the appeals they work on or wait for, unread first
counted, and marked read one by one or all at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from chalicelib import clock
from chalicelib.api.contract import Api, Ctx, Page, PageQuery
from chalicelib.domain.models import Strict
from chalicelib.domain.notifications import Notification, audience_of
from chalicelib.store import notifications as store

api = Api(__name__, "inbox")


class InboxPage(Page[Notification]):
    unread: int = Field(description="notifications not yet read")


class MarkRead(Strict):
    ids: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=100
    )
    all: bool = Field(False, description="everything up to now")


@api.route("/inbox", summary="我的消息", query=PageQuery, response=InboxPage)
def inbox(ctx: Ctx, query: PageQuery) -> InboxPage:
    """The caller's notifications, newest first, with the unread count."""
    items, nxt, unread = store.page(
        audience_of(ctx.user), ctx.user.username, query.limit, query.cursor
    )
    return InboxPage(items=items, next_cursor=nxt, unread=unread)


@api.route("/inbox/read", "POST", summary="标记已读", request=MarkRead, response=InboxPage)
def mark_read(ctx: Ctx, body: MarkRead) -> InboxPage:
    """Mark the given notifications read, or ``all`` of them up to now."""
    until = clock.iso(clock.now() - timedelta(seconds=1)) + "~" if body.all else None
    store.mark_read(ctx.user.username, body.ids, until, audience_of(ctx.user))
    return inbox(ctx, PageQuery())
