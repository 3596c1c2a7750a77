"""Appeals through the API: intake on both channels, the rules of each event, who reads what,
and the lists — against API.md "Appeals"."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from infra.local.seed import credit_code, enterprise_records

HENGRUN = enterprise_records()[0]
XINGHAI = enterprise_records()[1]
WEB = {"category": "land", "title": "扩建厂房用地指标", "content": "计划扩建二期厂房,约需 30 亩。"}
CALL = {
    "line": "12345",
    "caller_phone": "13912345678",
    "enterprise_name": "如东某水产养殖场",
    "category": "financing",
    "content": "养殖场想申请贴息贷款。\n不清楚哪家银行有农业产品。",
}


def file_web(api, user="ent-hengrun", **over):
    r = api.call("POST", "/api/v1/appeals", {**WEB, **over}, as_user=user)
    assert r.status_code == 201, r.data
    return r.data


def post_call(api, body=None, key=None, user="operator-12345"):
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    return api.call("POST", "/api/v1/hotline/calls", body or CALL, as_user=user, headers=headers)


def event(api, appeal, kind, user, expect=200, **fields):
    body = {"type": kind, "version": appeal["version"], **fields}
    r = api.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)
    assert r.status_code == expect, r.data
    return r.data


def processing(api, **over):
    """A web appeal of 恒润 (owner c-designated) accepted by its owner."""
    appeal = file_web(api, **over)
    return event(api, appeal, "accept", "comm-designated")


@pytest.fixture
def at_time():
    """Move the business clock for one test."""
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


# --- intake ----------------------------------------------------------------------------------


def test_web_filing_is_routed_and_timed_at_once(api, at_time):
    at_time(datetime(2026, 9, 23, 10, 30, tzinfo=BEIJING))
    r = api.call("POST", "/api/v1/appeals", WEB, as_user="ent-hengrun")
    assert r.status_code == 201
    a = r.data
    assert r.headers["Location"] == f"/api/v1/appeals/{a['id']}"
    assert a["id"].startswith("XQT-20260923-")
    assert a["channel"] == "web" and a["status"] == "received" and a["version"] == 1
    assert a["enterprise"] == {
        "uscc": HENGRUN["uscc"],
        "name": HENGRUN["name"],
        "caller_phone": None,
        "size_class": "designated",  # as it was when it filed (reports count by it)
        "industry": "industry",
        "town": "掘港街道",  # likewise
    }
    assert a["assignee"]["commissioner_id"] == "c-designated"  # 规上 工业: the size-class one
    # 5 working days, not counting the day of receipt, skipping Mid-Autumn and National Day
    assert a["reply_due_at"] == "2026-10-08T23:59:59+08:00"
    assert a["deadline_provisional"] is False and a["overdue"] is False
    assert a["working_days_left"] == 5
    assert [e["type"] for e in a["timeline"]] == ["filed"]
    assert a["timeline"][0]["actor"]["username"] == "ent-hengrun"
    assert a["timeline"][0]["route"] == "coverage"


def test_urgent_appeal_is_due_the_next_working_day(api, at_time):
    at_time(datetime(2026, 11, 27, 16, 0, tzinfo=BEIJING))  # a Friday
    a = file_web(api, urgency="urgent")
    assert a["reply_due_at"] == "2026-11-30T23:59:59+08:00"


def test_a_deadline_in_a_year_without_a_notice_is_provisional(api, at_time):
    at_time(datetime(2026, 12, 28, 9, 0, tzinfo=BEIJING))
    a = file_web(api)
    assert a["deadline_provisional"] is True
    assert a["reply_due_at"] == "2027-01-05T23:59:59+08:00"  # 2027-01-01 off by the fallback


def test_the_named_commissioner_owns_the_enterprises_appeals(api):
    uscc = credit_code("named commissioner test")
    body = {
        "uscc": uscc,
        "name": "如东专班直联机械有限公司",
        "size_class": "designated",
        "industry": "industry",
        "commissioner_id": "t-industry",
    }
    assert api.call("POST", "/api/v1/enterprises", body, as_user="admin").status_code == 201
    a = post_call(api, {**CALL, "uscc": uscc}).data
    assert a["assignee"]["commissioner_id"] == "t-industry"
    assert a["timeline"][0]["route"] == "named"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "", "string_too_short"),
        ("title", "长" * 101, "string_too_long"),
        ("content", "字" * 5001, "string_too_long"),
        ("category", "weather", "enum"),
        ("urgency", "asap", "enum"),
        ("contact_phone", "12", "string_too_short"),
        ("contact_phone", "1381234567x", "phone_invalid"),
        ("colour", "red", "extra_forbidden"),
    ],
)
def test_bad_filings_are_400_naming_the_field(api, field, value, code):
    r = api.call("POST", "/api/v1/appeals", {**WEB, field: value}, as_user="ent-hengrun")
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.data["code"] == "validation_error"
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [(field, code)]


def test_title_and_content_at_their_limits_are_accepted(api):
    a = file_web(api, title="长" * 100, content="字" * 5000)
    assert len(a["title"]) == 100 and len(a["content"]) == 5000


def test_only_enterprises_file_on_the_web(api):
    r = api.call("POST", "/api/v1/appeals", WEB, as_user="operator-12345")
    assert r.status_code == 403 and r.data["code"] == "forbidden"
    assert api.call("POST", "/api/v1/appeals", WEB).status_code == 401


def test_an_unknown_caller_goes_to_triage_with_the_caller_recorded(api):
    r = post_call(api)
    assert r.status_code == 201, r.data
    a = r.data
    assert a["channel"] == "hotline_12345" and a["posted_by"] == "operator-12345"
    assert a["enterprise"] == {
        "uscc": None,
        "name": "如东某水产养殖场",
        "caller_phone": "13912345678",
        "size_class": None,
        "industry": None,
        "town": None,
    }
    assert a["assignee"] == {"commissioner_id": None, "name": None}
    assert a["title"] == "养殖场想申请贴息贷款。"  # the first line of what was said
    assert a["timeline"][0]["route"] == "unknown_caller"


def test_a_call_naming_a_registered_credit_code_is_the_enterprises_appeal(api):
    r = post_call(api, {**CALL, "line": "center", "uscc": HENGRUN["uscc"], "title": "用工"})
    a = r.data
    assert r.status_code == 201 and a["channel"] == "hotline_center"
    assert a["enterprise"]["uscc"] == HENGRUN["uscc"] and a["enterprise"]["name"] == HENGRUN["name"]
    assert a["assignee"]["commissioner_id"] == "c-designated"
    # the enterprise sees its own appeal, however it came in
    assert api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").status_code == 200


def test_a_valid_but_unregistered_credit_code_is_an_unknown_caller(api):
    stranger = credit_code("not registered anywhere")
    a = post_call(api, {**CALL, "uscc": stranger}).data
    assert a["enterprise"]["uscc"] is None and a["assignee"]["commissioner_id"] is None


def test_hotline_retries_return_the_same_appeal(api):
    key = uuid.uuid4().hex
    first = post_call(api, key=key)
    assert first.status_code == 201
    # the same body, keys reordered: compared as parsed JSON
    again = post_call(api, dict(reversed(list(CALL.items()))), key=key)
    assert again.status_code == 200 and again.data["id"] == first.data["id"]
    other = post_call(api, {**CALL, "content": "另一件事"}, key=key)
    assert other.status_code == 422 and other.data["code"] == "idempotency_key_reused"
    # keys are the caller's own: another operator's identical key is another call
    theirs = post_call(api, key=key, user="operator-center")
    assert theirs.status_code == 201 and theirs.data["id"] != first.data["id"]


def test_an_invalid_call_is_400_whatever_its_key(api):
    key = uuid.uuid4().hex
    assert post_call(api, key=key).status_code == 201
    r = post_call(api, {**CALL, "caller_phone": "abc"}, key=key)
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "caller_phone"


def test_a_call_without_an_idempotency_key_is_400_naming_the_header(api):
    r = api.call("POST", "/api/v1/hotline/calls", CALL, as_user="operator-12345")
    assert r.status_code == 400
    assert r.data["errors"][0]["field"] == "Idempotency-Key"
    r = post_call(api, key="has space")
    assert r.status_code == 400 and r.data["errors"][0]["code"] == "idempotency_key_invalid"


def test_a_bad_credit_code_in_a_call_is_400(api):
    r = post_call(api, {**CALL, "uscc": HENGRUN["uscc"][:-1] + "0"})
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "uscc"


def test_only_operators_post_calls(api):
    assert post_call(api, user="comm-designated").status_code == 403
    assert post_call(api, user="callcenter-12345").status_code == 201  # a service account


# --- who reads what --------------------------------------------------------------------------


def test_another_enterprises_appeal_does_not_exist_for_it(api):
    a = file_web(api)
    r = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-xinghai")
    assert r.status_code == 404 and r.data["code"] == "not_found"
    assert api.call("GET", "/api/v1/appeals/XQT-19990101-0001", as_user="admin").status_code == 404


def test_staff_read_any_appeal_departments_only_those_transferred(api):
    a = file_web(api)
    for user in ("comm-small-micro", "admin", "supervisor"):
        assert api.call("GET", f"/api/v1/appeals/{a['id']}", as_user=user).status_code == 200
    assert api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="dept-tax").status_code == 404
    assert (
        api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="operator-12345").status_code == 404
    )


def test_the_callers_phone_is_masked_for_all_but_owner_admin_and_poster(api):
    a = post_call(api, {**CALL, "uscc": HENGRUN["uscc"]}).data
    path = f"/api/v1/appeals/{a['id']}"
    for user in ("admin", "operator-12345", "comm-designated", "ent-hengrun"):
        assert (
            api.call("GET", path, as_user=user).data["enterprise"]["caller_phone"] == "13912345678"
        )
    for user in ("comm-small-micro", "supervisor"):
        assert (
            api.call("GET", path, as_user=user).data["enterprise"]["caller_phone"] == "139****5678"
        )


def test_the_enterprise_does_not_see_department_replies_or_return_reasons(api):
    a = processing(api)
    a = event(api, a, "transfer", "comm-designated", departments=["natural-resources", "tax"])
    a = event(api, a, "department_reply", "dept-natural-resources", content="可安排用地指标")
    a = event(api, a, "return", "dept-tax", reason="非本部门职责")
    mine = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data
    assert {p["id"]: p["status"] for p in mine["departments"]} == {
        "natural-resources": "replied",
        "tax": "returned",
    }
    assert all(p["content"] is None and p["return_reason"] is None for p in mine["departments"])
    by_type = {e["type"]: e for e in mine["timeline"]}
    assert by_type["department_reply"]["content"] is None
    assert by_type["return"]["reason"] is None
    staff = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="comm-designated").data
    assert {e["type"]: e for e in staff["timeline"]}["return"]["reason"] == "非本部门职责"


# --- events ----------------------------------------------------------------------------------


def test_the_whole_cycle_with_joint_handling(api):
    a = processing(api)
    assert a["status"] == "processing" and a["version"] == 2
    a = event(api, a, "transfer", "comm-designated", departments=["natural-resources", "hr-social"])
    assert [p["status"] for p in a["departments"]] == ["open", "open"]
    assert all(p["due_at"] <= a["reply_due_at"] for p in a["departments"])
    # a department sees it, answers its part, and then may only read
    a = event(api, a, "department_reply", "dept-natural-resources", content="指标可在一季度安排")
    again = {"type": "department_reply", "version": a["version"], "content": "再答一次"}
    r = api.call(
        "POST", f"/api/v1/appeals/{a['id']}/events", again, as_user="dept-natural-resources"
    )
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    # replying while hr-social is still open needs a reason
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "reply", "version": a["version"], "content": "已协调"},
        as_user="comm-designated",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "reason"
    a = event(
        api, a, "reply", "comm-designated", content="已协调自然资源局", reason="人社局逾期未复"
    )
    assert a["status"] == "replied" and a["reply"]["content"] == "已协调自然资源局"
    a = event(api, a, "confirm", "ent-hengrun", resolved=True, satisfaction=5)
    assert a["status"] == "closed" and a["rating"]["via"] == "confirm"
    types = [e["type"] for e in a["timeline"]]
    assert types == ["filed", "accept", "transfer", "department_reply", "reply", "confirm"]
    assert [e["version"] for e in a["timeline"]] == list(range(1, 7))


def test_not_resolved_reopens_with_a_new_deadline(api, at_time):
    at_time(datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING))
    a = processing(api)
    a = event(api, a, "reply", "comm-designated", content="第一次答复")
    at_time(datetime(2026, 10, 9, 9, 0, tzinfo=BEIJING))  # after the first deadline
    a = event(api, a, "confirm", "ent-hengrun", resolved=False, satisfaction=2, comment="未解决")
    assert a["status"] == "processing" and a["reopened"] == 1 and a["reply"] is None
    # counted: 10-10 (a Saturday made a working day), 10-12, 10-13, 10-14, 10-15
    assert a["reply_due_at"] == "2026-10-15T23:59:59+08:00"
    assert a["overdue"] is False and a["rating"]["resolved"] is False


def test_an_appeal_past_its_deadline_without_a_reply_is_overdue(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    a = file_web(api)
    at_time(datetime(2026, 11, 9, 23, 59, 0, tzinfo=BEIJING))
    last_day = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data
    assert last_day["overdue"] is False and last_day["working_days_left"] == 0
    at_time(datetime(2026, 11, 10, 0, 0, 1, tzinfo=BEIJING))
    assert api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data["overdue"] is True
    listed = api.call("GET", "/api/v1/appeals?overdue=true&limit=100", as_user="admin").data
    assert a["id"] in {i["id"] for i in listed["items"]}
    assert all(i["overdue"] for i in listed["items"])


def test_nothing_closes_without_a_reply(api):
    a = processing(api)
    for kind, user in (("confirm", "ent-hengrun"), ("callback", "admin")):
        r = api.call(
            "POST",
            f"/api/v1/appeals/{a['id']}/events",
            {"type": kind, "version": a["version"], "resolved": True, "satisfaction": 5},
            as_user=user,
        )
        assert r.status_code == 409 and r.data["code"] == "invalid_transition"


def test_a_stale_version_is_409_and_changes_nothing(api):
    a = file_web(api)
    event(api, a, "accept", "comm-designated")
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "set_urgency", "version": 1, "urgency": "urgent", "reason": "停产风险"},
        as_user="comm-designated",
    )
    assert r.status_code == 409 and r.data["code"] == "version_conflict"
    now = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data
    assert now["version"] == 2 and now["urgency"] == "normal"


def test_validation_comes_before_the_version_check(api):
    a = file_web(api)
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "transfer", "version": 99, "departments": ["Not A Slug"]},
        as_user="comm-designated",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "departments.0"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": 1}, "type"),
        ({"type": "approve", "version": 1}, "type"),
        ({"type": "accept"}, "version"),
        ({"type": "accept", "version": 0}, "version"),
        ({"type": "accept", "version": 1, "note": "x"}, "note"),
        ({"type": "reply", "version": 1, "content": ""}, "content"),
        ({"type": "confirm", "version": 1, "resolved": True, "satisfaction": 6}, "satisfaction"),
        ({"type": "transfer", "version": 1, "departments": []}, "departments"),
    ],
)
def test_bad_events_are_400_naming_the_field(api, body, field):
    a = file_web(api)
    r = api.call("POST", f"/api/v1/appeals/{a['id']}/events", body, as_user="admin")
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == field


def test_events_the_role_may_not_post_are_403(api):
    a = file_web(api)
    for kind, user in (
        ("accept", "ent-hengrun"),
        ("accept", "supervisor"),
        ("reassign", "comm-designated"),
        ("accept", "comm-small-micro"),  # a commissioner, but not the owner
    ):
        r = api.call(
            "POST",
            f"/api/v1/appeals/{a['id']}/events",
            {
                "type": kind,
                "version": 1,
                **({"commissioner_id": "c-small-micro"} if kind == "reassign" else {}),
            },
            as_user=user,
        )
        assert r.status_code == 403, (kind, user, r.data)


def test_transfer_refuses_unknown_and_repeated_departments(api):
    a = processing(api)
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {
            "type": "transfer",
            "version": a["version"],
            "departments": ["tax", "no-such-dept", "tax"],
        },
        as_user="comm-designated",
    )
    assert r.status_code == 400
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("departments.1", "reference_not_found"),
        ("departments.2", "duplicate"),
    ]


def test_a_department_part_is_due_in_three_working_days_unless_told(api, at_time):
    at_time(datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING))
    a = processing(api)
    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    assert a["departments"][0]["due_at"] == "2026-12-02T23:59:59+08:00"
    a = event(api, a, "transfer", "comm-designated", departments=["hr-social"], due_working_days=20)
    assert a["departments"][1]["due_at"] == a["reply_due_at"]  # never past the appeal's


def test_a_commissioner_sends_a_misrouted_appeal_back_to_triage(api):
    a = file_web(api)
    a = event(api, a, "return", "comm-designated", reason="属于农业专班")
    assert a["status"] == "received" and a["assignee"]["commissioner_id"] is None
    triage = api.call("GET", "/api/v1/appeals?scope=mine&limit=100", as_user="admin").data
    assert a["id"] in {i["id"] for i in triage["items"]}
    # nobody owns it now: accepting waits for the service centre's reassignment
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "accept", "version": a["version"]},
        as_user="admin",
    )
    assert r.status_code == 409
    a = event(api, a, "reassign", "admin", commissioner_id="t-agriculture")
    assert a["assignee"] == {"commissioner_id": "t-agriculture", "name": "农业专班"}
    a = event(api, a, "accept", "team-agriculture")
    assert a["status"] == "processing"


def test_reassign_to_an_unknown_commissioner_is_400(api):
    a = file_web(api)
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "reassign", "version": 1, "commissioner_id": "c-nobody"},
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "commissioner_id"


def test_set_urgency_recomputes_the_deadline_from_the_period_start(api, at_time):
    at_time(datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING))
    a = file_web(api)
    assert a["reply_due_at"] == "2026-12-04T23:59:59+08:00"
    a = event(api, a, "set_urgency", "comm-designated", urgency="urgent", reason="停产风险")
    assert a["urgency"] == "urgent" and a["reply_due_at"] == "2026-11-30T23:59:59+08:00"
    last = a["timeline"][-1]
    assert last["previous_urgency"] == "normal" and last["reason"] == "停产风险"


def test_callback_records_the_callers_verdict(api):
    a = post_call(api, {**CALL, "uscc": HENGRUN["uscc"]}).data
    a = event(api, a, "accept", "comm-designated")
    a = event(api, a, "reply", "comm-designated", content="已联系银行")
    queue = api.call("GET", "/api/v1/appeals?scope=queue&limit=100", as_user="operator-center").data
    assert a["id"] in {i["id"] for i in queue["items"]}
    # another operator reads it while it awaits the call-back, phone masked
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="operator-center").data
    assert seen["enterprise"]["caller_phone"] == "139****5678"
    a = event(api, a, "callback", "operator-center", resolved=True, satisfaction=4)
    assert a["status"] == "closed" and a["rating"] == {**a["rating"], "via": "callback"}
    queue = api.call("GET", "/api/v1/appeals?scope=queue&limit=100", as_user="operator-center").data
    assert a["id"] not in {i["id"] for i in queue["items"]}


# --- lists -----------------------------------------------------------------------------------


def _ids(api, user, query=""):
    r = api.call("GET", f"/api/v1/appeals?limit=100{query}", as_user=user)
    assert r.status_code == 200, r.data
    return [i["id"] for i in r.data["items"]]


def test_each_role_lists_its_own(api):
    mine = file_web(api, user="ent-xinghai")
    theirs = file_web(api)
    assert mine["id"] in _ids(api, "ent-xinghai", "&scope=mine")
    assert theirs["id"] not in _ids(api, "ent-xinghai", "&scope=all")
    owner = mine["assignee"]["commissioner_id"]
    user = {"c-designated": "comm-designated", "c-above-100m": "comm-above-100m"}.get(
        owner, "comm-small-micro"
    )
    assert mine["id"] in _ids(api, user, "&scope=mine")
    assert mine["id"] in _ids(api, user, "&scope=queue")
    assert mine["id"] in _ids(api, "supervisor", "&scope=all")
    assert _ids(api, "supervisor", "&scope=mine") == []  # nothing supervised yet
    call = post_call(api).data
    assert call["id"] in _ids(api, "operator-12345", "&scope=mine")
    assert call["id"] not in _ids(api, "operator-center", "&scope=mine")


def test_queues_put_urgent_first_then_the_nearest_deadline(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    early = file_web(api, user="ent-xiaoyang")
    at_time(datetime(2026, 11, 4, 9, 0, tzinfo=BEIJING))
    late = file_web(api, user="ent-xiaoyang")
    urgent = file_web(api, user="ent-xiaoyang", urgency="urgent")
    owner = early["assignee"]["commissioner_id"]
    user = {"c-small-micro": "comm-small-micro"}.get(owner, "comm-small-micro")
    order = [
        i for i in _ids(api, user, "&scope=queue") if i in {early["id"], late["id"], urgent["id"]}
    ]
    assert order == [urgent["id"], early["id"], late["id"]]


def test_department_lists_its_transferred_and_open_parts(api):
    a = processing(api)
    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    assert a["id"] in _ids(api, "dept-tax", "&scope=queue")
    a = event(api, a, "department_reply", "dept-tax", content="已核实")
    assert a["id"] not in _ids(api, "dept-tax", "&scope=queue")
    assert a["id"] in _ids(api, "dept-tax", "&scope=mine")
    assert a["id"] not in _ids(api, "dept-hr-social", "&scope=mine")


def test_status_filter_and_pages(api):
    made = [file_web(api, user="ent-xiaoyang")["id"] for _ in range(3)]
    received = _ids(api, "admin", "&status=received")
    assert set(made) <= set(received)
    seen: list[str] = []
    cursor = None
    while True:
        q = "/api/v1/appeals?scope=mine&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", q, as_user="ent-xiaoyang").data
        assert len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert set(made) <= set(seen) and len(seen) == len(set(seen))
    # a filtered list of one enterprise
    closed = _ids(api, "ent-xiaoyang", "&scope=mine&status=closed")
    assert not set(made) & set(closed)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("scope=everything", "scope"),
        ("status=open", "status"),
        ("overdue=maybe", "overdue"),
        ("cursor=!!", "cursor"),
    ],
)
def test_bad_list_queries_are_400(api, query, field):
    r = api.call("GET", f"/api/v1/appeals?{query}", as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == field


# --- the directory follows the catalogs (kept last: it changes routing for the module) -------


def test_routing_and_transfers_follow_commissioner_and_department_changes(api):
    narrow = {
        "id": "c-designated-industry",
        "name": "吴磊(规上工业企业服务专员)",
        "kind": "size_class",
        "coverage": {"size_classes": ["designated"], "industries": ["industry"]},
    }
    assert api.call("POST", "/api/v1/commissioners", narrow, as_user="admin").status_code == 201
    # the narrowest covering commissioner wins at once, without waiting for a cache
    assert file_web(api)["assignee"]["commissioner_id"] == "c-designated-industry"
    r = api.call(
        "PATCH",
        "/api/v1/commissioners/c-designated-industry",
        {"version": 1, "active": False},
        as_user="admin",
    )
    assert r.status_code == 200
    assert file_web(api)["assignee"]["commissioner_id"] == "c-designated"

    dept = {"id": "water", "name": "县水务局"}
    assert api.call("POST", "/api/v1/departments", dept, as_user="admin").status_code == 201
    a = processing(api)
    a = event(api, a, "transfer", "comm-designated", departments=["water"])
    b = processing(api)
    off = {"version": 1, "active": False}
    # not while its part of ``a`` is open (docs/departments.md): returned first
    busy = api.call("PATCH", "/api/v1/departments/water", off, as_user="admin")
    assert busy.status_code == 409 and busy.data["code"] == "unit_busy"
    water = {"username": "dept-water", "display_name": "水务局经办人", "role": "department"}
    new_user = dict(water, department_id="water")
    assert api.call("POST", "/api/v1/users", new_user, as_user="admin").status_code == 201
    event(api, a, "return", "dept-water", reason="不属于本局职责")
    r = api.call("PATCH", "/api/v1/departments/water", off, as_user="admin")
    assert r.status_code == 200, r.data
    r = api.call(
        "POST",
        f"/api/v1/appeals/{b['id']}/events",
        {"type": "transfer", "version": b["version"], "departments": ["water"]},
        as_user="comm-designated",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "departments.0"


def test_a_write_decided_on_a_stale_directory_is_refused_inside_the_transaction(api):
    """The directory a warm Lambda cached may be a minute old: the write itself checks it."""
    from chalicelib.api.appeals import _inactive_fields
    from chalicelib.domain.appeal import transitions
    from chalicelib.domain.appeal.decision import DepartmentInfo, Directory
    from chalicelib.domain.appeal.events import EventType, Transfer
    from chalicelib.domain.models import User
    from chalicelib.domain.rules import Rules
    from chalicelib.errors import ReferencesInactive
    from chalicelib.store import appeals as store
    from chalicelib.store import users

    a = processing(api)
    appeal, _ = store.load(a["id"])
    owner = User.model_validate(users.by_username("comm-designated"))
    stale = Directory(
        commissioners={},
        departments={
            "tax": DepartmentInfo("tax", "县税务局"),
            "water": DepartmentInfo("water", "县水务局"),
        },
    )
    command = Transfer(
        type=EventType.TRANSFER, version=appeal.version, departments=["tax", "water"]
    )
    decision = transitions.decide(appeal, command, owner, datetime.now(BEIJING), stale, Rules())
    with pytest.raises(ReferencesInactive) as caught:
        store.record(appeal, decision)
    # the store says what went inactive; the API names the request's field for it
    assert (caught.value.commissioners, caught.value.departments) == ((), ("water",))
    errors = _inactive_fields(command, caught.value)
    assert [(e.field, e.code) for e in errors] == [("departments.1", "reference_not_found")]
    assert store.load(a["id"])[0].version == appeal.version  # nothing written


def test_a_filing_routed_on_a_stale_directory_is_routed_again(api, monkeypatch):
    """Another warm Lambda's cache may still list a commissioner since deactivated: the
    filing's own transaction refuses that owner, and the filing routes again on a fresh read."""
    import time

    from chalicelib.config import settings
    from chalicelib.domain.models import Coverage
    from chalicelib.domain.routing import Candidate
    from chalicelib.store import db, directory, keys

    fresh = directory.parse(db.get(keys.DIRECTORY))
    ghost = Candidate(
        id="c-ghost",
        name="已停用的专员",
        kind="size_class",
        coverage=Coverage(size_classes=["designated"], industries=["industry"]),
    )
    stale = type(fresh)(
        commissioners={**fresh.commissioners, "c-ghost": ghost}, departments=fresh.departments
    )
    monkeypatch.setattr(settings(), "directory_cache_seconds", 60.0)
    monkeypatch.setattr(directory, "_cached", (time.monotonic(), stale))
    a = file_web(api)
    assert a["assignee"]["commissioner_id"] == "c-designated"
    assert directory.cached() is not stale  # the stale copy was dropped


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "发票\u202e txt.exe", "text_control_character"),  # reads backwards
        ("title", "用地\u2066指标", "text_control_character"),
        ("content", "用地\x00指标", "text_control_character"),
        ("content", "用地\x1b[31m指标", "text_control_character"),
        ("title", "扩建\n厂房", "text_single_line"),
        ("contact_name", "张\t伟", "text_single_line"),
        ("contact_phone", "12345", "phone_invalid"),  # a switchboard, not the contact
        ("contact_phone", "95588", "phone_invalid"),
    ],
)
def test_hidden_characters_and_short_numbers_are_refused_naming_the_field(api, field, value, code):
    r = api.call("POST", "/api/v1/appeals", {**WEB, field: value}, as_user="ent-hengrun")
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [(field, code)]


