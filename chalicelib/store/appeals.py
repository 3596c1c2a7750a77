"""Appeals in DynamoDB: intake with case numbers and hotline idempotency, conditional event
writes with their timeline, and the lists of API.md, each one Query on a key (no Scan).

docs/data-model.md lists every item and index used here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain.appeal import sweep
from chalicelib.domain.appeal.decision import Decision, Directory
from chalicelib.domain.appeals import HOTLINE_CHANNELS, Appeal, TimelineEvent
from chalicelib.domain.codes import PartStatus, Role, Status, Urgency
from chalicelib.domain.common_problems import NOT_A_PROBLEM
from chalicelib.domain.models import User
from chalicelib.errors import (
    AppError,
    IdempotencyKeyReused,
    NotFound,
    VersionConflict,
)
from chalicelib.store import db, directory, keys, notifications, outbox, records, webhooks

#: Hotline ``Idempotency-Key`` items are kept at least 7 days (API.md); TTL removes them after.
IDEMPOTENCY_DAYS = 8
_ATTEMPTS = 8


class Busy(AppError):
    """Contention on the case-number counter outlasted the retries (never seen in tests)."""

    status = 503
    code = "busy"


def _not_found(appeal_id: str) -> NotFound:
    return NotFound("appeal_not_found", id=appeal_id)


# --- lists -----------------------------------------------------------------------------------


def _rank(appeal: Appeal) -> str:
    """Urgent first (急事急办), in every queue."""
    return "0" if appeal.urgency == Urgency.URGENT else "1"


def _shard(appeal_id: str) -> int:
    digest = hashlib.sha256(appeal_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") % settings().sweep_shards


def phones(a: Appeal) -> list[str]:
    """The numbers an appeal was made from or asks to be called on: the caller's (hotline)
    and the contact's, each once."""
    return list(dict.fromkeys(p for p in (a.enterprise.caller_phone, a.contact_phone) if p))


def listings(a: Appeal) -> dict[str, tuple[str, str]]:
    """The lists the appeal is on now: list name → (gsi1pk, gsi1sk). A pure function of the
    appeal's state, so the lists it leaves are known from the state it had."""
    out: dict[str, tuple[str, str]] = {}
    created = f"{a.created_at}#{a.id}"
    by_deadline = f"{_rank(a)}#{a.reply_due_at}#{a.id}"
    if a.enterprise.uscc:
        out["ent"] = (keys.enterprise_appeals(a.enterprise.uscc), created)
        if a.status == Status.REPLIED:
            out["entq"] = (
                keys.enterprise_queue(a.enterprise.uscc),
                f"{_rank(a)}#{a.replied_at}#{a.id}",
            )
    if a.posted_by:
        out["op"] = (keys.operator_calls(a.posted_by), created)
    if a.external_ref:
        out["ext"] = (keys.external_ref(a.external_ref), created)
    for phone in phones(a):  # who called from this number before (finding the caller)
        out[f"phone#{phone}"] = (keys.appeals_by_phone(phone), created)
    if a.channel in HOTLINE_CHANNELS and a.status == Status.REPLIED:
        out["cb"] = (keys.CALLBACK_QUEUE, f"{_rank(a)}#{a.replied_at}#{a.id}")
    owner = a.assignee.commissioner_id
    if owner:
        out["comm"] = (keys.commissioner_appeals(owner), created)
    if a.is_open:
        out["commq"] = (keys.commissioner_queue(owner), by_deadline)
        if not a.paused:  # 挂起: the clock is stopped, so it is on no "overdue" list
            # every "overdue" list: open appeals by deadline
            out["open"] = (keys.OPEN_APPEALS, f"{a.reply_due_at}#{a.id}")
        # candidates of similar appeals: a category's latest open ones (by index, no scan)
        out["opencat"] = (keys.open_in_category(a.category.value), created)
        if owner is None or a.pending_extension is not None or a.escalation_level == 1:
            out["adminq"] = (keys.ADMIN_QUEUE, by_deadline)
        if a.deadline_provisional:  # recomputed when administrators load the year
            out["prov"] = (keys.PROVISIONAL, f"{a.reply_due_at}#{a.id}")
    for part in a.departments:
        out[f"dept#{part.id}"] = (keys.department_appeals(part.id), f"{part.transferred_at}#{a.id}")
        if part.status == PartStatus.OPEN and a.status != Status.CLOSED:
            out[f"deptq#{part.id}"] = (
                keys.department_queue(part.id),
                f"{_rank(a)}#{part.due_at}#{a.id}",
            )
    watched = sweep.watch(a)
    if watched:  # the sweep's sparse index: each appeal once, at its next check
        finding, when = watched
        out["watch"] = (keys.sweep_watch(_shard(a.id)), f"{when}#{finding}#{a.id}")
    if a.status == Status.CLOSED and a.closed_at and a.closed_as not in NOT_A_PROBLEM:
        # common problems (共性诉求) count those closed lately too: a range of this list
        out["closed"] = (keys.CLOSED_APPEALS, f"{a.closed_at}#{a.id}")
    if a.is_open and a.escalation_level == 2:  # the joint meeting's agenda is drawn from these
        out["level2"] = (keys.LEVEL_TWO, by_deadline)
    if a.is_open and a.escalation_level >= 1:  # the escalation queue, level by level
        out["esc"] = (keys.escalated(a.escalation_level), by_deadline)
    sup = a.supervision
    if sup is not None:
        out["sup"] = (keys.SUPERVISED, created)
        if sup.status != "accepted":
            out["supq"] = (keys.SUPERVISED_OPEN, f"{sup.due_at}#{a.id}")
        for dept in sup.departments:  # each owner department's ledger (推进台账)
            rank = "1" if sup.status == "accepted" else "0"
            out[f"ledger#{dept.id}"] = (
                keys.department_ledger(dept.id),
                f"{rank}#{sup.due_at}#{a.id}",
            )
    if a.status != Status.CLOSED:  # each open part is on its unit's ledger too (issue 21)
        for part in a.open_parts:
            entry = (keys.department_ledger(part.id), f"0#{part.due_at}#{a.id}")
            listed = out.get(f"ledger#{part.id}")
            if listed is None or entry[1] < listed[1]:  # the earlier of its two deadlines
                out[f"ledger#{part.id}"] = entry
    return out


