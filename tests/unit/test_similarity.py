"""Similar appeals: the text measure on Chinese and the ranking (domain/appeal/similarity)."""

from __future__ import annotations

from chalicelib.domain.appeal.similarity import Probe, normalised, rank, text_similarity
from chalicelib.domain.codes import Category, Status
from tests.unit.test_lifecycle import file_appeal


def appeal(content: str, *, status: Status = Status.RECEIVED, uscc: str | None = "U1", **over):
    a = file_appeal()
    a.content, a.title, a.status = content, "诉求", status
    a.enterprise.uscc = uscc
    for k, v in over.items():
        setattr(a, k, v)
    return a


def test_punctuation_spaces_and_width_say_nothing():
    assert normalised("道路 破损,货车!ＡＢ") == "道路破损货车ab"
    assert text_similarity("门口道路破损。", "门口 道路 破损") == 1.0
    assert text_similarity("", "道路") == 0.0


def test_the_same_problem_in_other_words_is_closer_than_another_problem():
    road = "厂区门口道路破损严重,货车进出困难"
    assert text_similarity(road, "门口道路破损,货车进不来") > 0.55
    assert text_similarity(road, "需要招聘焊工十名") < 0.2


def test_ranking_puts_ties_and_text_together_and_leaves_out_the_closed_and_itself():
    probe = Probe(title="道路", content="门口道路破损,货车进出困难", category=Category.PROJECT,
                  uscc="U1", appeal_id="XQT-1")  # fmt: skip
    same = appeal("门口道路破损严重", id="XQT-2", category=Category.PROJECT)
    stranger_alike = appeal("门口道路破损,货车进出困难", id="XQT-3", uscc="U2")
    stranger_other = appeal("需要招聘焊工十名", id="XQT-4", uscc="U2")
    own_other = appeal("需要招聘焊工十名", id="XQT-5")
    closed = appeal("门口道路破损,货车进出困难", id="XQT-6", status=Status.CLOSED)
    itself = appeal("门口道路破损,货车进出困难", id="XQT-1")
    got = rank(probe, [same, stranger_alike, stranger_other, own_other, closed, itself, same])
    ids = [m.appeal.id for m in got]
    assert ids[:2] == ["XQT-2", "XQT-3"] or ids[:2] == ["XQT-3", "XQT-2"]
    assert "XQT-4" not in ids  # a stranger about something else: nothing in common
    assert ids[-1] == "XQT-5"  # the caller's own, about something else: offered last
    assert "XQT-6" not in ids and "XQT-1" not in ids and len(ids) == len(set(ids))
    assert all(0 <= m.score <= 1 for m in got)
    assert dict(got[ids.index("XQT-2")].reasons).keys() >= {"same_enterprise", "same_category"}
