"""Pause and resume (挂起/恢复, issue 18 part 3): the clock stopped and the deadline moved
later by the working days paused, the 10-working-day limit ended by the sweep, the
refusals, and what the enterprise reads. Pure, no AWS.

2026 (official): 09-20 (Sun) a make-up working day, 09-25 (Fri) Mid-Autumn, 10-01..10-07
National Day, 10-10 (Sat) a make-up working day.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain import appeals
from chalicelib.domain.appeal import pause, sweep
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import Appeal
from chalicelib.domain.codes import Status
from chalicelib.domain.rules import Rules
from chalicelib.errors import InvalidTransition
from tests.unit.test_lifecycle import (
    ADMIN,
    DEPT_A,
    ENTERPRISE,
    OWNER,
    file_appeal,
    run,
    step,
)

RULES = Rules()


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


def end(day: str) -> str:
    return f"{day}T23:59:59+08:00"


def accepted(filed: str = "2026-09-16") -> Appeal:
    """Filed Wed 16 Sep 2026: five working days are 17, 18, 20 (a working Sunday), 21, 22."""
    return step(file_appeal(at=at(filed)), OWNER, "accept", at=at(filed, 11))


def paused_on(appeal: Appeal, day: str, reason: str = "third_party", hour: int = 10) -> Appeal:
    return step(appeal, OWNER, "pause", at=at(day, hour), reason=reason, note="等待评估报告")


def test_the_fixture_deadline_counts_the_working_sunday():
    assert accepted().reply_due_at == end("2026-09-22")


def test_resume_moves_the_deadline_by_the_working_days_paused():
    """Paused Fri 18 Sep, resumed Tue 29 Sep: the working days after the 18th up to and
    including the 29th are 20 (make-up Sunday), 21, 22, 23, 24, 28, 29 — Saturday 19, the
    Mid-Autumn Friday 25 and the weekend 26–27 are not. Seven, counted on from the deadline
    in force (22 Sep): 23, 24, 28, 29, 30, then National Day, then 8 and 9 Oct."""
    a = paused_on(accepted(), "2026-09-18")
    assert a.paused and a.pause is not None and a.pause.reason == "third_party"

    d = run(a, OWNER, "resume", at=at("2026-09-29", 15))

    b = d.appeal
    assert not b.paused and b.pause is None
    assert d.event.type == EventType.RESUME
    assert d.event.working_days == 7
    assert d.event.paused_days == [
        "2026-09-20",
        "2026-09-21",
        "2026-09-22",
        "2026-09-23",
        "2026-09-24",
        "2026-09-28",
        "2026-09-29",
    ]
    assert d.event.previous_reply_due_at == end("2026-09-22")
    assert b.reply_due_at == d.event.reply_due_at == end("2026-10-09")
    assert b.paused_working_days == 7
    assert b.deadline_explanation.endswith(
        "；挂起 7 个工作日（9月20日至9月29日），期限顺延至10月9日"
    )
    assert b.warn_at == "2026-10-09T00:00:00+08:00"  # the warning follows the new deadline
    assert [p.ended_by for p in b.pauses] == ["resume"]


def test_three_working_days_over_the_mid_autumn_holiday_and_a_weekend():
    """Paused Thu 24 Sep, resumed Wed 30 Sep: 25 (Mid-Autumn), 26, 27 not counted."""
    a = paused_on(accepted(), "2026-09-24")
    b = step(a, OWNER, "resume", at=at("2026-09-30", 9))
    assert b.pauses[0].days == ["2026-09-28", "2026-09-29", "2026-09-30"]
    # 22 Sep + 3 working days: 23, 24, 28
    assert b.reply_due_at == end("2026-09-28")
    assert "挂起 3 个工作日（9月28日至9月30日），期限顺延至9月28日" in b.deadline_explanation


def test_a_pause_resumed_the_same_day_or_over_days_off_moves_nothing():
    a = paused_on(accepted(), "2026-09-18", hour=9)
    same_day = step(a, OWNER, "resume", at=at("2026-09-18", 17))
    assert same_day.reply_due_at == end("2026-09-22")
    assert same_day.pauses[0].working_days == 0
    assert "挂起" not in same_day.deadline_explanation
    # Fri 2 Oct (National Day) to Wed 7 Oct: nothing but holidays
    b = paused_on(accepted("2026-09-29"), "2026-10-02")
    assert step(b, ADMIN, "resume", at=at("2026-10-07")).pauses[0].working_days == 0


def test_a_recount_keeps_the_pause():
    """The deadline counted again (urgency changed, a year loaded) keeps the pauses' shift."""
    b = step(paused_on(accepted(), "2026-09-24"), OWNER, "resume", at=at("2026-09-30", 9))
    assert appeals.current_deadline(b, RULES).due_at.isoformat() == end("2026-09-28")
    urgent = step(b, OWNER, "set_urgency", at=at("2026-09-30", 10), urgency="urgent", reason="急")
    # urgent: 1 working day from the 16th (17 Sep), then the 3 paused: 18, 20, 21
    assert urgent.reply_due_at == end("2026-09-21")
    assert "挂起 3 个工作日" in urgent.deadline_explanation


