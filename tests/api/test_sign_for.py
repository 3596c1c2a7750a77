"""Sign-for (签收) and department parts watched, through the API (issue 18): the deadlines an
appeal and its parts carry, ``accept_part`` and its refusals, ``accept`` by a new owner while
processing, and the sweep's marks (moto SQS, the in-process consumer)."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import event, file_web, post_call
from tests.api.test_inbox import inbox
from tests.api.test_sweep import sweep, types


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def post(api, appeal, kind, user, **fields):
    body = {"type": kind, "version": appeal["version"], **fields}
    return api.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)


def told(api, user, appeal, kind):
    return any(
        n["kind"] == kind and n["appeal_id"] == appeal["id"] for n in inbox(api, user)["items"]
    )


def test_an_assigned_appeal_must_be_signed_for_by_the_next_working_day(api, at_time):
    at_time(datetime(2026, 9, 24, 10, 0, tzinfo=BEIJING))  # Thursday before Mid-Autumn
    a = file_web(api)
    assert a["accept_due_at"] == "2026-09-28T23:59:59+08:00"
    assert a["signed_at"] is None
    at_time(datetime(2026, 9, 28, 16, 0, tzinfo=BEIJING))
    a = event(api, a, "accept", "comm-designated")
    assert a["signed_at"] == "2026-09-28T16:00:00+08:00"
    last = a["timeline"][-1]
    assert last["type"] == "accept" and last["in_time"] is True
    assert last["accept_due_at"] == "2026-09-28T23:59:59+08:00"


def test_a_call_in_triage_has_none_until_assigned(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    a = post_call(api).data
    assert a["assignee"]["commissioner_id"] is None and a["accept_due_at"] is None
    a = event(api, a, "reassign", "admin", commissioner_id="c-small-micro")
    assert a["accept_due_at"] == "2026-11-03T23:59:59+08:00"


def test_a_new_owner_signs_for_it_while_processing_and_only_once(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    a = event(api, file_web(api), "accept", "comm-designated")
    r = post(api, a, "accept", "comm-designated")
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    at_time(datetime(2026, 11, 6, 15, 0, tzinfo=BEIJING))  # Friday
    a = event(api, a, "reassign", "admin", commissioner_id="c-small-micro")
    assert a["status"] == "processing" and a["signed_at"] is None
    assert a["accept_due_at"] == "2026-11-09T23:59:59+08:00"  # Monday
    mine = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="comm-small-micro").data
    assert "accept" in mine["actions"]
    a = event(api, a, "accept", "comm-small-micro")
    assert a["status"] == "processing" and a["timeline"][-1]["in_time"] is True
    assert "accept" not in a["actions"]
    r = post(api, a, "accept", "comm-small-micro")
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"


def test_accept_part_once_then_409_and_403_without_an_open_part(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    a = event(api, file_web(api), "accept", "comm-designated")
    a = event(api, a, "transfer", "comm-designated", departments=["natural-resources", "tax"])
    parts = {p["id"]: p for p in a["departments"]}
    assert parts["tax"]["accept_due_at"] == "2026-11-03T23:59:59+08:00"
    assert parts["tax"]["signed_at"] is None

    queue = api.call("GET", "/api/v1/appeals?scope=queue", as_user="dept-tax").data["items"]
    mine = next(x for x in queue if x["id"] == a["id"])
    assert next(p for p in mine["departments"] if p["id"] == "tax")["signed_at"] is None
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="dept-tax").data
    assert "accept_part" in seen["actions"]

    at_time(datetime(2026, 11, 2, 11, 0, tzinfo=BEIJING))
    a = event(api, a, "accept_part", "dept-tax")
    assert a["timeline"][-1]["type"] == "accept_part"
    assert a["timeline"][-1]["part"] == "tax" and a["timeline"][-1]["in_time"] is True
    assert {p["id"]: p["signed_at"] for p in a["departments"]}["tax"] == (
        "2026-11-02T11:00:00+08:00"
    )
    again = post(api, a, "accept_part", "dept-tax")
    assert again.status_code == 409 and again.data["code"] == "invalid_transition"
    assert again.headers["Content-Type"].startswith("application/problem+json")

    never = post(api, a, "accept_part", "dept-human-resources")
    assert never.status_code in (403, 404)  # never transferred there: it cannot read it
    a = event(api, a, "department_reply", "dept-natural-resources", content="可安排")
    done = post(api, a, "accept_part", "dept-natural-resources")
    assert done.status_code == 403 and done.data["code"] == "forbidden"
    # the department's reply signed for its part
    nat = {p["id"]: p for p in a["departments"]}["natural-resources"]
    assert nat["signed_at"] is not None
    assert a["timeline"][-1]["in_time"] is True


def test_accept_part_by_a_commissioner_is_403(api):
    a = event(api, file_web(api), "accept", "comm-designated")
    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    r = post(api, a, "accept_part", "comm-designated")
    assert r.status_code == 403


def test_accept_part_with_a_field_is_400_naming_it(api):
    a = event(api, file_web(api), "accept", "comm-designated")
    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    r = post(api, a, "accept_part", "dept-tax", note="x")
    assert r.status_code == 400
    assert [e["field"] for e in r.data["errors"]] == ["note"]


def test_the_sweep_marks_each_sign_for_once_and_watches_the_parts(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))  # Monday
    a = file_web(api)
    at_time(datetime(2026, 11, 4, 0, 0, 5, tzinfo=BEIJING))  # past Tuesday 23:59:59
    sweep(api)
    assert types(api, a["id"]) == ["filed", "sign_overdue"]
    sweep(api)
    assert types(api, a["id"]) == ["filed", "sign_overdue"]  # once
    assert told(api, "admin", a, "sign_overdue")
    assert not told(api, "comm-designated", a, "sign_overdue")
    a = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data
    a = event(api, a, "accept", "comm-designated")
    assert a["timeline"][-1]["in_time"] is None  # settled already, as not in time

    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    tax = a["departments"][0]
    assert tax["accept_due_at"] == "2026-11-05T23:59:59+08:00"
    assert tax["due_at"] == "2026-11-09T23:59:59+08:00"  # 3 working days: 5, 6, 9
    at_time(datetime(2026, 11, 6, 8, 0, tzinfo=BEIJING))
    sweep(api)
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data
    last = seen["timeline"][-1]
    assert last["type"] == "sign_overdue" and last["part"] == "tax" and last["actor"] is None
    assert told(api, "dept-tax", a, "sign_overdue")

    at_time(datetime(2026, 11, 9, 8, 0, tzinfo=BEIJING))  # the part's last day
    sweep(api)
    sweep(api)
    # the part's deadline is the appeal's own here: both warned, each once
    assert types(api, a["id"]).count("part_warned") == 1
    assert types(api, a["id"]).count("warned") == 1
    assert told(api, "dept-tax", a, "part_warned")
    assert told(api, "comm-designated", a, "part_warned")
    at_time(datetime(2026, 11, 10, 8, 0, tzinfo=BEIJING))
    sweep(api)
    sweep(api)
    assert types(api, a["id"]).count("part_overdue") == 1
    assert told(api, "dept-tax", a, "part_overdue")
    assert told(api, "comm-designated", a, "part_overdue")
    enterprise = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data
    assert "part_overdue" in [e["type"] for e in enterprise["timeline"]]


def test_the_sign_for_service_level_is_the_administrators(api, at_time):
    read = api.call("GET", "/api/v1/settings/service-levels", as_user="admin").data
    assert read["accept_working_days"] == 1
    change = {
        "version": read["version"],
        "normal_working_days": 5,
        "urgent_working_days": 1,
        "warning_working_days": 1,
        "accept_working_days": 2,
    }
    r = api.call("PUT", "/api/v1/settings/service-levels", change, as_user="admin")
    assert r.status_code == 200 and r.data["accept_working_days"] == 2
    at_time(datetime(2026, 9, 24, 10, 0, tzinfo=BEIJING))
    assert file_web(api)["accept_due_at"] == "2026-09-29T23:59:59+08:00"  # 28, 29
    bad = {**change, "version": r.data["version"], "accept_working_days": 0}
    r = api.call("PUT", "/api/v1/settings/service-levels", bad, as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "accept_working_days"
    # a client that leaves it out keeps it
    keep = {k: v for k, v in change.items() if k != "accept_working_days"}
    current = api.call("GET", "/api/v1/settings/service-levels", as_user="admin").data
    r = api.call(
        "PUT",
        "/api/v1/settings/service-levels",
        {**keep, "version": current["version"], "normal_working_days": 4},
        as_user="admin",
    )
    assert r.status_code == 200 and r.data["accept_working_days"] == 2
    back = {**change, "version": r.data["version"], "accept_working_days": 1}
    assert (
        api.call("PUT", "/api/v1/settings/service-levels", back, as_user="admin").status_code == 200
    )


def test_a_months_sign_for_figures_by_hand(api, at_time):
    """July 2026 (no holiday), the by-hand month of 签收及时率 and parts overdue:

    - P: filed Wed 1 Jul (c-designated), signed Thu 2 Jul 09:00 — by its deadline (2 Jul
      23:59:59): in time. Transferred 2 Jul to tax and natural-resources (sign-for by Fri
      3 Jul, parts due Tue 7 Jul). tax signs 3 Jul (in time) and answers 6 Jul; nobody at
      natural-resources signs: the sweep of Mon 6 Jul marks it, warns it on 7 Jul and marks
      the part overdue on 8 Jul; it answers 9 Jul (its sign-for already settled).
    - Q: filed Mon 6 Jul (c-designated), not signed by 7 Jul: marked by the sweep of 8 Jul;
      signed 8 Jul 11:00 (nothing more to settle).
    - R: a call in triage 9 Jul (no deadline), given to c-small-micro 9 Jul (sign-for by Fri
      10 Jul), signed Mon 13 Jul 09:00 before any sweep: late, settled by the sign-for.

    Totals: 3 settled (P, Q, R), 1 in time: 签收及时率 1/3. c-designated 1/2, c-small-micro
    0/1. tax: 1 settled, 1 in time (100%), no part overdue; natural-resources: 1 settled, 0
    in time (0%), 1 part overdue.
    """

    def at(day, hour=10, minute=0):
        return datetime(2026, 7, day, hour, minute, tzinfo=BEIJING)

    at_time(at(1))
    p = file_web(api, title="七月用地", content="七月:扩建用地指标。")
    at_time(at(2, 9))
    p = event(api, p, "accept", "comm-designated")
    at_time(at(2, 10))
    p = event(api, p, "transfer", "comm-designated", departments=["tax", "natural-resources"])
    assert {d["id"]: d["due_at"] for d in p["departments"]} == {
        "tax": "2026-07-07T23:59:59+08:00",
        "natural-resources": "2026-07-07T23:59:59+08:00",
    }
    at_time(at(3, 15))
    p = event(api, p, "accept_part", "dept-tax")
    at_time(at(6, 9))
    sweep(api)  # natural-resources did not sign by 3 Jul
    at_time(at(6, 10))
    q = file_web(api, title="七月用电", content="七月:用电报装慢。")
    p = api.call("GET", f"/api/v1/appeals/{p['id']}", as_user="admin").data
    p = event(api, p, "department_reply", "dept-tax", content="可办理")
    at_time(at(7, 9))
    sweep(api)  # natural-resources' part warned
    at_time(at(8, 9))
    sweep(api)  # natural-resources' part overdue; Q not signed by 7 Jul
    at_time(at(8, 11))
    q = api.call("GET", f"/api/v1/appeals/{q['id']}", as_user="admin").data
    q = event(api, q, "accept", "comm-designated")
    at_time(at(9))
    p = api.call("GET", f"/api/v1/appeals/{p['id']}", as_user="admin").data
    p = event(api, p, "department_reply", "dept-natural-resources", content="指标紧张")
    r = post_call(api).data
    assert r["accept_due_at"] is None
    at_time(at(9, 11))
    r = event(api, r, "reassign", "admin", commissioner_id="c-small-micro")
    at_time(at(13, 9))
    r = event(api, r, "accept", "comm-small-micro")

    seen = types(api, p["id"])
    assert seen.count("sign_overdue") == 1 and seen.count("part_warned") == 1
    assert seen.count("part_overdue") == 1
    assert types(api, q["id"]).count("sign_overdue") == 1
    assert [e["in_time"] for e in q["timeline"] if e["type"] == "accept"] == [None]
    assert [e["in_time"] for e in r["timeline"] if e["type"] == "accept"] == [False]

    at_time(datetime(2026, 8, 3, 9, 0, tzinfo=BEIJING))
    made = api.call("POST", "/api/v1/reports", {"month": "2026-07"}, as_user="supervisor")
    assert made.status_code == 202, made.data
    assert api.call("POST", "/api/v1/dev/jobs/reports").data["processed"] == 1
    figures = api.call(
        "GET", f"/api/v1/reports/{made.data['id']}/figures", as_user="supervisor"
    ).data["figures"]
    t = figures["totals"]
    assert (t["sign_due"], t["signed_in_time"], t["sign_rate"]) == (3, 1, 0.3333)
    by = {row["key"]: row["metrics"] for row in figures["by"]["commissioner"]}
    assert (by["c-designated"]["sign_due"], by["c-designated"]["sign_rate"]) == (2, 0.5)
    assert (by["c-small-micro"]["sign_due"], by["c-small-micro"]["sign_rate"]) == (1, 0.0)
    depts = {row["key"]: row["metrics"] for row in figures["departments"]}
    tax, nat = depts["tax"], depts["natural-resources"]
    assert (tax["sign_due"], tax["signed_in_time"], tax["sign_rate"]) == (1, 1, 1.0)
    assert tax["parts_overdue"] == 0
    assert (nat["sign_due"], nat["signed_in_time"], nat["sign_rate"]) == (1, 0, 0.0)
    assert nat["parts_overdue"] == 1
