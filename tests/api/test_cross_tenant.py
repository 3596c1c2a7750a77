"""Cross-tenant reads and writes (issue 15): a caller admitted to a route, naming a record
that is not its own, gets a 404 exactly like the one for a record that does not exist —
never a 403 (which would say it exists) and never the data — and changes nothing.

What other modules already show is not repeated here: another enterprise's appeal and its
files (test_appeals, test_attachments), application and its files (test_applications),
enterprise record (test_enterprises), inbox list (test_inbox); a department's appeal list and
another unit's ledger (test_appeals, test_meetings); an operator reading a call awaiting its
call-back (test_appeals). Here: the events, the products, ids of one's own record mixed with
another's, forged cursors, read marks, another's uploads in an application, jobs an
enterprise could name, a department's events on an appeal never transferred to it, and an
operator's reads of another operator's call before and after the call-back window.
"""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.store import keys
from tests.api.test_appeals import CALL, HENGRUN, event, file_web, post_call, processing
from tests.api.test_applications import apply, files, policy_with_window, step
from tests.api.test_attachments import PDF_BYTES, upload

OURS, THEIRS = "ent-xinghai", "ent-hengrun"  # enterprise A looks at enterprise B's records


def get(api, path: str, user: str | None):
    return api.call("GET", path, as_user=user)


def same_404(r, unknown, *ids: str) -> None:
    """A refusal that reads exactly like the answer for a record that does not exist: the
    same status, code and title, and the same detail once the ids named are set aside."""
    assert r.status_code == 404 == unknown.status_code, r.data
    assert r.data["code"] == unknown.data["code"] == "not_found"
    assert r.data["title"] == unknown.data["title"]
    detail, other = r.data["detail"], unknown.data["detail"]
    for i in ids:
        detail, other = detail.replace(i, "?"), other.replace(i, "?")
    assert detail == other, (detail, other)


