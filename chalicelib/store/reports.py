"""Reports and notices (R5.3): the report items (one per requested report, its status and
progress, where its outputs lie, a summary of its figures), the reads a report is built from
(a period's timeline events through the month index, the appeals they belong to, the parts
open now), and the published notices (通报), which are never changed.

Keys (docs/data-model.md): a report ``REPORT#{id}``, listed on gsi1 ``REPORTS`` newest first
and, once done, on gsi2 ``REPORTPERIOD#{period}`` by finish time (the latest report of a
period: the previous period's figures and the dashboard's trend). The monthly run's guard
``REPORTAUTO#{month}`` makes it start once per month. A notice ``NOTICE#{id}``, listed on
gsi1 ``NOTICES`` newest first.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.codes import UnitKind
from chalicelib.domain.models import Actor
from chalicelib.domain.reports import Period
from chalicelib.errors import AlreadyExists, InvalidTransition, NotFound
from chalicelib.store import db, keys, records

LIST = keys.REPORTS
NOTICES = keys.NOTICES


def new_id(now: datetime) -> str:
    """``R-20261201-3f9a2c``: sorts by day, unguessable."""
    return f"R-{clock.to_beijing(now):%Y%m%d}-{secrets.token_hex(3)}"


_key = keys.report
_auto_key = keys.monthly_report_guard


def create(
    period: Period,
    actor: Actor | None,
    now: datetime,
    *,
    trigger: str = "manual",
) -> dict[str, Any]:
    """A queued report. The scheduled monthly run (``trigger="scheduled"``) also writes the
    month's guard in the same transaction, so it starts once whatever the retries."""
    report_id = new_id(now)
    at = clock.iso(now)
    item = {
        **_key(report_id),
        "gsi1pk": LIST,
        # the business time, then the real write time: newest first even within a second
        "gsi1sk": f"{at}#{time.time_ns():020d}#{report_id}",
        "item_type": "report",
        "id": report_id,
        "status": "queued",
        "progress": 0,
        "period": period.model_dump(mode="json", by_alias=True),
        "period_key": period.key,
        "trigger": trigger,
        "requested_by": actor.model_dump(mode="json") if actor else None,
        "requested_at": at,
        "version": 1,
    }
    actions: list[dict[str, Any]] = [
        {"Put": {"Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}}
    ]
    if trigger == "scheduled" and period.month:
        guard = {**_auto_key(period.month), "report_id": report_id, "created_at": at}
        actions.append(
            {
                "Put": {
                    "Item": db.to_item(guard),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
    try:
        db.transact(actions)
    except db.ConditionFailed:
        raise AlreadyExists("report_exists", period=period.key) from None
    return records.strip_keys(item)


def get(report_id: str) -> dict[str, Any]:
    item = db.get(_key(report_id)) if len(report_id) <= 64 else None
    if item is None:
        raise NotFound("report_not_found", id=report_id)
    return records.strip_keys(item)


def page(limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": LIST},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    return [records.strip_keys(i) for i in items], nxt


NAMES = {"#s": "status", "#e": "error"}


def _update(report_id: str, expression: str, condition: str, values: dict[str, Any]) -> bool:
    return db.update_if(_key(report_id), expression, condition, values, NAMES)


def start(report_id: str, now: datetime) -> bool:
    """queued (or running, when a receive before died) → running; False once done/failed."""
    return _update(
        report_id,
        "SET #s = :running, started_at = :at, progress = :zero, attempts = "
        "if_not_exists(attempts, :zero) + :one ADD version :one",
        "#s IN (:queued, :running)",
        {
            ":running": "running",
            ":queued": "queued",
            ":at": clock.iso(now),
            ":zero": 0,
            ":one": 1,
        },
    )


def progress(report_id: str, percent: int) -> None:
    _update(
        report_id,
        "SET progress = :p",
        "#s = :running AND progress <= :p",
        {":p": percent, ":running": "running"},
    )


def finish(
    report_id: str,
    period: Period,
    now: datetime,
    outputs: dict[str, str],
    summary: str,
    reads: Reads,
) -> None:
    at = clock.iso(now)
    ok = _update(
        report_id,
        "SET #s = :done, progress = :full, finished_at = :at, outputs = :out, "
        "summary = :sum, items_read = :n, requests = :r, gsi2pk = :p, gsi2sk = :k "
        "ADD version :one",
        "#s = :running",
        {
            ":done": "done",
            ":running": "running",
            ":full": 100,
            ":at": at,
            ":out": outputs,
            ":sum": summary,
            ":n": reads.items,
            ":r": reads.requests,
            ":p": keys.reports_of_period(period.key),
            ":k": f"{at}#{report_id}",
            ":one": 1,
        },
    )
    if not ok:
        raise InvalidTransition("report_not_running", id=report_id)


def fail(report_id: str, now: datetime, error: str) -> None:
    """queued/running → failed, with the error (the report's last receive failed)."""
    _update(
        report_id,
        "SET #s = :failed, finished_at = :at, #e = :err ADD version :one",
        "#s IN (:queued, :running)",
        {
            ":failed": "failed",
            ":queued": "queued",
            ":running": "running",
            ":at": clock.iso(now),
            ":err": error[:500],
            ":one": 1,
        },
    )


def latest_done(period_key: str) -> dict[str, Any] | None:
    """The latest finished report of a period (one Query of a short list)."""
    items, _ = db.query_page(
        index=keys.GSI2,
        key_condition="gsi2pk = :k",
        values={":k": keys.reports_of_period(period_key)},
        limit=1,
        cursor=None,
        forward=False,
    )
    return records.strip_keys(items[0]) if items else None


def live_month(month: str) -> dict[str, Any] | None:
    """The units' figures of a month as last computed live (the units' homes share them),
    or None (never computed, or expired by its TTL)."""
    item = db.get(keys.live_month(month), consistent=False)
    return records.strip_keys(item) if item else None


def keep_live_month(month: str, doc: dict[str, Any], expires_epoch: int) -> None:
    """Keep a month's units' figures computed live (one PutItem; the last one written wins,
    as any computation of the same events is as good). TTL removes it a day after."""
    item = {
        **keys.live_month(month),
        "item_type": "live_month",
        **doc,
        "expires_at": expires_epoch,
    }
    db.client().put_item(TableName=db.table(), Item=db.to_item(item))


# --- what a report is built from -----------------------------------------------------------


@dataclass
class Reads:
    """What reading a period cost: items DynamoDB read (``ScannedCount``, and items a batch
    get returned) and requests made. The benchmark reports these."""

    items: int = 0
    requests: int = 0
    months: list[str] = field(default_factory=list)


def period_events(period: Period, reads: Reads) -> Iterator[list[tuple[str, TimelineEvent]]]:
    """The period's timeline events in time order, a page (DynamoDB's 1 MB) at a time,
    through the month index (gsi1 ``keys.appeal_events_of_month``): the items read are the period's
    events and nothing else."""
    low, high = clock.iso(period.begins()), clock.iso(period.ends()) + "~"
    for month in period.months():
        reads.months.append(month)
        params: dict[str, Any] = {
            "TableName": db.table(),
            "IndexName": keys.GSI1,
            "KeyConditionExpression": "gsi1pk = :m AND gsi1sk BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": db.to_values(
                {":m": keys.appeal_events_of_month(month), ":lo": low, ":hi": high}
            ),
        }
        while True:
            resp = db.client().query(**params)
            reads.items += int(resp.get("ScannedCount", 0))
            reads.requests += 1
            page = []
            for raw in resp.get("Items", []):
                item = records.strip_keys(db.from_item(raw))
                appeal_id = item.pop("appeal_id")
                page.append((appeal_id, TimelineEvent.model_validate(item)))
            if page:
                yield page
            if not resp.get("LastEvaluatedKey"):
                break
            params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def appeals(ids: list[str], reads: Reads) -> dict[str, Appeal]:
    """The appeals by id, 100 to a ``BatchGetItem`` (eventually consistent: a report reads
    a past period)."""
    out: dict[str, Appeal] = {}
    for i in range(0, len(ids), 100):
        pending: list[dict[str, Any]] = [db.to_item(keys.appeal(a)) for a in ids[i : i + 100]]
        while pending:
            resp = db.client().batch_get_item(RequestItems={db.table(): {"Keys": pending}})
            reads.requests += 1
            for raw in resp.get("Responses", {}).get(db.table(), []):
                reads.items += 1
                item = records.strip_keys(db.from_item(raw))
                out[item["id"]] = Appeal.model_validate(item)
            pending = resp.get("UnprocessedKeys", {}).get(db.table(), {}).get("Keys", [])
    return out


def open_parts(department_ids: list[str], reads: Reads) -> list[tuple[Appeal, str]]:
    """Every part open now, department by department (each department's open list)."""
    out: list[tuple[Appeal, str]] = []
    for dept in department_ids:
        cursor = None
        while True:
            items, cursor = db.query_page(
                index=keys.GSI1,
                key_condition="gsi1pk = :k",
                values={":k": keys.department_queue(dept)},
                limit=100,
                cursor=cursor,
            )
            reads.requests += 1
            reads.items += len(items)
            for item in items:
                data = {
                    k: v
                    for k, v in records.strip_keys(item).items()
                    if k not in ("item_type", "listing")
                }
                out.append((Appeal.model_validate(data), dept))
            if cursor is None:
                break
    return out


# --- notices ----------------------------------------------------------------------------


_notice_key = keys.notice


def publish(notice: dict[str, Any], extra: list[dict[str, Any]]) -> None:
    """Write a notice (never changed afterwards) with ``extra`` actions (the inboxes, and a
    corrected notice's pointer to its correction) in one transaction."""
    item = {
        **_notice_key(notice["id"]),
        "gsi1pk": NOTICES,
        "gsi1sk": f"{notice['published_at']}#{notice['id']}",
        "item_type": "notice",
        **notice,
    }
    actions = [
        {"Put": {"Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}}
    ]
    db.transact(actions + extra)


def correction_link(original_id: str, correction_id: str) -> dict[str, Any]:
    """The one change a published notice takes: the id of the notice that corrects it, set
    once (a notice is corrected by one correction; that one may itself be corrected)."""
    return {
        "Update": {
            "Key": db.to_item(_notice_key(original_id)),
            "UpdateExpression": "SET corrected_by = :c",
            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(corrected_by)",
            "ExpressionAttributeValues": db.to_values({":c": correction_id}),
        }
    }


def notice(notice_id: str) -> dict[str, Any]:
    item = db.get(_notice_key(notice_id)) if len(notice_id) <= 64 else None
    if item is None:
        raise NotFound("notice_not_found", id=notice_id)
    return records.strip_keys(item)


def notices(limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": NOTICES},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    return [records.strip_keys(i) for i in items], nxt


def enterprise_towns(usccs: list[str], reads: Reads) -> dict[str, str | None]:
    """The town (区镇) of each enterprise named, by credit code: its ``uscc`` and ``town``
    only, 100 to a ``BatchGetItem`` (the period's filing enterprises, never the register)."""
    out: dict[str, str | None] = {}
    for i in range(0, len(usccs), 100):
        pending: list[dict[str, Any]] = [db.to_item(keys.enterprise(u)) for u in usccs[i : i + 100]]
        while pending:
            resp = db.client().batch_get_item(
                RequestItems={db.table(): {"Keys": pending, "ProjectionExpression": "uscc, town"}}
            )
            reads.requests += 1
            for raw in resp.get("Responses", {}).get(db.table(), []):
                reads.items += 1
                item = db.from_item(raw)
                out[item["uscc"]] = item.get("town") or None
            pending = resp.get("UnprocessedKeys", {}).get(db.table(), {}).get("Keys", [])
    return out


def unit_kinds(reads: Reads) -> dict[str, UnitKind]:
    """Each unit's kind (department or town), from the units' list (gsi1, a Query of the
    units only: one page per 100)."""
    out: dict[str, UnitKind] = {}
    cursor = None
    while True:
        items, cursor = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :k",
            values={":k": keys.DEPARTMENT},
            limit=100,
            cursor=cursor,
        )
        reads.requests += 1
        reads.items += len(items)
        for item in items:
            out[item["id"]] = UnitKind(item.get("kind", UnitKind.DEPARTMENT))
        if cursor is None:
            return out
