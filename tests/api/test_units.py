"""Every locality and department (各地各部门, issue 21): towns (区镇) as handling units that
take parts, returns, sign-for, supervision, ledgers, inboxes and e-mail exactly as a
department does; a unit with open parts kept active; responsibility lists (责任清单), versioned
and audited, ordering the units for an appeal's category."""

from __future__ import annotations

import pytest

from infra.local.seed import TOWN_IDS, TOWNS
from tests.api.test_appeals import event, processing
from tests.api.test_inbox import _sent_mail, aws_providers, inbox  # noqa: F401 (fixture)

JUEGANG = "town-juegang"


def unit(api, unit_id):
    r = api.call("GET", f"/api/v1/departments/{unit_id}", as_user="admin")
    assert r.status_code == 200, r.data
    return r.data


def units(api, query="", user="admin"):
    r = api.call("GET", f"/api/v1/departments?limit=100{query}", as_user=user)
    assert r.status_code == 200, r.data
    return r.data["items"]


def put_list(api, unit_id, items, version=None, user="admin"):
    version = unit(api, unit_id)["version"] if version is None else version
    return api.call(
        "PUT",
        f"/api/v1/departments/{unit_id}/responsibilities",
        {"version": version, "items": items},
        as_user=user,
    )


def create_town(api, suffix):
    r = api.call(
        "POST",
        "/api/v1/departments",
        {"id": f"town-{suffix}", "name": f"测试镇{suffix}", "kind": "town"},
        as_user="admin",
    )
    assert r.status_code == 201, r.data
    return r.data


# --- towns as units ---


def test_the_countys_fourteen_towns_are_seeded_as_units_with_a_user_each(api):
    listed = {u["id"]: u for u in units(api, user="ent-hengrun")}
    towns = [u for u in listed.values() if u["kind"] == "town"]
    assert sorted(u["name"] for u in towns) == sorted(TOWNS) and len(towns) == 14
    assert listed["natural-resources"]["kind"] == "department"
    users = api.call("GET", "/api/v1/dev/users").data["items"]
    bound = {u["department_id"] for u in users if u["role"] == "department"}
    assert set(TOWN_IDS.values()) <= bound
    # the enterprises name exactly these towns
    ents = api.call("GET", "/api/v1/enterprises?limit=100", as_user="admin").data["items"]
    assert {e["town"] for e in ents if e.get("town")} <= set(TOWNS)


def test_an_admin_creates_a_town_whose_kind_is_fixed(api):
    town = create_town(api, "kindfix")
    assert town["kind"] == "town" and town["responsibilities"] == []
    dept = api.call("POST", "/api/v1/departments", {"name": "县水务局"}, as_user="admin").data
    assert dept["kind"] == "department"
    r = api.call(
        "PATCH",
        f"/api/v1/departments/{town['id']}",
        {"version": town["version"], "kind": "department"},
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["code"] == "validation_error"
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [("kind", "immutable")]
    assert unit(api, town["id"])["version"] == town["version"]  # nothing written
    bad = api.call(
        "POST", "/api/v1/departments", {"name": "某村", "kind": "village"}, as_user="admin"
    )
    assert bad.status_code == 400 and bad.data["errors"][0]["field"] == "kind"
    bad = api.call(
        "POST",
        "/api/v1/departments",
        {"id": "Town_掘港", "name": "掘港", "kind": "town"},
        as_user="admin",
    )
    assert bad.status_code == 400 and bad.data["errors"][0]["field"] == "id"


def test_a_town_signs_for_and_answers_its_part_and_hears_by_inbox_and_mail(
    api,
    aws_providers,  # noqa: F811
):
    before = len(_sent_mail())
    a = processing(api)
    a = event(api, a, "transfer", "comm-designated", departments=[JUEGANG, "tax"])
    part = next(p for p in a["departments"] if p["id"] == JUEGANG)
    assert part["name"] == "掘港街道" and part["status"] == "open" and part["accept_due_at"]
    assert any(n["appeal_id"] == a["id"] for n in inbox(api, JUEGANG)["items"])
    queue = api.call("GET", "/api/v1/appeals?scope=queue&limit=100", as_user=JUEGANG).data
    assert a["id"] in [x["id"] for x in queue["items"]]
    a = event(api, a, "accept_part", JUEGANG)
    part = next(p for p in a["departments"] if p["id"] == JUEGANG)
    assert part["signed_at"]
    a = event(api, a, "department_reply", JUEGANG, content="已协调场地平整，下周交地")
    part = next(p for p in a["departments"] if p["id"] == JUEGANG)
    assert part["status"] == "replied" and part["content"] == "已协调场地平整，下周交地"
    assert api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]["failed"] == 0
    to = [m.destinations["ToAddresses"][0] for m in _sent_mail()[before:] if a["id"] in m.subject]
    assert f"{JUEGANG}@rudong.example.gov.cn" in to
    # read-only once answered; another town never reads it
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user=JUEGANG).data
    assert seen["actions"] == []
    assert api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="town-matang").status_code == 404


