"""The knowledge base (知识库, API.md "The hotline desk and 12345 practice"): staff search the
published articles by words, ranked; the service centre writes them under their version,
publishes drafts (also drafted from an appeal's reply), retires them, and reads every
version; every change is audited."""

from __future__ import annotations

import pytest

from tests.api.conftest import conforms
from tests.api.test_appeals import event, file_web

GRADUATES = "企业招用高校毕业生社保补贴"
ARTICLE = {
    "title": "测试条目:厂房租金补贴",
    "question": "租用标准厂房的小微企业有租金补贴吗?",
    "answer": "入驻县级以上小微企业创业园的,前两年租金按 50% 补贴。",
    "category": "policy",
    "keywords": ["厂房", "租金补贴"],
}


@pytest.fixture(scope="module")
def demo(seeded):
    """The demo content of ``make run`` (policies, products, the articles)."""
    from infra.local.demo import seed_demo

    return seed_demo()


def search(api, q=None, user="operator-12345", expect=200, **params):
    query = {**({"q": q} if q is not None else {}), **params}
    from urllib.parse import urlencode

    r = api.call("GET", f"/api/v1/knowledge?{urlencode(query)}", as_user=user)
    assert r.status_code == expect, r.data
    return r.data


def titles(page):
    return [a["title"] for a in page["items"]]


def create(api, expect=201, user="admin", **over):
    r = api.call("POST", "/api/v1/knowledge", {**ARTICLE, **over}, as_user=user)
    assert r.status_code == expect, r.data
    return r.data


def patch(api, article, expect=200, **changes):
    body = {"version": article["version"], **changes}
    r = api.call("PATCH", f"/api/v1/knowledge/{article['id']}", body, as_user="admin")
    assert r.status_code == expect, r.data
    return r.data


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["毕业生 社保补贴", "招高校毕业生有什么补贴"])
def test_words_not_one_string_find_the_graduates_article_first(api, demo, document, q):
    page = search(api, q)
    assert titles(page)[0] == GRADUATES
    first = page["items"][0]
    assert {"毕业生", "补贴"} <= set(first["matched"])
    assert set(first) >= {
        "id",
        "title",
        "question",
        "answer",
        "category",
        "keywords",
        "policy_id",
        "valid_until",
        "version",
        "updated_at",
    }
    conforms(document, "GET", "/api/v1/knowledge", _raw(api, q))


def _raw(api, q):
    from urllib.parse import quote

    return api.call("GET", f"/api/v1/knowledge?q={quote(q)}", as_user="operator-12345")


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("稳岗返还什么时候发", "失业保险稳岗返还"),
        ("残保金怎么减免", "残疾人就业保障金(残保金)减免"),
        ("新厂房接水接电怎么办", "水电气报装“一件事”联办"),
        ("高企认定要哪些条件", "高新技术企业认定申报"),
        ("出口退税多久到账", "出口退税办理时限"),
        ("消防验收", "建设工程消防验收与备案"),
        ("有没有贴息贷款", "创业担保贴息贷款"),
        ("环评审批要多久", "建设项目环评审批"),
        ("人才公寓", "人才公寓申请条件"),
        ("新开公司营业执照", "企业开办“一网通办”全流程"),
        ("扩建需要工业用地指标", "工业项目用地指标申请"),
        ("买新设备技改补助", "工业企业技术改造设备投入补助"),
    ],
)
def test_an_article_about_the_words_asked_comes_first(api, demo, q, first):
    assert titles(search(api, q))[0] == first


def test_an_article_about_every_word_asked_ranks_before_one_about_a_single_word(api, demo):
    # 补贴 alone is in many articles; the one about 人才 and 公寓 as well comes first
    assert titles(search(api, "补贴"))[0] == GRADUATES  # 补贴 four times over
    found = titles(search(api, "人才公寓 补贴"))
    assert found[0] == "人才公寓申请条件"  # 补贴 once, but 人才公寓 too
    # a match that weak (under a tenth of the best) is not offered at all
    assert GRADUATES not in found


def test_expired_articles_are_marked_and_come_after_every_valid_one(api, demo):
    page = search(api, "扩岗补助 青年")
    expired = [a for a in page["items"] if a["expired"]]
    assert [a["title"] for a in expired] == ["2026 年上半年一次性扩岗补助"]
    # the expired article is the best match, and still after the valid ones
    assert page["items"][-1]["expired"] is True
    assert all(not a["expired"] for a in page["items"][:-1])
    # a valid article about the same words comes before it
    valid = create(
        api,
        title="测试:2027 年一次性扩岗补助",
        question="明年招用青年还有扩岗补助吗?",
        keywords=["扩岗补助"],
        valid_until="2027-12-31",
    )
    order = [(a["id"], a["expired"]) for a in search(api, "扩岗补助 青年")["items"]]
    assert order[0] == (valid["id"], False) and order[-1] == (expired[0]["id"], True)


