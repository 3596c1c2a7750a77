"""The local stack's EventBridge: each ``@app.schedule`` function called with the event AWS
sends, on its rate or its cron expression, and each ``@app.on_sqs_message`` handler fed
batches from its queue by a poller — the same entry points Lambda calls.

Rates tick on real time (``XQT_LOCAL_RATE_SECONDS`` shortens every rate, for tests and demos).
Cron expressions are matched against the business clock (``chalicelib.clock``), so moving
the dev clock to 09:00 Beijing on a month's first working day runs the monthly jobs, once,
as the deployed rule would; a clock moved back is not replayed.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT = "000000000000"
REGION = "us-east-1"
#: How often cron expressions are checked against the business clock (seconds).
CRON_CHECK_SECONDS = 5.0
#: A clock moved forward further than this is looked at over its last stretch only.
_MAX_SCAN = timedelta(days=35)

_DAY_NAMES = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MONTH_NAMES = {
    name: i
    for i, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}


def scheduled_event(rule: str, when: datetime) -> dict[str, Any]:
    """The event EventBridge gives a scheduled Lambda (every field Chalice's
    ``CloudWatchEvent`` reads; ``time`` is the scheduled time in UTC)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/xingqitong-local-{rule}"],
        "detail": {},
    }


def rate_seconds(expression: Any, override: float | None = None) -> float:
    """Seconds between runs of a Chalice ``Rate`` (``override`` replaces every rate)."""
    if override:
        return override
    unit = str(expression.unit).lower().rstrip("s")
    return float(expression.value) * {"minute": 60, "hour": 3600, "day": 86400}[unit]


def _field(
    spec: Any, low_bound: int, high_bound: int, names: dict[str, int] | None = None
) -> Callable[[int], bool]:
    """One field of an AWS cron expression: ``*``, ``?``, numbers, names, lists, ranges and
    steps (``0/15``, ``MON-FRI``, ``1,15``)."""
    text = str(spec).upper()
    if text in ("*", "?"):
        return lambda _v: True

    def number(token: str) -> int:
        return names[token] if names and token in names else int(token)

    allowed: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            low, high = low_bound, high_bound
        elif "-" in base:
            first, last = base.split("-", 1)
            low, high = number(first), number(last)
        else:
            low = number(base)
            high = high_bound if step_text else low
        allowed.update(range(low, high + 1, step))
    return lambda v: v in allowed


def cron_matches(cron: Any, when: datetime) -> bool:
    """Whether a Chalice ``Cron`` (evaluated in UTC, as EventBridge does) fires at the minute
    of ``when``."""
    at = when.astimezone(UTC)
    aws_weekday = (at.isoweekday() % 7) + 1  # AWS: 1 = Sunday … 7 = Saturday
    return (
        _field(cron.minutes, 0, 59)(at.minute)
        and _field(cron.hours, 0, 23)(at.hour)
        and _field(cron.day_of_month, 1, 31)(at.day)
        and _field(cron.month, 1, 12, _MONTH_NAMES)(at.month)
        and _field(cron.day_of_week, 1, 7, _DAY_NAMES)(aws_weekday)
        and _field(cron.year, 1970, 2199)(at.year)
    )


def cron_fired(cron: Any, after: datetime, until: datetime) -> datetime | None:
    """The last minute in (``after``, ``until``] at which ``cron`` fires, if any."""
    minute = until.astimezone(UTC).replace(second=0, microsecond=0)
    first = max(after, until - _MAX_SCAN)
    while minute > first:
        if cron_matches(cron, minute):
            return minute
        minute -= timedelta(minutes=1)
    return None


def start(
    app_module: Any,
    stop: threading.Event,
    business_now: Callable[[], datetime],
    poll: Callable[[str, Callable[[dict[str, Any]], Any]], Any],
    rate_override: float | None = None,
) -> list[threading.Thread]:
    """A thread per event source of ``app_module.app``: a poller per queue handler (``poll``
    receives one batch and hands it to the handler), a ticker per rate, a cron watcher per
    cron expression. Returns the started threads; ``stop`` ends them."""
    threads = []
    for source in app_module.app.event_sources:
        handler = getattr(app_module, source.handler_string.rsplit(".", 1)[-1])
        if hasattr(source, "queue"):
            threads.append(_thread(f"poll-{source.name}", _poller, handler, source, stop, poll))
            continue
        expression = source.schedule_expression
        if hasattr(expression, "unit"):
            every = rate_seconds(expression, rate_override)
            threads.append(
                _thread(f"rate-{source.name}", _ticker, handler, source.name, every, stop)
            )
        else:
            threads.append(
                _thread(
                    f"cron-{source.name}",
                    _cron_watcher,
                    handler,
                    source.name,
                    expression,
                    business_now,
                    min(CRON_CHECK_SECONDS, rate_override or CRON_CHECK_SECONDS),
                    stop,
                )
            )
    for thread in threads:
        thread.start()
    return threads


def _thread(name: str, target: Callable[..., None], *args: Any) -> threading.Thread:
    return threading.Thread(target=target, args=args, name=name, daemon=True)


def _call(handler: Any, rule: str, when: datetime) -> None:
    from chalicelib.logs import logger

    try:
        handler(scheduled_event(rule, when), None)  # as Lambda calls it: (event, context)
    except Exception:  # the next tick tries again; the error is in the log
        logger.exception("local scheduler", extra={"job": rule})


def _ticker(handler: Any, rule: str, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        _call(handler, rule, datetime.now(UTC))


def _cron_watcher(
    handler: Any,
    rule: str,
    cron: Any,
    business_now: Callable[[], datetime],
    every: float,
    stop: threading.Event,
) -> None:
    seen = business_now()
    while not stop.wait(every):
        now = business_now()
        if now < seen:  # the clock was moved back: start watching from there
            seen = now
            continue
        fired = cron_fired(cron, seen, now)
        seen = now
        if fired is not None:
            _call(handler, rule, fired)


def _poller(
    handler: Any,
    source: Any,
    stop: threading.Event,
    poll: Callable[[str, Callable[[dict[str, Any]], Any]], Any],
) -> None:
    from chalicelib.logs import logger

    while not stop.is_set():
        try:
            poll(source.queue, lambda event: handler(event, None))
        except Exception:  # keep polling; the error is in the log
            logger.exception("local poller", extra={"queue": source.queue})
            stop.wait(1)