def test_a_town_returns_a_part_that_is_not_its_own(api):
    a = event(api, processing(api), "transfer", "comm-designated", departments=["town-matang"])
    a = event(api, a, "return", "town-matang", reason="该地块属岔河镇辖区")
    part = a["departments"][0]
    assert part["status"] == "returned" and part["return_reason"] == "该地块属岔河镇辖区"


def test_a_town_owns_a_supervised_item_on_its_ledger(api):
    a = event(
        api,
        processing(api),
        "supervise",
        "supervisor",
        due_working_days=5,
        departments=["town-chahe"],
    )
    ledger = api.call("GET", "/api/v1/departments/town-chahe/ledger", as_user="town-chahe").data
    assert a["id"] in [x["id"] for x in ledger["items"]]
    a = event(api, a, "report_completion", "town-chahe", content="已办结，企业认可")
    assert a["supervision"]["status"] == "reported"
    other = api.call("GET", "/api/v1/departments/town-chahe/ledger", as_user="town-matang")
    assert other.status_code == 404


def test_a_unit_with_open_parts_cannot_be_deactivated(api):
    town = create_town(api, "busy")
    first = event(api, processing(api), "transfer", "comm-designated", departments=[town["id"]])
    second = event(api, processing(api), "transfer", "comm-designated", departments=[town["id"]])
    body = {"version": town["version"], "active": False}
    r = api.call("PATCH", f"/api/v1/departments/{town['id']}", body, as_user="admin")
    assert r.status_code == 409 and r.data["code"] == "unit_busy"
    assert "2 项" in r.data["detail"]
    en = api.call(
        "PATCH",
        f"/api/v1/departments/{town['id']}",
        body,
        as_user="admin",
        headers={"Accept-Language": "en"},
    )
    assert "2 open parts" in en.data["detail"]
    assert unit(api, town["id"])["active"] is True
    # a rename is not a deactivation
    renamed = api.call(
        "PATCH",
        f"/api/v1/departments/{town['id']}",
        {"version": town["version"], "name": "测试镇(改名)"},
        as_user="admin",
    )
    assert renamed.status_code == 200
    user = _town_user(api, town["id"])
    event(api, first, "department_reply", user, content="已办")
    event(api, second, "return", user, reason="非本镇事项")
    r = api.call(
        "PATCH",
        f"/api/v1/departments/{town['id']}",
        {"version": renamed.data["version"], "active": False},
        as_user="admin",
    )
    assert r.status_code == 200 and r.data["active"] is False


