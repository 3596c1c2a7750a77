"""The staff list's 共 N 条 and its 今日到期 / 逾期 filters (issue 19): ``count=true`` adds a
bounded ``total`` (the contract's ``{items, next_cursor}`` otherwise), and ``due=today`` lists
exactly what the home's 今日到期 counts, Beijing's day."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.clock import BEIJING
from tests.api.conftest import conforms
from tests.api.test_appeals import event, file_web, post_call


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def get(api, user, **query):
    return api.call("GET", f"/api/v1/appeals?{urlencode(query)}", as_user=user)


def listed(api, user, **query):
    r = get(api, user, **query)
    assert r.status_code == 200, r.data
    return r.data


def all_ids(api, user, **query):
    ids, cursor = [], None
    while True:
        page = listed(api, user, limit=100, **query, **({"cursor": cursor} if cursor else {}))
        ids += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def counters(api, user):
    r = api.call("GET", "/api/v1/me/counters", as_user=user)
    assert r.status_code == 200, r.data
    return r.data


def test_the_count_is_there_only_when_asked_and_conforms(api, document):
    file_web(api)
    plain = get(api, "admin", **{"limit": 1})
    conforms(document, "GET", "/api/v1/appeals", plain)
    assert set(plain.data) == {"items", "next_cursor"}
    counted = get(api, "admin", **{"limit": 1, "count": "true"})
    conforms(document, "GET", "/api/v1/appeals", counted)
    assert counted.data["total"] == len(all_ids(api, "admin"))
    assert counted.data["total_capped"] is False
    searched = listed(api, "admin", q="恒润", count="true", limit=1)
    assert searched["total"] == len(all_ids(api, "admin", q="恒润")) >= 1


def test_the_count_stops_at_its_cap_and_says_so(api, monkeypatch):
    from chalicelib.store import db

    for _ in range(3):
        file_web(api)
    monkeypatch.setattr(db, "COUNT_CAP", 2)
    page = listed(api, "admin", count="true")
    assert (page["total"], page["total_capped"]) == (2, True)
    mine = listed(api, "ent-hengrun", scope="mine", status="received", count="true")
    assert (mine["total"], mine["total_capped"]) == (2, True)


def test_due_today_lists_what_the_home_counter_counts(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))  # Monday
    first = file_web(api)
    second = event(api, file_web(api), "accept", "comm-designated")
    assert post_call(api).status_code == 201
    reply_due = datetime.fromisoformat(second["reply_due_at"]).astimezone(BEIJING)

    for moment in (
        reply_due.replace(hour=9, minute=0, second=0),
        reply_due.replace(hour=23, minute=50, second=0),  # the clock set runs on
        (reply_due + timedelta(days=1)).replace(hour=0, minute=0, second=1),
    ):
        at_time(moment)
        for user in ("admin", "supervisor"):
            home = counters(api, user)
            today = listed(api, user, due="today", count="true")
            assert today["total"] == home["due_today"] == len(all_ids(api, user, due="today"))
            late = listed(api, user, due="overdue", count="true")
            assert late["total"] == home["overdue"] == len(all_ids(api, user, due="overdue"))
        # the commissioner's 今日到期 and 逾期 open its queue with the same filters
        home = counters(api, "comm-designated")
        queue = {"scope": "queue"}
        assert home["due_today"] == len(all_ids(api, "comm-designated", **queue, due="today"))
        assert home["overdue"] == len(all_ids(api, "comm-designated", **queue, overdue="true"))
        # and its 未答复 is the whole queue its workbench opens on
        assert home["open"] == len(all_ids(api, "comm-designated", **queue))
        assert (home["due_today"] if moment.date() == reply_due.date() else home["overdue"]) >= 1
        ids = all_ids(api, "admin", due="today")
        if moment.date() == reply_due.date():
            assert {first["id"], second["id"]} <= set(ids)
        else:  # past midnight in Beijing: overdue, no longer due today
            assert second["id"] not in ids
            assert second["id"] in all_ids(api, "admin", due="overdue")

    # a search and a role's own list filter the same way
    at_time(reply_due.replace(hour=10))
    assert second["id"] in all_ids(api, "admin", due="today", q="恒润")
    assert second["id"] in all_ids(api, "comm-designated", scope="mine", due="today")
    assert listed(api, "admin", due="today", status="closed")["items"] == []


def test_due_and_overdue_that_disagree_or_an_unknown_due_are_a_400_naming_due(api):
    for query in ({"due": "today", "overdue": "true"}, {"due": "overdue", "overdue": "false"}):
        r = get(api, "admin", **query)
        assert r.status_code == 400, r.data
        assert [e["field"] for e in r.data["errors"]] == ["due"]
    r = get(api, "admin", **{"due": "tomorrow"})
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "due"
    r = get(api, "admin", **{"count": "maybe"})
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "count"
    ok = get(api, "admin", **{"due": "overdue", "overdue": "true"})
    assert ok.status_code == 200
