"""Financing: products kept by the service centre and filtered by anyone signed in; a
financing need filed as an appeal of category financing, with the products that suit it."""

from __future__ import annotations

import pytest

TECH_LOAN = {
    "bank": "如东农村商业银行",
    "name": "科技贷",
    "rate_min": 3.45,
    "rate_max": 4.2,
    "term_min": 6,
    "term_max": 36,
    "amount_min": 50,
    "amount_max": 1000,
    "conditions": {"key_tech": True},
    "description": "面向科技型中小企业的信用贷款。",
}
MICRO_LOAN = {
    "bank": "中国银行如东支行",
    "name": "小微快贷",
    "rate_min": 4.35,
    "rate_max": 5.5,
    "term_min": 3,
    "term_max": 12,
    "amount_min": 10,
    "amount_max": 300,
    "conditions": {"size_classes": ["small_micro"]},
}


@pytest.fixture
def products(api):
    made = []
    for body in (TECH_LOAN, MICRO_LOAN, {**TECH_LOAN, "name": "已停办产品", "active": False}):
        r = api.call("POST", "/api/v1/financing/products", body, as_user="admin")
        assert r.status_code == 201, r.data
        made.append(r.data)
    return made


def names(api, query="", user="ent-hengrun"):
    r = api.call("GET", f"/api/v1/financing/products?limit=100{query}", as_user=user)
    assert r.status_code == 200, r.data
    return {p["name"] for p in r.data["items"]}


def test_products_are_listed_and_filtered(api, products):
    assert {"科技贷", "小微快贷"} <= names(api)
    assert "已停办产品" not in names(api)  # withdrawn
    assert "已停办产品" in names(api, "&include_inactive=true", user="admin")
    assert "已停办产品" not in names(api, "&include_inactive=true")  # admins only
    assert "科技贷" in names(api, "&amount=500") and "小微快贷" not in names(api, "&amount=500")
    assert "小微快贷" not in names(api, "&term_months=24")
    assert names(api, "&bank=农村商业") >= {"科技贷"} and "小微快贷" not in names(
        api, "&bank=农村商业"
    )
    assert products[0]["conditions_text"] == "重点科技型企业"


def test_a_financing_need_is_an_appeal_with_suitable_products(api, products):
    r = api.call(
        "POST",
        "/api/v1/financing/needs",
        {"amount": 300, "term_months": 12, "purpose": "采购原材料,扩大生产"},
        as_user="ent-hengrun",
    )
    assert r.status_code == 201, r.data
    appeal = r.data
    assert appeal["category"] == "financing" and appeal["channel"] == "web"
    assert appeal["title"] == "融资需求：300 万元，12 个月"
    assert appeal["financing"] == {
        "amount": 300,
        "term_months": 12,
        "purpose": "采购原材料,扩大生产",
    }
    assert appeal["assignee"]["commissioner_id"] == "c-designated"  # routed like any other
    assert appeal["reply_due_at"]  # and timed

    for reader in ("ent-hengrun", "comm-designated", "admin"):
        got = api.call("GET", f"/api/v1/appeals/{appeal['id']}/products", as_user=reader)
        assert got.status_code == 200, got.data
        suggested = [s["product"]["name"] for s in got.data["items"]]
        assert "科技贷" in suggested and "小微快贷" not in suggested  # 规上: not 小微
        assert "已停办产品" not in suggested
        tech = next(s for s in got.data["items"] if s["product"]["name"] == "科技贷")
        assert tech["reasons"] == ["额度 50–1000 万元", "期限 6–36 个月", "重点科技型企业"]
    other = api.call("GET", f"/api/v1/appeals/{appeal['id']}/products", as_user="ent-xinghai")
    assert other.status_code == 404


def test_an_ordinary_appeal_has_no_products_and_needs_are_for_enterprises(api, products):
    from tests.api.test_appeals import file_web

    plain = file_web(api)
    got = api.call("GET", f"/api/v1/appeals/{plain['id']}/products", as_user="ent-hengrun")
    assert got.status_code == 200 and got.data["items"] == []
    need = {"amount": 100, "term_months": 6, "purpose": "周转"}
    assert api.call("POST", "/api/v1/financing/needs", need, as_user="admin").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": 0, "term_months": 12, "purpose": "x"}, "amount"),
        ({"amount": 100, "term_months": 0, "purpose": "x"}, "term_months"),
        ({"amount": 100, "term_months": 12, "purpose": ""}, "purpose"),
        (
            {"amount": 100, "term_months": 12, "purpose": "x", "contact_phone": "12"},
            "contact_phone",
        ),
    ],
)
def test_bad_needs_name_the_field(api, body, field):
    r = api.call("POST", "/api/v1/financing/needs", body, as_user="ent-hengrun")
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == field


def test_product_ranges_must_be_in_order(api, products):
    r = api.call(
        "POST", "/api/v1/financing/products", {**TECH_LOAN, "rate_min": 6.0}, as_user="admin"
    )
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == "rate_max"
    assert r.data["errors"][0]["code"] == "range_order"
    tech = products[0]
    r = api.call(
        "PATCH",
        f"/api/v1/financing/products/{tech['id']}",
        {"version": tech["version"], "amount_max": 10},
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "amount_max"
    r = api.call(
        "PATCH",
        f"/api/v1/financing/products/{tech['id']}",
        {"version": tech["version"], "conditions": {"size_classes": ["designated"]}},
        as_user="admin",
    )
    assert r.status_code == 200 and r.data["conditions_text"] == "规模：规上"
    assert (
        api.call("POST", "/api/v1/financing/products", TECH_LOAN, as_user="ent-hengrun").status_code
        == 403
    )
