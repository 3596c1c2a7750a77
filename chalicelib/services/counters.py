"""The home page's counters: a few counts on the caller's own lists (docs/ui.md).

Bounded reads: a range count on the sparse open-appeals index reads only what it counts; a
commissioner's or department's queue is its own partition (its open work), read once.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import counters
from chalicelib.domain.appeal.ledger import state
from chalicelib.domain.codes import Role, Status
from chalicelib.domain.counters import Counters
from chalicelib.domain.models import User
from chalicelib.store import appeals as store
from chalicelib.store import keys


def of(user: User, now: datetime) -> tuple[Counters, store.Reading]:
    """The caller's counters and what reading them cost (requests)."""
    reading = store.Reading()
    role = user.role
    out = Counters()
    if role == Role.ENTERPRISE:
        uscc = user.enterprise_uscc or keys.UNBOUND
        out.open = store.count(
            reading,
            keys.enterprise_appeals(uscc),
            filter_expression="#s IN (:r, :w)",
            names={"#s": "status"},
            values={":r": Status.RECEIVED.value, ":w": Status.PROCESSING.value},
        )
        out.awaiting_confirmation = store.count(reading, keys.enterprise_queue(uscc))
    elif role == Role.OPERATOR:
        out.awaiting_callback = store.count(reading, keys.CALLBACK_QUEUE)
    elif role == Role.COMMISSIONER:
        q = counters.of_owner(store.open_queue(reading, user), now)
        out.open, out.overdue, out.due_today = q.open, q.overdue, q.due_today
        out.awaiting_sign = q.awaiting_sign
    elif role == Role.DEPARTMENT:
        unit = user.department_id or keys.UNBOUND
        ledger = [
            (a, s)
            for _, a in store.ledger_whole(unit, ("0",), None, None)
            if (s := state(a, unit, now)) is not None
        ]
        reading.requests += 1
        u = counters.of_unit(ledger, unit)
        out.awaiting_sign, out.in_progress = u.awaiting_sign, u.in_progress
        out.due_today, out.overdue, out.supervised_open = u.due_today, u.overdue, u.supervised_open
    else:  # admin, supervisor: the whole county's open appeals
        w = counters.window(now)
        out.overdue, out.due_today = store.count_open_due(reading, now, w.end_of_today)
        if role == Role.ADMIN:
            out.triage = store.count(reading, keys.commissioner_queue(None))
            out.awaiting_callback = store.count(reading, keys.CALLBACK_QUEUE)
        else:
            out.supervised_open = store.count(reading, keys.SUPERVISED_OPEN)
    out.partial = reading.capped
    return out, reading
