"""Enterprises: registration with a checked credit code, search as an operator types,
optimistic concurrency on change, and an audit entry for every write."""

from __future__ import annotations

from chalicelib.domain.enterprise import with_check_character
from infra.local.seed import credit_code, enterprise_records
from tests.api.test_appeals import CALL, event, post_call

NEW = {
    "uscc": with_check_character("91320623MA1TEQT00"),
    "name": "如东测试精工有限公司",
    "size_class": "small_micro",
    "industry": "industry",
    "town": "马塘镇",
    "flags": {"key_tech": True, "major_project": False},
    "contacts": [{"name": "测试人", "phone": "+86 139-0000-1234"}],
}


def test_admin_registers_an_enterprise(api):
    r = api.call("POST", "/api/v1/enterprises", NEW, as_user="admin")
    assert r.status_code == 201, r.data
    assert r.data["version"] == 1 and r.data["uscc"] == NEW["uscc"]
    assert r.data["contacts"][0]["phone"] == "13900001234"
    assert r.data["created_at"].endswith("+08:00")
    got = api.call("GET", f"/api/v1/enterprises/{NEW['uscc']}", as_user="operator-12345")
    assert got.status_code == 200 and got.data["name"] == NEW["name"]
    again = api.call("POST", "/api/v1/enterprises", NEW, as_user="admin")
    assert again.status_code == 409 and again.data["code"] == "already_exists"
    audit = api.call(
        "GET", f"/api/v1/audit?entity_type=enterprise&entity_id={NEW['uscc']}", as_user="admin"
    )
    assert [e["action"] for e in audit.data["items"]] == ["create"]
    assert audit.data["items"][0]["actor"]["username"] == "admin"


def test_wrong_credit_code_is_400_naming_the_field(api):
    bad = dict(NEW, uscc=NEW["uscc"][:-1] + ("0" if NEW["uscc"][-1] != "0" else "1"))
    r = api.call("POST", "/api/v1/enterprises", bad, as_user="admin")
    assert r.status_code == 400 and r.data["code"] == "validation_error"
    assert r.data["errors"] == [
        {"field": "uscc", "code": "uscc_invalid", "message": "统一社会信用代码无效：校验码不符"}
    ]
    short = api.call(
        "POST",
        "/api/v1/enterprises",
        dict(NEW, uscc="9132"),
        as_user="admin",
        headers={"Accept-Language": "en"},
    )
    assert short.data["errors"][0]["message"].endswith("must be 18 characters")


def test_every_invalid_field_is_named_and_nothing_is_written(api):
    body = {
        "uscc": credit_code("x-new-1"),
        "name": "",
        "size_class": "huge",
        "industry": "industry",
        "contacts": [{"name": "甲", "phone": "12"}],
        "colour": "red",
    }
    r = api.call("POST", "/api/v1/enterprises", body, as_user="admin")
    assert r.status_code == 400
    fields = {e["field"]: e["code"] for e in r.data["errors"]}
    assert fields == {
        "name": "string_too_short",
        "size_class": "enum",
        "contacts.0.phone": "string_too_short",
        "colour": "extra_forbidden",
    }
    assert (
        api.call("GET", f"/api/v1/enterprises/{body['uscc']}", as_user="admin").status_code == 404
    )