def cursor_of(**key: str) -> str:
    """A cursor as the store makes one (the base64url of a key): a client could forge it."""
    raw = json.dumps(key, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --- an enterprise on another enterprise's records ---------------------------------------


def test_an_enterprise_posts_no_event_on_another_enterprises_appeal(api):
    theirs = processing(api)  # 恒润's, accepted
    theirs = event(api, theirs, "reply", "comm-designated", content="已答复")
    unknown_id = "XQT-19990101-0009"
    for body in (
        {"type": "confirm", "version": theirs["version"], "resolved": True, "satisfaction": 5},
        {"type": "confirm", "version": theirs["version"], "resolved": False, "satisfaction": 1},
    ):
        r = api.call("POST", f"/api/v1/appeals/{theirs['id']}/events", body, as_user=OURS)
        unknown = api.call("POST", f"/api/v1/appeals/{unknown_id}/events", body, as_user=OURS)
        same_404(r, unknown, theirs["id"], unknown_id)
    after = get(api, f"/api/v1/appeals/{theirs['id']}", THEIRS).data
    assert after["version"] == theirs["version"] and after["status"] == "replied"
    assert after["rating"] is None
    # nor does it find it in its lists, whatever the scope
    for scope in ("mine", "queue", "all"):
        items = get(api, f"/api/v1/appeals?scope={scope}&limit=100", OURS).data["items"]
        assert theirs["id"] not in [i["id"] for i in items], scope


def test_an_enterprise_reads_no_products_of_another_enterprises_financing_need(api):
    need = {"amount": 200, "term_months": 12, "purpose": "购置设备"}
    r = api.call("POST", "/api/v1/financing/needs", need, as_user=THEIRS)
    assert r.status_code == 201, r.data
    theirs = r.data["id"]
    assert get(api, f"/api/v1/appeals/{theirs}/products", THEIRS).status_code == 200
    unknown_id = "XQT-19990101-0009"
    same_404(
        get(api, f"/api/v1/appeals/{theirs}/products", OURS),
        get(api, f"/api/v1/appeals/{unknown_id}/products", OURS),
        theirs,
        unknown_id,
    )


def test_another_appeals_file_is_not_reached_through_ones_own_appeal(api):
    their_file = upload(api, PDF_BYTES, "对方的执照.pdf", user=THEIRS)
    r = api.call(
        "POST",
        "/api/v1/appeals",
        {"category": "land", "title": "用地", "content": "附件", "attachments": [their_file["id"]]},
        as_user=THEIRS,
    )
    assert r.status_code == 201, r.data
    ours = file_web(api, user=OURS)
    mixed = get(api, f"/api/v1/appeals/{ours['id']}/attachments/{their_file['id']}", OURS)
    unknown = get(api, f"/api/v1/appeals/{ours['id']}/attachments/U0123456789abcdef", OURS)
    same_404(mixed, unknown, their_file["id"], "U0123456789abcdef")


def test_a_forged_cursor_never_pages_into_another_enterprises_list(api):
    theirs = file_web(api, user=THEIRS)
    file_web(api, user=OURS)
    # the key of the last item of 恒润's own list, made into a cursor by 星海
    forged = cursor_of(
        pk=f"APPEAL#{theirs['id']}",
        sk="L#ent",
        gsi1pk=keys.enterprise_appeals(HENGRUN["uscc"]),
        gsi1sk=f"{theirs['created_at']}#{theirs['id']}",
    )
    r = get(api, f"/api/v1/appeals?scope=mine&limit=100&cursor={forged}", OURS)
    if r.status_code == 200:  # the Query stays on the caller's own partition
        assert all(i["enterprise"]["uscc"] != HENGRUN["uscc"] for i in r.data["items"])
    else:
        assert r.status_code == 400 and r.data["errors"][0]["field"] == "cursor", r.data
    # the inbox: 恒润's partition named in 星海's cursor (newest first: from the far future)
    theirs = processing(api)
    event(api, theirs, "reply", "comm-designated", content="已答复")  # 恒润 hears of it
    forged = cursor_of(pk=f"INBOX#enterprise:{HENGRUN['uscc']}", sk="9999-12-31T00:00:00+08:00#x")
    r = get(api, f"/api/v1/inbox?limit=100&cursor={forged}", OURS)
    if r.status_code == 200:
        assert all(n.get("appeal_id") != theirs["id"] for n in r.data["items"])
    else:
        assert r.status_code == 400 and r.data["errors"][0]["field"] == "cursor", r.data


def test_marking_another_enterprises_notification_read_changes_nothing_of_theirs(api):
    theirs = processing(api)
    event(api, theirs, "reply", "comm-designated", content="已答复")
    before = get(api, "/api/v1/inbox?limit=100", THEIRS).data
    notice = before["items"][0]
    assert notice["kind"] == "reply" and notice["read"] is False
    r = api.call("POST", "/api/v1/inbox/read", {"ids": [notice["id"]]}, as_user=OURS)
    assert r.status_code == 200
    assert notice["id"] not in [n["id"] for n in r.data["items"]]  # nor is it shown to them
    after = get(api, "/api/v1/inbox?limit=100", THEIRS).data
    assert after["unread"] == before["unread"]
    assert next(n for n in after["items"] if n["id"] == notice["id"])["read"] is False


def test_an_enterprise_takes_no_step_on_and_uses_no_file_of_another_enterprises_application(api):
    p = policy_with_window(api, title="跨企业申报检查")
    theirs = apply(api, p).data  # 恒润's
    unknown_id = "SB-19990101-000000"
    same_404(
        step(api, theirs, "withdraw", OURS),
        step(api, {"id": unknown_id, "version": 1}, "withdraw", OURS),
        theirs["id"],
        unknown_id,
    )
    assert get(api, f"/api/v1/applications/{theirs['id']}", THEIRS).data["status"] == "submitted"
    # 恒润's uploaded material named in 星海's own application: as if it did not exist
    their_file = theirs["materials"][0]["attachments"][0]["id"]
    mine = files(api, user=OURS)
    mine[0]["attachments"] = [their_file]
    r = apply(api, p, materials=mine, user=OURS)
    assert r.status_code == 400, r.data
    nothing = files(api, user=OURS)
    nothing[0]["attachments"] = ["U0123456789abcdef"]
    unknown = apply(api, p, materials=nothing, user=OURS)
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        (e["field"], e["code"]) for e in unknown.data["errors"]
    ]
    assert r.data["errors"][0]["code"] == "upload_not_found"
    # and 星海's own application does not reach 恒润's file either
    ours = apply(api, p, user=OURS).data
    mixed = get(api, f"/api/v1/applications/{ours['id']}/attachments/{their_file}", OURS)
    same_404(
        mixed,
        get(api, f"/api/v1/applications/{ours['id']}/attachments/U0123456789abcdef", OURS),
        their_file,
        "U0123456789abcdef",
    )