def _doc(a: Appeal) -> dict[str, Any]:
    return a.model_dump(mode="json", exclude={"overdue", "working_days_left"})


#: What a list shows of the content (a GET reads the whole appeal).
LISTING_CONTENT = 200


def _listing_doc(a: Appeal) -> dict[str, Any]:
    """A listing copy: the appeal as a list shows it — the content's start, no department
    answers, return reasons or reports — so that however many departments answer at length,
    each write stays far below DynamoDB's 400 KB item and 4 MB transaction limits."""
    doc = _doc(a)
    doc["content"] = a.content[:LISTING_CONTENT]
    for part in doc.get("departments") or []:
        part.pop("content", None)
        part.pop("return_reason", None)
    if doc.get("reply"):
        doc["reply"]["content"] = a.reply.content[:LISTING_CONTENT] if a.reply else ""
    if doc.get("supervision"):
        doc["supervision"].pop("report", None)
    # each unit's latest progress entry, shortened; a unit's ledger copy has its own in full
    for note in (doc.get("unit_progress") or {}).values():
        note["content"] = note["content"][:LISTING_CONTENT]
    return doc


def _writes(before: Appeal | None, after: Appeal) -> list[dict[str, Any]]:
    """The appeal item and its listing copies (Puts), and the copies it left (Deletes)."""
    doc = _doc(after)
    item = {
        **keys.appeal(after.id),
        **keys.appeal_indexes(after.id, after.created_at, after.status.value),
        "item_type": "appeal",
        **doc,
    }
    if before is None:
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
    else:
        condition = {
            "ConditionExpression": "version = :v AND #s = :s",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": db.to_values(
                {":v": before.version, ":s": before.status.value}
            ),
        }
    actions: list[dict[str, Any]] = [{"Put": {"Item": db.to_item(item), **condition}}]
    now_on = listings(after)
    listed = _listing_doc(after)
    for name, (gpk, gsk) in now_on.items():
        copy = {
            **keys.appeal_listing(after.id, name),
            "gsi1pk": gpk,
            "gsi1sk": gsk,
            "item_type": "appeal_listing",
            **listed,
        }
        unit = name.removeprefix("ledger#") if name.startswith("ledger#") else None
        if unit is not None and unit in after.unit_progress:
            full = after.unit_progress[unit].model_dump(mode="json")
            copy["unit_progress"] = {**listed["unit_progress"], unit: full}
        actions.append({"Put": {"Item": db.to_item(copy)}})
    for name in listings(before).keys() - now_on.keys() if before else ():
        actions.append({"Delete": {"Key": db.to_item(keys.appeal_listing(after.id, name))}})
    actions += _part_markers(before, after)
    return actions


def _open_part_units(a: Appeal | None) -> set[str]:
    """The units holding an open part of the appeal (its ``deptq`` listings)."""
    if a is None:
        return set()
    return {name.removeprefix("deptq#") for name in listings(a) if name.startswith("deptq#")}


def open_part_deltas(pairs: Sequence[tuple[Appeal | None, Appeal]]) -> dict[str, int]:
    """How each unit's count of open parts moves with these writes: +1 for a part opened
    (a transfer, a reopening), -1 for one closed (answered, returned, the appeal closed)."""
    out: dict[str, int] = {}
    for before, after in pairs:
        was, now = _open_part_units(before), _open_part_units(after)
        for unit in now - was:
            out[unit] = out.get(unit, 0) + 1
        for unit in was - now:
            out[unit] = out.get(unit, 0) - 1
    return {unit: n for unit, n in out.items() if n}