def test_without_words_every_published_article_the_last_changed_first(api, demo):
    page = search(api, limit=100)
    assert len(page["items"]) >= 14
    valid = [a for a in page["items"] if not a["expired"]]
    stamps = [a["updated_at"] for a in valid]
    assert stamps == sorted(stamps, reverse=True)
    assert page["items"][-1]["expired"] is True


def test_the_category_filter_and_pages_of_a_ranked_list(api, demo):
    labor = search(api, category="labor", limit=100)["items"]
    assert labor and {a["category"] for a in labor} == {"labor"}
    seen, cursor = [], None
    while True:
        page = search(api, "补贴", limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(search(api, "补贴", limit=100)["items"])


def test_words_that_leave_nothing_to_match_find_nothing(api, demo):
    assert search(api, "有什么?")["items"] == []
    assert search(api, "量子纠缠 火星")["items"] == []


def test_a_change_is_found_by_the_very_next_search(api, demo):
    a = create(api, title="测试:码头岸电补贴", keywords=["岸电"])
    assert titles(search(api, "岸电"))[0] == "测试:码头岸电补贴"
    patch(api, a, title="测试:港口岸电改造补贴")
    assert titles(search(api, "岸电"))[0] == "测试:港口岸电改造补贴"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("q=" + "补" * 51, "q"),
        ("q=", "q"),
        ("category=food", "category"),
        ("status=deleted", "status"),
        ("limit=0", "limit"),
        ("cursor=%%%", "cursor"),
        ("cursor=bzEyMzQ1Njc4OTA", "cursor"),
        ("sort=title", "sort"),
    ],
)
def test_bad_searches_are_400_naming_the_parameter(api, demo, query, field):
    r = api.call("GET", f"/api/v1/knowledge?{query}", as_user="operator-12345")
    assert r.status_code == 400, r.data
    assert [e["field"] for e in r.data["errors"]] == [field]


def test_fifty_characters_is_the_longest_search(api, demo):
    q = ("企业招用高校毕业生社保补贴" * 4)[:50]
    assert len(q) == 50 and titles(search(api, q))[0] == GRADUATES


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({**ARTICLE, "title": ""}, "title", "string_too_short"),
        ({**ARTICLE, "title": "   "}, "title", "string_too_short"),
        ({**ARTICLE, "title": "两行\n标题"}, "title", "text_single_line"),
        ({**ARTICLE, "title": "长" * 101}, "title", "string_too_long"),
        ({**ARTICLE, "answer": "答" * 5001}, "answer", "string_too_long"),
        ({**ARTICLE, "category": "food"}, "category", "enum"),
        ({**ARTICLE, "keywords": ["k"] * 21}, "keywords", "too_long"),
        ({**ARTICLE, "keywords": [""]}, "keywords.0", "string_too_short"),
        ({**ARTICLE, "valid_until": "2027-02-30"}, "valid_until", "date_from_datetime_parsing"),
        ({**ARTICLE, "valid_until": "1999-12-31"}, "valid_until", "year_invalid"),
        ({**ARTICLE, "policy_id": "P-19990101-000000"}, "policy_id", "reference_not_found"),
        ({**ARTICLE, "policy_id": "P#1"}, "policy_id", "string_pattern_mismatch"),
        ({**ARTICLE, "status": "retired"}, "status", "literal_error"),
        ({**ARTICLE, "html": "<b>"}, "html", "extra_forbidden"),
        ({k: v for k, v in ARTICLE.items() if k != "answer"}, "answer", "missing"),
        ({"from_appeal": "XQT-19990101-0001"}, "from_appeal", "reference_not_found"),
        ({"from_appeal": "../etc"}, "from_appeal", "string_pattern_mismatch"),
    ],
)
def test_bad_articles_are_400_naming_the_field(api, demo, body, field, code):
    r = api.call("POST", "/api/v1/knowledge", body, as_user="admin")
    assert r.status_code == 400, r.data
    assert (r.data["errors"][0]["field"], r.data["errors"][0]["code"]) == (field, code)


def test_every_missing_field_is_named(api, demo):
    r = api.call("POST", "/api/v1/knowledge", {"keywords": ["x"]}, as_user="admin")
    assert r.status_code == 400
    assert [e["field"] for e in r.data["errors"]] == ["title", "question", "answer", "category"]