def test_jobs_an_enterprise_could_name_answer_alike_whether_they_exist_or_not(api):
    """Import, push and report jobs are the service centre's (reports: and supervisors'):
    an enterprise is refused by its role before any job is looked up, so the answer for a
    real job is the answer for a made-up one (a 403 naming the role, no data)."""
    from tests.api.test_policies import draft, publish

    push = publish(api, draft(api, title="跨企业任务检查"))["job"]["id"]
    report = api.call("POST", "/api/v1/reports", {"month": "2026-01"}, as_user="admin")
    assert report.status_code == 202, report.data
    from chalicelib import clock
    from chalicelib.store import db, jobs

    imported = jobs.new_item("enterprise_import", {"upload_key": "x"}, None, clock.now())
    db.transact([jobs.put_action(imported)])
    for real, made_up in (
        (f"/api/v1/jobs/{push}", "/api/v1/jobs/J-19990101-00000000"),
        (f"/api/v1/imports/{imported['id']}", "/api/v1/imports/J-19990101-00000000"),
        (f"/api/v1/reports/{report.data['id']}", "/api/v1/reports/R-19990101-000000"),
        (f"/api/v1/reports/{report.data['id']}/figures", "/api/v1/reports/R-1/figures"),
    ):
        assert get(api, real, "admin").status_code in (200, 409), real  # it is there
        r, unknown = get(api, real, OURS), get(api, made_up, OURS)
        assert r.status_code == unknown.status_code == 403, (real, r.data)
        assert r.data == {**unknown.data, "request_id": r.data.get("request_id")}
        assert set(r.data) <= {"type", "title", "status", "detail", "code", "request_id"}


# --- a department on an appeal never transferred to it ----------------------------------


@pytest.fixture
def transferred_to_tax(api):
    upload_ = upload(api, PDF_BYTES, "现场照片.pdf")
    r = api.call(
        "POST",
        "/api/v1/appeals",
        {"category": "land", "title": "用地", "content": "见附件", "attachments": [upload_["id"]]},
        as_user="ent-hengrun",
    )
    assert r.status_code == 201, r.data
    a = event(api, r.data, "accept", "comm-designated")
    return event(api, a, "transfer", "comm-designated", departments=["tax"])


def test_a_department_acts_on_no_appeal_never_transferred_to_it(api, transferred_to_tax):
    a = transferred_to_tax
    unknown_id = "XQT-19990101-0009"
    path = f"/api/v1/appeals/{a['id']}"
    file_id = a["attachments"][0]["id"]
    for sub in ("", f"/attachments/{file_id}", "/products"):
        same_404(
            get(api, path + sub, "dept-hr-social"),
            get(api, f"/api/v1/appeals/{unknown_id}" + sub, "dept-hr-social"),
            a["id"],
            unknown_id,
        )
    for body in (
        {"type": "department_reply", "version": a["version"], "content": "我局已办理"},
        {"type": "return", "version": a["version"], "reason": "非本部门职责"},
    ):
        r = api.call("POST", f"{path}/events", body, as_user="dept-hr-social")
        unknown = api.call(
            "POST", f"/api/v1/appeals/{unknown_id}/events", body, as_user="dept-hr-social"
        )
        same_404(r, unknown, a["id"], unknown_id)
    assert get(api, path, "admin").data["version"] == a["version"]  # nothing written
    # the department it was transferred to reads it, its file and its enterprise
    assert get(api, path + f"/attachments/{file_id}", "dept-tax").status_code == 200
    assert get(api, f"/api/v1/enterprises/{HENGRUN['uscc']}", "dept-tax").status_code == 200
    assert get(api, f"/api/v1/enterprises/{HENGRUN['uscc']}", "dept-hr-social").status_code == 404


# --- an operator on another operator's call ----------------------------------------------


def test_an_operator_reads_another_operators_call_only_while_it_awaits_the_callback(api):
    a = post_call(api, {**CALL, "uscc": HENGRUN["uscc"]}).data  # posted by operator-12345
    path = f"/api/v1/appeals/{a['id']}"
    unknown_id = "XQT-19990101-0009"

    def refused(appeal: dict) -> None:
        same_404(
            get(api, path, "operator-center"),
            get(api, f"/api/v1/appeals/{unknown_id}", "operator-center"),
            appeal["id"],
            unknown_id,
        )
        body = {"type": "callback", "version": appeal["version"], "resolved": True}
        r = api.call(
            "POST", f"{path}/events", {**body, "satisfaction": 5}, as_user="operator-center"
        )
        assert r.status_code == 404, r.data
        items = get(api, "/api/v1/appeals?scope=all&limit=100", "operator-center").data["items"]
        assert appeal["id"] not in [i["id"] for i in items]

    refused(a)  # received
    a = event(api, a, "accept", "comm-designated")
    refused(a)  # processing
    a = event(api, a, "reply", "comm-designated", content="已联系银行")
    seen = get(api, path, "operator-center")  # awaiting the call-back: any operator
    assert seen.status_code == 200 and seen.data["enterprise"]["caller_phone"] == "139****5678"
    a = event(api, a, "callback", "operator-12345", resolved=True, satisfaction=5)
    assert a["status"] == "closed"
    refused(a)  # closed: the call-back window is over
    assert get(api, path, "operator-12345").status_code == 200  # its own, always