def open_part_guards(deltas: dict[str, int]) -> list[dict[str, Any]]:
    """One ``Update`` per unit whose count moves (a transaction may touch an item once):
    what makes a deactivation and a transfer serialise (docs/departments.md)."""
    return [
        {
            "Update": {
                "Key": db.to_item(keys.unit_open_parts(unit)),
                "UpdateExpression": "ADD open_parts :d SET item_type = :t",
                "ExpressionAttributeValues": db.to_values({":d": n, ":t": "unit_open_parts"}),
            }
        }
        for unit, n in sorted(deltas.items())
    ]


def _parts_of_enterprise(a: Appeal | None) -> dict[str, str]:
    """The departments with a part of this appeal of a registered enterprise → when."""
    if a is None or not a.enterprise.uscc:
        return {}
    return {part.id: part.transferred_at for part in a.departments}


def _part_markers(before: Appeal | None, after: Appeal) -> list[dict[str, Any]]:
    """The enterprise's markers of the departments this write gives a part (a transfer):
    what lets those departments' users read the enterprise (docs/data-model.md)."""
    parts = _parts_of_enterprise(after)
    added = parts.keys() - _parts_of_enterprise(before).keys()  # a part reopened has one
    uscc = after.enterprise.uscc
    return [
        {
            "Put": {
                "Item": db.to_item(
                    {
                        **keys.enterprise_part(str(uscc), department_id, after.id),
                        "item_type": "enterprise_part",
                        "appeal_id": after.id,
                        "department_id": department_id,
                        "transferred_at": parts[department_id],
                    }
                )
            }
        }
        for department_id in sorted(added)
    ]


