"""Commissioners with their coverage, departments, and users with their role bindings."""

from __future__ import annotations

from infra.local.seed import COMMISSIONERS, enterprise_records


def test_seeded_commissioners_cover_every_size_and_industry(api):
    from chalicelib.domain.codes import Industry, SizeClass
    from chalicelib.domain.models import Coverage

    items = api.call("GET", "/api/v1/commissioners?limit=100", as_user="ent-hengrun").data["items"]
    assert len(items) == len(COMMISSIONERS)
    for size in SizeClass:
        for industry in Industry:
            assert any(Coverage.model_validate(c["coverage"]).covers(size, industry) for c in items)
    assert {c["kind"] for c in items} == {"size_class", "industry_team"}


def test_seed_has_every_size_class_and_industry():
    combos = {(e["size_class"], e["industry"]) for e in enterprise_records()}
    assert len(combos) == 15 and len(enterprise_records()) >= 30


def test_admin_creates_and_changes_a_commissioner(api):
    body = {
        "name": "钱程(规上企业服务专员)",
        "kind": "size_class",
        "coverage": {"size_classes": ["designated"], "industries": ["services"]},
    }
    r = api.call("POST", "/api/v1/commissioners", body, as_user="admin")
    assert r.status_code == 201, r.data
    cid = r.data["id"]
    assert cid.startswith("c-") and r.headers["Location"].endswith(cid)
    p = api.call(
        "PATCH",
        f"/api/v1/commissioners/{cid}",
        {"version": 1, "coverage": {"size_classes": ["designated"], "industries": []}},
        as_user="admin",
    )
    assert p.status_code == 200 and p.data["coverage"]["industries"] == []
    bad = api.call("POST", "/api/v1/commissioners", dict(body, kind="team"), as_user="admin")
    assert bad.status_code == 400 and bad.data["errors"][0]["field"] == "kind"
    dup = api.call("POST", "/api/v1/commissioners", dict(body, id=cid), as_user="admin")
    assert dup.status_code == 409 and dup.data["code"] == "already_exists"


def test_departments_listed_for_everyone_changed_by_admins(api):
    r = api.call("GET", "/api/v1/departments?limit=100", as_user="dept-tax")
    assert len(r.data["items"]) >= 6
    made = api.call(
        "POST", "/api/v1/departments", {"id": "water", "name": "县水务局"}, as_user="admin"
    )
    assert made.status_code == 201
    assert (
        api.call("POST", "/api/v1/departments", {"name": "x"}, as_user="dept-tax").status_code
        == 403
    )
    r = api.call(
        "PATCH", "/api/v1/departments/water", {"version": 1, "name": "县水利局"}, as_user="admin"
    )
    assert r.data["name"] == "县水利局" and r.data["version"] == 2
    assert api.call("GET", "/api/v1/departments/nope", as_user="admin").status_code == 404


def test_user_bindings_follow_the_role(api):
    base = {"username": "dept-new", "display_name": "新部门用户", "role": "department"}
    r = api.call("POST", "/api/v1/users", base, as_user="admin")
    assert r.status_code == 400
    assert r.data["errors"][0] == {
        "field": "department_id",
        "code": "binding_required",
        "message": "角色 department 须绑定 department_id",
    }
    r = api.call("POST", "/api/v1/users", dict(base, department_id="no-such-dept"), as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "department_id"
    r = api.call(
        "POST",
        "/api/v1/users",
        dict(base, department_id="tax", commissioner_id="c-designated"),
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["code"] == "binding_not_allowed"
    ok = api.call("POST", "/api/v1/users", dict(base, department_id="tax"), as_user="admin")
    assert ok.status_code == 201
    taken = api.call(
        "POST",
        "/api/v1/users",
        dict(base, department_id="tax", subject="other-sub"),
        as_user="admin",
    )
    assert taken.status_code == 409
    # a role change drops the old binding and needs the new one
    r = api.call(
        "PATCH", "/api/v1/users/dept-new", {"version": 1, "role": "commissioner"}, as_user="admin"
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "commissioner_id"
    r = api.call(
        "PATCH",
        "/api/v1/users/dept-new",
        {"version": 1, "role": "commissioner", "commissioner_id": "c-designated"},
        as_user="admin",
    )
    assert r.status_code == 200 and r.data["department_id"] is None
    me = api.call("GET", "/api/v1/me", as_user="dept-new")
    assert me.data["role"] == "commissioner"


def test_call_centre_service_account(api):
    body = {
        "username": "callcenter-center",
        "display_name": "服务中心呼叫系统",
        "role": "operator",
        "service_account": True,
    }
    r = api.call("POST", "/api/v1/users", body, as_user="admin")
    assert r.status_code == 201 and r.data["service_account"] is True
    assert (
        api.call("GET", "/api/v1/enterprises?q=如东", as_user="callcenter-center").status_code
        == 200
    )


def test_audit_of_a_month_lists_the_seed(api):
    from chalicelib import clock

    month = clock.iso(clock.now())[:7]
    r = api.call("GET", f"/api/v1/audit?month={month}&limit=50", as_user="supervisor")
    assert r.status_code == 200 and len(r.data["items"]) == 50 and r.data["next_cursor"]
    rest = api.call(
        "GET",
        f"/api/v1/audit?month={month}&limit=100&cursor={r.data['next_cursor']}",
        as_user="supervisor",
    )
    assert len(r.data["items"]) + len(rest.data["items"]) >= 6 + 8 + 32 + 17
    times = [e["at"] for e in r.data["items"] + rest.data["items"]]
    assert times == sorted(times, reverse=True)
    assert api.call("GET", "/api/v1/audit?month=2026-13", as_user="admin").status_code == 400
