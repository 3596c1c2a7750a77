"""Finding the caller in memory (domain/search.py): pinyin, matching, ranking, the overlay of
writes since the snapshot, and the snapshot file — no AWS."""

from __future__ import annotations

import random

import pytest

from chalicelib.domain import search
from chalicelib.domain.search import EXACT, INITIALS, PART, PINYIN, START, Index, Row, row_of
from infra.local.seed import credit_code, enterprise_records

HENGRUN = "如东恒润机械制造有限公司"


def rows() -> list[Row]:
    return [row_of(r) for r in enterprise_records()]


def found(index: Index, q: str, overlay: list[Row] | None = None, want: int = 10) -> list:
    return [(h.tier, h.name) for h in search.search(index, overlay or [], q, want)]


def test_pinyin_gives_full_pinyin_and_initials_without_tones():
    assert search.pinyin(HENGRUN) == (
        "rudonghengrunjixiezhizaoyouxiangongsi",
        "rdhrjxzzyxgs",
    )
    # heteronyms read in context, letters and digits kept, punctuation dropped
    assert search.pinyin("如东长沙湾水产") == ("rudongchangshawanshuichan", "rdcswsc")
    assert search.pinyin("3M（中国）有限公司") == ("3mzhongguoyouxiangongsi", "3mzgyxgs")


def test_normalize_folds_width_and_case():
    assert search.normalize(" ＡＢＣ（南通） ") == "abc(南通)"
    assert search.normalize("恒润\n机械") == "恒润机械"


def test_short_names_are_split_on_the_chinese_and_latin_separators():
    assert search.split_short_names("恒润、恒润机械, 恒润，恒润公司;") == [
        "恒润",
        "恒润机械",
        "恒润公司",
    ]
    assert search.split_short_names("  ") == []


def test_the_hengrun_story_finds_it_by_short_name_initials_full_pinyin_and_code_fragment():
    index = Index(rows())
    uscc = credit_code(HENGRUN)
    for q, tier in (
        ("恒润机械", EXACT),  # its short name
        ("恒润机械制造", PART),  # a part of the registered name
        ("hrjx", INITIALS),
        ("HRJX", INITIALS),
        ("hengrunjixie", PINYIN),
        ("hengrun", PINYIN),
        (uscc[6:12], PART),  # four or more characters of the credit code
        (uscc.lower(), EXACT),
    ):
        hits = search.search(index, [], q, 5)
        assert hits and hits[0].uscc == uscc and hits[0].tier == tier, q


def test_ranking_is_exact_then_start_then_part_then_pinyin():
    made = [
        Row(
            credit_code("a"),
            "如东恒润机械制造有限公司",
            ("恒润",),
            *_py("如东恒润机械制造有限公司", "恒润"),
        ),
        Row(credit_code("b"), "恒润", (), *_py("恒润")),
        Row(credit_code("c"), "恒润纺织有限公司", (), *_py("恒润纺织有限公司")),
        Row(credit_code("d"), "南通东恒润贸易有限公司", (), *_py("南通东恒润贸易有限公司")),
    ]
    index = Index(made)
    assert found(index, "恒润") == [
        (EXACT, "如东恒润机械制造有限公司"),  # its short name is exactly it
        (EXACT, "恒润"),
        (START, "恒润纺织有限公司"),
        (PART, "南通东恒润贸易有限公司"),
    ]
    # a pinyin match comes after every match of the characters
    assert [t for t, _ in found(index, "hr")] == [INITIALS] * 4


def _py(*texts: str) -> tuple[None, None, tuple[str, ...], tuple[str, ...]]:
    keys = [search.pinyin(t) for t in texts]
    return None, None, tuple(k[0] for k in keys), tuple(k[1] for k in keys)


def test_a_code_fragment_needs_four_characters():
    index = Index(rows())
    uscc = credit_code(HENGRUN)
    assert all(h.tier != PART for h in search.search(index, [], uscc[9:12], 50))
    assert any(h.uscc == uscc and h.tier == PART for h in search.search(index, [], uscc[9:13], 50))


def test_nothing_matches_an_unknown_name_or_an_empty_query():
    index = Index(rows())
    assert search.search(index, [], "不存在的企业", 10) == []
    assert search.search(index, [], " \n ", 10) == []


def test_the_overlay_replaces_snapshot_rows_and_adds_new_ones():
    old = rows()
    index = Index(old)
    hengrun = next(r for r in old if r.name == HENGRUN)
    renamed = row_of({"uscc": hengrun.uscc, "name": "如东恒达重工有限公司", "short_names": []})
    added = row_of({"uscc": credit_code("new"), "name": "如东新来的机械有限公司"})
    overlay = [renamed, added]
    assert found(index, "恒润机械", overlay) == []  # the snapshot's old name no longer counts
    assert found(index, "恒达重工", overlay) == [(PART, "如东恒达重工有限公司")]
    assert (PART, "如东新来的机械有限公司") in found(index, "机械", overlay)
    # the latest of two writes of one enterprise counts
    again = row_of({"uscc": hengrun.uscc, "name": HENGRUN, "short_names": ["恒润机械"]})
    assert found(index, "恒润机械", [renamed, again]) == [(EXACT, HENGRUN)]


def test_want_caps_the_answer_and_pages_stay_in_order():
    index = Index(rows())
    every = search.search(index, [], "如东", 100)
    assert len(every) > 20 and every == sorted(every)
    assert search.search(index, [], "如东", 5) == every[:5]


def test_the_index_finds_what_row_by_row_matching_finds():
    """Property: for random fragments of names, codes and pinyin, the index's answer is
    exactly the rows ``tier_of`` matches, in (tier, name, code) order."""
    made = rows()
    index = Index(made)
    rnd = random.Random(17)
    queries = []
    for r in made:
        for text in (r.name, r.uscc, r.full[0], r.initials[0], *r.short_names):
            for _ in range(3):
                a = rnd.randrange(len(text))
                queries.append(text[a : a + rnd.randint(1, 6)])
    for q in queries:
        key = search.query_key(q)
        brute = sorted(
            search.Hit(t, search.normalize(r.name), r.uscc)
            for r in made
            if (t := search.tier_of(r, key)) is not None
        )
        assert index.search(key, 1000) == brute, q


def test_the_snapshot_file_round_trips_and_folds_later_writes():
    made = rows()
    blob = search.dump_snapshot(made, "00000000000000000042", "2026-11-27T10:00:00+08:00")
    stamp, back = search.load_snapshot(blob)
    assert stamp == "00000000000000000042"
    assert sorted(back, key=lambda r: r.uscc) == sorted(made, key=lambda r: r.uscc)
    renamed = row_of({"uscc": made[0].uscc, "name": "改名后的公司"})
    folded = search.fold(back, [renamed])
    assert len(folded) == len(made) and renamed in folded


def test_row_of_reuses_the_previous_pinyin_when_the_names_did_not_change():
    first = row_of({"uscc": credit_code("x"), "name": HENGRUN, "short_names": ["恒润"]})
    fake = Row(first.uscc, first.name, first.short_names, full=("reused",), initials=("r",))
    again = row_of(
        {"uscc": first.uscc, "name": HENGRUN, "short_names": ["恒润"], "town": "t"}, fake
    )
    assert again.full == ("reused",) and again.town == "t"
    renamed = row_of({"uscc": first.uscc, "name": "恒达"}, fake)
    assert renamed.full == ("hengda",)


def test_credit_codes_of_another_length_are_refused_by_the_index():
    with pytest.raises(ValueError):
        Index([Row("SHORT", "甲")])