def _event_put(appeal_id: str, event: TimelineEvent) -> dict[str, Any]:
    item = {
        **keys.appeal_event(appeal_id, event.version),
        # a month's events in time order (reports recompute their figures from these)
        "gsi1pk": keys.appeal_events_of_month(event.at[:7]),
        "gsi1sk": f"{event.at}#{appeal_id}#{event.version:06d}",
        "item_type": "appeal_event",
        "appeal_id": appeal_id,
        **event.model_dump(mode="json"),
    }
    return {"Put": {"Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}}


# --- reads -----------------------------------------------------------------------------------


def load(appeal_id: str) -> tuple[Appeal, list[TimelineEvent]]:
    """The appeal and its timeline, oldest event first: one Query of its partition."""
    params: dict[str, Any] = {
        "TableName": db.table(),
        "KeyConditionExpression": "pk = :p AND sk < :l",
        "ExpressionAttributeValues": db.to_values(
            {":p": keys.appeal_partition(appeal_id), ":l": keys.LISTINGS_FROM}
        ),
        "ConsistentRead": True,
    }
    items: list[dict[str, Any]] = []
    while True:  # one request unless the timeline passes 1 MB
        resp = db.client().query(**params)
        items += [db.from_item(i) for i in resp.get("Items", [])]
        if not resp.get("LastEvaluatedKey"):
            break
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    if not items or items[0]["sk"] != keys.APPEAL_ITEM:
        raise _not_found(appeal_id)
    appeal = Appeal.model_validate(records.strip_keys(items[0]))
    events = [
        TimelineEvent.model_validate(
            {k: v for k, v in records.strip_keys(i).items() if k != "appeal_id"}
        )
        for i in items[1:]
    ]
    return appeal, events


@dataclass(frozen=True)
class ListQuery:
    """Which list (a gsi1 or gsi2 partition), in which order, with which filters."""

    index: str
    partition: str
    forward: bool
    sk_before: str | None = None
    status: Status | None = None
    overdue: bool | None = None
    sk_from: str | None = None
    #: 今日到期: open, due from now until this instant (the end of Beijing's today)
    due_by: str | None = None


_CREATED_DESC = False
_QUEUE_ASC = True


def list_query(
    user: User,
    scope: str,
    status: Status | None,
    overdue: bool | None,
    now: datetime,
    escalation_level: int | None = None,
    due_by: str | None = None,
) -> ListQuery:
    """The list of API.md's scopes for the caller's role (``mine``, ``queue``, ``all``);
    ``due_by`` (the end of Beijing's today): only open appeals due from now until then."""
    role = user.role
    staff = role in (Role.COMMISSIONER, Role.ADMIN, Role.SUPERVISOR)
    if escalation_level is not None and staff:
        # the escalation queue: open appeals at that level, urgent first, then by deadline
        return ListQuery(
            keys.GSI1,
            keys.escalated(escalation_level),
            _QUEUE_ASC,
            status=status,
            overdue=overdue,
            due_by=due_by,
        )
    if staff and scope == "all":
        if due_by is not None and not overdue:
            # the sparse open index by deadline: the very range the home's 今日到期 counts
            return ListQuery(
                keys.GSI1,
                keys.OPEN_APPEALS,
                _QUEUE_ASC,
                sk_from=clock.iso(now),
                sk_before=due_by,
                status=status,
            )
        if overdue:
            return ListQuery(
                keys.GSI1, keys.OPEN_APPEALS, _QUEUE_ASC, sk_before=clock.iso(now), status=status
            )
        if status is not None:
            return ListQuery(
                keys.GSI2, keys.appeals_by_status(status.value), _CREATED_DESC, overdue=overdue
            )
        return ListQuery(keys.GSI1, keys.ALL_APPEALS, _CREATED_DESC, overdue=overdue)
    partition, forward = _scope_partition(user, scope)
    return ListQuery(keys.GSI1, partition, forward, status=status, overdue=overdue, due_by=due_by)


def _scope_partition(user: User, scope: str) -> tuple[str, bool]:
    role = user.role
    queue = scope == "queue"
    if role == Role.ENTERPRISE:
        uscc = user.enterprise_uscc or keys.UNBOUND
        return (
            (keys.enterprise_queue(uscc), _QUEUE_ASC)
            if queue
            else (keys.enterprise_appeals(uscc), _CREATED_DESC)
        )
    if role == Role.OPERATOR:
        return (
            (keys.CALLBACK_QUEUE, _QUEUE_ASC)
            if queue
            else (keys.operator_calls(user.username), _CREATED_DESC)
        )
    if role == Role.COMMISSIONER:
        cid = user.commissioner_id or keys.UNBOUND
        return (
            (keys.commissioner_queue(cid), _QUEUE_ASC)
            if queue
            else (keys.commissioner_appeals(cid), _CREATED_DESC)
        )
    if role == Role.DEPARTMENT:
        did = user.department_id or keys.UNBOUND
        return (
            (keys.department_queue(did), _QUEUE_ASC)
            if queue
            else (keys.department_appeals(did), _CREATED_DESC)
        )
    if role == Role.ADMIN:
        return (
            (keys.ADMIN_QUEUE, _QUEUE_ASC) if queue else (keys.commissioner_queue(None), _QUEUE_ASC)
        )
    # supervisor
    return (keys.SUPERVISED_OPEN, _QUEUE_ASC) if queue else (keys.SUPERVISED, _CREATED_DESC)


def _query_args(q: ListQuery, now: datetime) -> dict[str, Any]:
    """A list's Query: its key condition and filters (one place for a page and its count)."""
    pk, sk = f"{q.index}pk", f"{q.index}sk"
    condition = f"{pk} = :p"
    values: dict[str, Any] = {":p": q.partition}
    if q.sk_from and q.sk_before:
        condition += f" AND {sk} BETWEEN :from AND :before"
        values.update({":from": q.sk_from, ":before": q.sk_before})
    elif q.sk_before:
        condition += f" AND {sk} < :before"
        values[":before"] = q.sk_before
    filters = []
    names: dict[str, str] = {}
    if q.status is not None and not q.partition.startswith(keys.appeals_by_status("")):
        filters.append("#s = :s")
        names["#s"] = "status"
        values[":s"] = q.status.value
    if q.overdue is not None and q.sk_before is None:
        names["#s"] = "status"
        values.update({":r": Status.RECEIVED.value, ":w": Status.PROCESSING.value})
        values[":now"] = clock.iso(now)
        names["#pz"] = "paused"
        values[":yes"] = True
        late = "(#s IN (:r, :w) AND reply_due_at < :now AND NOT #pz = :yes)"  # not while paused
        filters.append(late if q.overdue else f"NOT {late}")
    if q.due_by is not None and q.sk_from is None:
        names["#s"] = "status"
        values.update({":r": Status.RECEIVED.value, ":w": Status.PROCESSING.value})
        values.update({":from": clock.iso(now), ":by": q.due_by})
        filters.append("(#s IN (:r, :w) AND reply_due_at >= :from AND reply_due_at < :by)")
    return {
        "index": q.index,
        "key_condition": condition,
        "values": values,
        "names": names or None,
        "filter_expression": " AND ".join(filters) or None,
    }


def page(
    q: ListQuery, now: datetime, limit: int, cursor: str | None
) -> tuple[list[Appeal], str | None]:
    """One page of a list (one Query unless a filter drops items)."""
    items, nxt = db.query_page(**_query_args(q, now), limit=limit, cursor=cursor, forward=q.forward)
    return [Appeal.model_validate(records.strip_keys(i)) for i in items], nxt


def count_list(q: ListQuery, now: datetime) -> tuple[int, bool]:
    """How many a list holds (共 N 条), bounded as ``db.count_query`` says: ``(n, capped)``."""
    return db.count_query(**_query_args(q, now))


# --- writes ----------------------------------------------------------------------------------


def record(
    before: Appeal,
    decision: Decision,
    *,
    also: Sequence[tuple[Appeal, Decision]] = (),
    claim: IdempotencyClaim | None = None,
) -> None:
    """Write an event: the appeal under its version and status, the event, the listings and
    checks that the commissioners and departments it names are still active — one
    ``TransactWriteItems``, with the events of ``also`` on other appeals (a merge's master,
    a reply passed on to duplicates) and the claim of a hotline call's idempotency key. A lost
    race is ``VersionConflict`` (``ClaimTaken`` for the key); a reference that went inactive
    meanwhile ``ReferencesInactive`` naming it."""
    actions = event_actions(before, decision, guards=False)
    commissioner_ids, department_ids = decision.commissioners_used, decision.departments_used
    check_index = len(actions) - 1 if commissioner_ids or department_ids else -1
    for other_before, other in also:
        actions += event_actions(other_before, other, guards=False)
    pairs = [(before, decision.appeal), *((b, d.appeal) for b, d in also)]
    actions += open_part_guards(open_part_deltas(pairs))
    claim_index = -1
    if claim is not None:
        claim_index = len(actions)
        claim_key = keys.idempotency(claim.username, claim.key)
        epoch = int(clock.real_now().timestamp())
        actions.append(_claim_put(claim_key, claim, before.id, epoch))
    try:
        db.transact(actions)
    except db.TransactionConflict:
        raise VersionConflict("stale_version", given=before.version) from None
    except db.ConditionFailed as exc:
        if exc.failed(check_index):
            # decided on a cached directory that has changed since: say what went inactive
            raise directory.gone_inactive(commissioner_ids, department_ids) from None
        if exc.failed(claim_index):
            raise ClaimTaken from None
        raise VersionConflict("stale_version", given=before.version) from None


def read_claim(claim: IdempotencyClaim) -> tuple[Appeal, list[TimelineEvent]] | None:
    """The appeal a hotline call's key was claimed for, if this body claimed it and it has
    not expired (another body: ``IdempotencyKeyReused``)."""
    held = db.get(keys.idempotency(claim.username, claim.key))
    if held and int(held.get("expires_at", 0)) > int(clock.real_now().timestamp()):
        return _replay(held, claim)
    return None


def event_actions(
    before: Appeal, decision: Decision, *, guards: bool = True
) -> list[dict[str, Any]]:
    """The actions that write an event: the appeal under its version and status, the
    event, its listings, the counts of open parts it moves (``guards``; a caller writing
    several appeals at once sums them itself) and (last, if any) the check of the records
    it names."""
    actions = _writes(before, decision.appeal)
    if guards:
        actions += open_part_guards(open_part_deltas([(before, decision.appeal)]))
    actions.append(_event_put(before.id, decision.event))
    epoch = int(clock.real_now().timestamp())
    actions += notifications.actions(decision.appeal, decision.event, epoch)
    actions += outbox.actions(decision.appeal, decision.event, epoch)
    # the hand-back to 12345 (回传): a delivery per webhook of the account that posted it
    actions += webhooks.actions(decision.appeal, decision.event, epoch)
    if decision.commissioners_used or decision.departments_used:
        actions.append(
            directory.active_check(decision.commissioners_used, decision.departments_used)
        )
    return actions


@dataclass(frozen=True)
class IdempotencyClaim:
    """A hotline call's ``Idempotency-Key``: whose, which, and the request it stands for."""

    username: str
    key: str
    fingerprint: str

    @staticmethod
    def of(username: str, key: str, body: Any) -> IdempotencyClaim:
        """The same body means the same parsed JSON (key order and spacing do not matter)."""
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return IdempotencyClaim(username, key, hashlib.sha256(canonical.encode()).hexdigest())


@dataclass(frozen=True)
class IntakeRead:
    """What filing a new appeal reads in one request: the day's case-number counter, the
    enterprise (if a code was given and it is registered), the directory, and — when the
    idempotency key was already claimed by this body — the appeal to answer with instead."""

    day: str
    counter: int
    enterprise: dict[str, Any] | None
    directory: Directory
    replay: tuple[Appeal, list[TimelineEvent]] | None = None


class NumberTaken(Exception):
    """The case number read was taken by a concurrent filing: take one with ``reserve_number``."""


class ClaimTaken(Exception):
    """A concurrent retry of the same call claimed the idempotency key: read again (a replay)."""


class CheckFailed(Exception):
    """One of the checks a filing asked for failed (its place among them in ``index``)."""

    def __init__(self, index: int) -> None:
        super().__init__(f"check {index} failed")
        self.index = index


class RoutedOnStale(Exception):
    """The commissioner routed to went inactive: route again on the directory read afresh."""


def read_for_intake(now: datetime, uscc: str | None, claim: IdempotencyClaim | None) -> IntakeRead:
    """One ``BatchGetItem``: the day's counter, the enterprise, the idempotency key and (if
    not cached) the directory. A key held by another body is ``IdempotencyKeyReused``."""
    day = clock.to_beijing(now).strftime("%Y%m%d")
    counter_key = keys.appeal_counter(day)
    enterprise_key = keys.enterprise(uscc) if uscc else None
    claim_key = keys.idempotency(claim.username, claim.key) if claim else None
    cached_directory = directory.cached()
    wanted = [counter_key] + [k for k in (enterprise_key, claim_key) if k]
    if cached_directory is None:
        wanted.append(keys.DIRECTORY)
    got = db.batch_get(wanted)
    found = cached_directory or directory.remember(
        got.get((keys.DIRECTORY["pk"], keys.DIRECTORY["sk"]))
    )
    enterprise_item = (
        got.get((enterprise_key["pk"], enterprise_key["sk"])) if enterprise_key else None
    )
    counter = got.get((counter_key["pk"], counter_key["sk"]))
    read = IntakeRead(
        day=day,
        counter=int(counter["n"]) if counter else 0,
        enterprise=records.strip_keys(enterprise_item) if enterprise_item else None,
        directory=found,
    )
    held = got.get((claim_key["pk"], claim_key["sk"])) if claim and claim_key else None
    if claim and held and int(held.get("expires_at", 0)) > int(clock.real_now().timestamp()):
        return dataclasses.replace(read, replay=_replay(held, claim))
    return read


def write_new(
    appeal: Appeal,
    event: TimelineEvent,
    read: IntakeRead,
    claim: IdempotencyClaim | None,
    *,
    numbered: bool,
    more: Sequence[TimelineEvent] = (),
    checks: Sequence[dict[str, Any]] = (),
) -> None:
    """Write a new appeal with its ``filed`` event, its listings, inboxes and messages in one
    ``TransactWriteItems``; with ``numbered`` (its number came from ``read.counter + 1``)
    the day's counter moves on under a condition on the value read. The claim of the
    idempotency key is written in the same transaction. A lost race raises ``NumberTaken``,
    ``ClaimTaken``, ``RoutedOnStale`` or ``db.TransactionConflict``: read and decide again."""
    epoch = int(clock.real_now().timestamp())
    actions: list[dict[str, Any]] = []
    if numbered:
        actions.append(_counter_step(keys.appeal_counter(read.day), read.counter))
    appeal_index = len(actions)
    actions += _writes(None, appeal)
    actions += open_part_guards(open_part_deltas([(None, appeal)]))
    for each in (event, *more):  # ``more``: a call answered on the spot is replied and closed
        actions.append(_event_put(appeal.id, each))
        actions += notifications.actions(appeal, each, epoch)
        actions += outbox.actions(appeal, each, epoch)  # the 受理回执 SMS (domain/outbox.py)
    checks_from = len(actions)
    actions += checks
    claim_index = check_index = -1
    if claim:
        claim_index = len(actions)
        actions.append(
            _claim_put(keys.idempotency(claim.username, claim.key), claim, appeal.id, epoch)
        )
    if appeal.assignee.commissioner_id:
        check_index = len(actions)
        actions.append(directory.active_check((appeal.assignee.commissioner_id,)))
    try:
        db.transact(actions)
    except db.ConditionFailed as exc:
        if exc.failed(claim_index):
            raise ClaimTaken from None
        if exc.failed(check_index):
            directory.forget()
            raise RoutedOnStale from None
        if (numbered and exc.failed(0)) or exc.failed(appeal_index):
            raise NumberTaken from None
        for i in range(len(checks)):
            if exc.failed(checks_from + i):
                raise CheckFailed(i) from None
        raise


def reserve_number(day: str) -> int:
    """Take the day's next case number with an atomic ``ADD`` (after losing a race for it)."""
    return _reserve_number(keys.appeal_counter(day))


def _counter_step(counter_key: dict[str, str], current: int) -> dict[str, Any]:
    """Move the day's counter from ``current`` to ``current + 1``, only if nobody did."""
    if current == 0:
        condition = "attribute_not_exists(pk)"
        values = {":n": 1}
    else:
        condition = "n = :c"
        values = {":n": current + 1, ":c": current}
    return {
        "Update": {
            "Key": db.to_item(counter_key),
            "UpdateExpression": "SET n = :n",
            "ConditionExpression": condition,
            "ExpressionAttributeValues": db.to_values(values),
        }
    }


def _reserve_number(counter_key: dict[str, str]) -> int:
    """Take the next case number with an atomic ``ADD`` (after losing a race for it)."""
    resp = db.client().update_item(
        TableName=db.table(),
        Key=db.to_item(counter_key),
        UpdateExpression="ADD n :one",
        ExpressionAttributeValues=db.to_values({":one": 1}),
        ReturnValues="UPDATED_NEW",
    )
    return int(resp["Attributes"]["n"]["N"])


def _claim_put(
    claim_key: dict[str, str], claim: IdempotencyClaim, appeal_id: str, epoch: int
) -> dict[str, Any]:
    item = {
        **claim_key,
        "item_type": "idempotency_key",
        "fingerprint": claim.fingerprint,
        "appeal_id": appeal_id,
        "expires_at": epoch + int(timedelta(days=IDEMPOTENCY_DAYS).total_seconds()),
    }
    return {
        "Put": {
            "Item": db.to_item(item),
            # an expired key may be taken again (TTL deletes lazily, up to days later)
            "ConditionExpression": "attribute_not_exists(pk) OR expires_at <= :now",
            "ExpressionAttributeValues": db.to_values({":now": epoch}),
        }
    }


def _replay(held: dict[str, Any], claim: IdempotencyClaim) -> tuple[Appeal, list[TimelineEvent]]:
    """The appeal a claimed key stands for, if it was claimed with this body."""
    if held.get("fingerprint") != claim.fingerprint:
        raise IdempotencyKeyReused("idempotency_key_other_body", key=claim.key)
    return load(str(held["appeal_id"]))


# --- the deadline sweep (issue 6) --------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """Something the sweep must act on: an appeal, what, and for which deadline."""

    appeal_id: str
    finding: str  # warn | overdue | auto_close | sign_overdue[:department] | part_warn:… | …
    deadline: str


#: The attribute holding the deadline a finding is about; the others (a sign-for, a
#: department part's) are about the check point the index names.
_DEADLINE_OF = {
    "warn": "reply_due_at",
    "overdue": "reply_due_at",
    "auto_close": "auto_close_at",
    "supervision_overdue": "supervision_due_at",
}


def due_for_sweep(now: datetime) -> tuple[list[Finding], int]:
    """Every appeal whose next check has come, and the items DynamoDB read to find them
    (``ScannedCount`` summed): one Query per shard of the sparse ``AP#WATCH`` index with
    ``gsi1sk < now`` — O(items due), never the open appeals that are not due."""
    stamp = clock.iso(now)
    found: list[Finding] = []
    scanned = 0
    for shard in range(settings().sweep_shards):
        params: dict[str, Any] = {
            "TableName": db.table(),
            "IndexName": keys.GSI1,
            "KeyConditionExpression": "gsi1pk = :p AND gsi1sk < :now",
            "ExpressionAttributeValues": db.to_values(
                {":p": keys.sweep_watch(shard), ":now": stamp}
            ),
            "ProjectionExpression": "id, gsi1sk, reply_due_at, auto_close_at, supervision_due_at",
        }
        while True:
            resp = db.client().query(**params)
            scanned += int(resp.get("ScannedCount", 0))
            for raw in resp.get("Items", []):
                item = db.from_item(raw)
                when, finding, _ = item["gsi1sk"].split("#", 2)
                attribute = _DEADLINE_OF.get(finding)
                deadline = item[attribute] if attribute else when
                found.append(Finding(item["id"], finding, deadline))
            if not resp.get("LastEvaluatedKey"):
                break
            params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return found, scanned


def level_two(limit: int = 100) -> list[Appeal]:
    """Every open appeal raised to the county's joint meeting (level 2), by deadline."""
    out: list[Appeal] = []
    cursor: str | None = None
    while True:
        items, cursor = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :k",
            values={":k": keys.LEVEL_TWO},
            limit=limit,
            cursor=cursor,
        )
        out += [Appeal.model_validate(records.strip_keys(i)) for i in items]
        if cursor is None:
            return out


def of_enterprise(uscc: str, limit: int) -> list[Appeal]:
    """An enterprise's newest appeals (at most ``limit``): one Query of its ``L#ent`` list."""
    items, _ = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": keys.enterprise_appeals(uscc)},
        limit=limit,
        cursor=None,
        forward=_CREATED_DESC,
    )
    return [Appeal.model_validate(records.strip_keys(i)) for i in items]