def test_a_part_opened_between_the_count_and_the_write_refuses_the_deactivation(api, monkeypatch):
    """The race, made to happen: the open-parts list is counted (none), then a transfer to
    the unit commits, then the deactivation is written. The unit's count of open parts, in
    the deactivation's transaction, refuses it: the unit stays active with its part."""
    from chalicelib.store import appeals as appeal_store

    town = create_town(api, "race")
    appeal = processing(api)
    counted = appeal_store.open_parts_count

    def count_then_transfer(unit_id):
        n = counted(unit_id)
        monkeypatch.setattr(appeal_store, "open_parts_count", counted)  # once
        event(api, appeal, "transfer", "comm-designated", departments=[unit_id])
        return n

    monkeypatch.setattr(appeal_store, "open_parts_count", count_then_transfer)
    body = {"version": town["version"], "active": False}
    r = api.call("PATCH", f"/api/v1/departments/{town['id']}", body, as_user="admin")
    assert r.status_code == 409 and r.data["code"] == "unit_busy", r.data
    assert "1 项" in r.data["detail"]
    assert unit(api, town["id"])["active"] is True
    assert counted(town["id"]) == 1
    # answered, the count is back to zero and the unit can go
    user = _town_user(api, town["id"])
    now = api.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin").data
    event(api, now, "department_reply", user, content="已办")
    r = api.call("PATCH", f"/api/v1/departments/{town['id']}", body, as_user="admin")
    assert r.status_code == 200 and r.data["active"] is False


def test_a_deactivation_written_first_refuses_the_transfer(api):
    """The other order: the unit is inactive before the transfer is written, and the
    transfer is refused naming it (the directory's check), so no part is stranded."""
    town = create_town(api, "first")
    r = api.call(
        "PATCH",
        f"/api/v1/departments/{town['id']}",
        {"version": town["version"], "active": False},
        as_user="admin",
    )
    assert r.status_code == 200
    appeal = processing(api)
    t = api.call(
        "POST",
        f"/api/v1/appeals/{appeal['id']}/events",
        {"type": "transfer", "version": appeal["version"], "departments": [town["id"]]},
        as_user="comm-designated",
    )
    assert t.status_code == 400 and "departments.0" in t.data["detail"], t.data
    from chalicelib.store import departments as department_store

    assert department_store.open_parts(town["id"]) == 0


def _town_user(api, town_id):
    username = f"u-{town_id}"
    r = api.call(
        "POST",
        "/api/v1/users",
        {
            "username": username,
            "display_name": "测试镇经办人",
            "role": "department",
            "department_id": town_id,
        },
        as_user="admin",
    )
    assert r.status_code == 201, r.data
    return username


# --- responsibility lists (责任清单) ---

LAND = {"category": "land", "matters": "项目用地征收与交地"}


def test_an_admin_sets_a_units_list_versioned_and_audited(api):
    town = create_town(api, "duty")
    r = put_list(api, town["id"], [LAND, {"category": "labor", "matters": "用工对接"}])
    assert r.status_code == 200, r.data
    assert r.data["responsibilities"] == [LAND, {"category": "labor", "matters": "用工对接"}]
    assert r.data["version"] == town["version"] + 1
    assert unit(api, town["id"])["responsibilities"][0] == LAND
    stale = put_list(api, town["id"], [], version=town["version"])
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"
    audit = api.call(
        "GET",
        f"/api/v1/audit?entity_type=department&entity_id={town['id']}",
        as_user="admin",
    ).data["items"]
    assert audit[0]["action"] == "responsibilities" and audit[0]["version"] == town["version"] + 1
    assert audit[0]["changes"]["responsibilities"]["to"][0] == LAND
    assert audit[0]["actor"]["username"] == "admin"
    cleared = put_list(api, town["id"], [])
    assert cleared.status_code == 200 and cleared.data["responsibilities"] == []


