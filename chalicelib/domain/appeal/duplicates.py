"""Repeats and duplicates (12345 practice): a repeat call (重复来电) recorded on the open
appeal it is about, a duplicate (重复工单) merged into the appeal about the same problem —
whose reply then reaches the duplicate's enterprise or caller too — and an invalid order
(无效工单) voided. Merged and void appeals count in no rate (:mod:`..reports`)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import iso
from chalicelib.domain.appeal.decision import Decision, Outcome, Step
from chalicelib.domain.appeal.events import EventType, Merge, Void
from chalicelib.domain.appeals import Appeal, Reply, TimelineEvent
from chalicelib.domain.codes import Channel, ClosedAs, Status
from chalicelib.domain.models import User
from chalicelib.errors import InvalidTransition

#: At most this many duplicates merge into one appeal: its reply reaches each of them in the
#: reply's own transaction (DynamoDB holds 100 actions in one).
MAX_MERGED = 5
#: Operators recorded on an appeal as having taken a repeat call (each may read it).
MAX_REPEAT_OPERATORS = 50


def close_before_reply(appeal: Appeal, how: ClosedAs, now: datetime) -> None:
    """Closed before anyone answered it (merged, void, withdrawn): off every deadline and
    queue, as a closed appeal is (the store's lists and the sweep's index follow its state)."""
    appeal.status = Status.CLOSED
    appeal.closed_as = how
    appeal.closed_at = iso(now)
    appeal.auto_close_at = None
    appeal.pending_extension = None


def merge(appeal: Appeal, command: Merge, step: Step) -> Outcome:
    """The duplicate's side of a merge: closed as ``merged`` into ``command.into`` (the
    master's side is :func:`absorb`, in the same transaction)."""
    if command.into == appeal.id:
        raise InvalidTransition("merge_into_itself", id=appeal.id)
    if command.into in appeal.merged_from:
        raise InvalidTransition("merge_cycle", id=command.into)
    close_before_reply(appeal, ClosedAs.MERGED, step.now)
    appeal.merged_into = command.into
    return Outcome(
        {"merged_into": command.into, "reason": command.reason, "closed_as": ClosedAs.MERGED}
    )


def void(appeal: Appeal, command: Void, step: Step) -> Outcome:
    """An invalid order closed as ``void`` with the reason."""
    close_before_reply(appeal, ClosedAs.VOID, step.now)
    return Outcome({"reason": command.reason, "closed_as": ClosedAs.VOID})


def check_target(master: Appeal, duplicate: Appeal) -> None:
    """Whether ``duplicate`` may be merged into ``master``: an appeal not closed (nor merged),
    not merged into the duplicate before, with room for one more (and the duplicate's own)."""
    if master.id == duplicate.id:
        raise InvalidTransition("merge_into_itself", id=master.id)
    if master.status == Status.CLOSED or master.merged_into is not None:
        raise InvalidTransition("merge_target_closed", id=master.id)
    if duplicate.id in master.merged_from or master.id in duplicate.merged_from:
        raise InvalidTransition("merge_cycle", id=master.id)
    if len(master.merged_from) + 1 + len(duplicate.merged_from) > MAX_MERGED:
        raise InvalidTransition("merge_limit", id=master.id, max=MAX_MERGED)


def join(closed: Decision, master: Appeal, user: User, now: datetime) -> Decision:
    """Complete a merge decided on the duplicate (``closed``, by the ``merge`` event's rules:
    who, which status, which version) after :func:`check_target`: a master replied already
    passes its reply on at once, and the master's own ``merged`` event is returned — both to
    be written in one transaction."""
    if master.reply is not None:
        closed.appeal.reply = master.reply.model_copy()
        closed.appeal.replied_at = master.replied_at
    return absorb(master, closed.appeal, user, now)


def absorb(master: Appeal, duplicate: Appeal, user: User, now: datetime) -> Decision:
    """The master's side of a merge: it lists the duplicate (and what had been merged into
    the duplicate) in ``merged_from``, with a ``merged`` event."""
    after = master.model_copy(deep=True)
    after.merged_from = [*master.merged_from, *duplicate.merged_from, duplicate.id]
    return _event(after, now, EventType.MERGED, user, merged_from=duplicate.id)


def pass_reply_on(duplicate: Appeal, master: Appeal, now: datetime) -> Decision:
    """The master's reply, passed on to a duplicate merged into it (``merged_reply``): the
    duplicate's enterprise reads it on its own appeal, its caller is texted."""
    assert master.reply is not None
    after = duplicate.model_copy(deep=True)
    after.reply = Reply.model_validate(master.reply.model_dump())
    after.replied_at = master.replied_at
    return _event(
        after,
        now,
        EventType.MERGED_REPLY,
        None,
        content=master.reply.content,
        merged_into=master.id,
    )


def repeat_call(
    appeal: Appeal, content: str, channel: Channel, user: User, now: datetime
) -> Decision:
    """A repeat call (重复来电) about an appeal not yet closed: recorded on it with the call's
    content and line, the owner told; the operator may read the appeal from then on. A
    closed appeal is 409 ``invalid_transition`` (a new problem is a new call)."""
    if appeal.status == Status.CLOSED:
        raise InvalidTransition(
            "event_not_allowed", type=EventType.REPEAT_CALL.value, status=appeal.status.value
        )
    after = appeal.model_copy(deep=True)
    after.repeat_calls += 1
    if user.username not in after.repeat_by and len(after.repeat_by) < MAX_REPEAT_OPERATORS:
        after.repeat_by.append(user.username)
    return _event(after, now, EventType.REPEAT_CALL, user, content=content, channel=channel)


def _event(
    after: Appeal, now: datetime, kind: EventType, user: User | None, **fields: object
) -> Decision:
    at = iso(now)
    after.version += 1
    after.updated_at = at
    event = TimelineEvent.model_validate(
        {
            "type": kind,
            "at": at,
            "actor": user.actor() if user else None,
            "version": after.version,
            "status": after.status,
            **fields,
        }
    )
    return Decision(after, event)