def page_by_phone(phone: str, limit: int, cursor: str | None) -> tuple[list[Appeal], str | None]:
    """The appeals whose caller or contact used this phone (as stored: national digits,
    ``13812345678``, ``051384123456``), newest first: one Query of the ``L#phone#…``
    listing copies (content cut to its start, as every list shows it)."""
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": keys.appeals_by_phone(phone)},
        limit=limit,
        cursor=cursor,
        forward=_CREATED_DESC,
    )
    return [Appeal.model_validate(records.strip_keys(i)) for i in items], nxt


def ledger_whole(
    department_id: str,
    ranks: tuple[str, ...],
    before: str | None,
    category: str | None,
    accepted_since: str | None = None,
) -> list[tuple[str, Appeal]]:
    """Every item of a unit's ledger in its order, with its place (``gsi1sk``): one Query per
    rank asked (``0`` not yet accepted, ``1`` accepted), narrowed by the key to deadlines
    before ``before`` (overdue only) and, for accepted items, from ``accepted_since`` on, and
    by a filter to one ``category``. DynamoDB charges for every listing copy the key range
    holds, filtered or not (~2.3 KB each: 100 copies ≈ 29 RCU eventually consistent); a
    unit's open work is tens of items, its accepted supervised items are read only when
    asked for and only in the window."""
    out: list[tuple[str, Appeal]] = []
    for rank in ranks:
        values: dict[str, Any] = {":k": keys.department_ledger(department_id)}
        if rank == "0" and before is not None:
            condition = "gsi1pk = :k AND gsi1sk BETWEEN :lo AND :hi"
            values |= {":lo": "0#", ":hi": f"0#{before}"}
        elif rank == "1" and accepted_since is not None:
            condition = "gsi1pk = :k AND gsi1sk BETWEEN :lo AND :hi"
            values |= {":lo": f"1#{accepted_since}", ":hi": "1#~"}
        else:
            condition = "gsi1pk = :k AND begins_with(gsi1sk, :r)"
            values[":r"] = f"{rank}#"
        params: dict[str, Any] = {
            "TableName": db.table(),
            "IndexName": keys.GSI1,
            "KeyConditionExpression": condition,
        }
        if category is not None:
            params["FilterExpression"] = "category = :c"
            values[":c"] = category
        params["ExpressionAttributeValues"] = db.to_values(values)
        while True:
            resp = db.client().query(**params)
            for raw in resp.get("Items", []):
                item = db.from_item(raw)
                out.append((str(item["gsi1sk"]), Appeal.model_validate(records.strip_keys(item))))
            if not resp.get("LastEvaluatedKey"):
                break
            params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return out


