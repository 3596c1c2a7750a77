"""The register snapshot the enterprise search loads (docs/search.md): on a schedule (every
few minutes) and after each import, the enterprise writes of the change list are folded into
the snapshot object and the pointer moves to the new stamp; once a day, or when there is no
snapshot yet, it is rebuilt from the register itself.

The new stamp lags real time by ``MARGIN_SECONDS``: a write stamped before the stamp but
committed after the fold read the list (a transaction retried by the SDK) is still in the
change list after the stamp, so no write is ever lost between snapshot and overlay.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.domain import search
from chalicelib.logs import logger
from chalicelib.store import enterprise_search, enterprises, jobs

KIND = "search_snapshot"
#: The stamp is this far behind real time (seconds).
MARGIN_SECONDS = 30
#: The snapshot is rebuilt from the register when its last rebuild is older than this.
FULL_EVERY_SECONDS = 24 * 3600


def run(now: datetime, full: bool = False) -> dict[str, Any]:
    """Fold the changes since the snapshot into it, or rebuild it from the register (``full``,
    no snapshot yet, or the last rebuild a day old); returns what it did."""
    began = time.monotonic()
    at = enterprise_search.stamp(time.time_ns() - MARGIN_SECONDS * 10**9)
    built_at = clock.iso(clock.real_now())
    pointer = enterprise_search.pointer() or {}
    rebuilt = str(pointer.get("full_at") or "")
    stale = not rebuilt or _age_seconds(rebuilt) > FULL_EVERY_SECONDS
    stored = None if (full or stale) else enterprise_search.read_snapshot()
    if stored is not None and not search.complete(stored[1]):
        stored = None  # a snapshot from before the register list's fields: rebuilt once
    if stored is None:
        previous = enterprise_search.read_snapshot() if not full else None
        reuse = {r.uscc: r for r in previous[1]} if previous else {}
        rows = [
            search.row_of(rec, reuse.get(rec["uscc"])) for rec in enterprises.every_for_search()
        ]
        moved = enterprise_search.write_snapshot(rows, at, built_at, full=True)
        result = {"rebuilt": len(rows), "stamp": at, "pointed": moved}
    else:
        since, rows = stored
        if at <= since:
            return {"skipped": "snapshot is current", "stamp": since}
        written, _ = enterprise_search.changes(since, at)
        if not written:
            return {"skipped": "no changes", "stamp": since}
        rows = search.fold(rows, written)
        moved = enterprise_search.write_snapshot(rows, at, built_at, full=False)
        result = {"folded": len(written), "rows": len(rows), "stamp": at, "pointed": moved}
    result["seconds"] = round(time.monotonic() - began, 3)
    logger.info("search snapshot", extra={"result": result})
    return result


def _age_seconds(iso_time: str) -> float:
    return (clock.real_now() - datetime.fromisoformat(iso_time)).total_seconds()


def run_job(job: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The job queue's runner: one fold (a rebuild with ``params.full``)."""
    if not jobs.start(job["id"], now, None):
        return {"skipped": job["status"]}
    result = run(now, full=bool((job.get("params") or {}).get("full")))
    jobs.finish(job["id"], now, result)
    return result


def request(full: bool = False) -> dict[str, Any]:
    """Queue a fold (after an import: its enterprises found without waiting for the schedule)."""
    from chalicelib.jobs import dispatch

    return dispatch.create(KIND, {"full": full}, None)
