"""Public progress (进度查询, no account): what anyone holding a case number and the phone
on the appeal may read of it, whether a phone given matches, and the throttle that keeps
the lookup from becoming a way to guess either (API.md "Public progress (no account)").

- What is shown: the status, category and the times (filed, due, replied, closed, how it
  closed) and the steps as ``{type, at}`` — no names, phones, content or replies. A step is
  listed only where its type is in :data:`PUBLIC_STEPS` (an enterprise sees every step of
  its own appeals; the public lookup shows those that tell progress, not the handling's
  internal bookkeeping).
- Who may look: a phone that, normalised as intake normalises it
  (:func:`~chalicelib.domain.models.normalized_phone`), is the appeal's contact or caller
  phone. Anything else — a wrong phone, an unknown or malformed case number — is one and the
  same refusal.
- The throttle: failed tries are remembered per case number and per client address for an
  hour; past :class:`Limits` the lookup is refused (429) until enough of them are an hour
  old, whether or not the phone is right. A success takes nothing away.
"""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass

from pydantic import BaseModel, Field

from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import CASE_NUMBER, Appeal, TimelineEvent
from chalicelib.domain.codes import Category, ClosedAs, Status
from chalicelib.domain.models import Timestamp, normalized_phone

#: Whether the public lookup lists a step of each type. Every type is named (an explicit
#: ``False`` counts; tests/unit/test_event_tables.py holds the table to it); only types an
#: enterprise sees may be ``True``.
PUBLIC_STEPS: dict[EventType, bool] = {
    EventType.FILED: True,
    EventType.ACCEPT: True,
    EventType.ACCEPT_PART: False,  # a department signing for its part: the handling's own affair
    EventType.TRANSFER: True,
    EventType.DEPARTMENT_REPLY: True,
    EventType.RETURN: False,  # a department handing its part back: the handling's own affair
    EventType.REPLY: True,
    EventType.CONFIRM: True,
    EventType.CALLBACK: True,
    EventType.REASSIGN: True,
    EventType.SET_URGENCY: True,
    EventType.REQUEST_EXTENSION: False,  # asked, not decided
    EventType.APPROVE_EXTENSION: True,  # the deadline moved
    EventType.REJECT_EXTENSION: False,
    EventType.ESCALATE: False,  # recorded as escalated
    EventType.ESCALATED: True,
    EventType.SUPERVISE: True,
    EventType.REPORT_COMPLETION: False,
    EventType.ACCEPT_COMPLETION: False,
    EventType.REJECT_COMPLETION: False,
    EventType.WARNED: False,  # a reminder to staff
    EventType.MARKED_OVERDUE: True,
    EventType.AUTO_CLOSED: True,
    EventType.DEADLINE_RECOMPUTED: True,
    EventType.SUPERVISION_OVERDUE: False,
    EventType.SIGN_OVERDUE: False,  # staff's own timeliness
    EventType.PART_WARNED: False,
    EventType.PART_OVERDUE: False,
    EventType.MERGE: True,  # closed: merged into the appeal about the same problem
    EventType.VOID: True,  # closed: an invalid order
    EventType.REPEAT_CALL: True,  # the call again, noted (its words are not shown)
    EventType.MERGED: False,  # another case merged in: another caller's affair
    EventType.MERGED_REPLY: True,  # the reply of the appeal it was merged into
    EventType.CLOSED: True,  # answered on the call
    EventType.PAUSE: True,  # 挂起: the clock stopped (why is not listed)
    EventType.RESUME: True,
    EventType.PAUSE_EXPIRED: True,  # resumed at the 10-working-day limit
    EventType.SUPPLEMENT: True,  # material added (its words and files are not shown)
    EventType.WITHDRAW: True,  # closed: withdrawn by the enterprise (its reason is not shown)
    EventType.PROGRESS: False,  # a unit's internal ledger entry
}


class ProgressStep(BaseModel):
    """One step of an appeal's progress: what happened, and when."""

    type: EventType
    at: Timestamp


class PublicProgress(BaseModel):
    """An appeal's progress as anyone with its case number and phone may read it."""

    id: str = Field(description="case number（受理编号）")
    status: Status
    category: Category
    filed_at: Timestamp
    reply_due_at: Timestamp
    replied_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    closed_as: ClosedAs | None = Field(None, description="how it was closed; null while open")
    steps: list[ProgressStep] = Field(description="oldest first")


def closed_as(appeal: Appeal) -> ClosedAs | None:
    """How a closed appeal was closed (``None`` while it is not)."""
    if appeal.status != Status.CLOSED or appeal.closed_as is None:
        return None
    return appeal.closed_as


def present(appeal: Appeal, events: list[TimelineEvent]) -> PublicProgress:
    """The appeal as the public lookup shows it."""
    return PublicProgress(
        id=appeal.id,
        status=appeal.status,
        category=appeal.category,
        filed_at=appeal.created_at,
        reply_due_at=appeal.reply_due_at,
        replied_at=appeal.replied_at,
        closed_at=appeal.closed_at,
        closed_as=closed_as(appeal),
        steps=[ProgressStep(type=e.type, at=e.at) for e in events if PUBLIC_STEPS[e.type]],
    )


def case_number_of(text: str) -> str | None:
    """A case number as typed (spaces around it and lower case forgiven), or ``None`` when it
    cannot name an appeal (it then never reaches a key)."""
    value = text.strip().upper()
    return value if CASE_NUMBER.fullmatch(value) else None


def phone_matches(appeal: Appeal | None, typed: str) -> bool:
    """Whether ``typed`` is the appeal's contact or caller phone, both normalised
    (``+86 139-1234-5678`` is ``13912345678``); compared in constant time. ``None`` (no
    such appeal) matches nothing, after the same normalising."""
    given = normalized_phone(typed) or ""
    on_file = (
        [p for p in (appeal.contact_phone, appeal.enterprise.caller_phone) if p] if appeal else []
    )
    found = False
    for phone in on_file:
        kept = normalized_phone(phone) or phone
        found |= hmac.compare_digest(kept.encode(), given.encode())
    return found and bool(given)


# --- the throttle ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Failed tries allowed within ``window_seconds``: per case number, per client address."""

    per_case: int = 10
    per_client: int = 30
    window_seconds: int = 3600


LIMITS = Limits()


def windows(now_ms: int, limits: Limits = LIMITS) -> tuple[int, int]:
    """The starts (epoch seconds) of the fixed windows a failed try at ``now_ms`` may be
    kept in that still matter: the current one and the one before. Every try of the last
    ``window_seconds`` is in one of the two."""
    size = limits.window_seconds
    current = (now_ms // 1000) // size * size
    return current, current - size


def wait_seconds(tries_ms: list[int], limit: int, now_ms: int, limits: Limits = LIMITS) -> int:
    """Seconds until a subject with these failed tries (epoch milliseconds, any order, older
    ones included) may try again: 0 while fewer than ``limit`` fall within the last
    ``window_seconds``; else until enough of them are that old that fewer remain."""
    span = limits.window_seconds * 1000
    recent = sorted(t for t in tries_ms if now_ms - span < t <= now_ms)
    if len(recent) < limit:
        return 0
    # the try whose ageing out leaves limit - 1 tries in the window
    frees_at = recent[len(recent) - limit] + span
    return max(1, math.ceil((frees_at - now_ms) / 1000))
