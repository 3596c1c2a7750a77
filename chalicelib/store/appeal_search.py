"""Searching the appeals (API.md "Searching appeals") and drawing the candidates of similar
appeals: both read the appeals' lists by index (``store/appeals.listings``), never a scan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib import clock
from chalicelib.domain import counters
from chalicelib.domain.appeals import CASE_NUMBER, Appeal, can_read
from chalicelib.domain.codes import Category, Channel, Role, Status
from chalicelib.domain.models import User
from chalicelib.errors import NotFound
from chalicelib.store import db, keys, records
from chalicelib.store.appeals import load

#: Newest first (the lists' sort key is the filing time).
_CREATED_DESC = False


@dataclass(frozen=True)
class Search:
    """What a search of the appeals asks (API.md "Searching appeals"); any left out matches."""

    q: str | None = None
    phone: str | None = None
    uscc: str | None = None
    category: Category | None = None
    channel: Channel | None = None
    external_ref: str | None = None
    start: str | None = None  # the first instant filed (Beijing ISO), included
    end: str | None = None  # the instant after the last day filed, excluded
    status: Status | None = None
    overdue: bool | None = None
    due: str | None = None  # "today": open, due from now until 24:00 Beijing

    def params(self) -> dict[str, Any]:
        """As a job keeps it (JSON)."""
        return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in vars(self).items()}

    @staticmethod
    def of(params: dict[str, Any]) -> Search:
        """Read back from :meth:`params`."""

        def enum(kind: type[StrEnum], name: str) -> Any:
            value = params.get(name)
            return kind(value) if value is not None else None

        return Search(
            q=params.get("q"),
            phone=params.get("phone"),
            uscc=params.get("uscc"),
            category=enum(Category, "category"),
            channel=enum(Channel, "channel"),
            external_ref=params.get("external_ref"),
            start=params.get("start"),
            end=params.get("end"),
            status=enum(Status, "status"),
            overdue=params.get("overdue"),
            due=params.get("due"),
        )

    @property
    def words(self) -> list[str]:
        return [w for w in (self.q or "").split() if w][:5]


#: DynamoDB requests one page of a search may take (about 1 MB each); a page that read this
#: much without filling comes back short, with a cursor to read on from.
SEARCH_REQUESTS = 4


def search(
    user: User, s: Search, now: datetime, limit: int, cursor: str | None
) -> tuple[list[Appeal], str | None]:
    """A page of the appeals ``user`` may read that match ``s``, newest first.

    The list read is the narrowest the search names — a work-order number's, an
    enterprise's, else the caller's own (an enterprise's, an operator's calls, a department's
    transfers; everything for commissioners, admins and supervisors) — within the filing
    dates asked (its sort key is the filing time); the rest is a filter on what is read, at
    most ``SEARCH_REQUESTS`` requests a page. A case number is one read."""
    words = s.words
    if len(words) == 1 and CASE_NUMBER.fullmatch(words[0]) and words[0].upper().startswith("XQT-"):
        try:
            appeal, _ = load(words[0].upper())
        except NotFound:
            return [], None
        found = [appeal] if can_read(user, appeal) and _matches(appeal, s, now) else []
        return found, None
    args = _search_args(user, s, now)
    if args is None:
        return [], None
    items, nxt = db.query_page(
        **args, limit=limit, cursor=cursor, forward=_CREATED_DESC, max_requests=SEARCH_REQUESTS
    )
    found = [Appeal.model_validate(records.strip_keys(i)) for i in items]
    return [a for a in found if can_read(user, a)], nxt


def count(user: User, s: Search, now: datetime) -> tuple[int, bool]:
    """How many a search finds (共 N 条), bounded as ``db.count_query`` says: ``(n, capped)``.
    The list read is the caller's own or one every staff reader reads whole, so what is
    counted is what the pages show."""
    words = s.words
    if len(words) == 1 and CASE_NUMBER.fullmatch(words[0]) and words[0].upper().startswith("XQT-"):
        return len(search(user, s, now, 1, None)[0]), False
    args = _search_args(user, s, now)
    if args is None:
        return 0, False
    return db.count_query(**args)


def _search_args(user: User, s: Search, now: datetime) -> dict[str, Any] | None:
    """The search's Query (its list, key condition and filters); ``None``: nothing to read."""
    partition = _search_partition(user, s)
    if partition is None:
        return None
    condition = "gsi1pk = :p"
    values: dict[str, Any] = {":p": partition}
    by_filing = not partition.startswith(keys.department_appeals(""))  # sorted by transfer
    if not by_filing:
        pass  # the filing dates are a filter only
    elif s.start and s.end:
        condition += " AND gsi1sk BETWEEN :a AND :b"
        values.update({":a": s.start, ":b": s.end})
    elif s.start:
        condition += " AND gsi1sk >= :a"
        values[":a"] = s.start
    elif s.end:
        condition += " AND gsi1sk < :b"
        values[":b"] = s.end
    names: dict[str, str] = {}
    filters = _search_filters(s, now, values, names)
    return {
        "index": keys.GSI1,
        "key_condition": condition,
        "values": values,
        "names": names or None,
        "filter_expression": " AND ".join(filters) or None,
    }


