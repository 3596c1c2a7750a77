"""The enterprise's own steps (issue 18, part 4): a supplement adds words and files to an
appeal not closed; a withdrawal before a reply closes it as ``withdrawn`` — its open parts
closed, off every deadline the sweep watches, told to the owner and the departments — and it
counts in no rate. Pure: the domain only."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from chalicelib.domain import notifications, public, reports, webhooks
from chalicelib.domain.appeal import enterprise_steps, sweep, transitions
from chalicelib.domain.appeals import present_timeline
from chalicelib.domain.calendar import WorkCalendar
from chalicelib.domain.codes import ClosedAs, PartStatus, Status
from chalicelib.domain.reports import Period
from chalicelib.domain.uploads import PDF, Attachment
from chalicelib.errors import InvalidTransition, ValidationFailed
from tests.unit.test_lifecycle import (
    ADMIN,
    DEPT_A,
    DIRECTORY,
    ENTERPRISE,
    OWNER,
    RULES,
    command,
    file_appeal,
    joint_processing,
    processing,
    replied,
    run,
    step,
)


def pdf(n: int) -> Attachment:
    return Attachment(
        id=f"U{n:016x}",
        filename=f"补充材料{n}.pdf",
        content_type=PDF,
        size=1000 + n,
        uploaded_at="2026-09-24T09:00:00+08:00",
    )


def supplement(appeal, files=(), at=None, content="补充:用地红线图。"):
    when = at or datetime.fromisoformat(appeal.updated_at).replace(minute=30)
    body = command(appeal, "supplement", content=content, attachments=[f.id for f in files])
    return transitions.decide(appeal, body, ENTERPRISE, when, DIRECTORY, RULES, tuple(files))


def test_a_supplement_adds_words_and_files_and_tells_the_owner_and_open_parts():
    appeal = joint_processing()
    decision = supplement(appeal, [pdf(1), pdf(2)])
    after, event = decision.appeal, decision.event
    assert after.status == Status.PROCESSING and after.supplements == 1
    assert [f.id for f in after.supplement_attachments] == [pdf(1).id, pdf(2).id]
    assert after.attachment(pdf(2).id) == pdf(2) and after.attachments == []
    assert event.type == "supplement" and event.content == "补充:用地红线图。"
    assert [f.filename for f in event.attachments or []] == ["补充材料1.pdf", "补充材料2.pdf"]
    assert event.actor == ENTERPRISE.actor()
    # the deadline runs on (a pause, if any, is the lead's to wire in)
    assert after.reply_due_at == appeal.reply_due_at
    assert notifications.audiences(after, event) == ["commissioner:c-owner", f"department:{DEPT_A}"]
    # the enterprise sees its own words; the public lookup lists the step, never its words
    assert present_timeline([event], ENTERPRISE)[0].content == "补充:用地红线图。"
    assert public.PUBLIC_STEPS[event.type] is True
    assert set(public.ProgressStep.model_fields) == {"type", "at"}
    assert webhooks.HANDED_BACK[event.type] is False


def test_a_supplement_without_files_and_after_a_reply():
    decision = supplement(replied())
    assert decision.appeal.status == Status.REPLIED and decision.event.attachments is None
    assert decision.appeal.auto_close_at is not None  # the reply's clock runs on


def test_supplements_take_at_most_thirty_files_in_all():
    appeal = processing()
    for batch in range(3):
        appeal = supplement(appeal, [pdf(batch * 10 + i) for i in range(10)]).appeal
    assert len(appeal.supplement_attachments) == enterprise_steps.MAX_SUPPLEMENT_ATTACHMENTS
    with pytest.raises(ValidationFailed) as info:
        supplement(appeal, [pdf(99)])
    assert [(e.field, e.code) for e in info.value.errors] == [
        ("attachments", "too_many_attachments")
    ]
    assert supplement(appeal).appeal.supplements == 4  # words alone still go


def test_a_withdrawal_closes_the_appeal_and_its_open_parts_and_takes_it_off_the_sweep():
    appeal = joint_processing()
    assert sweep.watch(appeal) is not None
    decision = run(appeal, ENTERPRISE, "withdraw", reason="已自行解决")
    after, event = decision.appeal, decision.event
    assert (after.status, after.closed_as) == (Status.CLOSED, ClosedAs.WITHDRAWN)
    assert after.closed_at == event.at and after.auto_close_at is None
    assert [p.status for p in after.departments] == [PartStatus.CLOSED]
    assert event.closed_as == ClosedAs.WITHDRAWN and event.reason == "已自行解决"
    assert [d.id for d in event.departments or []] == [DEPT_A]
    assert notifications.audiences(after, event) == ["commissioner:c-owner", f"department:{DEPT_A}"]
    assert webhooks.HANDED_BACK[event.type] is True
    # nothing left for the sweep: no reply warning, overdue mark, sign-for or part check
    assert sweep.watch(after) is None
    late = datetime(2026, 12, 1, 9, tzinfo=BEIJING)
    for finding in ("warn", "overdue", "sign_overdue", f"part_warn:{DEPT_A}"):
        assert sweep.act_on(after, finding, after.reply_due_at, late) is None
    assert sweep.due_now(after, late) is None


def test_a_withdrawn_appeal_under_supervision_is_not_chased_past_its_deadline():
    supervised = step(processing(), ADMIN, "supervise", due_working_days=5)
    assert sweep.watch(supervised) is not None
    withdrawn = step(supervised, ENTERPRISE, "withdraw", reason="企业已搬迁")
    assert sweep.watch(withdrawn) is None
    sup = withdrawn.supervision
    assert sup is not None
    late = datetime(2026, 12, 1, 9, tzinfo=BEIJING)
    assert sweep.act_on(withdrawn, "supervision_overdue", sup.due_at, late) is None


def test_a_withdrawal_after_a_reply_or_on_a_closed_appeal_is_refused():
    with pytest.raises(InvalidTransition) as info:
        run(replied(), ENTERPRISE, "withdraw", reason="不需要了")
    assert info.value.code == "invalid_transition"
    closed = step(processing(), ENTERPRISE, "withdraw", reason="不需要了")
    for kind, body in (("withdraw", {"reason": "再撤"}), ("supplement", {"content": "再补"})):
        with pytest.raises(InvalidTransition):
            run(closed, ENTERPRISE, kind, **body)


def _month(events_by_appeal, appeals, month):
    period = Period.of_month(month)
    return reports.compute(
        period,
        [(a_id, e) for a_id, evs in events_by_appeal.items() for e in evs],
        appeals,
        {},
        as_of=period.ends(),
        built_at=period.ends(),
        min_ranked=1,
        cal=WorkCalendar(),
    )


def test_a_months_figures_with_supplements_and_withdrawals_by_hand():
    """October 2026, three appeals of 恒润 (hotline, owner c-owner), filed 9 Oct (due 15 Oct:
    the 10th, a Saturday, is a working day made up for National Day):

    - A: accepted 10 Oct, two supplements 12 Oct, replied
      13 Oct — on time;
    - B: accepted 10 Oct, a supplement 12 Oct, withdrawn 14 Oct — counted in no rate and not
      received: its acceptance (签收) is not counted either; its supplement and withdrawal are;
    - C: never accepted; marked overdue by the sweep 17 Oct (missed), withdrawn 20 Oct —
      the missed deadline is not counted.

    Totals: received 1 (A); replied 1, on time 1, due 1, missed 0, 按时答复率 1.0; 签收 due 1
    (A's), in time 1; supplements 3 (A 2, B 1); withdrawn 2 (B, C).
    """

    def at(day, hour=10):
        return datetime(2026, 10, day, hour, tzinfo=BEIJING)

    timelines = {}
    for name in ("A", "B", "C"):
        filed = file_appeal(at=at(9, 9)).model_copy(update={"id": f"XQT-20261009-000{name}"})
        timelines[name] = [filed]
    a = run(timelines["A"][0], OWNER, "accept", at(10))
    a1 = supplement(a.appeal, [pdf(1)], at=at(12, 9))
    a2 = supplement(a1.appeal, at=at(12, 11))
    a3 = run(a2.appeal, OWNER, "reply", at(13), content="已协调")
    b = run(timelines["B"][0], OWNER, "accept", at(10))
    b1 = supplement(b.appeal, at=at(12))
    b2 = run(b1.appeal, ENTERPRISE, "withdraw", at(14), reason="已自行解决")
    c_marked = sweep.act_on(timelines["C"][0], "overdue", timelines["C"][0].reply_due_at, at(17))
    assert c_marked is not None and c_marked.event.reason == "overdue"
    c2 = run(c_marked.appeal, ENTERPRISE, "withdraw", at(20), reason="不再需要")
    events = {
        "A": [a.event, a1.event, a2.event, a3.event],
        "B": [b.event, b1.event, b2.event],
        "C": [c_marked.event, c2.event],
    }
    appeals = {"A": a3.appeal, "B": b2.appeal, "C": c2.appeal}
    for name, appeal in appeals.items():
        events[name].insert(0, filed_event(appeal))
    figures = _month(
        {appeals[n].id: evs for n, evs in events.items()},
        {x.id: x for x in appeals.values()},
        "2026-10",
    )
    t = figures.totals
    assert (t.received, t.replied, t.on_time, t.due, t.missed) == (1, 1, 1, 1, 0)
    assert t.on_time_rate == 1.0 and t.open_overdue == 0
    assert (t.sign_due, t.signed_in_time) == (1, 1)
    assert (t.supplements, t.withdrawn) == (3, 2)
    assert t.escalated_1 == 0  # C's rise to the centre for being overdue: not counted either
    assert figures.notice == []  # C's missed deadline names nobody: withdrawn


def filed_event(appeal):
    """The ``filed`` event of an appeal made by ``file_appeal`` (version 1, at creation)."""
    from chalicelib.domain.appeals import TimelineEvent

    return TimelineEvent(
        type="filed", at=appeal.created_at, actor=None, version=1, status=Status.RECEIVED
    )