def test_an_article_names_a_policy_that_exists(api, demo):
    a = create(api, policy_id="P-DEMO-TECH")
    assert a["policy_id"] == "P-DEMO-TECH"
    r = api.call(
        "PATCH",
        f"/api/v1/knowledge/{a['id']}",
        {"version": a["version"], "policy_id": "P-nothing"},
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "policy_id"
    assert patch(api, a, policy_id=None)["policy_id"] is None


def test_a_stale_version_is_409_and_changes_nothing(api, demo):
    a = create(api)
    b = patch(api, a, answer="新的答复口径")
    r = api.call(
        "PATCH",
        f"/api/v1/knowledge/{a['id']}",
        {"version": a["version"], "answer": "旧版本上的修改"},
        as_user="admin",
    )
    assert r.status_code == 409 and r.data["code"] == "version_conflict"
    now = api.call("GET", f"/api/v1/knowledge/{a['id']}", as_user="admin").data
    assert now["answer"] == "新的答复口径" and now["version"] == b["version"] == 2
    stale = api.call("DELETE", f"/api/v1/knowledge/{a['id']}?version=1", as_user="admin")
    assert stale.status_code == 409


def test_validation_comes_before_the_version_check(api, demo):
    a = create(api)
    r = api.call(
        "PATCH", f"/api/v1/knowledge/{a['id']}", {"version": 99, "title": ""}, as_user="admin"
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "title"
    r = api.call(
        "PATCH", f"/api/v1/knowledge/{a['id']}", {"version": 1, "title": None}, as_user="admin"
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "title"


# --- drafts, versions, retirement -------------------------------------------------------------


def test_a_draft_is_the_centres_until_published(api, demo):
    draft = create(api, title="测试草稿:光伏屋顶备案", keywords=["光伏"], status="draft")
    assert draft["status"] == "draft"
    assert search(api, "光伏屋顶")["items"] == []
    assert search(api, "光伏屋顶", user="admin")["items"] == []  # the published list
    assert titles(search(api, "光伏屋顶", user="admin", status="draft")) == [draft["title"]]
    hidden = api.call("GET", f"/api/v1/knowledge/{draft['id']}", as_user="operator-12345")
    assert hidden.status_code == 404
    refused = api.call("GET", "/api/v1/knowledge?status=draft", as_user="operator-12345")
    assert refused.status_code == 403
    published = patch(api, draft, status="published")
    assert published["status"] == "published" and published["version"] == 2
    assert titles(search(api, "光伏屋顶"))[0] == draft["title"]


def test_every_version_stays_readable_and_every_change_is_audited(api, demo):
    a = create(api, title="测试:版本一")
    b = patch(api, a, title="测试:版本二", valid_until="2027-06-30")
    c = patch(api, b, keywords=["版本", "测试"])
    r = api.call("GET", f"/api/v1/knowledge/{a['id']}/versions", as_user="admin")
    assert r.status_code == 200
    versions = r.data["items"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["title"] for v in versions] == ["测试:版本二", "测试:版本二", "测试:版本一"]
    assert versions[0]["keywords"] == ["版本", "测试"] and versions[2]["valid_until"] is None
    assert [v["action"] for v in versions] == ["update", "update", "create"]
    assert versions[0]["actor"]["username"] == "admin"
    assert c["updated_by"]["username"] == "admin"
    audit = api.call(
        "GET", f"/api/v1/audit?entity_type=knowledge&entity_id={a['id']}", as_user="admin"
    ).data["items"]
    assert [e["action"] for e in audit] == ["update", "update", "create"]
    assert audit[1]["changes"]["title"] == {"from": "测试:版本一", "to": "测试:版本二"}
    assert "terms" not in audit[2]["changes"]
    missing = api.call("GET", "/api/v1/knowledge/KB-nothing/versions", as_user="admin")
    assert missing.status_code == 404


def test_retiring_takes_an_article_out_of_every_search_and_keeps_it(api, demo):
    a = create(api, title="测试:待下架条目", keywords=["冷链仓储"])
    assert titles(search(api, "冷链仓储")) == [a["title"]]
    r = api.call("DELETE", f"/api/v1/knowledge/{a['id']}?version={a['version']}", as_user="admin")
    assert r.status_code == 200 and r.data["status"] == "retired" and r.data["version"] == 2
    assert search(api, "冷链仓储")["items"] == []
    assert titles(search(api, "冷链仓储", user="admin", status="retired")) == [a["title"]]
    again = api.call("DELETE", f"/api/v1/knowledge/{a['id']}?version=2", as_user="admin")
    assert again.status_code == 409 and again.data["code"] == "invalid_transition"
    edit = api.call(
        "PATCH", f"/api/v1/knowledge/{a['id']}", {"version": 2, "title": "复活"}, as_user="admin"
    )
    assert edit.status_code == 409
    audit = api.call(
        "GET", f"/api/v1/audit?entity_type=knowledge&entity_id={a['id']}", as_user="admin"
    ).data["items"]
    assert audit[0]["action"] == "retire"
    assert audit[0]["changes"] == {"status": {"from": "published", "to": "retired"}}
    gone = api.call("GET", f"/api/v1/knowledge/{a['id']}", as_user="comm-designated")
    assert gone.status_code == 404
    kept = api.call("GET", f"/api/v1/knowledge/{a['id']}", as_user="admin")
    assert kept.status_code == 200 and kept.data["status"] == "retired"


def test_a_reply_becomes_a_draft_in_one_step(api, demo):
    appeal = file_web(
        api,
        category="labor",
        title="恒润机械招用应届生的补贴",
        content="如东恒润机械制造有限公司今年招了 5 名应届大学生,联系人甲说电话 13812345678,"
        "想问社保补贴怎么申请。",
    )
    r = api.call("POST", "/api/v1/knowledge", {"from_appeal": appeal["id"]}, as_user="admin")
    assert r.status_code == 400
    assert (r.data["errors"][0]["field"], r.data["errors"][0]["code"]) == (
        "from_appeal",
        "appeal_not_replied",
    )
    appeal = event(api, appeal, "accept", "comm-designated")
    appeal = event(
        api, appeal, "reply", "comm-designated", content="可按季度在江苏智慧人社申报社保补贴。"
    )
    r = api.call("POST", "/api/v1/knowledge", {"from_appeal": appeal["id"]}, as_user="admin")
    assert r.status_code == 201, r.data
    draft = r.data
    assert draft["status"] == "draft" and draft["source_appeal_id"] == appeal["id"]
    assert draft["answer"] == "可按季度在江苏智慧人社申报社保补贴。"
    assert draft["category"] == "labor"
    assert "如东恒润机械制造有限公司" not in draft["question"]
    assert "某企业" in draft["question"] and "138****5678" in draft["question"]
    assert "联系人甲" not in draft["question"]  # the register's contact: 某某
    assert "13812345678" not in draft["question"]
    found = [a["id"] for a in search(api, "应届大学生 社保补贴")["items"]]
    assert found and draft["id"] not in found  # a draft: not for operators yet
    # the fields sent take the place of the prefilled ones; publishing one at once is refused
    own = api.call(
        "POST",
        "/api/v1/knowledge",
        {"from_appeal": appeal["id"], "title": "应届生社保补贴怎么申请"},
        as_user="admin",
    )
    assert own.status_code == 201 and own.data["title"] == "应届生社保补贴怎么申请"
    refused = api.call(
        "POST",
        "/api/v1/knowledge",
        {"from_appeal": appeal["id"], "status": "published"},
        as_user="admin",
    )
    assert refused.status_code == 400 and refused.data["errors"][0]["field"] == "status"


def test_who_may_do_what(api, demo):
    for user in ("operator-12345", "comm-designated", "dept-tax", "admin", "supervisor"):
        assert search(api, "补贴", user=user)["items"]
    assert api.call("GET", "/api/v1/knowledge", as_user="ent-hengrun").status_code == 403
    assert api.call("GET", "/api/v1/knowledge").status_code == 401
    for user in ("operator-12345", "supervisor", "comm-designated"):
        r = api.call("POST", "/api/v1/knowledge", ARTICLE, as_user=user)
        assert r.status_code == 403
    r = api.call("GET", "/api/v1/knowledge/KB-x/versions", as_user="supervisor")
    assert r.status_code == 403


# --- what a hotline call answered on the spot needs (direct_answer) ---------------------------


def test_cited_articles_must_exist_and_be_published(api, demo):
    from chalicelib.api.knowledge import article_errors
    from chalicelib.errors import ArticlesUnavailable
    from chalicelib.services import knowledge
    from chalicelib.store import db
    from chalicelib.store import knowledge as store

    published = search(api, "残保金")["items"][0]
    draft = create(api, title="测试:草稿不能引用", status="draft")
    retired = create(api, title="测试:下架不能引用")
    api.call("DELETE", f"/api/v1/knowledge/{retired['id']}?version=1", as_user="admin")
    assert [a.id for a in knowledge.check_published([published["id"]])] == [published["id"]]
    with pytest.raises(ArticlesUnavailable) as caught:
        knowledge.check_published([published["id"], draft["id"], "KB-nothing", retired["id"]])
    assert caught.value.positions == (1, 2, 3)
    errors = article_errors(caught.value, "direct_answer.articles")
    assert [(e.field, e.code) for e in errors] == [
        ("direct_answer.articles.1", "article_not_published"),
        ("direct_answer.articles.2", "article_not_published"),
        ("direct_answer.articles.3", "article_not_published"),
    ]
    db.transact([store.published_check(published["id"])])  # holds
    for article_id in (draft["id"], "KB-nothing", retired["id"]):
        with pytest.raises(db.ConditionFailed):
            db.transact([store.published_check(article_id)])