def _search_partition(user: User, s: Search) -> str | None:
    """The list to read, or ``None`` when the search names what the user cannot read."""
    role = user.role
    if role == Role.ENTERPRISE:
        own = user.enterprise_uscc or keys.UNBOUND
        return None if s.uscc and s.uscc != own else keys.enterprise_appeals(own)
    if role == Role.OPERATOR:
        return keys.operator_calls(user.username)
    if role == Role.DEPARTMENT:
        return keys.department_appeals(user.department_id or keys.UNBOUND)
    if s.external_ref:
        return keys.external_ref(s.external_ref)
    if s.phone:
        return keys.appeals_by_phone(s.phone)
    if s.uscc:
        return keys.enterprise_appeals(s.uscc)
    return keys.ALL_APPEALS


def _search_filters(
    s: Search, now: datetime, values: dict[str, Any], names: dict[str, str]
) -> list[str]:
    filters: list[str] = []

    def equal(attribute: str, value: str, token: str) -> None:
        names[f"#{token}"] = attribute
        values[f":{token}"] = value
        filters.append(f"#{token} = :{token}")

    if s.status is not None:
        equal("status", s.status.value, "st")
    if s.category is not None:
        equal("category", s.category.value, "cat")
    if s.channel is not None:
        equal("channel", s.channel.value, "ch")
    if s.external_ref:
        equal("external_ref", s.external_ref, "ext")
    if s.uscc:
        names["#ent"], names["#us"] = "enterprise", "uscc"
        values[":us"] = s.uscc
        filters.append("#ent.#us = :us")
    if s.phone:
        names["#ent"], names["#cp"], names["#ct"] = "enterprise", "caller_phone", "contact_phone"
        values[":ph"] = s.phone
        filters.append("(#ent.#cp = :ph OR #ct = :ph)")
    if s.start or s.end:
        names["#cr"] = "created_at"
        if s.start:
            values[":a"] = s.start
            filters.append("#cr >= :a")
        if s.end:
            values[":b"] = s.end
            filters.append("#cr < :b")
    for i, word in enumerate(s.words):
        names.update({"#ti": "title", "#co": "content", "#ent": "enterprise", "#nm": "name"})
        values[f":w{i}"] = word
        filters.append(
            f"(contains(#ti, :w{i}) OR contains(#co, :w{i}) OR contains(#ent.#nm, :w{i}))"
        )
    if s.overdue is not None:
        names["#st2"] = "status"
        values.update({":r": Status.RECEIVED.value, ":w": Status.PROCESSING.value})
        values[":now"] = clock.iso(now)
        names["#pz"] = "paused"
        values[":yes"] = True
        late = "(#st2 IN (:r, :w) AND reply_due_at < :now AND NOT #pz = :yes)"  # not paused
        filters.append(late if s.overdue else f"NOT {late}")
    if s.due == "today":
        names["#st3"] = "status"
        values.update({":r": Status.RECEIVED.value, ":w": Status.PROCESSING.value})
        values.update({":dfrom": clock.iso(now), ":dby": counters.window(now).end_of_today})
        filters.append("(#st3 IN (:r, :w) AND reply_due_at >= :dfrom AND reply_due_at < :dby)")
    return filters


