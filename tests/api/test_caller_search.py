"""Finding the caller and the enterprise's history (API.md "The hotline desk and 12345
practice"): ``GET /enterprises?q=`` by any part of the name, short names, pinyin and code
fragments, ranked; ``?phone=`` through contacts and earlier calls; bad terms refused with a
400 naming the field; ``GET /enterprises/{uscc}/history``."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from chalicelib.domain.enterprise import with_check_character
from infra.local.seed import credit_code, enterprise_records

HENGRUN = enterprise_records()[0]
NEW = {"size_class": "small_micro", "industry": "industry", "town": "掘港街道"}


def find(api, q: str, user: str = "operator-12345", **params):
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    r = api.call("GET", f"/api/v1/enterprises?q={quote(q)}{extra}", as_user=user)
    assert r.status_code == 200, r.data
    return r.data


def names(page) -> list[str]:
    return [e["name"] for e in page["items"]]


def by_phone(api, phone: str, user: str = "operator-12345"):
    r = api.call("GET", f"/api/v1/enterprises?phone={quote(phone)}", as_user=user)
    assert r.status_code == 200, r.data
    return r.data


def call(api, phone: str, uscc: str | None, content: str = "想咨询技改补助。"):
    body = {"line": "12345", "caller_phone": phone, "category": "policy", "content": content}
    if uscc:
        body["uscc"] = uscc
    else:
        body["enterprise_name"] = "某个未登记的个体户"
    r = api.call(
        "POST",
        "/api/v1/hotline/calls",
        body,
        as_user="operator-12345",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.data
    return r.data


def test_the_hengrun_story_by_short_name_initials_full_pinyin_and_code_fragment(api):
    for q in (
        "恒润机械",
        "恒润",
        "hrjx",
        "HRJX",
        "hengrunjixie",
        "机械制造",
        HENGRUN["uscc"][8:14],
    ):
        page = find(api, q)
        assert page["items"][0]["uscc"] == HENGRUN["uscc"], q
        assert page["items"][0]["short_names"] == ["恒润机械", "恒润"]


def test_results_are_ranked_exact_then_start_then_part_then_pinyin(api):
    made = []
    for seed, name in (
        ("rank-b", "宏图"),
        ("rank-c", "宏图精密铸造有限公司"),
        ("rank-d", "南通大宏图文设计有限公司"),
    ):
        uscc = credit_code(seed)
        made.append(uscc)
        r = api.call("POST", "/api/v1/enterprises", {**NEW, "uscc": uscc, "name": name}, "admin")
        assert r.status_code == 201, r.data
    assert names(find(api, "宏图")) == ["宏图", "宏图精密铸造有限公司", "南通大宏图文设计有限公司"]
    # pinyin matches come after the characters' matches: "ht" is in none of the names
    assert [e["uscc"] for e in find(api, "htjm")["items"]] == [made[1]]


def test_short_names_are_set_on_create_and_patch_and_found_at_once(api):
    uscc = credit_code("short-names")
    body = {**NEW, "uscc": uscc, "name": "如东港城精工机械有限公司", "short_names": ["港城精工"]}
    created = api.call("POST", "/api/v1/enterprises", body, as_user="admin")
    assert created.status_code == 201 and created.data["short_names"] == ["港城精工"]
    assert names(find(api, "港城精工")) == ["如东港城精工机械有限公司"]  # no wait
    patched = api.call(
        "PATCH",
        f"/api/v1/enterprises/{uscc}",
        {"version": 1, "short_names": ["港城", "港城", "精工"]},
        as_user="admin",
    )
    assert patched.status_code == 200 and patched.data["short_names"] == ["港城", "精工"]
    assert names(find(api, "港城精工")) == ["如东港城精工机械有限公司"]  # still a part of the name
    assert find(api, "港城")["items"][0]["uscc"] == uscc
    bad = api.call(
        "PATCH", f"/api/v1/enterprises/{uscc}", {"version": 2, "short_names": [""]}, "admin"
    )
    assert bad.status_code == 400 and bad.data["errors"][0]["field"] == "short_names.0"


def test_a_write_is_found_before_and_after_the_snapshot_takes_it_in(api):
    from chalicelib import clock
    from chalicelib.jobs import search_snapshot
    from chalicelib.store import enterprise_search

    result = search_snapshot.run(clock.now())  # the first run builds it from the register
    assert result["rebuilt"] >= 32
    enterprise_search.forget()  # a container starting now loads that snapshot
    assert find(api, "hrjx")["items"][0]["uscc"] == HENGRUN["uscc"]
    uscc = credit_code("after-snapshot")
    body = {**NEW, "uscc": uscc, "name": "如东晚到的电机有限公司"}
    assert api.call("POST", "/api/v1/enterprises", body, as_user="admin").status_code == 201
    assert names(find(api, "rdwdddj")) == ["如东晚到的电机有限公司"]  # from the change list
    renamed = api.call(
        "PATCH",
        f"/api/v1/enterprises/{uscc}",
        {"version": 1, "name": "如东早到的电机有限公司"},
        "admin",
    )
    assert renamed.status_code == 200
    assert find(api, "晚到的电机")["items"] == []  # the old name no longer finds it
    assert names(find(api, "早到的电机")) == ["如东早到的电机有限公司"]
    # the fold takes the writes in; a container sees the new snapshot and still finds them
    folded = search_snapshot.run(clock.now())
    assert "folded" in folded or "skipped" in folded  # within the margin they stay as changes
    enterprise_search.forget()
    assert names(find(api, "早到的电机")) == ["如东早到的电机有限公司"]


def test_pages_of_a_search_walk_every_match_once(api):
    seen, cursor = [], None
    while True:
        page = find(api, "如东", limit=7, **({"cursor": cursor} if cursor else {}))
        seen += [e["uscc"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 25
    every = find(api, "如东", limit=100)
    assert [e["uscc"] for e in every["items"]] == seen


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("q=", "q"),
        ("q=%20%20", "q"),
        ("q=" + "甲" * 51, "q"),
        ("phone=12345", "phone"),
        ("phone=abc", "phone"),
        ("phone=", "phone"),
        ("q=恒润&phone=13812340000", "phone"),
        ("q=恒润&cursor=!!!", "cursor"),
        ("q=恒润&cursor=eyJvZmZzZXQiOi0xfQ", "cursor"),
        ("phone=13812340000&cursor=abc", "cursor"),
        ("name=恒润", "name"),
    ],
)
def test_bad_terms_are_400_naming_the_field(api, query, field):
    r = api.call("GET", f"/api/v1/enterprises?{query}", as_user="operator-12345")
    assert r.status_code == 400, (query, r.data)
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.data["errors"][0]["field"] == field


def test_fifty_characters_are_a_term_and_nothing_found_is_an_empty_page(api):
    assert find(api, "甲" * 50) == {"items": [], "next_cursor": None}


def test_a_phone_finds_the_contacts_enterprise_then_those_it_called_about(api):
    contact = HENGRUN["contacts"][0]["phone"]
    assert [e["uscc"] for e in by_phone(api, contact)["items"]] == [HENGRUN["uscc"]]
    xinghai = enterprise_records()[1]
    call(api, "13951110001", xinghai["uscc"])
    call(api, "13951110001", None)  # an unregistered caller: no enterprise to offer
    assert [e["uscc"] for e in by_phone(api, "139-5111-0001")["items"]] == [xinghai["uscc"]]
    # the contact's number, calling about another enterprise: the contact's comes first
    call(api, contact, xinghai["uscc"])
    assert [e["uscc"] for e in by_phone(api, contact)["items"]] == [
        HENGRUN["uscc"],
        xinghai["uscc"],
    ]
    assert by_phone(api, "13951119999") == {"items": [], "next_cursor": None}


def test_a_contact_phone_changed_is_found_under_the_new_number_only(api):
    uscc = credit_code("phone-change")
    body = {**NEW, "uscc": uscc, "name": "如东换号测试有限公司"}
    body["contacts"] = [{"name": "王五", "phone": "13952220001"}]
    assert api.call("POST", "/api/v1/enterprises", body, as_user="admin").status_code == 201
    assert [e["uscc"] for e in by_phone(api, "13952220001")["items"]] == [uscc]
    patched = api.call(
        "PATCH",
        f"/api/v1/enterprises/{uscc}",
        {"version": 1, "contacts": [{"name": "王五", "phone": "0513-84120002"}]},
        as_user="admin",
    )
    assert patched.status_code == 200
    assert by_phone(api, "13952220001")["items"] == []
    assert [e["uscc"] for e in by_phone(api, "051384120002")["items"]] == [uscc]


def test_supervisors_find_by_phone_with_the_contacts_masked(api):
    contact = HENGRUN["contacts"][0]["phone"]
    page = by_phone(api, contact, user="supervisor")
    assert page["items"][0]["contacts"][0]["phone"] == contact[:3] + "****" + contact[-4:]


def test_the_history_has_the_enterprise_its_commissioner_and_its_appeals_open_first(api):
    uscc = HENGRUN["uscc"]
    first = call(api, "13951110002", uscc, "第一次来电:技改补助")
    second = call(api, "13951110002", uscc, "第二次来电:用工")
    closed_body = {"type": "accept", "version": first["version"]}
    accepted = api.call(
        "POST", f"/api/v1/appeals/{first['id']}/events", closed_body, as_user="comm-designated"
    )
    assert accepted.status_code == 200, accepted.data
    replied = api.call(
        "POST",
        f"/api/v1/appeals/{first['id']}/events",
        {"type": "reply", "version": accepted.data["version"], "content": "已答复"},
        as_user="comm-designated",
    )
    assert replied.status_code == 200, replied.data
    r = api.call("GET", f"/api/v1/enterprises/{uscc}/history", as_user="operator-12345")
    assert r.status_code == 200, r.data
    h = r.data
    assert set(h) == {"enterprise", "commissioner", "appeals", "applications", "financing_needs"}
    assert h["enterprise"]["uscc"] == uscc and h["enterprise"]["short_names"] == [
        "恒润机械",
        "恒润",
    ]
    assert h["commissioner"]["id"] == "c-designated" and h["commissioner"]["via"] == "coverage"
    assert h["commissioner"]["phone"] == "13901110002"
    ids = [a["id"] for a in h["appeals"]]
    # the received one first, then the replied one (unfinished, waiting on the enterprise)
    assert ids.index(second["id"]) < ids.index(first["id"])
    statuses = [a["status"] for a in h["appeals"]]
    rank = {"received": 0, "processing": 0, "replied": 1, "closed": 2}
    assert [rank[s] for s in statuses] == sorted(rank[s] for s in statuses)
    summary = h["appeals"][ids.index(second["id"])]
    assert summary["open"] and summary["title"] and "content" not in summary


def test_the_history_names_a_named_commissioner_and_lists_financing_needs(api):
    xinghai = enterprise_records()[1]
    need = {"amount": 500, "term_months": 24, "purpose": "购置光伏组件生产设备"}
    filed = api.call("POST", "/api/v1/financing/needs", need, as_user="ent-xinghai")
    assert filed.status_code == 201, filed.data
    h = api.call("GET", f"/api/v1/enterprises/{xinghai['uscc']}/history", as_user="supervisor")
    assert h.status_code == 200, h.data
    assert h.data["commissioner"]["id"] == "c-above-100m"
    assert h.data["commissioner"]["via"] == "named"
    assert [n["appeal_id"] for n in h.data["financing_needs"]] == [filed.data["id"]]
    assert h.data["financing_needs"][0]["amount"] == 500
    # supervisors see the contacts masked, as on the enterprise's own page
    assert "****" in h.data["enterprise"]["contacts"][0]["phone"]


def test_the_history_is_refused_to_departments_and_enterprises_and_404_for_unknown_codes(api):
    uscc = HENGRUN["uscc"]
    for user in ("dept-tax", "ent-hengrun"):
        r = api.call("GET", f"/api/v1/enterprises/{uscc}/history", as_user=user)
        assert r.status_code == 403, user
    unknown = with_check_character("91320623MA0000000")
    for code in (unknown, "not-a-code"):
        r = api.call("GET", f"/api/v1/enterprises/{code}/history", as_user="admin")
        assert r.status_code == 404 and r.data["code"] == "not_found"
