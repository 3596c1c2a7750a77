"""Administrators' settings that every deadline depends on: the years of holiday notices
they loaded (taking precedence over the library) and the service levels.

Both are read as one :class:`~chalicelib.domain.rules.Rules` value (:func:`rules`), at most
once per ``directory_cache_seconds`` in a warm Lambda, which every entry point passes to the
domain; a write drops this process's copy at once. Another warm Lambda may compute with the
previous values for up to that long.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import calendar
from chalicelib.domain.appeal import sweep
from chalicelib.domain.models import Actor
from chalicelib.domain.rules import Rules, ServiceLevels
from chalicelib.errors import VersionConflict
from chalicelib.store import appeals as appeal_store
from chalicelib.store import db, keys, records

_lock = threading.Lock()
SERVICE_LEVELS = "service-levels"


def _schedule(item: dict[str, Any]) -> calendar.YearSchedule:
    names = {date.fromisoformat(d): n for d, n in (item.get("names") or {}).items()}
    return calendar.YearSchedule(
        year=int(item["year"]),
        holidays=frozenset(date.fromisoformat(d) for d in item.get("holidays", [])),
        working_weekends=frozenset(date.fromisoformat(d) for d in item.get("working_weekends", [])),
        official=True,
        source="admin",
        names=names,
    )


def loaded_years() -> dict[int, dict[str, Any]]:
    """Every year an administrator loaded, as stored (one Query)."""
    items, _more = db.query_page(
        index=None,
        key_condition="pk = :pk",
        values={":pk": keys.CALENDAR},
        limit=100,
        cursor=None,
        consistent=True,
    )
    return {int(i["year"]): records.strip_keys(i) for i in items}


def _levels_record() -> dict[str, Any] | None:
    item = db.get(keys.setting(SERVICE_LEVELS))
    return records.strip_keys(item) if item else None


_cached: tuple[float, Rules] | None = None


def rules(force: bool = False) -> Rules:
    """The rules in force: the years administrators loaded over the library's calendar, and
    the service levels. Read from the table at most once per ``directory_cache_seconds`` in
    a warm Lambda (``force``: now); a write here drops this process's copy at once."""
    global _cached
    ttl = settings().directory_cache_seconds
    now = time.monotonic()
    with _lock:
        if not force and _cached is not None and now < _cached[0]:
            return _cached[1]
    years = loaded_years()
    levels = _levels_record()
    value = Rules(
        calendar=calendar.WorkCalendar({y: _schedule(i) for y, i in years.items()}),
        levels=ServiceLevels.model_validate(
            {k: levels[k] for k in ServiceLevels.model_fields if k in levels}
        )
        if levels
        else ServiceLevels(),
    )
    with _lock:
        _cached = (now + ttl, value) if ttl > 0 else None
    return value


def forget() -> None:
    """Drop this process's copy (after a write, and between tests)."""
    global _cached
    with _lock:
        _cached = None


def put_year(
    year: int,
    holidays: list[date],
    working_weekends: list[date],
    names: dict[date, str],
    actor: Actor | None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Load (or replace) a year's notice; each load is audited like any record. With
    ``expected_version`` (0: none loaded yet) a load based on a stale read is refused."""
    data = {
        "year": year,
        "holidays": sorted(d.isoformat() for d in holidays),
        "working_weekends": sorted(d.isoformat() for d in working_weekends),
        "names": {d.isoformat(): n for d, n in sorted(names.items())},
    }
    current = loaded_years().get(year)
    key = keys.calendar_year(year)
    if expected_version is not None and expected_version != (current or {}).get("version", 0):
        raise VersionConflict("stale_version", given=expected_version)
    if current is None:
        record = records.create(
            kind="calendar",
            key=key,
            indexes={},
            data=data,
            actor=actor,
            entity_id=str(year),
            exists_error=VersionConflict("stale_version", given=0),
        )
    else:
        record = records.replace(
            kind="calendar",
            key=key,
            indexes={},
            current=current,
            changes=data,
            expected_version=current["version"],
            actor=actor,
            entity_id=str(year),
        )
    forget()
    return record


def service_levels_record() -> dict[str, Any]:
    """The service levels in force with their version (0 while still the defaults)."""
    stored = _levels_record()
    if stored:
        return stored
    return {**ServiceLevels().model_dump(), "version": 0, "updated_at": None}


def put_service_levels(levels: ServiceLevels, version: int, actor: Actor | None) -> dict[str, Any]:
    """Change the service levels under ``version`` (0: the first change); audited."""
    key = keys.setting(SERVICE_LEVELS)
    current = _levels_record()
    data = levels.model_dump()
    if current is None:
        if version != 0:
            raise VersionConflict("stale_version", given=version)
        record = records.create(
            kind="setting",
            key=key,
            indexes={},
            data=data,
            actor=actor,
            entity_id=SERVICE_LEVELS,
            exists_error=VersionConflict("stale_version", given=version),
        )
    else:
        record = records.replace(
            kind="setting",
            key=key,
            indexes={},
            current=current,
            changes=data,
            expected_version=version,
            actor=actor,
            entity_id=SERVICE_LEVELS,
        )
    forget()
    return record


def recompute_provisional(limit: int = 500) -> int:
    """Count the deadlines of open provisional appeals again on the calendar as it now is,
    each with a ``deadline_recomputed`` event; returns how many moved or became final.

    Reads the sparse ``keys.PROVISIONAL`` list page by page. A county has at most some hundreds of
    such appeals (those filed in the weeks before a year without a notice); issue 6's job
    queue is where this moves if that ever outgrows a request.
    """
    current = rules(force=True)
    changed = 0
    cursor: str | None = None
    seen = 0
    while seen < limit:
        items, cursor = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :k",
            values={":k": keys.PROVISIONAL},
            limit=50,
            cursor=cursor,
        )
        for item in items:
            seen += 1
            for _attempt in range(3):
                appeal, _ = appeal_store.load(item["id"])
                decision = sweep.recompute(appeal, clock.now(), current)
                if decision is None:
                    break
                try:
                    appeal_store.record(appeal, decision)
                    changed += 1
                    break
                except VersionConflict:
                    continue  # changed meanwhile: read it again
        if cursor is None:
            break
    return changed
