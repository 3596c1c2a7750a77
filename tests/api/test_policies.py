"""Policies: drafted and published by the service centre, read and searched by anyone
without signing in, pushed to the enterprises they match as a job with its progress, and
shown to each enterprise with the reasons they match (or the one condition they miss)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.test_appeals import HENGRUN, XINGHAI

TECH = {
    "title": "如东县支持工业企业技术改造的若干政策",
    "issuer": "县工业和信息化局",
    "doc_number": "东政发〔2026〕12号",
    "summary": "对年度技改投入 500 万元以上的规上工业企业给予补助。",
    "body": "第一条 为推动工业企业转型升级,对技术改造项目给予补助。",
    "effective_from": "2026-01-01",
    "expires_on": "2027-12-31",
    "conditions": {"industries": ["industry"], "size_classes": ["designated"]},
}


def draft(api, **over):
    r = api.call("POST", "/api/v1/policies", {**TECH, **over}, as_user="admin")
    assert r.status_code == 201, r.data
    return r.data


def publish(api, policy):
    r = api.call(
        "POST",
        f"/api/v1/policies/{policy['id']}/publish",
        {"version": policy["version"]},
        as_user="admin",
    )
    assert r.status_code == 200, r.data
    return r.data


def run_jobs(api):
    r = api.call("POST", "/api/v1/dev/jobs/jobs")
    assert r.status_code == 200, r.data
    return r.data


def public(api, query=""):
    r = api.call("GET", f"/api/v1/policies?limit=100{query}")  # no token: public
    assert r.status_code == 200, r.data
    return r.data["items"]


def test_a_draft_is_not_public_until_published_then_pushed_to_those_it_matches(api):
    p = draft(api, title="技术改造补助(推送测试)")
    assert p["status"] == "draft" and p["conditions_text"] == "行业:工业;规模:规上"
    assert api.call("GET", f"/api/v1/policies/{p['id']}").status_code == 404
    assert p["id"] not in [x["id"] for x in public(api)]
    assert api.call("GET", f"/api/v1/admin/policies/{p['id']}", as_user="admin").status_code == 200

    out = publish(api, p)
    assert out["policy"]["status"] == "published" and out["job"]["status"] == "queued"
    done = run_jobs(api)
    assert done["processed"] >= 1 and done["failed"] == 0
    job = api.call("GET", f"/api/v1/jobs/{out['job']['id']}", as_user="admin").data
    assert job["status"] == "done" and job["progress"] == 100
    assert job["processed"] == job["total"] >= 2  # every registered enterprise went through
    matched = job["result"]["matched"]
    assert 1 <= matched < job["total"]

    box = api.call("GET", "/api/v1/inbox?limit=100", as_user="ent-hengrun").data["items"]
    told = [n for n in box if n.get("policy_id") == p["id"]]
    assert len(told) == 1 and told[0]["kind"] == "policy_matched"
    box = api.call("GET", "/api/v1/inbox?limit=100", as_user="ent-xinghai").data["items"]
    assert not [n for n in box if n.get("policy_id") == p["id"]]  # 亿元以上: not for it

    again = api.call(
        "POST",
        f"/api/v1/policies/{p['id']}/publish",
        {"version": out["policy"]["version"]},
        as_user="admin",
    )
    assert again.status_code == 409 and again.data["code"] == "invalid_transition"
    shown = api.call("GET", f"/api/v1/policies/{p['id']}").data
    assert shown["body"].startswith("第一条") and shown["expired"] is False


def test_a_job_run_twice_tells_each_enterprise_once(api):
    from chalicelib import clock
    from chalicelib.jobs import policy_push
    from chalicelib.store import jobs

    p = draft(api, title="重复推送测试")
    out = publish(api, p)
    job = jobs.get(out["job"]["id"])
    first = policy_push.run(job, clock.now())
    # a receive that died after its last page but before finishing: the job goes on from
    # its checkpoint, and the notifications it rewrites are the same ones
    jobs.start(job["id"], clock.now(), None)
    replay = {**jobs.get(job["id"]), "status": "running", "page": 0, "cursor": ""}
    policy_push.run(replay, clock.now())
    box = api.call("GET", "/api/v1/inbox?limit=100", as_user="ent-hengrun").data["items"]
    assert len([n for n in box if n.get("policy_id") == p["id"]]) == 1
    assert first["matched"] >= 1


def test_search_filters_and_expired_policies(api):
    land = draft(
        api,
        title="农业设施用地管理办法",
        issuer="县自然资源和规划局",
        doc_number="东自然资规〔2026〕3号",
        summary=None,
        conditions={"industries": ["agriculture"]},
    )
    old = draft(
        api,
        title="2025年度小微企业贷款贴息办法",
        issuer="县财政局",
        doc_number="东财规〔2025〕1号",
        effective_from="2025-01-01",
        expires_on="2025-12-31",
        conditions={"size_classes": ["small_micro"]},
    )
    for p in (land, old):
        publish(api, p)
    run_jobs(api)

    ids = [x["id"] for x in public(api, "&q=设施 用地")]
    assert land["id"] in ids and old["id"] not in ids  # every word, anywhere
    assert [x["id"] for x in public(api, "&q=东自然资规")] == [land["id"]]  # 文号
    assert land["id"] in [x["id"] for x in public(api, "&industry=agriculture")]
    assert land["id"] not in [x["id"] for x in public(api, "&industry=industry")]
    everyone = draft(api, title="营商环境告知书", conditions={})
    publish(api, everyone)
    assert everyone["id"] in [x["id"] for x in public(api, "&industry=services")]  # for any

    assert old["id"] not in [x["id"] for x in public(api)]  # expired: not current
    listed = public(api, "&include_expired=true&q=贴息")
    assert [(x["id"], x["expired"]) for x in listed] == [(old["id"], True)]
    shown = api.call("GET", f"/api/v1/policies/{old['id']}").data  # still readable, marked
    assert shown["expired"] is True and shown["expires_on"] == "2025-12-31"


def test_interpretations_and_changes(api):
    p = draft(api, title="解读测试政策")
    p = publish(api, p)["policy"]
    r = api.call(
        "POST",
        f"/api/v1/policies/{p['id']}/interpretations",
        {
            "version": p["version"],
            "title": "一图读懂技改补助",
            "body": "补助比例为设备投资的 10%。",
        },
        as_user="admin",
    )
    assert r.status_code == 201, r.data
    p = r.data
    (reading,) = p["interpretations"]
    assert (
        reading["author"] == "县民营企业服务中心" and reading["published_by"]["username"] == "admin"
    )
    assert [x["id"] for x in public(api, "&q=一图读懂")] == [p["id"]]  # its title is searched
    assert public(api, "&q=一图读懂")[0]["interpretations"] == 1
    stale = api.call(
        "PATCH", f"/api/v1/policies/{p['id']}", {"version": 1, "title": "x"}, as_user="admin"
    )
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"
    r = api.call(
        "PATCH",
        f"/api/v1/policies/{p['id']}",
        {"version": p["version"], "expires_on": "2026-12-31", "conditions": {"key_tech": True}},
        as_user="admin",
    )
    assert r.status_code == 200, r.data
    assert r.data["conditions_text"] == "重点科技型企业" and r.data["status"] == "published"
    listed = next(x for x in public(api, "&q=解读测试") if x["id"] == p["id"])
    assert listed["expires_on"] == "2026-12-31" and listed["conditions_text"] == "重点科技型企业"


def test_policies_for_an_enterprise_with_reasons_and_near_misses(api):
    for_designated = publish(api, draft(api, title="规上工业专项(匹配测试)"))["policy"]
    major = publish(
        api, draft(api, title="重大项目要素保障(匹配测试)", conditions={"major_project": True})
    )["policy"]
    farms = publish(
        api,
        draft(
            api,
            title="渔业设施补助(匹配测试)",
            conditions={"industries": ["agriculture"], "size_classes": ["small_micro"]},
        ),
    )["policy"]
    r = api.call("GET", "/api/v1/me/policies", as_user="ent-hengrun")
    assert r.status_code == 200, r.data
    by_id = {i["policy"]["id"]: i for i in r.data["items"]}
    hit = by_id[for_designated["id"]]
    assert hit["match"]["matched"] is True and hit["near_miss"] is False
    assert [x["text"] for x in hit["match"]["reasons"]] == ["行业:工业", "规模:规上"]
    assert HENGRUN["size_class"] == "designated" and not HENGRUN["flags"]["major_project"]
    near = by_id[major["id"]]
    assert near["near_miss"] is True
    assert [x["text"] for x in near["match"]["failed"]] == ["须有省市重大项目"]
    assert farms["id"] not in by_id  # two conditions missed: not shown
    verdicts = [i["match"]["matched"] for i in r.data["items"]]
    assert verdicts == sorted(verdicts, reverse=True)  # the matches first, then near misses

    staff = api.call(
        "GET", f"/api/v1/enterprises/{XINGHAI['uscc']}/policies", as_user="comm-above-100m"
    )
    assert staff.status_code == 200
    matched = [i["policy"]["id"] for i in staff.data["items"] if i["match"]["matched"]]
    assert major["id"] in matched and XINGHAI["flags"]["major_project"]
    assert api.call("GET", "/api/v1/me/policies", as_user="admin").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**TECH, "title": ""}, "title"),
        ({**TECH, "effective_from": "2026-13-01"}, "effective_from"),
        ({**TECH, "conditions": {"industries": ["mining"]}}, "conditions.industries.0"),
        ({**TECH, "conditions": {"employees": {"min": 300, "max": 50}}}, "conditions.employees"),
        ({**TECH, "body": "长" * 30_001}, "body"),
        ({**TECH, "secret": 1}, "secret"),
        ({**TECH, "expires_on": "2025-12-31"}, "expires_on"),
    ],
)
def test_bad_policies_name_the_field(api, body, field):
    r = api.call("POST", "/api/v1/policies", body, as_user="admin")
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == field
    assert r.data["errors"][0]["code"] != "value_error"  # a code the SPA can word


def test_only_the_service_centre_writes_policies(api):
    for user in ("ent-hengrun", "comm-designated", "supervisor", "dept-tax"):
        assert api.call("POST", "/api/v1/policies", TECH, as_user=user).status_code == 403
    assert api.call("GET", "/api/v1/admin/policies", as_user="supervisor").status_code == 403
    r = api.call(
        "PATCH",
        "/api/v1/policies/P-nope",
        {"version": 1, "expires_on": "2026-01-01"},
        as_user="admin",
    )
    assert r.status_code == 404
    assert api.call("GET", "/api/v1/policies/P-nope").status_code == 404
    assert date.fromisoformat(TECH["effective_from"]) < date(2027, 1, 1)
