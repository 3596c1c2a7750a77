"""Project applications (issue 9, item 4; R1.4): a policy opens an application window with
its materials; an enterprise applies with a form and files while it is open, and only then;
the reviewing department works its queue, submitted → under review → approved or rejected
with a reason; the enterprise hears of each step; one open application per enterprise and
policy, even when two arrive at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import uploads as rules
from tests.api.test_attachments import PDF_BYTES, PNG_BYTES, upload
from tests.api.test_policies import draft, publish


@pytest.fixture
def later():
    """Move business time forward by the given amount (reset afterwards)."""
    from chalicelib import clock

    yield lambda **delta: clock.set_now(clock.now() + timedelta(**delta))
    clock.set_now(None)


MATERIALS = [
    {"id": "feasibility", "name": "项目可行性研究报告"},
    {"id": "license", "name": "营业执照复印件"},
    {"id": "other", "name": "其他材料", "required": False},
]
FORM = {
    "project_name": "数控机床智能化改造项目",
    "summary": "购置五轴加工中心 12 台,建设数字化车间。",
    "amount": 300,
    "contact_name": "张伟",
    "contact_phone": "13812345678",
}


def at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def policy_with_window(
    api, opens: float = -1, closes: float = 24 * 7, reviewer: str | None = "tax", **over
) -> dict:
    p = publish(api, draft(api, **over))["policy"]
    body = {
        "version": p["version"],
        "opens_at": at(opens),
        "closes_at": at(closes),
        "materials": MATERIALS,
        "reviewer_department_id": reviewer,
        "instructions": "请按要求上传材料,原件备查。",
    }
    r = api.call("PUT", f"/api/v1/policies/{p['id']}/application-window", body, as_user="admin")
    assert r.status_code == 200, r.data
    return r.data


def files(api, user: str = "ent-hengrun") -> list[dict]:
    return [
        {
            "material_id": "feasibility",
            "attachments": [
                upload(api, PDF_BYTES, "可研报告.pdf", user=user, purpose="application_attachment")[
                    "id"
                ]
            ],
        },
        {
            "material_id": "license",
            "attachments": [
                upload(
                    api,
                    PNG_BYTES,
                    "执照.png",
                    rules.PNG,
                    user=user,
                    purpose="application_attachment",
                )["id"]
            ],
        },
    ]


def apply(api, policy: dict, materials: list[dict] | None = None, user="ent-hengrun", **form):
    body = {"policy_id": policy["id"], "form": {**FORM, **form}, "materials": materials}
    if materials is None:
        body["materials"] = files(api, user)
    return api.call("POST", "/api/v1/applications", body, as_user=user)


def step(api, a: dict, action: str, user: str, note: str | None = None, version=None):
    body = {"action": action, "version": version or a["version"]}
    if note is not None:
        body["note"] = note
    return api.call("POST", f"/api/v1/applications/{a['id']}/steps", body, as_user=user)


def inbox(api, user: str) -> list[tuple[str, str | None]]:
    items = api.call("GET", "/api/v1/inbox?limit=100", as_user=user).data["items"]
    return [(n["kind"], n.get("application_id")) for n in items]


def texts(application_id: str) -> list[tuple[str, str]]:
    """The SMS an application's steps put in the outbox (its decision only)."""
    from chalicelib.store import outbox

    return [
        (m["to"], m["text"]) for m in outbox.pending() if m.get("application_id") == application_id
    ]


def mine(api, user: str = "ent-hengrun") -> list[dict]:
    r = api.call("GET", "/api/v1/applications?scope=mine&limit=100", as_user=user)
    assert r.status_code == 200, r.data
    return r.data["items"]