def test_text_keeps_its_line_breaks_and_tabs(api):
    a = file_web(api, content="第一行\n第二行\r\n\t缩进")
    assert a["content"] == "第一行\n第二行\r\n\t缩进"


def test_the_contact_phone_is_masked_as_the_callers_is(api):
    a = file_web(api, contact_name="张伟", contact_phone="13812345678")
    assert a["contact_phone"] == "13812345678"  # the enterprise itself
    a = event(api, a, "accept", "comm-designated")
    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    assert a["contact_phone"] == "13812345678"  # the owner commissioner
    for reader in ("dept-tax", "supervisor"):
        seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user=reader).data
        assert seen["contact_phone"] == "138****5678", reader


def test_a_web_filing_retried_with_its_key_files_once(api):
    def filing(body, key):
        headers = {"Idempotency-Key": key} if key is not None else {}
        return api.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun", headers=headers)

    key = uuid.uuid4().hex
    first = filing(WEB, key)
    assert first.status_code == 201
    before = len(
        api.call("GET", "/api/v1/appeals?scope=mine&limit=100", as_user="ent-hengrun").data["items"]
    )
    # the connection dropped before the answer: the browser sends it again
    again = filing(dict(reversed(list(WEB.items()))), key)
    assert again.status_code == 200 and again.data["id"] == first.data["id"]
    after = len(
        api.call("GET", "/api/v1/appeals?scope=mine&limit=100", as_user="ent-hengrun").data["items"]
    )
    assert after == before
    other = filing({**WEB, "title": "另一件事"}, key)
    assert other.status_code == 422 and other.data["code"] == "idempotency_key_reused"
    # without a key every filing is a new appeal (the key is optional on the web)
    assert filing(WEB, None).data["id"] != filing(WEB, None).data["id"]
    for bad in ("", "有中文", "a b"):
        r = filing(WEB, bad)
        assert r.status_code == 400 and r.data["errors"][0]["field"] == "Idempotency-Key", bad
    # a financing need follows the same rules
    need = {"amount": 200, "term_months": 12, "purpose": "采购原材料"}
    key = uuid.uuid4().hex
    headers = {"Idempotency-Key": key}
    r1 = api.call("POST", "/api/v1/financing/needs", need, as_user="ent-hengrun", headers=headers)
    r2 = api.call("POST", "/api/v1/financing/needs", need, as_user="ent-hengrun", headers=headers)
    assert (r1.status_code, r2.status_code) == (201, 200) and r1.data["id"] == r2.data["id"]