@pytest.mark.parametrize(
    ("items", "field", "code"),
    [
        ([LAND, {"category": "roads", "matters": "道路"}], "items.1.category", "enum"),
        ([{"category": "land", "matters": ""}], "items.0.matters", "string_too_short"),
        ([{"category": "land", "matters": "地" * 501}], "items.0.matters", "string_too_long"),
        ([{"category": "land"}], "items.0.matters", "missing"),
        ([{**LAND, "extra": 1}], "items.0.extra", "extra_forbidden"),
        ([LAND] * 31, "items", "too_long"),
        ("land", "items", "list_type"),
    ],
)
def test_a_bad_list_is_a_400_naming_the_field_before_the_version(api, items, field, code):
    r = put_list(api, "housing", items, version=999)  # validation comes before the version
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [(field, code)]


def test_lists_at_their_limits_are_accepted(api):
    r = put_list(api, "market", [{"category": "other", "matters": "事" * 500}] * 30)
    assert r.status_code == 200 and len(r.data["responsibilities"]) == 30


def test_only_admins_set_lists_and_an_unknown_unit_is_404(api):
    assert put_list(api, "tax", [LAND], version=1, user="dept-tax").status_code == 403
    assert put_list(api, "tax", [LAND], version=1, user="supervisor").status_code == 403
    r = put_list(api, "no-such-unit", [LAND], version=1)
    assert r.status_code == 404 and r.data["code"] == "not_found"


def test_a_category_orders_the_covering_units_first_and_filters_none(api):
    every = units(api)
    listed = units(api, "&category=land", user="comm-designated")
    assert sorted(u["id"] for u in listed) == sorted(u["id"] for u in every)  # not filtered
    flags = [u["covers"] for u in listed]
    assert flags == sorted(flags, reverse=True) and True in flags and False in flags
    covering = [u["id"] for u in listed if u["covers"]]
    assert "natural-resources" in covering and JUEGANG in covering
    assert "tax" not in covering
    assert covering == sorted(covering)  # each group in id order
    assert all(u["covers"] is None for u in every)  # no category: no verdict
    # paged through, the same order, no unit twice
    paged, cursor = [], None
    while True:
        q = "&category=land" + (f"&cursor={cursor}" if cursor else "")
        r = api.call("GET", f"/api/v1/departments?limit=4{q}", as_user="admin").data
        paged += [(u["id"], u["covers"]) for u in r["items"]]
        cursor = r["next_cursor"]
        if cursor is None:
            break
    assert paged == [(u["id"], u["covers"]) for u in listed]


def test_a_bad_category_or_cursor_is_a_400(api):
    r = api.call("GET", "/api/v1/departments?category=roads", as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "category"
    r = api.call("GET", "/api/v1/departments?category=land&cursor=bm9wZQ", as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "cursor"


# --- progress ledgers (推进台账) ---


def progress(api, appeal, user, content="已完成征收补偿方案，待镇村签字"):
    body = {"type": "progress", "version": appeal["version"], "content": content}
    return api.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)


def ledger(api, unit_id, user=None):
    r = api.call("GET", f"/api/v1/departments/{unit_id}/ledger?limit=100", as_user=user or unit_id)
    assert r.status_code == 200, r.data
    return {x["appeal_id"]: x for x in r.data["items"]}


def test_a_unit_notes_progress_on_its_open_part_on_the_timeline_and_its_ledger(api):
    a = event(api, processing(api), "transfer", "comm-designated", departments=["town-dayu"])
    quiet = event(api, processing(api), "transfer", "comm-designated", departments=["town-dayu"])
    items = ledger(api, "town-dayu")
    assert items[a["id"]]["last_progress"] is None and items[a["id"]]["id"] == a["id"]
    r = progress(api, a, "town-dayu")
    assert r.status_code == 200, r.data
    a = r.data
    last = a["timeline"][-1]
    assert last["type"] == "progress" and last["content"] == "已完成征收补偿方案，待镇村签字"
    assert last["department"]["id"] == "town-dayu" and last["actor"]["username"] == "town-dayu"
    a = progress(api, a, "town-dayu", content="补偿款已拨付，周五交地").data
    items = ledger(api, "town-dayu", user="admin")
    assert items[a["id"]]["last_progress"] == {
        "content": "补偿款已拨付，周五交地",
        "at": a["timeline"][-1]["at"],  # the second entry's (a second may pass between)
    }
    assert items[quiet["id"]]["last_progress"] is None
    # the owner commissioner reads both on the timeline
    staff = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="comm-designated").data
    assert [e["type"] for e in staff["timeline"]].count("progress") == 2
    # once answered, the part leaves the ledger and no more progress is taken (403)
    a = event(api, a, "department_reply", "town-dayu", content="已交地")
    assert a["id"] not in ledger(api, "town-dayu")
    r = progress(api, a, "town-dayu")
    assert r.status_code == 403 and r.data["code"] == "forbidden"


