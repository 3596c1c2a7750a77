"""The app's one business clock.

Everything that reads "now" for business purposes (intake times, deadlines, sweeps, audit
times) calls :func:`now`. On the local stack the dev route ``POST /api/v1/dev/clock`` moves it
by setting an offset, so the clock keeps ticking from the time set. Token validation does not
use it: tokens are checked against real time.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

_lock = threading.Lock()
_offset = timedelta(0)


def real_now() -> datetime:
    """The machine's time, UTC."""
    return datetime.now(UTC)


def now() -> datetime:
    """Business time, UTC, timezone-aware."""
    return real_now() + _offset


def set_now(when: datetime | None) -> datetime:
    """Move business time to ``when`` (``None`` resets to real time); returns the new now."""
    global _offset
    with _lock:
        _offset = timedelta(0) if when is None else when - real_now()
    return now()


def to_beijing(when: datetime) -> datetime:
    """The same instant on Beijing's wall clock (+08:00), as people read it."""
    return when.astimezone(BEIJING)


def iso(when: datetime) -> str:
    """ISO 8601 with the Beijing offset, to the second (``2026-10-08T23:59:59+08:00``)."""
    return to_beijing(when).isoformat(timespec="seconds")