def open_parts_count(department_id: str) -> int:
    """How many parts a unit holds open: a ``Select=COUNT`` Query of its open-parts list
    (``deptq``), which holds only open parts of appeals not closed. DynamoDB still reads the
    listing copies it counts (measured ~2.3 KB each: 100 open parts ≈ 29 RCU, eventually
    consistent), but nothing is returned or parsed; the unit's other appeals are not read."""
    params: dict[str, Any] = {
        "TableName": db.table(),
        "IndexName": keys.GSI1,
        "KeyConditionExpression": "gsi1pk = :k",
        "ExpressionAttributeValues": db.to_values({":k": keys.department_queue(department_id)}),
        "Select": "COUNT",
    }
    total = 0
    while True:
        resp = db.client().query(**params)
        total += int(resp.get("Count", 0))
        if not resp.get("LastEvaluatedKey"):
            return total
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def provisional_ids(limit: int) -> list[str]:
    """The open appeals whose deadline is provisional (the sparse list), at most ``limit``."""
    out: list[str] = []
    cursor: str | None = None
    while len(out) < limit:
        items, cursor = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :k",
            values={":k": keys.PROVISIONAL},
            limit=min(50, limit - len(out)),
            cursor=cursor,
        )
        out += [str(i["id"]) for i in items]
        if cursor is None:
            break
    return out


