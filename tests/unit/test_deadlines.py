"""Deadlines on the real 2026 schedule, table by table, and the properties every deadline
must have whatever the receipt time (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.clock import BEIJING
from chalicelib.domain.calendar import WorkCalendar, add_working_days

CAL = WorkCalendar()


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("received", "days", "due", "provisional"),
    [
        # the example: Mid-Autumn (09-25) and National Day (10-01..10-07) skipped
        (bj(2026, 9, 23, 10, 0), 5, "2026-10-08", False),
        (bj(2026, 9, 23, 10, 0), 1, "2026-09-24", False),
        # the day before a long holiday: the first working day is after it
        (bj(2026, 9, 30, 17, 0), 1, "2026-10-08", False),
        (bj(2026, 9, 30, 17, 0), 5, "2026-10-13", False),  # 10-10 (Saturday) is worked
        (bj(2026, 2, 13, 9, 0), 1, "2026-02-14", False),  # a make-up Saturday counts
        # received on a make-up working Saturday: that day is not counted either
        (bj(2026, 2, 14, 10, 0), 1, "2026-02-24", False),
        (bj(2026, 2, 14, 10, 0), 5, "2026-02-28", False),
        (bj(2026, 10, 10, 11, 0), 1, "2026-10-12", False),
        # 00:30 Beijing is the previous day in UTC: the Beijing date is the day of receipt
        (bj(2026, 2, 14, 0, 30), 5, "2026-02-28", False),
        (datetime(2026, 2, 13, 16, 30, tzinfo=UTC), 5, "2026-02-28", False),
        (datetime(2026, 9, 22, 16, 30, tzinfo=UTC), 5, "2026-10-08", False),
        # late December: the period runs into 2027, a year the library does not know
        (bj(2026, 12, 28, 10, 0), 5, "2027-01-05", True),
        (bj(2026, 12, 28, 10, 0), 1, "2026-12-29", False),
        (bj(2026, 12, 31, 10, 0), 1, "2027-01-04", True),
        # Labour Day 05-01..05-05, 05-09 (Saturday) worked
        (bj(2026, 4, 30, 9, 0), 2, "2026-05-07", False),
        (bj(2026, 4, 30, 9, 0), 3, "2026-05-08", False),
        (bj(2026, 4, 30, 9, 0), 4, "2026-05-09", False),
    ],
)
def test_deadlines_on_the_2026_schedule(received, days, due, provisional):
    d = add_working_days(received, days, CAL)
    assert d.due_at.isoformat() == f"{due}T23:59:59+08:00"
    assert d.provisional is provisional


RECEIPTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31, 23, 59), timezones=st.just(UTC)
)
DAYS = st.integers(min_value=1, max_value=15)


@settings(max_examples=300, deadline=None)
@given(received=RECEIPTS, days=DAYS)
def test_every_deadline_falls_on_a_working_day_after_receipt(received, days):
    d = add_working_days(received, days, CAL)
    due_day = d.due_at.date()
    assert CAL.is_working_day(due_day)
    assert due_day > received.astimezone(BEIJING).date()
    assert all(CAL.is_working_day(x) for x in d.counted) and len(d.counted) == days
    assert d.due_at.utcoffset() == timedelta(hours=8) and d.due_at.time().isoformat() == "23:59:59"


@settings(max_examples=300, deadline=None)
@given(
    first=RECEIPTS,
    later_by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
    days=DAYS,
)
def test_a_later_receipt_never_gives_an_earlier_deadline(first, later_by, days):
    assert (
        add_working_days(first + later_by, days, CAL).due_at
        >= add_working_days(first, days, CAL).due_at
    )


@settings(max_examples=300, deadline=None)
@given(received=RECEIPTS, n=DAYS, m=DAYS)
def test_n_then_m_working_days_is_n_plus_m(received, n, m):
    first = add_working_days(received, n, CAL)
    assert (
        add_working_days(first.due_at, m, CAL).due_at
        == add_working_days(received, n + m, CAL).due_at
    )


def test_the_explanations_of_the_closing_note():
    cases = {
        (
            bj(2026, 9, 23, 10, 0),
            5,
        ): "9月23日受理，不计受理当日，扣除中秋、国庆假期，第5个工作日为10月8日",
        (bj(2026, 2, 14, 0, 30), 1): "2月14日受理，不计受理当日，"
        "扣除春节假期，第1个工作日为2月24日",
    }
    for (received, days), text in cases.items():
        assert add_working_days(received, days, CAL).explanation == text
    assert date(2026, 10, 10) in add_working_days(bj(2026, 9, 30, 9, 0), 5, CAL).counted
