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
    assert p["status"] == "draft" and p["conditions_text"] == "行业：工业；规模：规上"
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
    assert [x["text"] for x in hit["match"]["reasons"]] == ["行业：工业", "规模：规上"]
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


# --- attachments, interpretations changed, withdrawal, deleting drafts (issue 9) -------------


def _upload_pdf(api, name: str = "技改补助申报表.pdf", user: str = "admin") -> str:
    from tests.api.test_attachments import PDF_BYTES, upload

    return upload(api, PDF_BYTES, name, user=user, purpose="policy_attachment")["id"]


def _attach(api, policy, ids, user="admin", version=None):
    return api.call(
        "POST",
        f"/api/v1/policies/{policy['id']}/attachments",
        {"version": version or policy["version"], "attachments": ids},
        as_user=user,
    )


def _audit(api, policy_id):
    r = api.call(
        "GET", f"/api/v1/audit?entity_type=policy&entity_id={policy_id}&limit=100", as_user="admin"
    )
    assert r.status_code == 200, r.data
    return r.data["items"]


def test_a_published_policys_files_download_without_sign_in_a_drafts_only_for_admins(api):
    import requests

    from tests.api.test_attachments import PDF_BYTES

    p = draft(api, title="附件测试政策")
    form = _upload_pdf(api, "申报表.pdf")
    signed = _upload_pdf(api, "东政发〔2026〕12号(盖章版).pdf")
    r = _attach(api, p, [signed, form])
    assert r.status_code == 201, r.data
    p = r.data
    assert [(a["id"], a["filename"]) for a in p["attachments"]] == [
        (signed, "东政发〔2026〕12号(盖章版).pdf"),
        (form, "申报表.pdf"),
    ]
    assert p["version"] == 2
    path = f"/api/v1/policies/{p['id']}/attachments/{signed}"
    # a draft's files: admins only; the public, an enterprise, a bad id: 404
    assert api.call("GET", path, as_user="admin").status_code == 200
    for user in (None, "ent-hengrun", "supervisor"):
        r = api.call("GET", path, as_user=user)
        assert r.status_code == 404 and r.data["code"] == "not_found", (user, r.data)
    bad = api.call("GET", path, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401  # a token sent is verified

    p = publish(api, p)["policy"]
    link = api.call("GET", path)  # no token
    assert link.status_code == 200, link.data
    assert link.data["filename"] == "东政发〔2026〕12号(盖章版).pdf"
    assert requests.get(link.data["url"]).content == PDF_BYTES
    assert [
        a["id"] for a in api.call("GET", f"/api/v1/policies/{p['id']}").data["attachments"]
    ] == [
        signed,
        form,
    ]
    missing = api.call("GET", f"/api/v1/policies/{p['id']}/attachments/U0123456789abcdef")
    assert missing.status_code == 404 and missing.data["code"] == "not_found"

    # removed: no link any more; the change audited
    stale = api.call(
        "DELETE", f"/api/v1/policies/{p['id']}/attachments/{form}?version=1", as_user="admin"
    )
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"
    r = api.call(
        "DELETE",
        f"/api/v1/policies/{p['id']}/attachments/{form}?version={p['version']}",
        as_user="admin",
    )
    assert r.status_code == 200, r.data
    assert [a["id"] for a in r.data["attachments"]] == [signed]
    assert api.call("GET", f"/api/v1/policies/{p['id']}/attachments/{form}").status_code == 404
    again = api.call(
        "DELETE",
        f"/api/v1/policies/{p['id']}/attachments/{form}?version={r.data['version']}",
        as_user="admin",
    )
    assert again.status_code == 404
    changes = [
        e["changes"]["attachments"]
        for e in _audit(api, p["id"])
        if e["action"] == "update" and "attachments" in e["changes"]
    ]
    assert [len(c["to"]) for c in changes] == [1, 2]  # newest first: removed one, added two


def test_policy_attachments_are_checked_and_nothing_half_written(api):
    from tests.api.test_attachments import PROGRAM, upload

    p = draft(api, title="附件校验政策")
    good = _upload_pdf(api)
    disguised = upload(api, PROGRAM, "通知.pdf", user="admin", purpose="policy_attachment")["id"]
    # an enterprise's upload (for an appeal): not the caller's, so it does not exist for it
    others = upload(api, b"%PDF-1.4\n%%EOF\n", "x.pdf", user="ent-hengrun")["id"]
    # the admin's own upload for another purpose (the register's import)
    register = upload(api, b"a,b\n", "名录.csv", "text/csv", "admin", "enterprise_import")["id"]
    r = _attach(api, p, [good, disguised, others, good, register])
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("attachments.1", "upload_content_mismatch"),
        ("attachments.2", "upload_not_found"),
        ("attachments.3", "attachment_duplicate"),
        ("attachments.4", "upload_purpose"),
    ]
    shown = api.call("GET", f"/api/v1/admin/policies/{p['id']}", as_user="admin").data
    assert shown["attachments"] == [] and shown["version"] == p["version"]  # nothing kept

    for body, field, code in [
        ({"version": p["version"], "attachments": []}, "attachments", "too_short"),
        (
            {"version": p["version"], "attachments": ["x"]},
            "attachments.0",
            "string_pattern_mismatch",
        ),
        ({"attachments": [good]}, "version", "missing"),
        ({"version": p["version"], "attachments": [good], "extra": 1}, "extra", "extra_forbidden"),
    ]:
        r = api.call("POST", f"/api/v1/policies/{p['id']}/attachments", body, as_user="admin")
        assert r.status_code == 400, (body, r.data)
        assert (r.data["errors"][0]["field"], r.data["errors"][0]["code"]) == (field, code)

    # validation before the version: a bad list with a stale version is a 400
    r = _attach(api, p, [disguised], version=99)
    assert r.status_code == 400
    r = _attach(api, p, [good], version=99)
    assert r.status_code == 409 and r.data["code"] == "version_conflict"
    r = _attach(api, p, [good])
    assert r.status_code == 201
    p = r.data
    # a file kept already, and more than 20 in all
    r = _attach(api, p, [good])
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("attachments.0", "attachment_duplicate")
    ]
    r = _attach(api, p, [f"U{i:016x}" for i in range(20)])
    assert r.status_code == 400
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("attachments", "too_many_attachments")
    ]
    assert "20" in r.data["errors"][0]["message"]

    for user in ("ent-hengrun", "supervisor", "comm-designated"):
        assert _attach(api, p, [good], user=user).status_code == 403
        r = api.call(
            "DELETE",
            f"/api/v1/policies/{p['id']}/attachments/{good}?version={p['version']}",
            as_user=user,
        )
        assert r.status_code == 403
    r = api.call("DELETE", f"/api/v1/policies/{p['id']}/attachments/{good}", as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "version"
    r = api.call(
        "DELETE", f"/api/v1/policies/{p['id']}/attachments/{good}?version=x", as_user="admin"
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "version"


def _reading(api, p, title="一图读懂", user="admin"):
    r = api.call(
        "POST",
        f"/api/v1/policies/{p['id']}/interpretations",
        {"version": p["version"], "title": title, "body": "补助比例为 10%。"},
        as_user=user,
    )
    assert r.status_code == 201, r.data
    return r.data


def test_an_interpretation_is_edited_and_removed_under_the_policys_version(api):
    p = publish(api, draft(api, title="解读修改测试政策"))["policy"]
    p = _reading(api, p, "第一版解读")
    (reading,) = p["interpretations"]
    path = f"/api/v1/policies/{p['id']}/interpretations/{reading['id']}"

    for body, field in [
        ({"version": p["version"], "title": ""}, "title"),
        ({"version": p["version"], "body": "长" * 5001}, "body"),
        ({"version": p["version"], "title": None}, "title"),
        ({"version": p["version"], "published_at": "x"}, "published_at"),
        ({"title": "x"}, "version"),
    ]:
        r = api.call("PATCH", path, body, as_user="admin")
        assert r.status_code == 400, (body, r.data)
        assert r.data["errors"][0]["field"] == field
    assert api.call("PATCH", path, {"version": 1, "title": "x"}, as_user="admin").status_code == 409
    assert (
        api.call("PATCH", path, {"version": p["version"], "title": "x"}, as_user="dept-tax")
    ).status_code == 403
    nope = api.call(
        "PATCH",
        f"/api/v1/policies/{p['id']}/interpretations/I-nope",
        {"version": p["version"], "title": "x"},
        as_user="admin",
    )
    assert nope.status_code == 404 and "I-nope" in nope.data["detail"]

    r = api.call("PATCH", path, {"version": p["version"], "title": "修订后的解读"}, as_user="admin")
    assert r.status_code == 200, r.data
    (edited,) = r.data["interpretations"]
    assert edited["title"] == "修订后的解读" and edited["body"] == reading["body"]
    assert edited["published_at"] == reading["published_at"]
    assert edited["updated_by"]["username"] == "admin" and edited["updated_at"]
    assert [x["id"] for x in public(api, "&q=修订后的解读")] == [p["id"]]  # searched anew
    p = r.data

    stale = api.call("DELETE", f"{path}?version={p['version'] - 1}", as_user="admin")
    assert stale.status_code == 409
    r = api.call("DELETE", f"{path}?version={p['version']}", as_user="admin")
    assert r.status_code == 200 and r.data["interpretations"] == []
    assert public(api, "&q=修订后的解读") == []
    assert public(api, "&q=解读修改测试")[0]["interpretations"] == 0
    entries = _audit(api, p["id"])
    removed = entries[0]["changes"]["interpretations"]
    assert removed["from"][0]["title"] == "修订后的解读" and removed["to"] == []  # kept on record


def test_a_withdrawn_policy_leaves_the_catalogue_and_matching_but_its_page_answers(api):
    p = draft(api, title="撤回测试:规上工业专项")
    file_id = _upload_pdf(api, "撤回测试.pdf")
    p = _attach(api, p, [file_id]).data
    out = publish(api, p)
    run_jobs(api)
    p = out["policy"]
    assert p["id"] in [x["id"] for x in public(api, "&q=撤回测试")]
    mine = api.call("GET", "/api/v1/me/policies", as_user="ent-hengrun").data["items"]
    assert p["id"] in [i["policy"]["id"] for i in mine]

    path = f"/api/v1/policies/{p['id']}/withdraw"
    for body, field in [
        ({"version": p["version"], "reason": ""}, "reason"),
        ({"version": p["version"], "reason": "   "}, "reason"),
        ({"version": p["version"], "reason": "长" * 501}, "reason"),
        ({"version": p["version"]}, "reason"),
        ({"reason": "x"}, "version"),
    ]:
        r = api.call("POST", path, body, as_user="admin")
        assert r.status_code == 400, (body, r.data)
        assert r.data["errors"][0]["field"] == field
    for user in ("ent-hengrun", "supervisor"):
        r = api.call("POST", path, {"version": p["version"], "reason": "x"}, as_user=user)
        assert r.status_code == 403
    stale = api.call("POST", path, {"version": 1, "reason": "被新政策替代"}, as_user="admin")
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"

    r = api.call(
        "POST",
        path,
        {"version": p["version"], "reason": "已被2027年修订版替代"},
        as_user="admin",
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 200, r.data
    w = r.data
    assert w["status"] == "withdrawn" and w["version"] == p["version"] + 1
    assert w["withdrawal"]["reason"] == "已被2027年修订版替代"
    assert w["withdrawal"]["by"]["username"] == "admin" and w["withdrawal"]["at"].endswith("+08:00")

    # out of the catalogue (even with expired ones), of "policies for you" and staff's view
    assert p["id"] not in [x["id"] for x in public(api, "&q=撤回测试&include_expired=true")]
    mine = api.call("GET", "/api/v1/me/policies", as_user="ent-hengrun").data["items"]
    assert p["id"] not in [i["policy"]["id"] for i in mine]
    staff = api.call(
        "GET", f"/api/v1/enterprises/{HENGRUN['uscc']}/policies", as_user="comm-designated"
    ).data["items"]
    assert p["id"] not in [i["policy"]["id"] for i in staff]
    # ... but the page the inbox links to still answers, saying when and why; its files too
    page = api.call("GET", f"/api/v1/policies/{p['id']}")
    assert page.status_code == 200 and page.data["status"] == "withdrawn"
    assert page.data["withdrawal"]["reason"] == "已被2027年修订版替代"
    assert api.call("GET", f"/api/v1/policies/{p['id']}/attachments/{file_id}").status_code == 200
    box = api.call("GET", "/api/v1/inbox?limit=100", as_user="ent-hengrun").data["items"]
    assert [n for n in box if n.get("policy_id") == p["id"]]  # what was sent stays
    assert _audit(api, p["id"])[0]["action"] == "withdraw"

    # final: not withdrawn again, not republished, no longer changed
    for method, suffix, body in [
        ("POST", "/withdraw", {"version": w["version"], "reason": "再次撤回"}),
        ("POST", "/publish", {"version": w["version"]}),
        ("PATCH", "", {"version": w["version"], "title": "改个标题"}),
        ("POST", "/interpretations", {"version": w["version"], "title": "解读", "body": "x"}),
        ("POST", "/attachments", {"version": w["version"], "attachments": [file_id]}),
        ("DELETE", f"/attachments/{file_id}?version={w['version']}", None),
    ]:
        r = api.call(method, f"/api/v1/policies/{p['id']}{suffix}", body, as_user="admin")
        assert r.status_code == 409 and r.data["code"] == "invalid_transition", (suffix, r.data)
    assert api.call("GET", f"/api/v1/policies/{p['id']}").data["version"] == w["version"]


def test_a_draft_is_deleted_not_withdrawn_and_a_published_policy_withdrawn_not_deleted(api):
    d = draft(api, title="删除草稿测试")
    r = api.call(
        "POST",
        f"/api/v1/policies/{d['id']}/withdraw",
        {"version": 1, "reason": "x"},
        as_user="admin",
    )
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    assert (
        api.call(
            "DELETE", f"/api/v1/policies/{d['id']}?version=1", as_user="ent-hengrun"
        ).status_code
        == 403
    )
    assert (
        api.call("DELETE", f"/api/v1/policies/{d['id']}?version=2", as_user="admin").status_code
        == 409
    )
    r = api.call("DELETE", f"/api/v1/policies/{d['id']}?version=1", as_user="admin")
    assert r.status_code == 204, r.body
    assert api.call("GET", f"/api/v1/admin/policies/{d['id']}", as_user="admin").status_code == 404
    admin_list = api.call("GET", "/api/v1/admin/policies?limit=100", as_user="admin").data["items"]
    assert d["id"] not in [x["id"] for x in admin_list]
    (entry, *_) = _audit(api, d["id"])
    assert entry["action"] == "delete" and entry["changes"]["deleted"]["title"] == "删除草稿测试"

    p = publish(api, draft(api, title="不可删除测试"))["policy"]
    r = api.call("DELETE", f"/api/v1/policies/{p['id']}?version={p['version']}", as_user="admin")
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    assert api.call("GET", f"/api/v1/policies/{p['id']}").status_code == 200


def test_a_push_stops_when_its_policy_is_withdrawn(api):
    from chalicelib import clock
    from chalicelib.jobs import policy_push
    from chalicelib.store import jobs

    p = draft(api, title="推送中撤回测试", conditions={})
    out = publish(api, p)
    r = api.call(
        "POST",
        f"/api/v1/policies/{p['id']}/withdraw",
        {"version": out["policy"]["version"], "reason": "发布有误"},
        as_user="admin",
    )
    assert r.status_code == 200, r.data
    result = policy_push.run(jobs.get(out["job"]["id"]), clock.now())
    assert result == {"processed": 0, "matched": 0, "stopped": "withdrawn"}
    box = api.call("GET", "/api/v1/inbox?limit=100", as_user="ent-hengrun").data["items"]
    assert not [n for n in box if n.get("policy_id") == p["id"]]