# --- the home page's counters ------------------------------------------------------------------

#: A counter stops reading after this many requests (each up to 1 MB); the figure is then a
#: lower bound, and the response says so.
COUNT_REQUESTS = 4


@dataclass
class Reading:
    """What the counters read: DynamoDB requests made, and whether a cap cut one short."""

    requests: int = 0
    capped: bool = False


def count(
    reading: Reading,
    partition: str,
    *,
    sk_from: str | None = None,
    sk_before: str | None = None,
    filter_expression: str | None = None,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
) -> int:
    """Items of a GSI1 list (``Select=COUNT``), optionally between two sort keys: on the
    sparse open-appeals index by deadline, this reads only the items counted."""
    condition = "gsi1pk = :p"
    vals: dict[str, Any] = {":p": partition, **(values or {})}
    if sk_from is not None and sk_before is not None:
        condition += " AND gsi1sk BETWEEN :a AND :b"
        vals.update({":a": sk_from, ":b": sk_before})
    elif sk_before is not None:
        condition += " AND gsi1sk < :b"
        vals[":b"] = sk_before
    params: dict[str, Any] = {
        "TableName": db.table(),
        "IndexName": keys.GSI1,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": db.to_values(vals),
        "Select": "COUNT",
    }
    if filter_expression:
        params["FilterExpression"] = filter_expression
    if names:
        params["ExpressionAttributeNames"] = names
    total = 0
    for _ in range(COUNT_REQUESTS):
        resp = db.client().query(**params)
        reading.requests += 1
        total += resp["Count"]
        if not resp.get("LastEvaluatedKey"):
            return total
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    reading.capped = True
    return total


