"""Filing a new appeal (R1.6, R2): an enterprise's web filing (an appeal or a financing
need) and a hotline call, each routed and timed at once and written with its case number
in one transaction: read → decide → write, again on what is there after a lost race."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.appeal import duplicates
from chalicelib.domain.appeal.decision import Directory
from chalicelib.domain.appeals import (
    CASE_NUMBER,
    Appeal,
    FinancingRequest,
    Party,
    TimelineEvent,
    answer_on_call,
    case_number,
    new_appeal,
)
from chalicelib.domain.codes import Category, Channel, Urgency
from chalicelib.domain.models import User
from chalicelib.domain.routing import Profile, route
from chalicelib.domain.rules import Rules
from chalicelib.domain.uploads import Attachment
from chalicelib.errors import (
    ArticlesUnavailable,
    Forbidden,
    NotFound,
    ReferenceMissing,
    VersionConflict,
)
from chalicelib.services import knowledge
from chalicelib.store import appeals as store
from chalicelib.store import db
from chalicelib.store import knowledge as knowledge_store

#: How often a filing is decided again after losing a race (for its number, its key, or a
#: commissioner who went inactive) before the caller is asked to retry (503 ``counter_busy``).
_ATTEMPTS = 8


@dataclass(frozen=True)
class Filing:
    """What was filed, by whichever channel."""

    channel: Channel
    category: Category
    title: str
    content: str
    urgency: Urgency
    caller_phone: str | None = None
    enterprise_name: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    financing: FinancingRequest | None = None
    external_ref: str | None = None
    #: a consultation answered on the call (直接答复): the answer, and the articles it cites
    answer: str | None = None
    answer_articles: tuple[str, ...] = ()
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Filed:
    """The appeal filed (or, for a replayed idempotency key, the one filed before)."""

    appeal: Appeal
    events: list[TimelineEvent]
    created: bool


def file_for_enterprise(
    user: User,
    filing: Filing,
    claim: store.IdempotencyClaim | None,
    now: datetime,
    rules: Rules,
) -> Filed:
    """A web filing by the user's own enterprise; a user bound to none, or to an enterprise
    no longer registered, may not file (403 ``enterprise_unbound``)."""
    if not user.enterprise_uscc:
        raise Forbidden("enterprise_unbound")
    return _file(user, filing, user.enterprise_uscc, claim, now, rules, registered_only=True)


def take_call(
    user: User,
    filing: Filing,
    uscc: str | None,
    claim: store.IdempotencyClaim,
    now: datetime,
    rules: Rules,
) -> Filed:
    """A hotline call: a registered ``uscc`` makes it that enterprise's appeal (its
    commissioner's); any other caller's goes to the service centre's triage queue."""
    return _file(user, filing, uscc, claim, now, rules, registered_only=False)


def repeat_call(
    user: User,
    appeal_id: str,
    filing: Filing,
    claim: store.IdempotencyClaim,
    now: datetime,
) -> Filed:
    """A call about an appeal not yet closed (``repeat_of``): a ``repeat_call`` event on it,
    nothing created; the key's claim is written with the event, so a retry replays it. An
    unknown case number is ``ReferenceMissing`` naming ``repeat_of``."""
    for _attempt in range(_ATTEMPTS):
        replay = store.read_claim(claim)
        if replay is not None:
            return Filed(*replay, created=False)
        try:
            if not CASE_NUMBER.match(appeal_id):
                raise NotFound("appeal_not_found", id=appeal_id)
            appeal, events = store.load(appeal_id)
        except NotFound:
            raise ReferenceMissing("repeat_of", appeal_id) from None
        decision = duplicates.repeat_call(appeal, filing.content, filing.channel, user, now)
        try:
            store.record(appeal, decision, claim=claim)
        except (store.ClaimTaken, VersionConflict):
            continue  # a retry of this call won, or the appeal changed: read again
        return Filed(decision.appeal, [*events, decision.event], created=False)
    raise store.Busy("counter_busy")


def _file(
    user: User,
    filing: Filing,
    uscc: str | None,
    claim: store.IdempotencyClaim | None,
    now: datetime,
    rules: Rules,
    *,
    registered_only: bool,
) -> Filed:
    reserved: int | None = None
    if filing.answer_articles:  # each cited article published (ArticlesUnavailable if not)
        knowledge.check_published(filing.answer_articles)
    checks = [knowledge_store.published_check(a) for a in filing.answer_articles]
    for attempt in range(_ATTEMPTS):
        read = store.read_for_intake(now, uscc, claim)
        if read.replay is not None:
            return Filed(*read.replay, created=False)
        if registered_only and read.enterprise is None:  # the user's enterprise record is gone
            raise Forbidden("enterprise_unbound")
        number = reserved if reserved is not None else read.counter + 1
        appeal, filed = _decide(user, filing, case_number(now, number), read, now, rules)
        more = []
        if filing.answer is not None:
            more = answer_on_call(appeal, filing.answer, list(filing.answer_articles), user, now)
        try:
            store.write_new(
                appeal, filed, read, claim, numbered=reserved is None, more=more, checks=checks
            )
        except store.CheckFailed as failed:  # an article retired since it was checked
            cited = filing.answer_articles[failed.index]
            raise ArticlesUnavailable((failed.index,), (cited,)) from None
        except store.NumberTaken:
            reserved = store.reserve_number(read.day)
        except (store.ClaimTaken, store.RoutedOnStale):
            pass  # read again: a replay, or the directory afresh
        except db.TransactionConflict:
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311 (jitter)
        else:
            return Filed(appeal, [filed, *more], created=True)
    raise store.Busy("counter_busy")


def _decide(
    user: User,
    filing: Filing,
    number: str,
    read: store.IntakeRead,
    now: datetime,
    rules: Rules,
) -> tuple[Appeal, TimelineEvent]:
    """The new appeal: its party, routed (R2.1) and timed (R3) at once."""
    enterprise: dict[str, Any] | None = read.enterprise
    found: Directory = read.directory
    if enterprise is not None:
        party = Party(
            uscc=enterprise["uscc"],
            name=enterprise["name"],
            caller_phone=filing.caller_phone,
            size_class=enterprise["size_class"],
            industry=enterprise["industry"],
            town=enterprise.get("town") or None,
        )
        profile = Profile(
            size_class=enterprise["size_class"],
            industry=enterprise["industry"],
            commissioner_id=enterprise.get("commissioner_id"),
        )
        chosen = route(profile, found.commissioners.values())
    else:
        party = Party(uscc=None, name=filing.enterprise_name, caller_phone=filing.caller_phone)
        chosen = route(None, ())
    appeal, filed = new_appeal(
        appeal_id=number,
        channel=filing.channel,
        party=party,
        category=filing.category,
        title=filing.title,
        content=filing.content,
        urgency=filing.urgency,
        route=chosen,
        filed_by=user,
        now=now,
        rules=rules,
        contact_name=filing.contact_name,
        contact_phone=filing.contact_phone,
    )
    appeal.financing = filing.financing
    appeal.external_ref = filing.external_ref
    appeal.attachments = list(filing.attachments)
    return appeal, filed