def _due_today(due: str, now: datetime) -> bool:
    w = counters.window(now)
    return w.now <= due < w.end_of_today


def _matches(a: Appeal, s: Search, now: datetime) -> bool:
    """What a search's filters say of one appeal read by its case number."""
    checks = [
        s.status is None or a.status == s.status,
        s.category is None or a.category == s.category,
        s.channel is None or a.channel == s.channel,
        s.external_ref is None or a.external_ref == s.external_ref,
        s.uscc is None or a.enterprise.uscc == s.uscc,
        s.phone is None or s.phone in (a.enterprise.caller_phone, a.contact_phone),
        s.start is None or a.created_at >= s.start,
        s.end is None or a.created_at < s.end,
        s.due != "today" or (a.is_open and _due_today(a.reply_due_at, now)),
    ]
    return all(checks)


#: How many of the latest open appeals of a category, and of an enterprise's appeals, are
#: compared when looking for similar ones (two Queries; items bounded, whatever the table).
SIMILAR_BY_CATEGORY = 100
SIMILAR_BY_ENTERPRISE = 50


def similar_candidates(
    uscc: str | None, category: Category | None, numbers: Sequence[str] = ()
) -> list[Appeal]:
    """The appeals worth comparing with one about ``category`` from ``uscc`` or these phone
    ``numbers``: that enterprise's latest, each number's latest, and the category's latest
    open ones — one Query each."""
    lists = []
    if uscc:
        lists.append((keys.enterprise_appeals(uscc), SIMILAR_BY_ENTERPRISE))
    for number in list(dict.fromkeys(numbers))[:2]:
        lists.append((keys.appeals_by_phone(number), SIMILAR_BY_ENTERPRISE))
    if category is not None:
        lists.append((keys.open_in_category(category.value), SIMILAR_BY_CATEGORY))
    out: list[Appeal] = []
    for partition, limit in lists:
        items, _ = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :p",
            values={":p": partition},
            limit=limit,
            cursor=None,
            forward=_CREATED_DESC,
        )
        out += [Appeal.model_validate(records.strip_keys(i)) for i in items]
    return out


#: Items a page of the common problems' reading asks for (one request each, well under
#: DynamoDB's 1 MB: a listing copy holds the content's first 200 characters).
COMMON_PAGE = 200


@dataclass(frozen=True)
class Candidates:
    """What the common problems' grouping compares, and what reading it cost."""

    appeals: list[Appeal]
    requests: int
    truncated: bool


def common_candidates(closed_since: str, limit: int) -> Candidates:
    """Every open appeal (the ``AP#OPEN`` list) and those closed since ``closed_since``
    (a range of ``AP#CLOSED``; merged and void ones are not on it): one Query per
    ``COMMON_PAGE`` items, at most ``limit`` items in all (``truncated`` when more were
    left)."""
    out: list[Appeal] = []
    requests = 0
    truncated = False
    lists = (
        ("gsi1pk = :p", {":p": keys.OPEN_APPEALS}),
        ("gsi1pk = :p AND gsi1sk >= :s", {":p": keys.CLOSED_APPEALS, ":s": closed_since}),
    )
    for condition, values in lists:
        cursor: str | None = None
        while True:
            room = limit - len(out)
            if room <= 0:
                truncated = True
                break
            items, cursor = db.query_page(
                index=keys.GSI1,
                key_condition=condition,
                values=values,
                limit=min(COMMON_PAGE, room),
                cursor=cursor,
            )
            requests += 1
            out += [Appeal.model_validate(records.strip_keys(i)) for i in items]
            if cursor is None:
                break
    return Candidates(out, requests, truncated)