def open_queue(reading: Reading, user: User, limit: int = 400) -> list[Appeal]:
    """A commissioner's or department's open queue (its own partition, by deadline), up to
    ``limit`` items: what the counters of its home page count."""
    partition, _ = _scope_partition(user, "queue")
    params: dict[str, Any] = {
        "TableName": db.table(),
        "IndexName": keys.GSI1,
        "KeyConditionExpression": "gsi1pk = :p",
        "ExpressionAttributeValues": db.to_values({":p": partition}),
        "Limit": limit,
    }
    found: list[dict[str, Any]] = []
    for _ in range(COUNT_REQUESTS):
        resp = db.client().query(**params)
        reading.requests += 1
        found.extend(resp.get("Items", []))
        start = resp.get("LastEvaluatedKey")
        if not start:
            break
        if len(found) >= limit:
            reading.capped = True
            break
        params["ExclusiveStartKey"] = start
        params["Limit"] = limit - len(found)
    else:
        reading.capped = True
    return [Appeal.model_validate(records.strip_keys(db.from_item(i))) for i in found]


def count_open_due(reading: Reading, now: datetime, end_of_today: str) -> tuple[int, int]:
    """Every open appeal past its deadline, and due by tonight: two range counts on the
    sparse open-appeals index (sort key ``reply_due_at#id``), each reading only what it
    counts."""
    at = clock.iso(now)
    overdue = count(reading, keys.OPEN_APPEALS, sk_before=at)
    today = count(reading, keys.OPEN_APPEALS, sk_from=at, sk_before=end_of_today)
    return overdue, today
