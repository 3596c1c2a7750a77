"""Report periods and the figures' rules that the fixture month does not reach: a deadline
settled once, by a late reply when the sweep never marked it; events after the period's end;
ranking thresholds. Pure: the domain only, no storage."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.clock import BEIJING
from chalicelib.domain import reports
from chalicelib.domain.calendar import WorkCalendar
from chalicelib.domain.reports import Period
from tests.unit.test_lifecycle import OWNER, file_appeal, run, step


def test_a_month_and_its_neighbours():
    march = Period.of_month("2026-03")
    assert (march.start, march.end, march.key) == (date(2026, 3, 1), date(2026, 3, 31), "2026-03")
    assert Period.of_month("2026-02").end == date(2026, 2, 28)
    assert Period.of_month("2024-02").end == date(2024, 2, 29)
    assert (
        march.previous().key == "2026-02" and Period.of_month("2026-01").previous().key == "2025-12"
    )
    assert march.ends() == datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=BEIJING)
    assert march.contains("2026-03-31T23:59:59+08:00") and not march.contains(
        "2026-04-01T00:00:00+08:00"
    )
    assert march.contains("2026-03-31T15:59:59+00:00")  # 23:59:59 in Beijing


def test_days_and_their_previous_run():
    days = Period.of_days(date(2026, 3, 10), date(2026, 4, 2))
    assert days.month is None and days.key == "2026-03-10..2026-04-02"
    assert days.months() == ["2026-03", "2026-04"]
    before = days.previous()
    assert (before.start, before.end) == (date(2026, 2, 14), date(2026, 3, 9))
    assert Period.of_days(date(2026, 4, 1), date(2026, 4, 30)).month == "2026-04"


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 1)), st.integers(0, 400))
def test_a_period_touches_exactly_the_months_between_its_ends(start, length):
    period = Period.of_days(start, start + timedelta(days=length))
    months = period.months()
    assert months[0] == start.strftime("%Y-%m") and months[-1] == period.end.strftime("%Y-%m")
    assert months == sorted(set(months))
    assert period.previous().end == period.start - timedelta(days=1)


def _figures(events, appeal, period, as_of, min_ranked=1):
    return reports.compute(
        period,
        [(appeal.id, e) for e in events],
        {appeal.id: appeal},
        {},
        as_of=as_of,
        built_at=as_of,
        min_ranked=min_ranked,
        cal=WorkCalendar(),
    )


def test_a_late_reply_settles_a_deadline_the_sweep_never_marked_once():
    filed = file_appeal()  # 23 Sep 2026, due 8 Oct (National Day counted out)
    accepted = run(filed, OWNER, "accept", datetime(2026, 9, 24, 9, tzinfo=BEIJING))
    late = run(
        accepted.appeal, OWNER, "reply", datetime(2026, 10, 9, 10, tzinfo=BEIJING), content="已答复"
    )
    october = Period.of_month("2026-10")
    figures = _figures([accepted.event, late.event], late.appeal, october, october.ends())
    t = figures.totals
    assert (t.replied, t.on_time, t.missed, t.due, t.replied_late) == (1, 0, 1, 1, 1)
    assert t.open_overdue == 0 and t.on_time_rate == 0.0
    # September saw the acceptance only: nothing settled there
    september = _figures(
        [accepted.event],
        accepted.appeal,
        Period.of_month("2026-09"),
        Period.of_month("2026-09").ends(),
    )
    assert september.totals.due == 0 and september.totals.on_time_rate is None


def test_events_after_the_end_do_not_count_and_units_below_the_minimum_are_not_ranked():
    filed = file_appeal()
    accepted = step(filed, OWNER, "accept", datetime(2026, 9, 24, 9, tzinfo=BEIJING))
    replied = run(
        accepted, OWNER, "reply", datetime(2026, 9, 25, 9, tzinfo=BEIJING), content="已答复"
    )
    period = Period.of_month("2026-09")
    cut = datetime(2026, 9, 24, 12, tzinfo=BEIJING)  # the report of a running month, built then
    figures = _figures([replied.event], replied.appeal, period, cut)
    assert figures.totals.replied == 0
    whole = _figures([replied.event], replied.appeal, period, period.ends(), min_ranked=2)
    # 24 Sep is a working day, 25 Sep is the Mid-Autumn Festival: one working day taken
    assert whole.totals.on_time == 1 and whole.totals.avg_working_days == 1.0
    assert all(r.rank is None for r in whole.by["commissioner"])
    ranked = _figures([replied.event], replied.appeal, period, period.ends(), min_ranked=1)
    assert [r.rank for r in ranked.by["commissioner"]] == [1]
    assert reports.as_of(period, cut) == cut
    assert reports.as_of(period, datetime(2027, 1, 1, tzinfo=BEIJING)) == period.ends()


def test_pauses_counted_by_hand():
    """One appeal filed Wed 23 Sep 2026 (due 8 Oct), accepted 24 Sep 09:00.

    - paused 24 Sep 10:00 (third_party), resumed Wed 30 Sep: the working days after the 24th
      up to the 30th are 28, 29, 30 (25 Sep Mid-Autumn, 26–27 the weekend) → 3;
    - paused again Thu 8 Oct (awaiting_enterprise) with 7 of the 10 working days left: 9, 10
      (a make-up Saturday), 12, 13, 14, 15, 16 → the sweep ends it (``pause_expired``) after
      16 Oct 23:59:59, 7 working days.

    September: 1 appeal paused, 1 pause ended, 3 working days, mean 3.0, none expired.
    October: 1 appeal paused, 1 pause ended (the expired one), 7 days, mean 7.0, 1 expired.
    Both months as one period: the appeal counted once; 2 pauses ended, 10 days, mean 5.0.
    """
    from chalicelib.domain.appeal import sweep
    from chalicelib.domain.rules import Rules

    bj = lambda *a: datetime(*a, tzinfo=BEIJING)  # noqa: E731
    accepted = run(file_appeal(), OWNER, "accept", bj(2026, 9, 24, 9))
    first = run(
        accepted.appeal, OWNER, "pause", bj(2026, 9, 24, 10), reason="third_party", note="等评估"
    )
    resumed = run(first.appeal, OWNER, "resume", bj(2026, 9, 30, 10))
    second = run(
        resumed.appeal,
        OWNER,
        "pause",
        bj(2026, 10, 8, 10),
        reason="awaiting_enterprise",
        note="请补充材料",
    )
    assert second.appeal.pause.expires_at == "2026-10-16T23:59:59+08:00"
    expired = sweep.act_on(
        second.appeal, "pause_expired", "2026-10-16T23:59:59+08:00", bj(2026, 10, 17, 0), Rules()
    )
    assert expired is not None and expired.event.working_days == 7
    events = [accepted.event, first.event, resumed.event, second.event, expired.event]
    appeal = expired.appeal

    def pauses(period):
        of_period = [e for e in events if period.contains(e.at)]  # as the month index reads
        t = _figures(of_period, appeal, period, period.ends()).totals
        return (
            t.paused,
            t.pauses_ended,
            t.paused_working_days,
            t.avg_paused_working_days,
            t.pause_expired,
        )

    assert pauses(Period.of_month("2026-09")) == (1, 1, 3, 3.0, 0)
    assert pauses(Period.of_month("2026-10")) == (1, 1, 7, 7.0, 1)
    both = Period.of_days(date(2026, 9, 1), date(2026, 10, 31))
    assert pauses(both) == (1, 2, 10, 5.0, 1)
    assert pauses(Period.of_month("2026-08")) == (0, 0, 0, None, 0)


def test_common_problem_items_accepted_in_the_period_by_hand():
    """November 2026, by hand. The October meeting (its draft accepted on after October
    ended) and the November meeting are read; December's is not a month of the period.

    - CP-A, October's, accepted 2 Nov 09:00: in November. Appeals A1 A2 A3, 3 enterprises.
    - CP-B, October's, accepted 31 Oct 16:00: October's figure, not November's.
    - CP-C, November's, accepted 30 Nov 23:59:59 (Beijing): in. Appeals A3 A4 A5 A6, 4.
    - CP-D, November's, dropped after it was accepted: nothing.
    - CP-E, November's, only proposed: nothing.
    - CP-F, December's, accepted 1 Dec 09:30: after the period.

    Items: CP-A, CP-C (by acceptance). Appeals covered: A1…A6, A3 once: 6."""
    from chalicelib.domain.common_problems import EnterpriseRef, Proposal
    from chalicelib.domain.meetings import Meeting

    def proposal(group, appeals, status="accepted", at=None):
        return Proposal(
            id=group, title=f"议题{group}", category="project", appeal_ids=appeals, score=0.7,
            enterprises=[EnterpriseRef(key=a) for a in appeals], status=status, accepted_at=at,
        )  # fmt: skip

    october = Meeting(id="2026-10", month="2026-10", status="missed", proposals=[
        proposal("CP-A", ["A1", "A2", "A3"], at="2026-11-02T09:00:00+08:00"),
        proposal("CP-B", ["B1", "B2", "B3"], at="2026-10-31T16:00:00+08:00"),
    ])  # fmt: skip
    november = Meeting(id="2026-11", month="2026-11", status="held", proposals=[
        proposal("CP-C", ["A3", "A4", "A5", "A6"], at="2026-11-30T15:59:59+00:00"),
        proposal("CP-D", ["D1", "D2", "D3"], status="dropped", at="2026-11-05T10:00:00+08:00"),
        proposal("CP-E", ["E1", "E2", "E3"], status="proposed"),
    ])  # fmt: skip
    december = Meeting(id="2026-12", month="2026-12", status="draft", proposals=[
        proposal("CP-F", ["F1", "F2", "F3"], at="2026-12-01T09:30:00+08:00"),
    ])  # fmt: skip
    period = Period.of_month("2026-11")
    figures = reports.compute(
        period, [], {}, {}, as_of=period.ends(), built_at=period.ends(), min_ranked=1,
        cal=WorkCalendar(), meetings=[october, november, december],
    )  # fmt: skip
    m = figures.meetings
    assert [(c.group_id, c.month, len(c.appeal_ids), c.enterprises) for c in m.common_items] == [
        ("CP-A", "2026-10", 3, 3),
        ("CP-C", "2026-11", 4, 4),
    ]
    assert m.common_appeals == 6
    # the other meeting figures are as before: October's meeting is read, not counted
    assert m.held == ["2026-11"] and m.missed == []  # only the period's months
    # a report of the running month, built on 15 Nov, does not yet count CP-C
    mid = datetime(2026, 11, 15, 12, tzinfo=BEIJING)
    running = reports.compute(
        period, [], {}, {}, as_of=mid, built_at=mid, min_ranked=1, cal=WorkCalendar(),
        meetings=[october, november],
    )  # fmt: skip
    assert [c.group_id for c in running.meetings.common_items] == ["CP-A"]
    assert running.meetings.common_appeals == 3


def test_towns_as_units_and_the_filers_towns_by_hand():
    """November 2026, by hand. Units: 掘港街道 (``town-juegang``) and 长沙镇
    (``town-changsha``) are towns, 县自然资源局 a department. Enterprises: E1 and E2 in
    掘港街道, E3 in 长沙镇, E4 with no town recorded; A5 is a caller not registered.

    - A1 (E1, filed 2 Nov): a part for 掘港街道, signed for in time, its answer by its part's
      deadline; replied 6 Nov (due 9 Nov: on time); confirmed resolved, satisfaction 5.
    - A2 (E2, filed 3 Nov): parts for 掘港街道 and 县自然资源局. 掘港街道 misses its sign-for
      (``sign_overdue``) and its part's deadline (``part_overdue``), and is supervised;
      县自然资源局 answers in time (its first answer signs for it in time). The reply
      deadline (10 Nov) passes: marked overdue, never replied.
    - A3 (E3, filed 4 Nov): replied 5 Nov (due 11 Nov); confirmed not resolved, satisfaction 2.
    - A4 (E4, filed 5 Nov): replied 13 Nov, after its deadline of 12 Nov (not marked): missed.
    - A5 (unregistered, filed 6 Nov): nothing more.

    Towns as units — 掘港街道: parts 2, answered 1 (on time 1 → 100 %), sign-fors due 2, in
    time 1 (50 %), parts overdue 1, supervised 1. 县自然资源局 (a department): parts 1,
    answered 1, sign-for 1 of 1. 长沙镇 had nothing: not a row (as for departments).

    By the filer's town — 掘港街道: received 2, due 2 (A1 on time, A2 missed), on time 1 →
    50 %; 1 verdict, resolved → 100 %, satisfied → 100 %. 长沙镇: received 1, on time 1 of 1
    → 100 %; resolved 0 of 1 → 0 %, satisfied 0 of 1 → 0 %. 未填写区镇: received 1, on time
    0 of 1 → 0 %, no verdict (—). 未登记企业: received 1, nothing due (—)."""
    from chalicelib.domain.appeals import DepartmentRef, TimelineEvent
    from chalicelib.domain.codes import Status, UnitKind

    def appeal(day, uscc):
        return file_appeal(at=datetime(2026, 11, day, 10, tzinfo=BEIJING), uscc=uscc)

    a1, a2, a3 = appeal(2, "E1"), appeal(3, "E2"), appeal(4, "E3")
    a4, a5 = appeal(5, "E4"), appeal(6, None)
    jg = DepartmentRef(id="town-juegang", name="掘港街道", due_at="2026-11-05T23:59:59+08:00")
    nr = DepartmentRef(
        id="natural-resources", name="县自然资源局", due_at="2026-11-06T23:59:59+08:00"
    )
    n = iter(range(1, 100))

    def ev(kind, at, **kw):
        return TimelineEvent(type=kind, at=f"2026-11-{at}+08:00", version=next(n),
                             status=Status.PROCESSING, **kw)  # fmt: skip

    events = [
        (a1, ev("filed", "02T10:00:00")),
        (a1, ev("transfer", "02T11:00:00", departments=[jg])),
        (a1, ev("accept_part", "02T14:00:00", part=jg.id, in_time=True)),
        (a1, ev("department_reply", "04T10:00:00", department=jg, part=jg.id)),
        (a1, ev("reply", "06T10:00:00", reply_due_at="2026-11-09T23:59:59+08:00")),
        (a1, ev("confirm", "07T10:00:00", resolved=True, satisfaction=5)),
        (a2, ev("filed", "03T10:00:00")),
        (a2, ev("transfer", "03T11:00:00", departments=[jg, nr])),
        (a2, ev("sign_overdue", "04T11:00:00", part=jg.id)),
        (a2, ev("department_reply", "05T10:00:00", department=nr, part=nr.id, in_time=True)),
        (a2, ev("supervise", "05T12:00:00", departments=[jg])),
        (a2, ev("part_overdue", "06T00:00:00", part=jg.id)),
        (a2, ev("marked_overdue", "11T00:00:00", reply_due_at="2026-11-10T23:59:59+08:00")),
        (a3, ev("filed", "04T10:00:00")),
        (a3, ev("reply", "05T10:00:00", reply_due_at="2026-11-11T23:59:59+08:00")),
        (a3, ev("confirm", "06T10:00:00", resolved=False, satisfaction=2)),
        (a4, ev("filed", "05T10:00:00")),
        (a4, ev("reply", "13T10:00:00", reply_due_at="2026-11-12T23:59:59+08:00")),
        (a5, ev("filed", "06T10:00:00")),
    ]
    period = Period.of_month("2026-11")
    names = {
        "town-juegang": "掘港街道",
        "town-changsha": "长沙镇",
        "natural-resources": "县自然资源局",
    }
    figures = reports.compute(
        period, [(a.id, e) for a, e in events], {a.id: a for a in (a1, a2, a3, a4, a5)}, names,
        as_of=period.ends(), built_at=period.ends(), min_ranked=1, cal=WorkCalendar(),
        towns={"E1": "掘港街道", "E2": "掘港街道", "E3": "长沙镇", "E4": None},
        kinds={"town-juegang": UnitKind.TOWN, "town-changsha": UnitKind.TOWN,
               "natural-resources": UnitKind.DEPARTMENT},
    )  # fmt: skip

    units = {d.key: d for d in figures.departments}
    assert set(units) == {"town-juegang", "natural-resources"}
    town = units["town-juegang"]
    assert town.kind == UnitKind.TOWN and town.name == "掘港街道"
    m = town.metrics
    assert (m.transferred, m.replied, m.on_time, m.on_time_rate) == (2, 1, 1, 1.0)
    assert (m.sign_due, m.signed_in_time, m.sign_rate) == (2, 1, 0.5)
    assert (m.parts_overdue, m.supervised) == (1, 1)
    dept = units["natural-resources"]
    assert dept.kind == UnitKind.DEPARTMENT
    assert (dept.metrics.transferred, dept.metrics.sign_rate, dept.metrics.parts_overdue) == (
        1, 1.0, 0,
    )  # fmt: skip

    def row(r):
        t = r.metrics
        return (r.name, t.received, t.due, t.on_time, t.on_time_rate, t.resolved_rate,
                t.satisfaction_rate)  # fmt: skip

    assert [row(r) for r in figures.by["town"]] == [
        ("长沙镇", 1, 1, 1, 1.0, 0.0, 0.0),  # every town unit is a row, in id order
        ("掘港街道", 2, 2, 1, 0.5, 1.0, 1.0),
        ("未填写区镇", 1, 1, 0, 0.0, None, None),
        ("未登记企业", 1, 0, 0, None, None, None),
    ]
    assert [r.key for r in figures.by["town"]][2:] == ["no_town", "unregistered"]
    # the detail says each appeal's town, so every row can be traced
    assert {f.appeal_id: f.town for f in figures.appeals} == {
        a1.id: "掘港街道", a2.id: "掘港街道", a3.id: "长沙镇", a4.id: "no_town",
        a5.id: "unregistered",
    }  # fmt: skip
    # the town rows add up to the totals
    assert sum(r.metrics.received for r in figures.by["town"]) == figures.totals.received == 5
    assert sum(r.metrics.due for r in figures.by["town"]) == figures.totals.due == 4