def test_parts_keep_their_deadlines():
    a = step(accepted(), OWNER, "transfer", at=at("2026-09-16", 12), departments=[DEPT_A])
    due = a.part(DEPT_A).due_at
    b = step(paused_on(a, "2026-09-17"), OWNER, "resume", at=at("2026-09-22"))
    assert b.part(DEPT_A).due_at == due
    assert b.reply_due_at > a.reply_due_at


# -- the sweep -------------------------------------------------------------------------------


def test_while_paused_the_sweep_watches_the_pause_s_end_not_the_deadline():
    a = paused_on(accepted(), "2026-09-18")
    # ten working days after the 18th: 20, 21, 22, 23, 24, 28, 29, 30, 8 Oct, 9 Oct
    assert a.pause.expires_at == end("2026-10-09")
    assert sweep.watch(a) == ("pause_expired", end("2026-10-09"))
    late = at("2026-09-24")  # the deadline (22 Sep) passed while paused
    assert not appeals.is_overdue(a, late)
    assert sweep.act_on(a, "warn", a.reply_due_at, late, RULES) is None
    assert sweep.act_on(a, "overdue", a.reply_due_at, late, RULES) is None
    assert sweep.due_now(a, late) is None


def test_the_sweep_ends_a_pause_at_the_limit_and_counts_no_more():
    a = paused_on(accepted(), "2026-09-18")
    expiry = a.pause.expires_at
    assert sweep.act_on(a, "pause_expired", expiry, at("2026-10-09", 23), RULES) is None
    # the sweep comes late (a Monday): still exactly the 10 days that were left
    d = sweep.act_on(a, "pause_expired", expiry, at("2026-10-12", 8), RULES)
    assert d is not None and d.event.type == EventType.PAUSE_EXPIRED and d.event.actor is None
    assert d.event.working_days == 10 and d.event.paused_days[-1] == "2026-10-09"
    b = d.appeal
    assert (b.paused, b.paused_working_days, b.pauses[0].ended_by) == (False, 10, "pause_expired")
    # 22 Sep + 10 working days: 23, 24, 28, 29, 30, 8, 9, 10 (make-up Sat), 12, 13
    assert b.reply_due_at == end("2026-10-13")
    assert sweep.watch(b) == ("warn", "2026-10-13T00:00:00+08:00")
    # acted on once: the same finding again does nothing
    assert sweep.act_on(b, "pause_expired", expiry, at("2026-10-12", 9), RULES) is None
    with pytest.raises(ValueError):
        sweep.act_on(a, "pause_expired", expiry, at("2026-10-12", 8))  # no rules: refused


def test_a_second_pause_may_use_only_what_is_left():
    b = step(paused_on(accepted(), "2026-09-17"), OWNER, "resume", at=at("2026-09-22"))
    assert b.pauses[0].days == ["2026-09-18", "2026-09-20", "2026-09-21", "2026-09-22"]
    assert b.paused_working_days == 4
    again = paused_on(b, "2026-09-23")
    # six left: 24, 28, 29, 30, 8 Oct, 9 Oct
    assert again.pause.expires_at == end("2026-10-09")
    d = sweep.act_on(again, "pause_expired", end("2026-10-09"), at("2026-10-10", 0), RULES)
    assert d is not None and d.appeal.paused_working_days == 10
    with pytest.raises(InvalidTransition) as info:
        run(d.appeal, OWNER, "pause", at=at("2026-10-12"), reason="other", note="再等等")
    assert (info.value.status, info.value.code) == (409, "pause_limit")


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, event, body, code",
    [
        (lambda: paused_on(accepted(), "2026-09-17"), "pause", {"reason": "other", "note": "x"},
         "already_paused"),
        (accepted, "resume", {}, "not_paused"),
        (lambda: paused_on(accepted(), "2026-09-17"), "request_extension",
         {"working_days": 2, "reason": "需协调"}, "appeal_paused"),
    ],
    ids=["already_paused", "not_paused", "no_extension_while_paused"],
)  # fmt: skip
def test_refusals_are_409_with_their_own_code(build, event, body, code):
    with pytest.raises(InvalidTransition) as info:
        run(build(), OWNER, event, at=at("2026-09-18", 15), **body)
    assert (info.value.status, info.value.code, info.value.detail_code) == (409, code, code)


def test_the_owner_pauses_and_the_owner_or_the_centre_resumes():
    a = paused_on(accepted(), "2026-09-17")
    assert "resume" in [str(e) for e in sweep_actions(a, OWNER)]
    assert "resume" in [str(e) for e in sweep_actions(a, ADMIN)]
    assert "pause" not in [str(e) for e in sweep_actions(a, OWNER)]
    assert "request_extension" not in [str(e) for e in sweep_actions(a, OWNER)]


