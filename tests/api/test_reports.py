"""Reports and notices: a fixture month (March 2026) whose every figure is worked out by
hand below, built through the API and the report job, read back from the workbook; who may
start, read and download; notices published once, corrected, never edited."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import CALL, XINGHAI, event, file_web, post_call

# March 2026: weekends off, no holiday; 28 February (a Saturday) was a make-up working day.
#
# A5  filed Fri 27 Feb (恒润, 规上, 用地); replied Mon 2 Mar 09:00 — on time (due 5 Mar),
#     2 working days (28 Feb, 2 Mar); nobody rates it: auto-closed by the sweep of 10 Mar.
# A1  filed Mon 2 Mar 10:00 (恒润, 用地), due 9 Mar; replied Wed 4 Mar (2 working days),
#     confirmed resolved, 5.
# A2  filed Mon 2 Mar 10:30 (恒润, 用工), due 9 Mar; the sweep of Tue 10 Mar marks it overdue
#     (level 1); replied Wed 11 Mar (late; 7 working days); confirmed NOT resolved, 2 (重办),
#     new deadline 19 Mar; the sweep of Fri 20 Mar marks it overdue again: open at the end.
# A3  filed Tue 3 Mar (星海, 亿元以上, 用地), due 10 Mar; the sweep of Wed 11 Mar marks it
#     overdue (level 1); the centre raises it to level 2 as a common appeal; supervised on
#     12 Mar for 2 working days (due 16 Mar), completion reported and accepted 13 Mar; never
#     replied: open at the end.
# A4  a 12345 call Mon 16 Mar (not registered, 融资), to 小微专员, transferred to 税务局 who
#     answers 17 Mar; replied Wed 18 Mar (2 working days); call-back resolved, 4.
#
# Totals: received 4 (A1–A4); replied 4 (A5, A1, A2, A4); on time 3 (A5, A1, A4); missed 3
# (A2 twice, A3) → due 6, on-time rate 0.5; still open past a deadline 2 (A2, A3); replied
# late 1 (A2); escalated level 1: 2 (A2, A3), level 2: 1 (A3); verdicts 3, resolved 2, rated 3,
# satisfied 2, reopened 1; auto-closed 1 (A5); average reply time (2 + 2 + 7 + 2) / 4 = 3.25.
# Sign-for (签收: by the end of the next working day after the assignment): A5 due Sat 28 Feb
# (a working day), signed 2 Mar: late; A1 due 3 Mar, signed 4 Mar before any sweep: late; A2
# and A3 (due 3 and 4 Mar) marked sign_overdue by the sweep of 10 Mar; A4 given to 小微专员
# 16 Mar and signed at once: in time → 5 settled, 1 in time, 签收及时率 0.2. 税务局 signs
# for its part by answering 17 Mar (due 17 Mar): 1 settled, in time; no part overdue.
# February: received 1 (A5), nothing else.

HOSTILE_TITLE = '=HYPERLINK("http://evil.example/","点此查看")'
HOSTILE_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"

MARCH = {
    "received": 4,
    "replied": 4,
    "due": 6,
    "on_time": 3,
    "missed": 3,
    "on_time_rate": 0.5,
    "open_overdue": 2,
    "replied_late": 1,
    "escalated_1": 2,
    "escalated_2": 1,
    "confirmed": 3,
    "resolved": 2,
    "resolved_rate": 0.6667,
    "rated": 3,
    "satisfied": 2,
    "satisfaction_rate": 0.6667,
    "reopened": 1,
    "reopened_rate": 0.3333,
    "auto_closed": 1,
    "answered_on_call": 0,
    "direct_rate": 0.0,
    "repeat_calls": 0,
    "merged": 0,
    "voided": 0,
    "withdrawn": 0,
    "supplements": 0,
    "avg_working_days": 3.25,
    "sign_due": 5,
    "signed_in_time": 1,
    "sign_rate": 0.2,
    # no appeal of the fixture month was paused (挂起: tests/unit/test_reports.py works one)
    "paused": 0,
    "pauses_ended": 0,
    "paused_working_days": 0,
    "avg_paused_working_days": None,
    "pause_expired": 0,
}


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def job(api, name):
    r = api.call("POST", f"/api/v1/dev/jobs/{name}")
    assert r.status_code == 200, r.data
    return r.data


@pytest.fixture(scope="module")
def march(api_module):
    """The fixture month, played through the API on the business clock."""
    from chalicelib import clock
    from chalicelib.config import settings

    api = api_module
    ids = {}
    try:
        clock.set_now(at(27, month=2))
        a5 = file_web(api)
        ids["A5"] = a5["id"]
        clock.set_now(at(2, 9))
        a5 = event(api, a5, "accept", "comm-designated")
        event(api, a5, "reply", "comm-designated", content="已答复")

        clock.set_now(at(2, 10))
        a1 = file_web(api, title=HOSTILE_TITLE)  # shown as text in the files, never run
        ids["A1"] = a1["id"]
        clock.set_now(at(2, 10, 30))
        a2 = file_web(api, category="labor", title="招工难", content="需要技术工人 20 名")
        ids["A2"] = a2["id"]
        clock.set_now(at(3))
        a3 = file_web(api, user="ent-xinghai", title="码头用地", content="需要岸线用地")
        ids["A3"] = a3["id"]
        assert a3["enterprise"]["uscc"] == XINGHAI["uscc"]
        clock.set_now(at(4))
        a1 = event(
            api,
            event(api, a1, "accept", "comm-designated"),
            "reply",
            "comm-designated",
            content="已协调",
        )
        clock.set_now(at(5))
        event(api, a1, "confirm", "ent-hengrun", resolved=True, satisfaction=5)

        clock.set_now(at(10, 9))
        job(api, "deadline-sweep")  # A2 overdue (level 1); A5 auto-closed
        clock.set_now(at(11, 9))
        job(api, "deadline-sweep")  # A3 overdue (level 1)
        clock.set_now(at(11))
        a2 = api.call("GET", f"/api/v1/appeals/{ids['A2']}", as_user="admin").data
        a2 = event(
            api,
            event(api, a2, "accept", "comm-designated"),
            "reply",
            "comm-designated",
            content="已推荐人社局招聘会",
        )
        clock.set_now(at(12))
        event(api, a2, "confirm", "ent-hengrun", resolved=False, satisfaction=2)
        a3 = api.call("GET", f"/api/v1/appeals/{ids['A3']}", as_user="admin").data
        a3 = event(api, a3, "escalate", "admin", reason="common")
        clock.set_now(at(12, 11))
        a3 = event(api, a3, "supervise", "supervisor", due_working_days=2)
        clock.set_now(at(13))
        a3 = event(api, a3, "report_completion", "comm-above-100m", content="已协调岸线指标")
        event(api, a3, "accept_completion", "supervisor")

        clock.set_now(at(16))
        call = post_call(api, {**CALL, "line": "12345", "enterprise_name": HOSTILE_NAME}).data
        ids["A4"] = call["id"]
        a4 = event(api, call, "reassign", "admin", commissioner_id="c-small-micro")
        a4 = event(api, a4, "accept", "comm-small-micro")
        a4 = event(api, a4, "transfer", "comm-small-micro", departments=["tax"])
        clock.set_now(at(17))
        a4 = event(api, a4, "department_reply", "dept-tax", content="可申请贴息")
        clock.set_now(at(18))
        a4 = event(api, a4, "reply", "comm-small-micro", content="已联系农商行")
        clock.set_now(at(19))
        event(api, a4, "callback", "operator-12345", resolved=True, satisfaction=4)

        clock.set_now(at(20, 9))
        job(api, "deadline-sweep")  # A2's second deadline (19 Mar) passed: overdue again

        clock.set_now(at(1, 9, month=4))
        settings().report_min_ranked = 2
        r = api.call("POST", "/api/v1/reports", {"month": "2026-03"}, as_user="supervisor")
        assert r.status_code == 202, r.data
        assert r.data["status"] == "queued"
        queued = api.call("GET", f"/api/v1/reports/{r.data['id']}", as_user="admin").data
        assert queued["status"] == "queued" and queued["downloads"]["xlsx"] is None
        built = job(api, "reports")
        assert built["processed"] == 1 and built["failed"] == 0
        report = api.call("GET", f"/api/v1/reports/{r.data['id']}", as_user="supervisor").data
        yield {"ids": ids, "report": report}
    finally:
        clock.set_now(None)
        settings().report_min_ranked = 5


@pytest.fixture(scope="module")
def api_module(seeded, issuer):
    """A client for the whole module: the fixture month is played once."""
    from pathlib import Path

    from chalice.test import Client

    from app import app
    from tests.api.conftest import ROOT, Api

    with Client(app, project_dir=str(Path(ROOT).resolve())) as client:
        yield Api(client, issuer)


@pytest.fixture(scope="module")
def figures(api_module, march):
    r = api_module.call(
        "GET", f"/api/v1/reports/{march['report']['id']}/figures", as_user="supervisor"
    )
    assert r.status_code == 200, r.data
    return r.data["figures"]


def test_the_report_is_built_and_says_so(march):
    report = march["report"]
    assert report["status"] == "done" and report["progress"] == 100
    assert report["period"] == {"from": "2026-03-01", "to": "2026-03-31", "month": "2026-03"}
    assert report["requested_by"]["username"] == "supervisor" and report["trigger"] == "manual"
    assert report["summary"]["totals"] == MARCH
    for kind in ("xlsx", "csv", "json"):
        link = report["downloads"][kind]
        assert "X-Amz-Signature=" in link and "X-Amz-Expires=300" in link
        assert f"reports/{report['id']}/" in link.replace("%2F", "/")


def test_every_total_is_as_worked_out_by_hand(figures):
    assert figures["totals"] == MARCH
    assert figures["as_of"] == "2026-03-31T23:59:59+08:00"
    assert figures["previous_period"]["month"] == "2026-02"
    assert figures["previous"]["received"] == 1 and figures["previous"]["replied"] == 0
    assert figures["change"]["received"] == 3 and figures["change"]["on_time_rate"] is None


def test_units_and_rankings(figures):
    comm = {r["key"]: r for r in figures["by"]["commissioner"]}
    designated = comm["c-designated"]["metrics"]
    assert (designated["received"], designated["replied"], designated["on_time"]) == (2, 3, 2)
    assert (designated["missed"], designated["due"], designated["on_time_rate"]) == (2, 4, 0.5)
    assert (designated["open_overdue"], designated["auto_closed"]) == (1, 1)
    assert comm["c-designated"]["rank"] == 1  # due 4 ≥ the minimum of 2
    above = comm["c-above-100m"]["metrics"]
    assert (above["received"], above["missed"], above["on_time_rate"]) == (1, 1, 0.0)
    assert (above["escalated_1"], above["escalated_2"]) == (1, 1)
    assert comm["c-above-100m"]["rank"] is None and comm["c-small-micro"]["rank"] is None
    assert comm["c-small-micro"]["metrics"]["on_time_rate"] == 1.0

    channel = {r["key"]: r["metrics"]["received"] for r in figures["by"]["channel"]}
    assert channel == {"web": 3, "hotline_12345": 1, "hotline_center": 0}
    size = {r["key"]: r["metrics"]["received"] for r in figures["by"]["size_class"]}
    assert size == {"above_100m": 1, "designated": 2, "small_micro": 0, "unregistered": 1}
    category = {r["key"]: r["metrics"]["received"] for r in figures["by"]["category"]}
    assert (category["land"], category["labor"], category["financing"]) == (2, 1, 1)
    assert sum(category.values()) == 4
    (tax,) = [d for d in figures["departments"] if d["key"] == "tax"]
    assert tax["name"] == "国家税务总局如东县税务局"
    assert {k: tax["metrics"][k] for k in ("transferred", "replied", "on_time", "late")} == {
        "transferred": 1,
        "replied": 1,
        "on_time": 1,
        "late": 0,
    }
    assert {k: tax["metrics"][k] for k in ("sign_due", "signed_in_time", "parts_overdue")} == {
        "sign_due": 1,
        "signed_in_time": 1,
        "parts_overdue": 0,
    }
    assert (designated["sign_due"], designated["signed_in_time"]) == (3, 0)
    assert comm["c-small-micro"]["metrics"]["sign_rate"] == 1.0


def test_the_notice_names_the_overdue_and_late_items_with_their_owners(figures, march):
    ids = march["ids"]
    got = [(n["appeal_id"], n["kind"], n["working_days_late"]) for n in figures["notice"]]
    assert got == [
        (ids["A3"], "open_overdue", 15),  # due 10 Mar: 11–31 Mar
        (ids["A2"], "open_overdue", 8),  # due 19 Mar: 20–31 Mar
        (ids["A2"], "replied_late", 2),  # due 9 Mar, replied 11 Mar
    ]
    assert figures["notice"][0]["owner"] == "徐建国(亿元以上企业服务专员)"
    assert figures["notice"][2]["replied_at"].startswith("2026-03-11T10:00:0")


def test_recurring_supervision_and_meetings(figures, march):
    ids = march["ids"]
    (hengrun,) = figures["recurring"]["enterprises"]
    assert hengrun["received"] == 2 and set(hengrun["appeal_ids"]) == {ids["A1"], ids["A2"]}
    assert [c["appeal_id"] for c in figures["recurring"]["common"]] == [ids["A3"]]
    land = next(c for c in figures["recurring"]["categories"] if c["key"] == "land")
    assert (land["received"], land["previous"], land["change"]) == (2, 1, 1)
    assert figures["supervision"] == {
        "started": 1,
        "closed": 1,
        "closed_on_time": 1,
        "on_time_rate": 1.0,
        "overdue": 0,
    }
    assert figures["meetings"] == {
        "held": [],
        "missed": ["2026-03"],
        "decided_items": 0,
        "common_items": [],
        "common_appeals": 0,
    }


def test_the_workbook_reads_back(march):
    import openpyxl

    from chalicelib.store import files
    from chalicelib.store import reports as store
    from tests.conftest import ROOT

    item = store.get(march["report"]["id"])
    workbook = files.read(item["outputs"]["xlsx"])
    artifacts = ROOT / "test-artifacts"  # for a person to open (CI keeps the folder)
    artifacts.mkdir(exist_ok=True)
    (artifacts / "report-2026-03.xlsx").write_bytes(workbook)
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert book.sheetnames == [
        "总览",
        "通报事项",
        "按部门",
        "按专员",
        "按企业规模",
        "按渠道",
        "按诉求类别",
        "区镇",
        "共性诉求",
        "明细",
        "指标说明",
    ]
    overview = book["总览"]
    assert overview["A1"].value == "兴企通诉求办理情况报告（2026年3月）"
    rows = {r[0]: r[1:] for r in overview.iter_rows(min_row=5, max_row=29, values_only=True)}
    assert rows["受理"] == (4, 1, 3)
    assert rows["按时答复率"][0] == 0.5 and overview["B10"].number_format == "0.0%"
    assert rows["平均答复用时（工作日）"][0] == 3.25
    detail = list(book["明细"].iter_rows(min_row=5, values_only=True))
    assert sorted(r[0] for r in detail) == sorted(march["ids"].values())
    # what people typed is a text cell (quote-prefixed), not a formula or a link
    cells = {c.value: c for row in book["明细"].iter_rows(min_row=5) for c in row}
    for typed in (HOSTILE_TITLE, HOSTILE_NAME):
        assert cells[typed].data_type == "s" and cells[typed].quotePrefix
        assert cells[typed].hyperlink is None
    notice = list(book["通报事项"].iter_rows(min_row=5, values_only=True))
    assert [(r[0], r[3], r[8]) for r in notice] == [
        (march["ids"]["A3"], "超期未答复", 15),
        (march["ids"]["A2"], "超期未答复", 8),
        (march["ids"]["A2"], "超期答复", 2),
    ]
    assert book["按部门"].print_title_rows == "$4:$4"  # the header on every printed page

    text = files.read(item["outputs"]["csv"]).decode("utf-8-sig").splitlines()
    assert text[0].startswith("维度,单位编号,单位,受理,答复")
    assert text[1].startswith("合计,total,全部,4,4,6,3,3,0.5,")
    document = json.loads(files.read(item["outputs"]["json"]))
    assert document["totals"] == MARCH and len(document["appeals"]) == 5


def test_who_may_start_and_read_reports(api, march):
    report_id = march["report"]["id"]
    for user in ("ent-hengrun", "comm-designated", "dept-tax", "operator-12345"):
        assert api.call("GET", f"/api/v1/reports/{report_id}", as_user=user).status_code == 403
        r = api.call("POST", "/api/v1/reports", {"month": "2026-03"}, as_user=user)
        assert r.status_code == 403
    assert api.call("GET", "/api/v1/reports/R-nope", as_user="admin").status_code == 404
    listed = api.call("GET", "/api/v1/reports?limit=5", as_user="admin").data
    assert listed["items"][0]["id"] == report_id
    assert listed["items"][0]["downloads"]["xlsx"] is None  # links only on the report itself


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({}, "month", "month_or_range"),
        ({"month": "2026-13"}, "month", None),
        ({"month": "2026-03", "from": "2026-03-01"}, "month", "month_or_range"),
        ({"from": "2026-03-10"}, "to", "month_or_range"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to", "range_reversed"),
        ({"from": "2025-01-01", "to": "2026-03-01"}, "to", "range_too_long"),
        ({"month": "2099-01"}, "month", "period_in_future"),
        # year 1 was accepted (202) and its report failed in the job: no UTC instant for it
        ({"month": "0001-01"}, "month", "year_invalid"),
        ({"month": "0000-01"}, "month", "year_invalid"),  # a 500: no year 0 (make fuzz)
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from", "year_invalid"),
        ({"from": "2026-03-01", "to": "2026-03-02", "x": 1}, "x", None),
    ],
)
def test_bad_periods_name_the_field(api, body, field, code):
    r = api.call("POST", "/api/v1/reports", body, as_user="admin")
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == field
    if code:
        assert r.data["errors"][0]["code"] == code
        assert r.data["errors"][0]["message"] != "取值无效"  # worded, not the generic one


def test_a_notice_is_published_once_listed_everywhere_and_only_corrected(api, march):
    report_id = march["report"]["id"]
    body = {
        "report_id": report_id,
        "title": "关于2026年3月企业诉求办理情况的通报",
        "text": "3月全县受理 4 件。",
    }
    assert api.call("POST", "/api/v1/notices", body, as_user="admin").status_code == 403
    r = api.call("POST", "/api/v1/notices", body, as_user="supervisor")
    assert r.status_code == 201, r.data
    notice = r.data
    assert [i["appeal_id"] for i in notice["items"]] == [
        march["ids"]["A3"],
        march["ids"]["A2"],
        march["ids"]["A2"],
    ]
    assert notice["rankings"]["commissioner"][0]["key"] == "c-designated"
    assert notice["items_total"] == 3
    for reader in ("dept-tax", "comm-small-micro", "admin"):
        listed = api.call("GET", "/api/v1/notices", as_user=reader).data["items"]
        assert notice["id"] in [n["id"] for n in listed]
        box = api.call("GET", "/api/v1/inbox?limit=5", as_user=reader).data["items"]
        assert box[0]["kind"] == "notice_published" and box[0]["notice_id"] == notice["id"]
    assert api.call("GET", "/api/v1/notices", as_user="ent-hengrun").status_code == 403
    assert (
        api.call("PATCH", f"/api/v1/notices/{notice['id']}", {"title": "x"}, as_user="supervisor")
    ).status_code in (403, 404, 405)

    fix = {**body, "title": "更正:" + body["title"], "corrects": notice["id"]}
    r = api.call("POST", "/api/v1/notices", fix, as_user="supervisor")
    assert r.status_code == 201, r.data
    original = api.call("GET", f"/api/v1/notices/{notice['id']}", as_user="dept-tax").data
    assert original["corrected_by"] == r.data["id"] and original["text"] == body["text"]
    again = api.call("POST", "/api/v1/notices", fix, as_user="supervisor")
    assert again.status_code == 409 and again.data["code"] == "invalid_transition"
    missing = api.call(
        "POST", "/api/v1/notices", {**body, "report_id": "R-x"}, as_user="supervisor"
    )
    assert missing.status_code == 400 and missing.data["errors"][0]["field"] == "report_id"


def test_the_monthly_run_starts_last_months_report_once(api, at_time):
    at_time(datetime(2026, 5, 6, 9, 30, tzinfo=BEIJING))  # after May Day: the first working day
    first = job(api, "monthly-report")
    assert first["result"]["started"] == 1 and first["processed"] == 1
    again = job(api, "monthly-report")
    assert again["result"] == {"started": 0}
    report = api.call("GET", f"/api/v1/reports/{first['result']['report_id']}", as_user="admin")
    assert report.data["period"]["month"] == "2026-04" and report.data["trigger"] == "scheduled"
    assert report.data["requested_by"] is None and report.data["status"] == "done"
    from chalicelib.domain.rules import Rules
    from chalicelib.jobs import reports as job_module

    assert job_module.monthly(datetime(2026, 5, 7, 9, 30, tzinfo=BEIJING), Rules()) == {
        "started": 0
    }


def test_trend_lists_each_months_latest_report(api, march, at_time):
    at_time(datetime(2026, 5, 20, 10, 0, tzinfo=BEIJING))
    trend = api.call("GET", "/api/v1/reports/trend?months=3", as_user="supervisor").data
    months = [p["month"] for p in trend["items"]]
    assert "2026-03" in months and months == sorted(months)
    point = next(p for p in trend["items"] if p["month"] == "2026-03")
    assert point["totals"]["on_time_rate"] == 0.5


def test_a_report_that_keeps_failing_is_marked_failed_and_dead_lettered(api, monkeypatch):
    from chalicelib.config import settings
    from chalicelib.domain.rules import Rules
    from chalicelib.jobs import reports as job_module
    from chalicelib.jobs import runner
    from chalicelib.store import queues

    def broken(*args, **kwargs):
        raise RuntimeError("the table is on fire")

    monkeypatch.setattr(job_module, "compute", broken)
    r = api.call("POST", "/api/v1/reports", {"month": "2026-01"}, as_user="admin")
    assert r.status_code == 202
    queues.client().send_message(
        QueueUrl=queues.url(settings().report_queue), MessageBody="not json"
    )
    for _ in range(4):  # 3 receives, then the redrive policy moves them to the DLQ
        runner.poll_once(settings().report_queue, lambda e: job_module.handler(e, Rules()))
    report = api.call("GET", f"/api/v1/reports/{r.data['id']}", as_user="admin").data
    assert report["status"] == "failed" and "the table is on fire" in report["error"]
    assert report["downloads"] == {"xlsx": None, "csv": None, "json": None}
    dlq = queues.client().get_queue_url(QueueName="test-reportdeadletterqueue")["QueueUrl"]
    dead = queues.client().receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in dead) == sorted(
        [json.dumps({"report_id": r.data["id"]}), "not json"]
    )
    notice = api.call(
        "POST",
        "/api/v1/notices",
        {"report_id": r.data["id"], "title": "通报", "text": "正文"},
        as_user="supervisor",
    )
    assert notice.status_code == 409  # only a finished report is published
