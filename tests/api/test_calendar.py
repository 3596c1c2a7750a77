"""The calendar, deadline previews, administrators loading a year's notice (recomputing
provisional deadlines), service levels, and extensions — through the API."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import event, file_web

NOTICE_2027 = {
    # a made-up notice for the tests: 1-4 January off, 2 January (a Saturday) not made up
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"],
    "working_weekends": ["2027-02-20"],
    "names": {"2027-01-01": "元旦", "2027-01-04": "元旦"},
}


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def test_a_year_of_the_official_calendar(api):
    r = api.call("GET", "/api/v1/calendar/2026", as_user="ent-hengrun")
    assert r.status_code == 200
    year = r.data
    assert year["official"] is True and year["source"] == "chinesecalendar"
    assert {"2026-10-01", "2026-10-07", "2026-09-25", "2026-02-16"} <= set(year["holidays"])
    assert year["working_weekends"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert year["names"]["2026-10-01"] == "国庆" and year["names"]["2026-09-25"] == "中秋"


def test_a_year_without_a_notice_is_a_stated_fallback(api):
    year = api.call("GET", "/api/v1/calendar/2028", as_user="admin").data
    assert year["official"] is False and year["source"] == "fallback"
    assert "2028-01-01" in year["holidays"] and year["working_weekends"] == []
    r = api.call("GET", "/api/v1/calendar/20x7", as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "year"


@pytest.mark.parametrize(
    ("received", "days", "due", "explanation"),
    [
        (
            "2026-09-23T10:00:00+08:00",
            5,
            "2026-10-08T23:59:59+08:00",
            "9月23日受理，不计受理当日，扣除中秋、国庆假期，第5个工作日为10月8日",
        ),
        # 00:30 in Beijing is still the 13th in UTC: the Beijing date is what counts
        (
            "2026-02-13T16:30:00Z",
            1,
            "2026-02-24T23:59:59+08:00",
            "2月14日受理，不计受理当日，扣除春节假期，第1个工作日为2月24日",
        ),
        # unencoded "+" in the query string arrives as a space
        ("2026-09-23T10:00:00 08:00", 1, "2026-09-24T23:59:59+08:00", None),
    ],
)
def test_deadline_preview(api, received, days, due, explanation):
    r = api.call(
        "GET",
        f"/api/v1/calendar/deadline?received_at={received}&working_days={days}",
        as_user="operator-12345",
    )
    assert r.status_code == 200, r.data
    assert r.data["due_at"] == due and r.data["provisional"] is False
    assert len(r.data["counted"]) == days
    if explanation:
        assert r.data["explanation"] == explanation


def test_deadline_preview_refuses_a_time_without_offset(api):
    r = api.call(
        "GET",
        "/api/v1/calendar/deadline?received_at=2026-09-23T10:00:00&working_days=5",
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "received_at"


def test_loading_a_year_checks_every_date(api):
    bad = {
        "holidays": ["2026-01-01", "2027-01-01"],
        "working_weekends": ["2027-01-05", "2027-01-01"],
        "names": {"2027-03-01": "植树节"},
    }
    r = api.call("PUT", "/api/v1/calendar/2027", bad, as_user="admin")
    assert r.status_code == 400
    assert {(e["field"], e["code"]) for e in r.data["errors"]} == {
        ("holidays.0", "date_not_in_year"),
        ("working_weekends.0", "not_a_weekend"),
        ("working_weekends.1", "not_a_weekend"),
        ("names.2027-03-01", "name_without_holiday"),
    }
    assert (
        api.call("PUT", "/api/v1/calendar/2027", NOTICE_2027, as_user="supervisor").status_code
        == 403
    )


def test_loading_a_year_makes_provisional_deadlines_final(api, at_time):
    at_time(datetime(2026, 12, 28, 10, 0, tzinfo=BEIJING))
    normal = file_web(api)
    urgent = file_web(api, urgency="urgent")
    assert normal["deadline_provisional"] is True
    assert normal["reply_due_at"] == "2027-01-05T23:59:59+08:00"
    assert "2027年放假安排尚未录入" in normal["deadline_explanation"]
    assert urgent["deadline_provisional"] is False  # 12-29 is in 2026: nothing to guess

    r = api.call("PUT", "/api/v1/calendar/2027", NOTICE_2027, as_user="admin")
    assert r.status_code == 200, r.data
    assert r.data["official"] is True and r.data["source"] == "admin" and r.data["version"] == 1
    assert r.data["recomputed"] >= 1

    after = api.call("GET", f"/api/v1/appeals/{normal['id']}", as_user="ent-hengrun").data
    # 12-29, 12-30, 12-31, then 1-1..1-4 off by the notice: 1-5, 1-6
    assert after["reply_due_at"] == "2027-01-06T23:59:59+08:00"
    assert after["deadline_provisional"] is False
    last = after["timeline"][-1]
    assert last["type"] == "deadline_recomputed" and last["actor"] is None
    assert last["previous_reply_due_at"] == "2027-01-05T23:59:59+08:00"
    assert api.call("GET", "/api/v1/calendar/2027", as_user="admin").data["official"] is True
    # loading it again (a correction) is a new version; one based on a stale read is refused
    again = api.call("PUT", "/api/v1/calendar/2027", NOTICE_2027, as_user="admin").data
    assert again["version"] == 2 and again["recomputed"] == 0
    stale = api.call("PUT", "/api/v1/calendar/2027", {**NOTICE_2027, "version": 1}, as_user="admin")
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"


def test_service_levels_are_the_administrators(api, at_time):
    levels = api.call("GET", "/api/v1/settings/service-levels", as_user="comm-designated").data
    assert levels["normal_working_days"] == 5 and levels["urgent_working_days"] == 1
    assert levels["version"] == 0
    change = {
        "version": 0,
        "normal_working_days": 3,
        "urgent_working_days": 1,
        "warning_working_days": 1,
    }
    assert (
        api.call(
            "PUT", "/api/v1/settings/service-levels", change, as_user="comm-designated"
        ).status_code
        == 403
    )
    r = api.call("PUT", "/api/v1/settings/service-levels", change, as_user="admin")
    assert r.status_code == 200 and r.data["version"] == 1
    at_time(datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING))
    assert file_web(api)["reply_due_at"] == "2026-09-29T23:59:59+08:00"  # 3 working days
    stale = api.call("PUT", "/api/v1/settings/service-levels", change, as_user="admin")
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"
    upside_down = {**change, "version": 1, "normal_working_days": 2, "urgent_working_days": 3}
    r = api.call("PUT", "/api/v1/settings/service-levels", upside_down, as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "urgent_working_days"
    back = {**change, "version": 1, "normal_working_days": 5}
    assert (
        api.call("PUT", "/api/v1/settings/service-levels", back, as_user="admin").status_code == 200
    )
    audit = api.call(
        "GET", "/api/v1/audit?entity_type=setting&entity_id=service-levels", as_user="admin"
    ).data["items"]
    assert [e["version"] for e in audit] == [2, 1]  # each change recorded, newest first
    assert audit[0]["changes"]["normal_working_days"] == {"from": 3, "to": 5}


def test_an_extension_is_asked_for_approved_and_seen_by_the_enterprise(api, at_time):
    at_time(datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING))
    a = file_web(api)
    a = event(api, a, "accept", "comm-designated")
    a = event(api, a, "request_extension", "comm-designated", working_days=2, reason="需省厅批复")
    assert a["pending_extension"]["working_days"] == 2
    queue = api.call("GET", "/api/v1/appeals?scope=queue&limit=100", as_user="admin").data
    assert a["id"] in {i["id"] for i in queue["items"]}
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "approve_extension", "version": a["version"]},
        as_user="comm-designated",
    )
    assert r.status_code == 403
    a = event(api, a, "approve_extension", "admin", note="同意延期")
    assert a["reply_due_at"] == "2026-10-10T23:59:59+08:00"  # 10-09, then Saturday 10-10
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data
    assert seen["extensions"][0]["reason"] == "需省厅批复"
    assert seen["extensions"][0]["from_due_at"] == "2026-10-08T23:59:59+08:00"
    approved = seen["timeline"][-1]
    assert approved["type"] == "approve_extension" and approved["note"] is None  # notes: staff only
    queue = api.call("GET", "/api/v1/appeals?scope=queue&limit=100", as_user="admin").data
    assert a["id"] not in {i["id"] for i in queue["items"]}


def test_an_extension_after_the_deadline_is_refused(api, at_time):
    at_time(datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING))
    a = event(api, file_web(api), "accept", "comm-designated")
    at_time(datetime(2026, 10, 9, 9, 0, tzinfo=BEIJING))
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "request_extension", "version": a["version"], "working_days": 1, "reason": "迟了"},
        as_user="comm-designated",
    )
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"


def test_the_actions_offered_follow_the_deadline(api, at_time):
    at_time(datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING))
    a = event(api, file_web(api), "accept", "comm-designated")
    assert "request_extension" in a["actions"]
    at_time(datetime(2026, 10, 9, 9, 0, tzinfo=BEIJING))  # past the deadline
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="comm-designated").data
    assert "request_extension" not in seen["actions"] and "reply" in seen["actions"]


def test_unreasonable_times_are_400_not_500(api):
    for received in ("9999-12-31T00:00:00%2B08:00", "0001-01-01T00:00:00%2B14:00"):
        r = api.call(
            "GET",
            f"/api/v1/calendar/deadline?received_at={received}&working_days=5",
            as_user="admin",
        )
        assert r.status_code == 400 and r.data["errors"][0]["field"] == "received_at"


def test_a_period_keeps_the_service_level_it_started_with(api, at_time):
    at_time(datetime(2026, 12, 28, 10, 0, tzinfo=BEIJING))
    a = file_web(api)  # 5 working days, provisional into 2027
    levels = api.call("GET", "/api/v1/settings/service-levels", as_user="admin").data
    change = {
        "version": levels["version"],
        "normal_working_days": 3,
        "urgent_working_days": 1,
        "warning_working_days": 1,
    }
    assert (
        api.call("PUT", "/api/v1/settings/service-levels", change, as_user="admin").status_code
        == 200
    )
    notice = {"holidays": ["2029-01-01"], "working_weekends": []}
    api.call("PUT", "/api/v1/calendar/2029", notice, as_user="admin")  # recount runs
    after = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data
    assert len(after["deadline_counted"]) == 5  # not 3: the level in force at receipt
