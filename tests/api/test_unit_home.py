"""The unit's home (issue 21 part 4): its five counters (待签收, 办理中, 今日到期, 逾期, 督办),
each equal to what its filtered list holds, and ``GET /departments/{id}/month`` — the unit's
figures for a month beside the county's average, worked out by hand for August 2026, live
and then from the month's report, with the DynamoDB requests each makes; who may ask, and a
bad month naming the field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from chalicelib.clock import BEIJING
from tests.api.conftest import conforms
from tests.api.test_appeals import event, processing
from tests.api.test_sweep import sweep, types

TOWN = "town-juegang"


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def at(day: int, hour: int = 10, month: int = 8) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=BEIJING)


@pytest.fixture
def requests_made(monkeypatch):
    """Every DynamoDB request, by operation, counted at the client."""
    from chalicelib.store import db

    made: list[tuple[str, dict[str, Any]]] = []
    real = db.client

    class Counting:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            attr = getattr(self.inner, name)
            if not callable(attr) or name.startswith("_") or name == "meta":
                return attr

            def call(*args: Any, **params: Any) -> Any:
                made.append((name, params))
                return attr(*args, **params)

            return call

    monkeypatch.setattr(db, "client", lambda: Counting(real()))
    return made


def own(made: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str | None]]:
    """The route's own requests: without the caller's sign-in (its user item and the Query
    every authenticated request makes)."""
    out: list[tuple[str, str | None]] = []
    for op, params in made:
        key = params.get("Key", {}).get("pk", {}).get("S")
        if (key or "").startswith("USER#") or (op == "query" and "IndexName" not in params):
            continue
        out.append((op, key or params.get("IndexName")))
    return out


def month(api, unit, when, user=None):
    r = api.call("GET", f"/api/v1/departments/{unit}/month?month={when}", as_user=user or unit)
    assert r.status_code == 200, r.data
    return r.data


def test_a_towns_month_beside_the_county_by_hand(api, at_time, document, requests_made):
    """August 2026 (no holiday); nothing else in this module's table happens in it.

    - A: filed Mon 3 Aug, transferred 3 Aug to 掘港街道 (the town) and tax: sign-for by Tue
      4 Aug, parts due Thu 6 Aug. Both sign 4 Aug (in time); the town answers 5 Aug (on
      time); tax never answers: the sweep of Fri 7 Aug marks its part overdue.
    - B: transferred Mon 10 Aug to the town alone (sign-for by 11 Aug, due 13 Aug); nobody
      signs: the sweep of 12 Aug marks it; the town answers 13 Aug (on time; its sign-for
      already settled, not in time).
    - C: supervised 10 Aug with the town owning it.

    Town: 收到转办 2, 已答复 2, 按时答复率 2/2 = 100%, 签收及时率 1/2 = 50%, 超期件 0, 督办 1.
    Tax: 1, 0, — (no answer), 1/1 = 100%, 1, 0. The county's average over these 2 units:
    transferred (2+1)/2 = 1.5, answered 1.0, on time (2+0)/(2+0) = 100%, sign-for (1+1)/(2+1)
    = 66.67%, parts overdue 0.5, supervised 0.5.
    """
    at_time(at(3, 9))
    empty = month(api, TOWN, "2026-08")
    assert empty["county"]["units"] == 0 and empty["unit"]["transferred"] == 0
    a = processing(api)
    a = event(api, a, "transfer", "comm-designated", departments=[TOWN, "tax"])
    assert {d["id"]: d["due_at"] for d in a["departments"]} == {
        TOWN: "2026-08-06T23:59:59+08:00",
        "tax": "2026-08-06T23:59:59+08:00",
    }
    at_time(at(4))
    a = event(api, a, "accept_part", TOWN)
    a = event(api, a, "accept_part", "dept-tax")
    at_time(at(5))
    a = event(api, a, "department_reply", TOWN, content="已协调供电公司")
    at_time(at(7, 9))
    sweep(api)
    assert types(api, a["id"]).count("part_overdue") == 1
    at_time(at(10))
    b = event(api, processing(api), "transfer", "comm-designated", departments=[TOWN])
    c = event(
        api, processing(api), "supervise", "supervisor", due_working_days=5, departments=[TOWN]
    )
    assert c["supervision"]["status"] != "accepted"
    at_time(at(12, 9))
    sweep(api)
    at_time(at(13))
    b = api.call("GET", f"/api/v1/appeals/{b['id']}", as_user="admin").data
    b = event(api, b, "department_reply", TOWN, content="已完成交地")

    at_time(at(31, 16))
    requests_made.clear()
    r = api.call("GET", f"/api/v1/departments/{TOWN}/month?month=2026-08", as_user=TOWN)
    conforms(document, "GET", "/api/v1/departments/{department_id}/month", r)
    live = r.data
    ops = own(requests_made)
    # the report item (none), the month's events (one page), the appeals behind them, the
    # units' names and the meetings of July and August: never a scan
    assert ops == [
        ("query", "gsi2"),  # the month's latest report: none
        ("get_item", "LIVEMONTH#2026-08"),  # the month kept from a visit: none
        ("get_item", "SETTINGS#service-levels"),  # the calendar in force (working days)
        ("query", "gsi1"),  # the month's events, one page
        ("batch_get_item", None),  # the appeals behind them, 100 to a request
        ("get_item", "DIRECTORY"),  # the units' names
        ("get_item", "MEETING#2026-07"),
        ("get_item", "MEETING#2026-08"),
        ("put_item", None),  # kept five minutes for every unit's home
    ]
    assert live["source"] == "live" and live["report_id"] is None
    assert live["as_of"][:16] == "2026-08-31T16:00"
    assert live["fresh_until"][:16] == "2026-08-31T16:05"
    # another visit within five minutes (any unit's) reads what was kept: two requests
    at_time(at(31, 16).replace(minute=4))
    requests_made.clear()
    again = month(api, TOWN, "2026-08")
    assert own(requests_made) == [("query", "gsi2"), ("get_item", "LIVEMONTH#2026-08")]
    assert again == live
    assert live["unit"] == {
        "transferred": 2,
        "replied": 2,
        "on_time_rate": 1.0,
        "sign_rate": 0.5,
        "parts_overdue": 0,
        "supervised": 1,
    }
    assert live["county"] == {
        "transferred": 1.5,
        "replied": 1.0,
        "on_time_rate": 1.0,
        "sign_rate": 0.6667,
        "parts_overdue": 0.5,
        "supervised": 0.5,
        "units": 2,
    }
    tax = month(api, "tax", "2026-08", user="dept-tax")["unit"]
    assert (tax["transferred"], tax["replied"], tax["on_time_rate"]) == (1, 0, None)
    assert (tax["sign_rate"], tax["parts_overdue"], tax["supervised"]) == (1.0, 1, 0)

    # once the month's report is built (after the month), it is read instead: one Query
    at_time(at(1, 9, month=9))
    made = api.call("POST", "/api/v1/reports", {"month": "2026-08"}, as_user="supervisor")
    assert made.status_code == 202, made.data
    assert api.call("POST", "/api/v1/dev/jobs/reports").data["processed"] == 1
    requests_made.clear()
    reported = month(api, TOWN, "2026-08")
    assert own(requests_made) == [("query", "gsi2")]  # the month's latest report; its JSON from S3
    assert reported["source"] == "report" and reported["report_id"] == made.data["id"]
    assert (reported["unit"], reported["county"]) == (live["unit"], live["county"])


def test_who_may_read_a_units_month(api, at_time):
    at_time(at(20, 10, month=11))
    for user in (TOWN, "admin", "supervisor"):
        r = api.call("GET", f"/api/v1/departments/{TOWN}/month", as_user=user)
        assert r.status_code == 200, (user, r.data)
        assert r.data["month"] == "2026-11" and r.data["department_id"] == TOWN
    for user in ("town-matang", "dept-tax"):  # another unit's user: as for its ledger
        r = api.call("GET", f"/api/v1/departments/{TOWN}/month", as_user=user)
        assert r.status_code == 404, (user, r.data)
    for user in ("comm-designated", "operator-12345", "ent-hengrun"):
        r = api.call("GET", f"/api/v1/departments/{TOWN}/month", as_user=user)
        assert r.status_code == 403, (user, r.data)
    assert api.call("GET", f"/api/v1/departments/{TOWN}/month").status_code == 401


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "202611", "2026-12", "x" * 300])
def test_a_bad_month_is_a_400_naming_it(api, at_time, bad):
    at_time(at(20, 10, month=11))  # 2026-12 is next month: not yet begun
    r = api.call("GET", f"/api/v1/departments/{TOWN}/month?month={bad}", as_user=TOWN)
    assert r.status_code == 400, r.data
    assert [e["field"] for e in r.data["errors"]] == ["month"]


def test_the_five_counters_match_the_lists_they_open(api, at_time):
    """待签收 and 办理中 split the town's open parts; 今日到期 and 逾期 are what the ledger's
    status filters list; 督办 its supervised items not yet accepted."""
    unit = "town-matang"

    def counters() -> dict[str, Any]:
        return api.call("GET", "/api/v1/me/counters", as_user=unit).data

    def listed(query: str) -> int:
        r = api.call("GET", f"/api/v1/departments/{unit}/ledger?{query}", as_user=unit)
        assert r.status_code == 200, r.data
        return int(r.data["total"])

    at_time(at(2, 10, month=11))  # Monday
    before = counters()
    first = event(api, processing(api), "transfer", "comm-designated", departments=[unit])
    second = event(api, processing(api), "transfer", "comm-designated", departments=[unit])
    event(api, processing(api), "supervise", "supervisor", due_working_days=5, departments=[unit])
    event(api, first, "accept_part", unit)
    now = counters()
    assert now["awaiting_sign"] == before["awaiting_sign"] + 1
    assert now["in_progress"] == before["in_progress"] + 1
    assert now["supervised_open"] == before["supervised_open"] + 1
    # each counter is the total of the list its link opens (frontend/src/shell/counters.ts)
    assert now["awaiting_sign"] == listed("kind=part&signed=false")
    assert now["in_progress"] == listed("kind=part&signed=true")
    assert now["supervised_open"] == listed("kind=supervised&accepted=false")
    assert listed("kind=part") == now["awaiting_sign"] + now["in_progress"]
    due = datetime.fromisoformat(second["departments"][0]["due_at"]).astimezone(BEIJING)
    for when in (due.replace(hour=10), due.replace(day=due.day + 1, hour=10)):
        at_time(when)
        c = counters()
        assert c["due_today"] == listed("status=due_today")
        assert c["overdue"] == listed("overdue=true")
    assert c["overdue"] >= 2  # both parts past their deadline the day after


def test_accepted_items_are_listed_back_ninety_days_unless_asked_further(api, at_time):
    """The ledger never reads a unit's whole history: its accepted supervised items are
    read from 90 days before today by their deadline, or from ``assigned_from``."""
    unit = "town-yuanzhuang"
    at_time(at(3, 10, month=8))
    a = event(
        api, processing(api), "supervise", "supervisor", due_working_days=5, departments=[unit]
    )
    a = event(api, a, "report_completion", unit, content="已办结")
    event(api, a, "accept_completion", "supervisor")

    def ids(query: str = "") -> list[str]:
        r = api.call("GET", f"/api/v1/departments/{unit}/ledger?{query}", as_user=unit)
        assert r.status_code == 200, r.data
        assert r.data["total"] == len(r.data["items"])
        return [x["id"] for x in r.data["items"]]

    assert a["id"] in ids() and a["id"] in ids("status=accepted")
    at_time(at(20, 10, month=11))  # its deadline (mid-August) is more than 90 days back
    assert a["id"] not in ids()
    assert a["id"] not in ids("status=accepted")
    assert a["id"] in ids("status=accepted&assigned_from=2026-08-01")
    assert a["id"] not in ids("accepted=false")


def test_the_live_month_is_kept_five_minutes_and_a_past_month_once_settled(
    api, at_time, requests_made
):
    """June 2026 (nothing else here): this month's figures are shared for five minutes and
    then counted again; a past month computed live after it ended is settled and kept."""
    unit = "town-hekou"
    at_time(at(10, 10, month=6))
    event(api, processing(api), "transfer", "comm-designated", departments=[unit])
    first = month(api, unit, "2026-06")
    assert first["unit"]["transferred"] == 1
    assert first["fresh_until"][:16] == "2026-06-10T10:05"  # the clock runs on from 10:00
    at_time(at(10, 10, month=6).replace(minute=3))
    event(api, processing(api), "transfer", "comm-designated", departments=[unit])
    kept = month(api, unit, "2026-06")
    assert kept["unit"]["transferred"] == 1 and kept["as_of"] == first["as_of"]
    at_time(at(10, 10, month=6).replace(minute=6))
    fresh = month(api, unit, "2026-06")
    assert fresh["unit"]["transferred"] == 2
    assert fresh["as_of"][:16] == "2026-06-10T10:06"
    # July: June is over, and its figures computed now never change
    at_time(at(2, 10, month=7))
    settled = month(api, unit, "2026-06")
    assert settled["unit"]["transferred"] == 2 and settled["fresh_until"] is None
    at_time(at(20, 10, month=7))
    requests_made.clear()
    assert month(api, unit, "2026-06") == settled
    assert own(requests_made) == [("query", "gsi2"), ("get_item", "LIVEMONTH#2026-06")]
