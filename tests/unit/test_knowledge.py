"""The knowledge base's segmentation and ranking, without AWS: the words asked are cut the way
the articles are, an article about the words asked ranks first, expired ones after every
valid one; and a draft from an appeal's reply leaves out whom it was about."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib import segmentation
from chalicelib.domain.knowledge import (
    Article,
    KnowledgeIndex,
    anonymise,
    draft_from_reply,
    entry,
    terms_of,
)

TODAY = date(2026, 12, 7)
GRADUATES = "企业招用高校毕业生社保补贴"


def article(n: int, title: str, **over) -> Article:
    return Article.model_validate(
        {
            "id": f"KB-20261201-{n:06d}",
            "title": title,
            "question": over.pop("question", title),
            "answer": over.pop("answer", "按规定办理。"),
            "category": over.pop("category", "policy"),
            "keywords": over.pop("keywords", []),
            "status": over.pop("status", "published"),
            "version": 1,
            "created_at": "2026-12-01T09:00:00+08:00",
            "updated_at": f"2026-12-01T09:{n:02d}:00+08:00",
            **over,
        }
    )


@pytest.fixture(scope="module")
def base() -> KnowledgeIndex:
    return KnowledgeIndex.build(
        (a, None)
        for a in [
            article(
                1,
                GRADUATES,
                question="企业招了应届高校毕业生,有什么补贴?",
                answer="按企业实际缴纳的社会保险费给予社保补贴,最长 1 年。",
                category="labor",
                keywords=["高校毕业生", "社保补贴"],
            ),
            article(
                2,
                "失业保险稳岗返还",
                answer="返还上年度实际缴纳失业保险费的 60%,免申即享。",
                category="labor",
                keywords=["稳岗返还"],
            ),
            article(
                3,
                "人才公寓申请条件",
                answer="本科以上人才可申请人才公寓,租金按市场价的 50% 补贴。",
                category="talent",
            ),
            article(4, "企业开办一网通办", answer="营业执照、公章、发票一次办好。"),
            article(
                5,
                "2026 年上半年一次性扩岗补助",
                question="招用青年有扩岗补助吗?",
                keywords=["扩岗补助"],
                valid_until="2026-06-30",
            ),
            article(6, "2027 年一次性扩岗补助", question="明年还有扩岗补助吗?"),
            article(7, "光伏屋顶备案(草稿)", status="draft"),
        ]
    )


def found(base: KnowledgeIndex, q: str | None, **kw) -> list[str]:
    return [h.article.title for h in base.search(q, today=TODAY, **kw)]


# --- segmentation -------------------------------------------------------------------------


def test_both_sides_are_cut_into_the_same_words():
    assert segmentation.query_terms("招高校毕业生有什么补贴") == [
        "招",
        "高校",
        "毕业",
        "毕业生",
        "高校毕业生",
        "补贴",
    ]
    assert segmentation.query_terms("毕业生 社保补贴") == [
        "毕业",
        "毕业生",
        "社保",
        "补贴",
        "社保补贴",
    ]
    title = set(segmentation.terms(GRADUATES))
    assert {"高校", "毕业生", "社保", "补贴", "社保补贴"} <= title


def test_county_terms_stay_whole_and_question_words_are_left_out():
    assert segmentation.query_terms("残保金怎么减免") == ["残保金", "减免"]
    assert "水电气" in segmentation.query_terms("水电气报装要多久")
    assert segmentation.query_terms("请问一下有没有什么?") == []
    assert segmentation.query_terms("ＩＳＯ认证") == ["iso", "认证"]  # full width, any case


def test_the_committed_dictionary_is_what_the_generator_builds():
    from infra import segmentation_dict

    committed = segmentation.DICTIONARY.read_text(encoding="utf-8")
    assert committed == segmentation_dict.build(), "run: python -m infra.segmentation_dict"
    assert len(committed.splitlines()) >= segmentation_dict.KEEP


# --- ranking --------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["毕业生 社保补贴", "招高校毕业生有什么补贴"])
def test_the_two_example_questions_find_the_graduates_article_first(base, q):
    assert found(base, q)[0] == GRADUATES


def test_an_article_about_the_words_asked_ranks_before_one_that_is_not(base):
    # both mention 补贴; only one is about 人才 and 公寓
    assert found(base, "人才公寓 补贴")[0] == "人才公寓申请条件"
    assert found(base, "补贴")[0] == GRADUATES  # in its title, keywords and answer
    assert found(base, "稳岗返还")[0] == "失业保险稳岗返还"


def test_expired_articles_are_marked_and_come_after_every_valid_one(base):
    hits = base.search("扩岗补助 青年", today=TODAY)
    titles = [h.article.title for h in hits]
    assert titles == ["2027 年一次性扩岗补助", "2026 年上半年一次性扩岗补助"]
    assert [h.article.expired for h in hits] == [False, True]
    # the expired one is the better match: its score says so, its place does not
    assert hits[1].score > hits[0].score
    # before its last day passed it was a valid article like any other
    early = base.search("扩岗补助 青年", today=date(2026, 6, 30))
    assert early[0].article.title == "2026 年上半年一次性扩岗补助" and not early[0].article.expired


def test_drafts_are_searched_only_when_asked_for(base):
    assert found(base, "光伏屋顶") == []
    assert found(base, "光伏屋顶", statuses=("draft",)) == ["光伏屋顶备案(草稿)"]


def test_without_words_the_last_changed_first_the_expired_last(base):
    titles = found(base, None)
    assert titles[0] == "2027 年一次性扩岗补助" and titles[-1] == "2026 年上半年一次性扩岗补助"
    assert found(base, None, category="labor") == ["失业保险稳岗返还", GRADUATES]


def test_nothing_to_match_finds_nothing(base):
    assert found(base, "有什么?") == []
    assert found(base, "量子纠缠") == []


def test_a_word_no_article_contains_is_tried_in_two_character_pieces():
    base = KnowledgeIndex.build(
        [(article(1, "水电气报装联办", question="新厂房要接水、接电,要跑几个单位?"), None)]
    )
    assert found(base, "接水接电怎么弄") == ["水电气报装联办"]


def test_stored_terms_of_another_segmentation_are_computed_again():
    a = article(1, GRADUATES)
    stale = {"v": segmentation.TERMS_VERSION - 1, "title": "nothing"}
    assert entry(a, stale).counts["title"]["毕业生"] == 1
    assert entry(a, terms_of(a)).counts["title"]["毕业生"] == 1


# --- drafts from replies ----------------------------------------------------------------------


def test_a_draft_from_a_reply_leaves_out_whom_it_was_about():
    fields = draft_from_reply(
        title="恒润机械招用应届生的补贴",
        content="如东恒润机械制造有限公司(91320623MA1MXXXX0D)联系人张伟 13812345678 问补贴。",
        reply="请恒润机械按季度申报。",
        category="labor",
        names=["如东恒润机械制造有限公司", None],
        people=["张伟"],
    )
    assert fields["question"] == "某企业([统一社会信用代码])联系人某某 138****5678 问补贴。"
    assert fields["answer"] == "请恒润机械按季度申报。"  # a short name is for the centre to see
    assert anonymise("x" * 3000, []) == "x" * 3000
    long = draft_from_reply(title="t", content="问" * 3000, reply="答", category="policy", names=[])
    assert len(long["question"]) == 2000
