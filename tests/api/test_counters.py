"""The home page's counters (``GET /api/v1/me/counters``): 逾期, 今日到期, 待签收, 待回访 and the
triage queue, counted on the caller's own lists, with the DynamoDB requests each call makes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.clock import BEIJING
from tests.api.conftest import conforms
from tests.api.test_appeals import event, file_web, post_call


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


@pytest.fixture
def queries(monkeypatch):
    """DynamoDB Query requests made, counted at the client."""
    from chalicelib.store import db

    made: list[dict[str, Any]] = []
    real = db.client

    class Counting:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def query(self, **params: Any) -> Any:
            made.append(params)
            return self.inner.query(**params)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    monkeypatch.setattr(db, "client", lambda: Counting(real()))
    return made


def counters(api, user):
    r = api.call("GET", "/api/v1/me/counters", as_user=user)
    assert r.status_code == 200, r.data
    return r.data


def test_every_role_reads_its_counters_as_documented(api, document):
    for user in (
        "ent-hengrun",
        "operator-12345",
        "comm-designated",
        "dept-tax",
        "admin",
        "supervisor",
    ):
        r = api.call("GET", "/api/v1/me/counters", as_user=user)
        conforms(document, "GET", "/api/v1/me/counters", r)
        assert r.data["partial"] is False
    assert api.call("GET", "/api/v1/me/counters").status_code == 401


def test_a_commissioner_and_a_department_count_by_their_own_deadlines(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))  # Monday
    before = {u: counters(api, u) for u in ("ent-hengrun", "comm-designated", "dept-tax", "admin")}
    first, second = file_web(api), file_web(api)
    assert first["accept_due_at"] == "2026-11-03T23:59:59+08:00"
    ent = counters(api, "ent-hengrun")
    assert ent["open"] == before["ent-hengrun"]["open"] + 2
    assert ent["overdue"] is None and ent["triage"] is None
    comm = counters(api, "comm-designated")
    assert comm["awaiting_sign"] == before["comm-designated"]["awaiting_sign"] + 2
    assert comm["open"] == before["comm-designated"]["open"] + 2

    first = event(api, first, "accept", "comm-designated")
    first = event(api, first, "transfer", "comm-designated", departments=["tax"])
    part = first["departments"][0]
    assert counters(api, "comm-designated")["awaiting_sign"] == comm["awaiting_sign"] - 1
    dept = counters(api, "dept-tax")
    assert dept["awaiting_sign"] == before["dept-tax"]["awaiting_sign"] + 1

    # the day the part falls due: today's for the department, not yet the appeal's
    due_day = datetime.fromisoformat(part["due_at"]).astimezone(BEIJING)
    at_time(due_day.replace(hour=10, minute=0, second=0))
    assert counters(api, "dept-tax")["due_today"] >= 1
    at_time(due_day.replace(hour=23, minute=59, second=58))
    today = counters(api, "dept-tax")["due_today"]
    at_time((due_day + timedelta(days=1)).replace(hour=0, minute=0, second=1))
    after = counters(api, "dept-tax")
    assert after["due_today"] == today - 1
    assert after["overdue"] == before["dept-tax"]["overdue"] + 1

    # the appeals' own deadline: due today for the owner and the admins, then overdue
    reply_due = datetime.fromisoformat(second["reply_due_at"]).astimezone(BEIJING)
    at_time(reply_due.replace(hour=9))
    comm = counters(api, "comm-designated")
    admin = counters(api, "admin")
    assert comm["due_today"] >= 2 and admin["due_today"] >= 2
    at_time((reply_due + timedelta(days=1)).replace(hour=9))
    assert counters(api, "comm-designated")["overdue"] == comm["overdue"] + 2
    assert counters(api, "admin")["overdue"] == admin["overdue"] + 2


def test_admins_see_the_triage_queue_and_enterprises_what_awaits_their_confirmation(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    triage = counters(api, "admin")["triage"]
    assert post_call(api).status_code == 201
    assert counters(api, "admin")["triage"] == triage + 1

    waiting = counters(api, "ent-hengrun")["awaiting_confirmation"]
    a = event(api, file_web(api), "accept", "comm-designated")
    event(api, a, "reply", "comm-designated", content="已协调解决。")
    ent = counters(api, "ent-hengrun")
    assert ent["awaiting_confirmation"] == waiting + 1


def test_a_call_makes_a_few_requests_whatever_the_table_holds(api, queries):
    expected = {
        "ent-hengrun": 2,  # its appeals (filtered to open), its confirmation queue
        "operator-12345": 1,  # the call-back queue
        "comm-designated": 1,  # its open queue, one page
        "dept-tax": 1,
        "admin": 4,  # overdue and due today (ranges of the open index), triage, call-backs
        "supervisor": 3,
    }
    for user, n in expected.items():
        queries.clear()
        counters(api, user)
        counted = [q for q in queries if q.get("IndexName") == "gsi1"]
        assert len(counted) == n, (user, counted)
        # never the whole table: a key condition on one partition each
        assert all(q["KeyConditionExpression"].startswith("gsi1pk = :") for q in counted)
