"""The monthly joint meeting job (R4.4): from the first working day of a month it drafts the
month's meeting (once) with every open level-2 appeal, and flags the month before (once) if
no meeting was recorded in it. It runs daily; before the first working day it does nothing
(``force`` runs it anyway)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import BEIJING, iso, real_now
from chalicelib.domain import meetings
from chalicelib.domain.notifications import ADMINS
from chalicelib.domain.rules import Rules
from chalicelib.logs import logger
from chalicelib.store import appeals, notifications
from chalicelib.store import meetings as store


def run(now: datetime, rules: Rules, force: bool = False) -> dict[str, Any]:
    month = meetings.month_of(now)
    today = now.astimezone(BEIJING).date()
    if not force and today < meetings.first_working_day(month, rules.calendar):
        return {"month": month, "drafted": 0, "agenda": 0, "flagged": 0}
    # from the first working day on, until done: a run that failed is made up the next day,
    # and a draft admins have edited is never touched again
    existing = store.find(month)
    drafted = meetings.draft(month, appeals.level_two(), None) if existing is None else None
    saved = store.save(None, drafted, None) if drafted is not None else existing
    previous = meetings.previous_month(month)
    before = store.find(previous)
    missed = meetings.flag_missed(previous, before, now)
    if missed is not None:
        store.save(before, missed, None)
        # the service centre hears of it at once (the reports count it too, issue 7)
        notifications.put(
            ADMINS,
            "meeting_missed",
            previous,  # the SPA words it from the kind, in the reader's language
            iso(now),
            int(real_now().timestamp()),
            month=previous,
        )
    summary = {
        "month": month,
        "drafted": int(drafted is not None),
        "agenda": len(saved.agenda) if saved else 0,
        "flagged": int(missed is not None),
    }
    logger.info("monthly meeting", extra=summary)
    return summary
