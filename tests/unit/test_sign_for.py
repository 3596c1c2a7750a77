"""Sign-for (签收) and department parts watched (issue 18, parts 1 and 2): the deadlines on
the 2026 official calendar, the sweep's one watch point per appeal, the marks made once per
deadline, and every refusal. Pure, no AWS.

2026: 09-25 (Fri) Mid-Autumn, 10-01..10-07 National Day, 10-10 (Sat) a make-up working day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.clock import BEIJING, iso
from chalicelib.domain import appeals, notifications
from chalicelib.domain.appeal import sweep
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.codes import PartStatus, Status
from chalicelib.domain.rules import Rules, ServiceLevels
from chalicelib.errors import Forbidden, InvalidTransition
from tests.unit.test_lifecycle import (
    ADMIN,
    DEPT_A,
    DEPT_B,
    DEPT_USER,
    OTHER_COMMISSIONER,
    OTHER_DEPT_USER,
    OWNER,
    file_appeal,
    run,
    step,
)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


# -- the deadline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filed, due",
    [
        ("2026-09-23", "2026-09-24"),  # Wed → Thu
        ("2026-09-24", "2026-09-28"),  # Thu → over Mid-Autumn (Fri) and the weekend → Mon
        ("2026-09-30", "2026-10-08"),  # over National Day
        ("2026-10-09", "2026-10-10"),  # Fri → the make-up Saturday
        ("2026-10-10", "2026-10-12"),  # filed on the make-up Saturday → Mon
    ],
)
def test_the_sign_for_deadline_ends_the_next_working_day(filed, due):
    appeal = file_appeal(at=at(filed))
    assert appeal.accept_due_at == f"{due}T23:59:59+08:00"
    assert appeals.sign_deadline(at(filed), Rules()) == appeal.accept_due_at


def test_the_service_level_sets_how_many_working_days():
    rules = Rules(levels=ServiceLevels(accept_working_days=2))
    assert appeals.sign_deadline(at("2026-09-24"), rules) == "2026-09-29T23:59:59+08:00"


def test_an_appeal_in_triage_has_no_sign_for_deadline():
    appeal = file_appeal(owner=None)
    assert appeal.accept_due_at is None
    assert sweep.watch(appeal) == ("warn", appeal.warn_at)


def test_accept_in_time_signs_and_settles_in_time():
    decision = run(file_appeal(at=at("2026-09-24")), OWNER, "accept", at=at("2026-09-28", 23))
    assert decision.appeal.signed_at == iso(at("2026-09-28", 23))
    assert decision.event.accept_due_at == "2026-09-28T23:59:59+08:00"
    assert decision.event.in_time is True


def test_accept_after_the_deadline_settles_late():
    decision = run(file_appeal(at=at("2026-09-23")), OWNER, "accept", at=at("2026-09-25"))
    assert decision.event.in_time is False


# -- reassign: the new owner signs, even while processing ---------------------------------------


def test_reassign_gives_the_new_owner_a_deadline_and_accept_while_processing():
    processing = step(file_appeal(), OWNER, "accept", at=at("2026-09-23", 11))
    with pytest.raises(InvalidTransition) as refused:
        run(processing, OWNER, "accept", at=at("2026-09-23", 12))
    assert refused.value.detail_code == "already_signed"

    moved = step(processing, ADMIN, "reassign", at=at("2026-09-24"), commissioner_id="c-other")
    assert moved.status == Status.PROCESSING
    assert moved.accept_due_at == "2026-09-28T23:59:59+08:00"
    assert moved.signed_at is None
    assert sweep.watch(moved)[0] == "sign_overdue"

    signed = run(moved, OTHER_COMMISSIONER, "accept", at=at("2026-09-28"))
    assert signed.appeal.status == Status.PROCESSING
    assert signed.event.in_time is True
    with pytest.raises(InvalidTransition):
        run(signed.appeal, OTHER_COMMISSIONER, "accept", at=at("2026-09-28", 11))


def test_the_old_owner_may_not_sign_for_the_new_one():
    moved = step(file_appeal(), ADMIN, "reassign", commissioner_id="c-other")
    with pytest.raises(Forbidden):
        run(moved, OWNER, "accept")


def test_sent_back_to_triage_the_appeal_has_no_sign_for_deadline():
    back = step(file_appeal(), OWNER, "return", reason="不属本专员")
    assert (back.accept_due_at, back.signed_at) == (None, None)


# -- the sweep: sign_overdue, once ----------------------------------------------------------------


def test_sign_overdue_is_marked_once_and_the_centre_is_told():
    appeal = file_appeal(at=at("2026-09-23"))
    due = appeal.accept_due_at
    assert sweep.watch(appeal) == ("sign_overdue", due)  # before the reply warning
    assert sweep.act_on(appeal, "sign_overdue", due, at("2026-09-24", 23)) is None  # not yet

    late = at("2026-09-25", 1)
    decision = sweep.act_on(appeal, "sign_overdue", due, late)
    assert decision is not None
    assert decision.event.type == EventType.SIGN_OVERDUE
    assert decision.event.accept_due_at == due and decision.event.part is None
    assert notifications.audiences(decision.appeal, decision.event) == [notifications.ADMINS]
    assert sweep.act_on(decision.appeal, "sign_overdue", due, late + timedelta(hours=1)) is None
    # watched next for the reply deadline's warning
    assert sweep.watch(decision.appeal) == ("warn", appeal.warn_at)

    # signing after the mark settles nothing again
    signed = run(decision.appeal, OWNER, "accept", at=at("2026-09-28"))
    assert signed.event.in_time is None


def test_a_signed_appeal_is_not_marked():
    signed = step(file_appeal(at=at("2026-09-23")), OWNER, "accept", at=at("2026-09-23", 11))
    assert (
        sweep.act_on(signed, "sign_overdue", "2026-09-24T23:59:59+08:00", at("2026-09-29")) is None
    )


# -- department parts --------------------------------------------------------------------------


def _joint(day: str = "2026-09-23", *departments: str):
    appeal = step(file_appeal(at=at(day, 9)), OWNER, "accept", at=at(day, 9) + timedelta(minutes=5))
    return step(
        appeal, OWNER, "transfer", at=at(day, 10), departments=list(departments or [DEPT_A])
    )


def test_a_part_has_a_sign_for_deadline_and_a_warning_point():
    appeal = _joint("2026-09-24")
    part = appeal.part(DEPT_A)
    assert part.accept_due_at == "2026-09-28T23:59:59+08:00"
    assert part.due_at == "2026-09-30T23:59:59+08:00"  # 3 working days: 28, 29, 30
    assert part.warn_at == "2026-09-30T00:00:00+08:00"  # the start of its last working day


def test_accept_part_signs_once_then_409():
    appeal = _joint("2026-09-24")
    decision = run(appeal, DEPT_USER, "accept_part", at=at("2026-09-28", 9))
    part = decision.appeal.part(DEPT_A)
    assert part.signed_at == iso(at("2026-09-28", 9))
    assert decision.event.part == DEPT_A and decision.event.in_time is True
    with pytest.raises(InvalidTransition) as again:
        run(decision.appeal, DEPT_USER, "accept_part", at=at("2026-09-28", 10))
    assert again.value.detail_code == "already_signed"


def test_accept_part_by_a_department_without_an_open_part_is_forbidden():
    appeal = _joint("2026-09-24")
    with pytest.raises(Forbidden):  # never transferred to
        run(appeal, OTHER_DEPT_USER, "accept_part")
    answered = step(appeal, DEPT_USER, "department_reply", content="已办")
    with pytest.raises(Forbidden) as refused:  # its part is done
        run(answered, DEPT_USER, "accept_part")
    assert refused.value.detail_code == "no_open_part"


def test_a_department_reply_signs_too():
    appeal = _joint("2026-09-24")
    decision = run(appeal, DEPT_USER, "department_reply", at=at("2026-09-29"), content="已办")
    assert decision.appeal.part(DEPT_A).signed_at == iso(at("2026-09-29"))
    assert decision.event.in_time is False
    assert decision.event.accept_due_at == "2026-09-28T23:59:59+08:00"


def test_the_watch_point_is_the_earliest_of_sign_for_warning_and_deadline():
    appeal = _joint("2026-09-24", DEPT_A, DEPT_B)
    # the owner signed; parts: sign-for 09-28, warning 09-30 00:00, deadline 09-30
    assert sweep.watch(appeal) == (f"sign_overdue:{DEPT_A}", "2026-09-28T23:59:59+08:00")
    a = step(appeal, DEPT_USER, "accept_part", at=at("2026-09-28", 9))
    assert sweep.watch(a) == (f"sign_overdue:{DEPT_B}", "2026-09-28T23:59:59+08:00")
    a = step(a, OTHER_DEPT_USER, "accept_part", at=at("2026-09-28", 11))
    assert sweep.watch(a) == (f"part_warn:{DEPT_A}", "2026-09-30T00:00:00+08:00")


def test_a_part_not_signed_for_is_marked_once_with_its_part():
    appeal = _joint("2026-09-24", DEPT_A, DEPT_B)
    finding, when = sweep.watch(appeal)
    d = sweep.act_on(appeal, finding, when, at("2026-09-29", 1))
    assert d.event.type == EventType.SIGN_OVERDUE and d.event.part == DEPT_A
    assert d.appeal.part(DEPT_A).sign_overdue_for == when
    assert notifications.audiences(d.appeal, d.event) == [
        notifications.ADMINS,
        f"department:{DEPT_A}",
    ]
    assert sweep.act_on(d.appeal, finding, when, at("2026-09-29", 2)) is None
    # then the other department's, the same deadline
    assert sweep.watch(d.appeal) == (f"sign_overdue:{DEPT_B}", when)


def test_a_part_is_warned_then_marked_overdue_once_each_told_to_department_and_owner():
    a = step(_joint("2026-09-24"), DEPT_USER, "accept_part", at=at("2026-09-28", 9))
    finding, when = sweep.watch(a)
    assert finding == f"part_warn:{DEPT_A}"
    assert sweep.act_on(a, finding, when, at("2026-09-29", 23)) is None  # not yet
    warned = sweep.act_on(a, finding, when, at("2026-09-30", 0) + timedelta(minutes=3))
    assert warned.event.type == EventType.PART_WARNED and warned.event.part == DEPT_A
    assert notifications.audiences(warned.appeal, warned.event) == [
        f"department:{DEPT_A}",
        "commissioner:c-owner",
    ]
    assert sweep.act_on(warned.appeal, finding, when, at("2026-09-30", 1)) is None
    finding, when = sweep.watch(warned.appeal)
    assert (finding, when) == (f"part_overdue:{DEPT_A}", "2026-09-30T23:59:59+08:00")
    overdue = sweep.act_on(warned.appeal, finding, when, at("2026-10-08", 1))
    assert overdue.event.type == EventType.PART_OVERDUE
    assert sweep.act_on(overdue.appeal, finding, when, at("2026-10-08", 2)) is None
    assert sweep.watch(overdue.appeal)[0] == "warn"  # back to the appeal's own deadline


def test_a_part_warning_passed_unseen_becomes_the_overdue_mark():
    a = step(_joint("2026-09-24"), DEPT_USER, "accept_part", at=at("2026-09-28", 9))
    finding, when = sweep.watch(a)
    d = sweep.act_on(a, finding, when, at("2026-10-08"))
    assert d.event.type == EventType.PART_OVERDUE
    assert d.appeal.part(DEPT_A).warned_for == d.appeal.part(DEPT_A).due_at


def test_a_part_answered_is_no_longer_watched():
    a = step(_joint("2026-09-24"), DEPT_USER, "department_reply", content="已办")
    assert a.part(DEPT_A).status == PartStatus.REPLIED
    assert not any(":" in f for f, _ in [sweep.watch(a) or ("", "")])
    assert (
        sweep.act_on(a, f"part_overdue:{DEPT_A}", a.part(DEPT_A).due_at, at("2026-10-09")) is None
    )


def test_an_unknown_part_finding_is_refused():
    with pytest.raises(ValueError):
        sweep.act_on(file_appeal(), "part_nap:natural-resources", "x", at("2026-09-24"))


def test_a_closed_appeal_is_not_watched_for_its_parts():
    a = step(_joint("2026-09-24"), OWNER, "reply", content="答复", reason="部门仍在核实")
    a = step(a, ADMIN, "callback", resolved=True, satisfaction=5)
    assert a.status == Status.CLOSED
    assert sweep.watch(a) is None


def test_old_parts_without_a_warning_point_warn_at_the_start_of_their_day():
    a = _joint("2026-09-24")
    part = a.part(DEPT_A).model_copy(update={"warn_at": None})
    assert part.warn_point() == "2026-09-30T00:00:00+08:00"
    assert BEIJING  # the calendar's zone


def test_a_check_point_already_come_is_due_now_with_its_deadline():
    appeal = file_appeal(at=at("2026-09-23"))
    assert sweep.due_now(appeal, at("2026-09-24", 23)) is None
    assert sweep.due_now(appeal, at("2026-09-25")) == ("sign_overdue", appeal.accept_due_at)
    marked = sweep.act_on(appeal, "sign_overdue", appeal.accept_due_at, at("2026-10-08", 9))
    # its reply warning has come too: due now, about the reply deadline
    assert sweep.due_now(marked.appeal, at("2026-10-08", 9)) == ("warn", appeal.reply_due_at)
