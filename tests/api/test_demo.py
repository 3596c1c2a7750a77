"""The demo content ``make run`` adds at a data folder's first start: published policies in
the public catalogue (one taking applications now), financial products, all through the
stores the API uses, so that each is what the API itself would serve."""

from __future__ import annotations


def test_a_folder_seeded_before_the_knowledge_base_gets_its_articles_once(api):
    """``make run`` on a data folder seeded earlier (no demo policies even): the articles,
    those citing a demo policy without it, and only once."""
    from infra.local.demo_knowledge import ARTICLES, seed_knowledge_if_empty

    assert seed_knowledge_if_empty() == len(ARTICLES)
    assert seed_knowledge_if_empty() == 0
    page = api.call("GET", "/api/v1/knowledge?limit=100", as_user="operator-12345").data
    assert len(page["items"]) == len(ARTICLES)
    assert {a["policy_id"] for a in page["items"]} == {None}


def test_the_demo_content_is_served_like_any_other(api):
    from infra.local.demo import POLICIES, PRODUCTS, seed_demo
    from infra.local.demo_knowledge import ARTICLES

    assert seed_demo() == {"policies": 3, "products": 4, "articles": len(ARTICLES)}
    assert len(ARTICLES) >= 12
    listed = api.call("GET", "/api/v1/policies?limit=100").data["items"]
    assert {p["id"] for p in POLICIES} <= {p["id"] for p in listed}
    tech = api.call("GET", "/api/v1/policies/P-DEMO-TECH").data
    assert (
        tech["status"] == "published" and tech["interpretations"][0]["title"] == "一图读懂技改补助"
    )
    assert [m["id"] for m in tech["application"]["materials"]][:3] == [
        "feasibility",
        "invoices",
        "license",
    ]
    # 恒润 (industrial, designated) can apply to it now; 星海 is a key tech enterprise
    mine = api.call("GET", "/api/v1/me/policies", as_user="ent-hengrun").data["items"]
    assert "P-DEMO-TECH" in [m["policy"]["id"] for m in mine if m["match"]["matched"]]
    products = api.call("GET", "/api/v1/financing/products?limit=100", as_user="ent-hengrun")
    assert {p["id"] for p in PRODUCTS} <= {p["id"] for p in products.data["items"]}
    jobs = api.call("GET", "/api/v1/financing/products?amount=500&term_months=24", as_user="admin")
    assert "fp-demo-jgd" in [p["id"] for p in jobs.data["items"]]
    # the knowledge base: every article published, two citing the demo policies, one expired
    items = api.call("GET", "/api/v1/knowledge?limit=100", as_user="operator-12345").data["items"]
    assert {a["title"] for a in ARTICLES} <= {a["title"] for a in items}
    assert {a["policy_id"] for a in items} >= {None, "P-DEMO-JOBS", "P-DEMO-TECH"}
    assert items[-1]["expired"] and not items[0]["expired"]