def test_unknown_commissioner_is_400(api):
    body = dict(NEW, uscc=credit_code("x-new-2"), commissioner_id="c-nobody")
    r = api.call("POST", "/api/v1/enterprises", body, as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "commissioner_id"
    assert (
        api.call("GET", f"/api/v1/enterprises/{body['uscc']}", as_user="admin").status_code == 404
    )


def test_only_admins_register(api):
    r = api.call(
        "POST", "/api/v1/enterprises", dict(NEW, uscc=credit_code("x3")), as_user="comm-designated"
    )
    assert r.status_code == 403


def test_search_by_code_prefix_and_name_start_then_part(api):
    first = enterprise_records()[0]
    by_code = api.call(
        "GET", f"/api/v1/enterprises?q={first['uscc'][:12]}", as_user="operator-12345"
    )
    assert [e["uscc"] for e in by_code.data["items"]] == [first["uscc"]]
    lower = api.call(
        "GET", f"/api/v1/enterprises?q={first['uscc'][:12].lower()}", as_user="operator-12345"
    )
    assert lower.data["items"][0]["uscc"] == first["uscc"]
    by_name = api.call("GET", "/api/v1/enterprises?q=如东恒", as_user="operator-12345")
    assert [e["name"] for e in by_name.data["items"]] == ["如东恒润机械制造有限公司"]
    many = api.call("GET", "/api/v1/enterprises?q=如东&limit=100", as_user="admin")
    assert len(many.data["items"]) >= 20
    starts = [e["name"].startswith("如东") for e in many.data["items"]]
    # those starting with it first, then those holding it (江苏如东建工集团有限公司)
    assert starts == sorted(starts, reverse=True) and not starts[-1]
    assert "江苏如东建工集团有限公司" in [e["name"] for e in many.data["items"]]
    none = api.call("GET", "/api/v1/enterprises?q=不存在的企业", as_user="operator-12345")
    assert none.data == {"items": [], "next_cursor": None}


def test_pages_walk_every_enterprise_once(api):
    seen, cursor, pages = [], None, 0
    while True:
        path = "/api/v1/enterprises?limit=7" + (f"&cursor={cursor}" if cursor else "")
        r = api.call("GET", path, as_user="supervisor")
        assert r.status_code == 200
        seen += [e["uscc"] for e in r.data["items"]]
        pages += 1
        cursor = r.data["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 32
    assert seen == sorted(seen)
    assert pages == -(-len(seen) // 7)


def test_bad_limit_and_cursor_are_400(api):
    for q, field in (
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("cursor=!!!", "cursor"),
        ("cursor=eyJhIjoiYiJ9", "cursor"),
    ):
        r = api.call("GET", f"/api/v1/enterprises?{q}", as_user="admin")
        assert r.status_code == 400, q
        assert r.data["errors"][0]["field"] == field


def test_enterprise_user_reads_only_its_own(api):
    records = enterprise_records()
    own = api.call("GET", f"/api/v1/enterprises/{records[0]['uscc']}", as_user="ent-hengrun")
    assert own.status_code == 200
    other = api.call("GET", f"/api/v1/enterprises/{records[1]['uscc']}", as_user="ent-hengrun")
    assert other.status_code == 404
    assert api.call("GET", "/api/v1/enterprises", as_user="ent-hengrun").status_code == 403


def test_patch_needs_current_version_and_validates_first(api):
    uscc = credit_code("x-patch")
    api.call("POST", "/api/v1/enterprises", dict(NEW, uscc=uscc), as_user="admin")
    path = f"/api/v1/enterprises/{uscc}"
    ok = api.call(
        "PATCH",
        path,
        {"version": 1, "size_class": "designated", "name": "如东测试精工股份有限公司"},
        as_user="admin",
    )
    assert ok.status_code == 200 and ok.data["version"] == 2
    stale = api.call("PATCH", path, {"version": 1, "town": "洋口镇"}, as_user="admin")
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"
    # validation comes before the version check
    invalid = api.call("PATCH", path, {"version": 1, "industry": "mining"}, as_user="admin")
    assert invalid.status_code == 400
    nulled = api.call("PATCH", path, {"version": 2, "name": None}, as_user="admin")
    assert nulled.status_code == 400 and nulled.data["errors"][0]["field"] == "name"
    cleared = api.call("PATCH", path, {"version": 2, "town": None}, as_user="admin")
    assert cleared.status_code == 200 and cleared.data["town"] is None
    # the renamed enterprise is found under its new name, not the old one
    found = api.call("GET", "/api/v1/enterprises?q=如东测试精工股份", as_user="admin")
    assert [e["uscc"] for e in found.data["items"]] == [uscc]
    audit = api.call(
        "GET", f"/api/v1/audit?entity_type=enterprise&entity_id={uscc}", as_user="admin"
    )
    actions = [(e["action"], sorted(e["changes"])) for e in audit.data["items"]]
    assert actions[0] == ("update", ["town"])
    assert actions[1] == ("update", ["name", "size_class"])
    assert audit.data["items"][1]["changes"]["size_class"] == {
        "from": "small_micro",
        "to": "designated",
    }


def test_bad_path_code_is_404(api):
    assert api.call("GET", "/api/v1/enterprises/NOTACODE", as_user="admin").status_code == 404
    r = api.call("PATCH", "/api/v1/enterprises/NOTACODE", {"version": 1}, as_user="admin")
    assert r.status_code == 404


# --- who reads an enterprise, and its contacts' phones (issue 15) -----------------------------


def _registered(api, seed: str, phone: str = "13812345678") -> str:
    """A new enterprise whose appeals its named commissioner (comm-designated) owns."""
    uscc = credit_code(seed)
    body = dict(NEW, uscc=uscc, name=f"如东{seed}有限公司", commissioner_id="c-designated")
    body["contacts"] = [
        {"name": "张伟", "phone": phone},
        {"name": "总机", "phone": "0513-84123456"},
    ]
    r = api.call("POST", "/api/v1/enterprises", body, as_user="admin")
    assert r.status_code == 201, r.data
    return uscc


def _transferred(api, uscc: str, *departments: str) -> dict:
    """A hotline call naming the enterprise, accepted and transferred to ``departments``."""
    a = post_call(api, {**CALL, "uscc": uscc}).data
    a = event(api, a, "accept", "comm-designated")
    return event(api, a, "transfer", "comm-designated", departments=list(departments))


def test_a_department_reads_only_enterprises_whose_appeals_were_transferred_to_it(api):
    uscc = _registered(api, "部门读取测试")
    path = f"/api/v1/enterprises/{uscc}"
    unknown = api.call(
        "GET", f"/api/v1/enterprises/{credit_code('never registered')}", as_user="dept-tax"
    )
    assert unknown.status_code == 404
    before = api.call("GET", path, as_user="dept-tax")  # no appeal of it reached the department
    assert before.status_code == 404 and before.data["code"] == "not_found"
    assert before.data["detail"].replace(uscc, "?") == unknown.data["detail"].replace(
        credit_code("never registered"), "?"
    )  # refused as if it did not exist

    a = _transferred(api, uscc, "tax")
    got = api.call("GET", path, as_user="dept-tax")  # at once: the check reads consistently
    assert got.status_code == 200, got.data
    assert got.data["uscc"] == uscc
    assert [c["phone"] for c in got.data["contacts"]] == ["138****5678", "051*****3456"]
    assert [c["name"] for c in got.data["contacts"]] == ["张伟", "总机"]
    # another department, with parts of other enterprises' appeals, still does not
    assert api.call("GET", path, as_user="dept-hr-social").status_code == 404

    # ever transferred: still readable once its part is handed back (退单)
    event(api, a, "return", "dept-tax", reason="非本部门职责")
    assert api.call("GET", path, as_user="dept-tax").status_code == 200


def test_an_appeal_of_an_unregistered_caller_opens_no_enterprise(api):
    a = post_call(api).data  # no uscc: the caller is not an enterprise on record
    a = event(api, a, "reassign", "admin", commissioner_id="c-small-micro")
    a = event(api, a, "accept", "comm-small-micro")
    a = event(api, a, "transfer", "comm-small-micro", departments=["natural-resources"])
    assert a["departments"][0]["id"] == "natural-resources"
    first = enterprise_records()[0]["uscc"]
    r = api.call("GET", f"/api/v1/enterprises/{first}", as_user="dept-natural-resources")
    assert r.status_code == 404


def test_contact_phones_are_masked_for_departments_and_supervisors_only(api):
    uscc = _registered(api, "号码遮蔽测试", phone="13912345678")
    _transferred(api, uscc, "hr-social")
    path = f"/api/v1/enterprises/{uscc}"
    phones = {}
    for user in ("admin", "comm-designated", "operator-12345", "supervisor", "dept-hr-social"):
        r = api.call("GET", path, as_user=user)
        assert r.status_code == 200, (user, r.data)
        phones[user] = r.data["contacts"][0]["phone"]
    assert phones == {
        "admin": "13912345678",
        "comm-designated": "13912345678",
        "operator-12345": "13912345678",
        "supervisor": "139****5678",
        "dept-hr-social": "139****5678",
    }
    # the enterprise itself sees its own numbers
    own = enterprise_records()[0]
    mine = api.call("GET", f"/api/v1/enterprises/{own['uscc']}", as_user="ent-hengrun")
    assert mine.data["contacts"][0]["phone"] == own["contacts"][0]["phone"]
    # the search as supervisors see it, and the audit trail of the record
    found = api.call("GET", f"/api/v1/enterprises?q={uscc[:14]}", as_user="supervisor")
    assert [c["phone"] for c in found.data["items"][0]["contacts"]] == [
        "139****5678",
        "051*****3456",
    ]
    assert (
        api.call("GET", f"/api/v1/enterprises?q={uscc[:14]}", as_user="admin").data["items"][0][
            "contacts"
        ][0]["phone"]
        == "13912345678"
    )
    patched = api.call(
        "PATCH",
        path,
        {"version": 1, "contacts": [{"name": "李娜", "phone": "13700001111"}]},
        as_user="admin",
    )
    assert patched.status_code == 200, patched.data
    audit = f"/api/v1/audit?entity_type=enterprise&entity_id={uscc}"
    seen = api.call("GET", audit, as_user="supervisor").data["items"]
    assert seen[0]["changes"]["contacts"] == {
        "from": [
            {"name": "张伟", "phone": "139****5678"},
            {"name": "总机", "phone": "051*****3456"},
        ],
        "to": [{"name": "李娜", "phone": "137****1111"}],
    }
    assert seen[1]["changes"]["contacts"][0] == {"name": "张伟", "phone": "139****5678"}
    full = api.call("GET", audit, as_user="admin").data["items"]
    assert full[0]["changes"]["contacts"]["to"] == [{"name": "李娜", "phone": "13700001111"}]