def test_an_enterprise_applies_and_hears_of_each_step_until_approved_or_rejected(api, later):
    p = policy_with_window(api, title="技改项目申报(流程)")
    window = p["application"]
    assert (
        window["reviewer_name"]
        == api.call("GET", "/api/v1/departments/tax", as_user="admin").data["name"]
    )
    assert window["opens_at"].endswith("+08:00") and window["closes_at"].endswith("+08:00")
    assert api.call("GET", f"/api/v1/policies/{p['id']}").data["application"] == window

    r = apply(api, p)
    assert r.status_code == 201, r.data
    a = r.data
    assert a["status"] == "submitted" and a["actions"] == ["withdraw"]
    assert a["policy_title"] == "技改项目申报(流程)" and a["reviewer_department_id"] == "tax"
    assert [
        (m["material_id"], m["name"], m["attachments"][0]["filename"]) for m in a["materials"]
    ] == [
        ("feasibility", "项目可行性研究报告", "可研报告.pdf"),
        ("license", "营业执照复印件", "执照.png"),
    ]
    # 恒润 is an industrial designated enterprise: it meets both conditions, kept for review
    assert a["eligibility"]["matched"] is True
    assert [x["text"] for x in a["eligibility"]["reasons"]] == ["行业：工业", "规模：规上"]
    assert [s["status"] for s in a["history"]] == ["submitted"]
    assert texts(a["id"]) == []  # a submission is told in the inbox, not by SMS
    # the reviewers hear of it; the enterprise is not told of what it did itself
    assert ("application_submitted", a["id"]) not in inbox(api, "ent-hengrun")
    assert ("application_submitted", a["id"]) in inbox(api, "dept-tax")

    # the reviewing department's queue, oldest waiting first
    queue = api.call("GET", "/api/v1/applications?scope=queue", as_user="dept-tax").data
    assert a["id"] in [x["id"] for x in queue["items"]]
    got = api.call("GET", f"/api/v1/applications/{a['id']}", as_user="dept-tax").data
    assert got["actions"] == ["review"]

    r = step(api, a, "review", "dept-tax")
    assert r.status_code == 200, r.data
    a = r.data
    assert a["status"] == "under_review" and a["actions"] == ["approve", "reject"]
    assert ("application_under_review", a["id"]) in inbox(api, "ent-hengrun")

    r = step(api, a, "reject", "dept-tax", note="  ")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "note"
    r = step(api, a, "reject", "dept-tax", note="可研报告未附投资概算")
    assert r.status_code == 200, r.data
    a = r.data
    assert a["status"] == "rejected" and a["reason"] == "可研报告未附投资概算"
    assert a["decided_at"] is not None and a["actions"] == []
    assert [(s["status"], s["by"]["username"]) for s in a["history"]] == [
        ("submitted", "ent-hengrun"),
        ("under_review", "dept-tax"),
        ("rejected", "dept-tax"),
    ]
    assert ("application_rejected", a["id"]) in inbox(api, "ent-hengrun")
    assert texts(a["id"]) == [
        (
            "13812345678",
            f"【兴企通】您的项目申报（{a['id']}）「数控机床智能化改造项目」"
            "未通过审核：可研报告未附投资概算。",
        )
    ]
    # decided: out of the open queue, still in the whole one
    open_q = api.call("GET", "/api/v1/applications?scope=queue", as_user="dept-tax").data
    assert a["id"] not in [x["id"] for x in open_q["items"]]
    all_q = api.call("GET", "/api/v1/applications?scope=queue&status=all", as_user="dept-tax")
    assert a["id"] in [x["id"] for x in all_q.data["items"]]

    # rejected: the enterprise may apply again; this time it is approved. Submission times
    # are to the second, so the second application is made a second later for "newest
    # first" to have an answer (two in one second tie, and their ids are random).
    later(seconds=2)
    r = apply(api, p, project_name="数控机床智能化改造项目(补充概算)")
    assert r.status_code == 201, r.data
    second = r.data
    second = step(api, second, "review", "dept-tax").data
    r = step(api, second, "approve", "dept-tax", note="同意,按 300 万元申报")
    assert r.status_code == 200, r.data
    assert r.data["status"] == "approved" and r.data["reason"] is None
    assert ("application_approved", second["id"]) in inbox(api, "ent-hengrun")
    ((to, text),) = texts(second["id"])
    assert to == "13812345678" and "已审核通过" in text
    assert [x["id"] for x in mine(api)][:2] == [second["id"], a["id"]]  # newest first

    # approved: no second application to the same policy
    r = apply(api, p)
    assert r.status_code == 409 and r.data["code"] == "already_exists"
    assert second["id"] in r.data["detail"]

    # the policy's applications: the enterprise's latest
    r = api.call("GET", f"/api/v1/policies/{p['id']}/applications", as_user="admin")
    assert [x["id"] for x in r.data["items"]] == [second["id"]]