def test_progress_is_hidden_from_the_enterprise_entirely(api):
    a = event(api, processing(api), "transfer", "comm-designated", departments=["town-hekou"])
    a = progress(api, a, "town-hekou", content="内部推进：待镇长签批").data
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data
    assert "progress" not in [e["type"] for e in seen["timeline"]]
    assert "待镇长签批" not in str(seen) and seen["unit_progress"] == {}
    mine = api.call("GET", "/api/v1/appeals?scope=mine&limit=100", as_user="ent-hengrun").data
    listed = next(x for x in mine["items"] if x["id"] == a["id"])
    assert listed["unit_progress"] == {}


def test_only_a_unit_with_open_work_posts_progress(api):
    a = event(api, processing(api), "transfer", "comm-designated", departments=["town-fengli"])
    for user in ("comm-designated", "admin", "supervisor", "ent-hengrun"):
        r = progress(api, a, user)
        assert r.status_code == 403 and r.data["code"] == "forbidden", user
    assert progress(api, a, "town-matang").status_code == 404  # never transferred there
    a = event(api, a, "return", "town-fengli", reason="非本镇事项")
    r = progress(api, a, "town-fengli")  # it still reads the appeal, has nothing open on it
    assert r.status_code == 403 and r.data["code"] == "forbidden"


def test_the_owner_of_a_supervised_item_notes_progress_until_it_is_accepted(api):
    a = event(
        api,
        processing(api),
        "supervise",
        "supervisor",
        due_working_days=5,
        departments=["town-caobu"],
    )
    a = progress(api, a, "town-caobu", content="已召开专题会，明确责任人").data
    assert (
        ledger(api, "town-caobu")[a["id"]]["last_progress"]["content"] == "已召开专题会，明确责任人"
    )
    a = event(api, a, "report_completion", "town-caobu", content="已办结")
    a = event(api, a, "accept_completion", "supervisor")
    r = progress(api, a, "town-caobu")
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("", "string_too_short"),
        ("进" * 2001, "string_too_long"),
        (None, "missing"),
        (7, "string_type"),
    ],
)
def test_a_bad_progress_entry_is_a_400_naming_content(api, content, code):
    a = event(api, processing(api), "transfer", "comm-designated", departments=["town-xindian"])
    body = {"type": "progress", "version": a["version"]}
    if content is not None:
        body["content"] = content
    r = api.call("POST", f"/api/v1/appeals/{a['id']}/events", body, as_user="town-xindian")
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [("content", code)]


def test_a_progress_entry_at_its_limit_is_kept_whole_on_the_ledger(api):
    a = event(api, processing(api), "transfer", "comm-designated", departments=["town-xindian"])
    r = progress(api, a, "town-xindian", content="进" * 2000)
    assert r.status_code == 200, r.data
    assert ledger(api, "town-xindian")[a["id"]]["last_progress"]["content"] == "进" * 2000
    stale = progress(api, a, "town-xindian")  # the version it was based on is gone
    assert stale.status_code == 409 and stale.data["code"] == "version_conflict"