def sweep_actions(a: Appeal, user):
    from chalicelib.domain.appeal import transitions

    return transitions.allowed_events(a, user, at("2026-09-18"))


def test_a_reply_while_paused_ends_the_pause_first():
    a = paused_on(accepted(), "2026-09-18")
    d = run(a, OWNER, "reply", at=at("2026-09-24"), content="已答复")
    assert d.appeal.status == Status.REPLIED and not d.appeal.paused
    assert d.appeal.pauses[0].ended_by == "reply"
    # paused 20, 21, 22, 23, 24; 22 Sep + 5 working days: 23, 24, 28, 29, 30
    assert d.event.reply_due_at == end("2026-09-30") and d.event.at <= d.event.reply_due_at


# -- what the enterprise reads, and the supplement's hook ------------------------------------


def test_the_enterprise_reads_why_and_the_materials_asked_not_a_staff_note():
    asked = step(
        accepted(), OWNER, "pause", at=at("2026-09-17"), reason="awaiting_enterprise",
        note="请补充土地权属证明",
    )  # fmt: skip
    d_third = run(accepted(), OWNER, "pause", at=at("2026-09-17"), reason="third_party",
                  note="内部:等评估公司")  # fmt: skip
    # the appeal as the enterprise sees it
    shown = appeals.present(asked, ENTERPRISE, at("2026-09-18"), RULES)
    assert (shown.paused, shown.pause.reason, shown.pause.note) == (
        True,
        "awaiting_enterprise",
        "请补充土地权属证明",
    )
    hidden = appeals.present(d_third.appeal, ENTERPRISE, at("2026-09-18"), RULES)
    assert (hidden.pause.reason, hidden.pause.note) == ("third_party", None)
    assert appeals.present(d_third.appeal, OWNER, at("2026-09-18"), RULES).pause.note
    # the events: materials as content (shown), a staff note as note (never shown)
    (third_event,) = appeals.present_timeline([d_third.event], ENTERPRISE)
    assert (third_event.reason, third_event.note, third_event.content) == (
        "third_party",
        None,
        None,
    )
    asked_event = run(
        accepted(), OWNER, "pause", at=at("2026-09-17"), reason="awaiting_enterprise",
        note="请补充土地权属证明",
    ).event  # fmt: skip
    (shown_event,) = appeals.present_timeline([asked_event], ENTERPRISE)
    assert shown_event.content == "请补充土地权属证明"


def test_end_pause_is_what_a_supplement_calls_on_an_awaiting_enterprise_pause():
    a = step(
        accepted(), OWNER, "pause", at=at("2026-09-17"), reason="awaiting_enterprise",
        note="请补充材料",
    )  # fmt: skip
    assert pause.ended_by_supplement(a)
    assert not pause.ended_by_supplement(paused_on(accepted(), "2026-09-17"))
    b = a.model_copy(deep=True)
    fields = pause.end_pause(b, at("2026-09-22"), RULES, "supplement")
    assert fields["working_days"] == 4 and not b.paused
    assert b.pauses[0].ended_by == "supplement"
    with pytest.raises(ValueError):
        pause.end_pause(b, at("2026-09-23"), RULES, "supplement")


def test_older_items_without_the_pause_fields_read_as_not_paused():
    raw = accepted().model_dump()
    for name in ("paused", "pause", "paused_working_days", "pauses"):
        raw.pop(name)
    old = Appeal.model_validate(raw)
    assert (old.paused, old.pause, old.paused_working_days, old.pauses) == (False, None, 0, [])
    assert sweep.watch(old) is not None


def test_a_registered_enterprise_asked_for_materials_is_texted_to_sign_in():
    from chalicelib.domain import outbox

    asked = run(
        accepted(), OWNER, "pause", at=at("2026-09-17"), reason="awaiting_enterprise",
        note="请补充土地权属证明",
    )  # fmt: skip
    (text,) = outbox.messages(asked.appeal, asked.event)
    assert (text.channel, text.kind, text.params) == (
        "sms",
        "pause_materials",
        {"id": asked.appeal.id},
    )
    assert text.to == asked.appeal.enterprise.caller_phone or text.to == asked.appeal.contact_phone
    assert "请补充土地权属证明" not in text.text  # the materials are read signed in
    other = run(accepted(), OWNER, "pause", at=at("2026-09-17"), reason="other", note="内部")
    assert outbox.messages(other.appeal, other.event) == []
    caller = file_appeal(at=at("2026-09-16"), uscc=None)
    caller = step(caller, OWNER, "accept", at=at("2026-09-16", 11))
    unregistered = run(
        caller, OWNER, "pause", at=at("2026-09-17"), reason="awaiting_enterprise", note="请补充"
    )
    assert outbox.messages(unregistered.appeal, unregistered.event) == []  # called instead