def test_applications_are_taken_only_while_the_window_is_open(api):
    before = len(mine(api, "ent-xinghai"))
    not_yet = policy_with_window(api, opens=24, closes=48, title="尚未开始的申报")
    r = apply(api, not_yet, user="ent-xinghai")
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    opens = datetime.fromisoformat(not_yet["application"]["opens_at"])
    assert r.data["detail"] == f"申报尚未开始，开始时间：{opens:%Y-%m-%d %H:%M}"
    closed = policy_with_window(api, opens=-48, closes=-0.01, title="已截止的申报")
    r = apply(api, closed, user="ent-xinghai")
    assert r.status_code == 409 and "截止" in r.data["detail"]
    no_window = publish(api, draft(api, title="不申报的政策"))["policy"]
    r = apply(api, no_window, [], user="ent-xinghai")
    assert r.status_code == 409 and "未开放项目申报" in r.data["detail"]
    a_draft = draft(api, title="草稿政策")
    r = apply(api, a_draft, [], user="ent-xinghai")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "policy_id"
    withdrawn = policy_with_window(api, title="已撤回的政策")
    r = api.call(
        "POST",
        f"/api/v1/policies/{withdrawn['id']}/withdraw",
        {"version": withdrawn["version"], "reason": "文件有误,重新发布"},
        as_user="admin",
    )
    assert r.status_code == 200, r.data
    r = apply(api, withdrawn, user="ent-xinghai")
    assert r.status_code == 409 and "已撤回" in r.data["detail"]
    assert len(mine(api, "ent-xinghai")) == before  # nothing written


def test_materials_are_checked_and_nothing_is_written_for_a_bad_application(api):
    p = policy_with_window(api, title="材料检查")
    before = len(mine(api))
    appeal_file = upload(api, PDF_BYTES)  # uploaded for an appeal, not an application
    given = files(api)
    r = apply(
        api,
        p,
        [
            {"material_id": "feasibility", "attachments": [appeal_file["id"]]},
            {"material_id": "license", "attachments": given[1]["attachments"]},
            {"material_id": "license", "attachments": given[1]["attachments"]},
            {"material_id": "photos", "attachments": given[1]["attachments"]},
        ],
    )
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("materials.0.attachments.0", "upload_purpose"),
        ("materials.2.material_id", "material_duplicate"),
        ("materials.3.material_id", "material_unknown"),
    ]
    r = apply(api, p, given[1:])
    assert r.status_code == 400
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("materials.feasibility", "material_required")
    ]
    r = apply(api, p, contact_phone="电话号码")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "form.contact_phone"
    assert len(mine(api)) == before


def test_who_may_read_review_and_withdraw(api):
    p = policy_with_window(api, title="权限检查")
    a = apply(api, p).data
    path = f"/api/v1/applications/{a['id']}"
    for reader in ("ent-hengrun", "dept-tax", "admin", "supervisor"):
        assert api.call("GET", path, as_user=reader).status_code == 200, reader
    for stranger in ("ent-xinghai", "dept-hr-social", "comm-designated"):
        r = api.call("GET", path, as_user=stranger)
        assert r.status_code == 404 and r.data["code"] == "not_found", stranger
    assert api.call("GET", path).status_code == 401

    # the files: the application's readers only
    file_id = a["materials"][0]["attachments"][0]["id"]
    link = api.call("GET", f"{path}/attachments/{file_id}", as_user="dept-tax")
    assert link.status_code == 200 and link.data["filename"] == "可研报告.pdf"
    assert (
        api.call("GET", f"{path}/attachments/{file_id}", as_user="ent-xinghai").status_code == 404
    )

    assert step(api, a, "approve", "ent-hengrun").status_code == 403  # not a reviewer
    assert step(api, a, "review", "supervisor").status_code == 403
    assert step(api, a, "withdraw", "dept-tax").status_code == 403  # only the enterprise
    r = step(api, a, "approve", "dept-tax")  # not under review yet
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    reviewed = step(api, a, "review", "dept-tax").data
    r = step(api, a, "review", "admin", version=a["version"])  # read before the review
    assert r.status_code == 409 and r.data["code"] == "version_conflict"
    r = step(api, reviewed, "withdraw", "ent-hengrun")  # too late: review started
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    # the centre reviews every application; supervisors read the queue of none
    assert step(api, reviewed, "approve", "admin").status_code == 200
    r = api.call("GET", "/api/v1/applications?scope=queue", as_user="supervisor")
    assert r.status_code == 403


