"""The monthly joint meeting job (R4.4), run daily: from the first working day of a month it
drafts the month's meeting and flags the month before if no meeting was recorded in it
(``services.meetings.open_month``). Before the first working day it does nothing (``force``
runs it anyway)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.rules import Rules
from chalicelib.logs import logger
from chalicelib.services import meetings


def run(now: datetime, rules: Rules, force: bool = False) -> dict[str, Any]:
    summary = meetings.open_month(now, rules, force)
    logger.info("monthly meeting", extra=summary)
    return summary