def test_the_enterprise_withdraws_before_review_and_may_apply_again(api):
    p = policy_with_window(api, reviewer=None, title="撤回后重新申报")
    a = apply(api, p, user="ent-xinghai").data
    assert a["reviewer_department_id"] is None and a["reviewer_name"] == "县民营企业服务中心"
    queue = api.call("GET", "/api/v1/applications?scope=queue", as_user="admin").data
    assert a["id"] in [x["id"] for x in queue["items"]]
    r = step(api, a, "withdraw", "ent-xinghai")
    assert r.status_code == 200 and r.data["status"] == "withdrawn"
    assert ("application_withdrawn", a["id"]) in inbox(api, "admin")
    assert not [k for k, i in inbox(api, "ent-xinghai") if i == a["id"]]
    assert apply(api, p, user="ent-xinghai").status_code == 201


def test_two_applications_at_once_make_one(api):
    """The guard beside the policy is written in the application's transaction on the
    condition that none is open: the second of two submissions racing is refused."""
    from chalicelib.domain.applications import Application
    from chalicelib.store import applications as store

    p = policy_with_window(api, title="并发申报")
    first = Application.model_validate(apply(api, p).data)
    twin = first.model_copy(update={"id": first.id + "b"})
    from chalicelib.errors import AlreadyExists

    with pytest.raises(AlreadyExists) as err:
        store.create(twin, twin.history[0].by)
    assert err.value.params == {"id": first.id}
    assert api.call("GET", f"/api/v1/applications/{twin.id}", as_user="admin").status_code == 404


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        ({"closes_at": "2026-01-01T00:00:00+08:00"}, "closes_at", "closes_before_opens"),
        (
            {"materials": [{"id": "a", "name": "甲"}, {"id": "a", "name": "乙"}]},
            "materials.1.id",
            "material_duplicate",
        ),
        ({"materials": []}, "materials", "too_short"),
        (
            {"materials": [{"id": "Bad Id", "name": "甲"}]},
            "materials.0.id",
            "string_pattern_mismatch",
        ),
        ({"reviewer_department_id": "no-such"}, "reviewer_department_id", "department_unknown"),
        ({"opens_at": "2026-12-01T09:00:00"}, "opens_at", "timezone_aware"),
        # found by fuzzing: no Beijing time for these instants, a 500 where they were converted
        ({"opens_at": "0001-01-01T00:00:00+01:02"}, "opens_at", "year_invalid"),
        ({"closes_at": "9999-12-31T23:59:59-01:00"}, "closes_at", "year_invalid"),
    ],
)
def test_a_bad_window_is_refused_naming_the_field(api, over, field, code):
    p = draft(api, title="窗口校验")
    body = {
        "version": p["version"],
        "opens_at": "2026-12-01T09:00:00+08:00",
        "closes_at": "2026-12-31T17:00:00+08:00",
        "materials": MATERIALS,
        **over,
    }
    r = api.call("PUT", f"/api/v1/policies/{p['id']}/application-window", body, as_user="admin")
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [(field, code)]


def test_only_the_service_centre_sets_a_window_under_the_policys_version(api):
    p = draft(api, title="窗口权限")
    body = {
        "version": p["version"],
        "opens_at": "2026-12-01T09:00:00+08:00",
        "closes_at": "2026-12-31T17:00:00+08:00",
        "materials": MATERIALS,
    }
    path = f"/api/v1/policies/{p['id']}/application-window"
    assert api.call("PUT", path, body, as_user="dept-tax").status_code == 403
    assert api.call("PUT", path, body, as_user="admin").status_code == 200
    r = api.call("PUT", path, body, as_user="admin")  # the same version again: stale
    assert r.status_code == 409 and r.data["code"] == "version_conflict"


def test_the_catalogue_says_which_policies_take_applications_now(api):
    open_now = policy_with_window(api, title="申报目录:申报中")
    later = policy_with_window(api, opens=24, closes=48, title="申报目录:未开始")
    over = policy_with_window(api, opens=-48, closes=-1, title="申报目录:已截止")

    def listed(query: str) -> dict[str, dict]:
        r = api.call("GET", f"/api/v1/policies?limit=100&q=申报目录{query}")
        assert r.status_code == 200, r.data
        return {p["id"]: p for p in r.data["items"]}

    every = listed("")
    assert every[open_now["id"]]["application"]["state"] == "open"
    assert every[later["id"]]["application"]["state"] == "not_open"
    assert every[over["id"]]["application"]["state"] == "closed"
    assert every[open_now["id"]]["application"]["closes_at"] == open_now["application"]["closes_at"]
    assert list(listed("&applying=true")) == [open_now["id"]]
    plain = publish(api, draft(api, title="申报目录:不申报"))["policy"]
    assert listed("")[plain["id"]]["application"] is None
