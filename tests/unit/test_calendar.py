"""Working days and deadlines (chalicelib.domain.calendar), against the 2026 notice."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from chalicelib.clock import BEIJING, iso
from chalicelib.domain.calendar import (
    Deadline,
    WorkCalendar,
    YearSchedule,
    add_working_days,
    fallback_schedule,
    library_schedule,
    working_days_left,
)

WEEKDAY_HOLIDAYS_2026 = [
    date(2026, 1, 1),
    date(2026, 1, 2),
    *(date(2026, 2, d) for d in range(16, 21)),
    date(2026, 2, 23),
    date(2026, 4, 6),
    date(2026, 5, 1),
    date(2026, 5, 4),
    date(2026, 5, 5),
    date(2026, 6, 19),
    date(2026, 9, 25),
    date(2026, 10, 1),
    date(2026, 10, 2),
    *(date(2026, 10, d) for d in range(5, 8)),
]
WORKING_WEEKENDS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]

#: The library's calendar (chinesecalendar, then the fallback): no year loaded.
LIBRARY = WorkCalendar()


def bj(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=BEIJING)


def days(*pairs: tuple[int, int], year: int = 2026) -> tuple[date, ...]:
    return tuple(date(year, m, d) for m, d in pairs)


# -- the worked example and time zones ------------------------------------------------


@pytest.mark.parametrize("hour", [0, 9, 23])
def test_received_2026_09_23_five_working_days_is_due_2026_10_08_end_of_day(hour: int) -> None:
    deadline = add_working_days(bj(2026, 9, 23, hour, 30), 5, LIBRARY)
    assert iso(deadline.due_at) == "2026-10-08T23:59:59+08:00"
    assert deadline.counted == days((9, 24), (9, 28), (9, 29), (9, 30), (10, 8))
    assert deadline.provisional is False


def test_due_at_is_aware_and_in_beijing() -> None:
    due = add_working_days(bj(2026, 9, 23), 5, LIBRARY).due_at
    assert due.tzinfo is not None
    assert due.utcoffset() == timedelta(hours=8)
    assert due == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)


def test_utc_evening_of_09_22_is_already_09_23_in_beijing() -> None:
    received = datetime(2026, 9, 22, 17, 30, tzinfo=UTC)  # 2026-09-23 01:30 Beijing
    deadline = add_working_days(received, 5, LIBRARY)
    assert iso(deadline.due_at) == "2026-10-08T23:59:59+08:00"
    assert deadline.counted[0] == date(2026, 9, 24)


def test_utc_afternoon_of_09_22_is_still_09_22_in_beijing() -> None:
    received = datetime(2026, 9, 22, 15, 59, 59, tzinfo=UTC)  # 23:59:59 Beijing, 09-22
    assert add_working_days(received, 1, LIBRARY).counted == days((9, 23))


# -- make-up weekend days, holidays, receipt days off --------------------------------------------


def test_make_up_sunday_2026_09_20_counts() -> None:
    deadline = add_working_days(bj(2026, 9, 18), 1, LIBRARY)  # Friday
    assert deadline.counted == days((9, 20))
    assert iso(deadline.due_at) == "2026-09-20T23:59:59+08:00"


def test_make_up_saturday_2026_10_10_counts_after_national_day() -> None:
    deadline = add_working_days(bj(2026, 9, 30), 3, LIBRARY)
    assert deadline.counted == days((10, 8), (10, 9), (10, 10))


def test_spring_festival_2026_is_skipped_and_its_make_up_saturdays_count() -> None:
    deadline = add_working_days(bj(2026, 2, 13), 3, LIBRARY)  # Friday before the holiday
    assert deadline.counted == days((2, 14), (2, 24), (2, 25))
    assert iso(deadline.due_at) == "2026-02-25T23:59:59+08:00"


def test_received_on_a_holiday_counts_from_the_next_working_day() -> None:
    deadline = add_working_days(bj(2026, 10, 3), 2, LIBRARY)  # Saturday inside National Day
    assert deadline.counted == days((10, 8), (10, 9))


def test_received_on_a_weekend_counts_from_monday() -> None:
    deadline = add_working_days(bj(2026, 11, 28, 15), 1, LIBRARY)  # Saturday
    assert iso(deadline.due_at) == "2026-11-30T23:59:59+08:00"


def test_urgent_one_working_day_from_friday_is_due_monday_night() -> None:
    deadline = add_working_days(bj(2026, 11, 27, 16), 1, LIBRARY)
    assert iso(deadline.due_at) == "2026-11-30T23:59:59+08:00"
    assert deadline.counted == days((11, 30))


@pytest.mark.parametrize("day", WEEKDAY_HOLIDAYS_2026, ids=str)
def test_every_2026_weekday_holiday_is_not_a_working_day(day: date) -> None:
    assert day.weekday() < 5
    assert not WorkCalendar().is_working_day(day)


@pytest.mark.parametrize("day", WORKING_WEEKENDS_2026, ids=str)
def test_every_2026_make_up_weekend_day_is_a_working_day(day: date) -> None:
    assert day.weekday() >= 5
    assert WorkCalendar().is_working_day(day)


def test_2026_comes_from_the_library_and_matches_the_notice_exactly() -> None:
    sched = WorkCalendar().schedule(2026)
    assert (sched.source, sched.official) == ("chinesecalendar", True)
    assert sched.working_weekends == frozenset(WORKING_WEEKENDS_2026)
    assert {d for d in sched.holidays if d.weekday() < 5} == set(WEEKDAY_HOLIDAYS_2026)
    cal = WorkCalendar()
    day, off = date(2026, 1, 1), set()
    while day.year == 2026:
        if day.weekday() < 5 and not cal.is_working_day(day):
            off.add(day)
        day += timedelta(days=1)
    assert off == set(WEEKDAY_HOLIDAYS_2026)


def test_every_day_of_2026_counts_n_increasing_working_days_after_it() -> None:
    cal = WorkCalendar()
    day = date(2026, 1, 1)
    while day.year == 2026:
        for n in (1, 5, 15):
            deadline = add_working_days(datetime.combine(day, time(12), BEIJING), n, cal)
            counted = deadline.counted
            assert len(counted) == n
            assert all(cal.is_working_day(d) for d in counted)
            assert all(a < b for a, b in pairwise(counted))
            assert counted[0] > day
            assert cal.working_days_after(day, 1) == [counted[0]]
            assert deadline.due_at == datetime.combine(counted[-1], time(23, 59, 59), BEIJING)
        day += timedelta(days=1)


# -- a year without official data ----------------------------------------------------------------


def test_crossing_into_2027_uses_the_fallback_and_is_provisional() -> None:
    deadline = add_working_days(bj(2026, 12, 28), 5, LIBRARY)
    # 2027-01-01 (New Year's Day, a Friday) is skipped by the fallback.
    assert deadline.counted == (
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 4),
        date(2027, 1, 5),
    )
    assert deadline.provisional is True
    assert iso(deadline.due_at) == "2027-01-05T23:59:59+08:00"


def test_a_period_inside_2026_is_not_provisional_even_near_the_year_end() -> None:
    assert add_working_days(bj(2026, 12, 28), 3, LIBRARY).provisional is False


def test_fallback_2027_has_the_13_statutory_days_and_no_make_up_days() -> None:
    sched = WorkCalendar().schedule(2027)
    assert (sched.source, sched.official, sched.year) == ("fallback", False, 2027)
    assert sched.working_weekends == frozenset()
    assert sched.holidays == frozenset(
        days(
            (1, 1),
            (2, 5),  # Spring Festival's eve
            (2, 6),
            (2, 7),
            (2, 8),
            (4, 5),  # Qingming
            (5, 1),
            (5, 2),
            (6, 9),  # Dragon Boat
            (9, 15),  # Mid-Autumn
            (10, 1),
            (10, 2),
            (10, 3),
            year=2027,
        )
    )


def test_fallback_skips_the_2027_spring_festival() -> None:
    deadline = add_working_days(bj(2027, 2, 4), 2, LIBRARY)  # Thursday
    assert deadline.counted == (date(2027, 2, 9), date(2027, 2, 10))
    assert deadline.provisional is True


def test_fallback_leaves_out_days_the_notice_moved() -> None:
    # holidays.China lists 2026's moved days ("substituted"); the fallback keeps only the
    # statutory ones, as it would for a year with no notice at all.
    sched = fallback_schedule(2026)
    assert len(sched.holidays) == 13
    for moved in (date(2026, 1, 2), date(2026, 2, 20), date(2026, 10, 6), date(2026, 10, 7)):
        assert moved not in sched.holidays
    assert date(2026, 2, 16) in sched.holidays  # Spring Festival's eve is statutory since 2025


def test_library_has_no_2027_and_years_before_2004() -> None:
    assert library_schedule(2027) is None
    assert library_schedule(2003) is None
    assert library_schedule(2026) is not None


def test_an_admin_loaded_2027_takes_precedence_and_is_not_provisional() -> None:
    notice_2027 = YearSchedule(
        year=2027,
        holidays=frozenset({date(2027, 1, 1), date(2027, 1, 4)}),
        working_weekends=frozenset({date(2027, 1, 9)}),
        official=True,
        source="admin",
    )
    cal = WorkCalendar({2027: notice_2027})
    assert cal.schedule(2027) is notice_2027
    deadline = add_working_days(bj(2026, 12, 28), 5, cal)
    assert deadline.counted[-2:] == (date(2027, 1, 5), date(2027, 1, 6))
    assert deadline.provisional is False
    assert cal.is_working_day(date(2027, 1, 9))  # a Saturday made a working day


def test_an_admin_loaded_2026_overrides_the_library() -> None:
    amended = YearSchedule(2026, frozenset({date(2026, 11, 30)}), frozenset(), True, "admin")
    cal = WorkCalendar({2026: amended})
    assert cal.schedule(2026).source == "admin"
    assert not cal.is_working_day(date(2026, 11, 30))
    assert cal.is_working_day(date(2026, 10, 1))  # only the loaded schedule counts now
    assert not cal.is_working_day(date(2026, 9, 20))  # no make-up Sunday in it
    assert add_working_days(bj(2026, 11, 27), 1, cal).counted == days((12, 1))


def test_a_schedule_loaded_under_the_wrong_year_is_refused() -> None:
    sched = fallback_schedule(2027)
    with pytest.raises(ValueError):
        WorkCalendar({2028: sched})


# -- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1, -5])
def test_zero_or_negative_working_days_is_an_error(n: int) -> None:
    with pytest.raises(ValueError):
        add_working_days(bj(2026, 9, 23), n, LIBRARY)


def test_naive_datetimes_are_an_error() -> None:
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 9, 23, 10), 5, LIBRARY)
    with pytest.raises(ValueError):
        working_days_left(datetime(2026, 9, 23, 10), bj(2026, 10, 8), LIBRARY)
    with pytest.raises(ValueError):
        working_days_left(bj(2026, 9, 23), datetime(2026, 10, 8, 23, 59, 59), LIBRARY)


def test_negative_count_of_following_working_days_is_an_error() -> None:
    assert WorkCalendar().working_days_after(date(2026, 9, 23), 0) == []
    with pytest.raises(ValueError):
        WorkCalendar().working_days_after(date(2026, 9, 23), -1)


# -- working days left -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (bj(2026, 9, 23, 10), 5),  # the receipt day: the whole period remains
        (bj(2026, 9, 24, 10), 4),
        (bj(2026, 9, 26, 10), 4),  # Saturday: 09-28, 09-29, 09-30, 10-08
        (bj(2026, 10, 1, 10), 1),  # during National Day: only the due day remains
        (bj(2026, 10, 7, 23, 59, 59), 1),
        (bj(2026, 10, 8, 0), 0),  # the due day itself
        (bj(2026, 10, 8, 23, 59, 59), 0),
        (bj(2026, 10, 9, 10), 0),  # past: never negative
        (bj(2027, 3, 1, 10), 0),
    ],
    ids=str,
)
def test_working_days_left_until_2026_10_08(now: datetime, left: int) -> None:
    due = add_working_days(bj(2026, 9, 23), 5, LIBRARY).due_at
    assert working_days_left(now, due, LIBRARY) == left


def test_working_days_left_reads_both_instants_in_beijing() -> None:
    due = datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)  # 10-08 23:59:59 Beijing
    now = datetime(2026, 9, 29, 16, 30, tzinfo=UTC)  # already 09-30 in Beijing
    assert working_days_left(now, due, LIBRARY) == 1


def test_working_days_left_agrees_with_the_deadline_it_came_from() -> None:
    for n in (1, 3, 5, 10, 20):
        received = bj(2026, 9, 23)
        assert (
            working_days_left(received, add_working_days(received, n, LIBRARY).due_at, LIBRARY) == n
        )


# -- the shared calendar and its cache -----------------------------------------------------------


def test_the_calendar_passed_is_the_one_counted() -> None:
    """No process-wide calendar: a deadline is counted on the calendar it is given."""
    loaded = YearSchedule(2026, frozenset({date(2026, 9, 24)}), frozenset(), True, "admin")
    assert add_working_days(bj(2026, 9, 23), 1, WorkCalendar({2026: loaded})).counted == days(
        (9, 25)
    )
    assert add_working_days(bj(2026, 9, 23), 1, LIBRARY).counted == days((9, 24))


def test_schedules_are_cached_per_year_and_built_once_across_threads() -> None:
    cal = WorkCalendar()
    seen: list[YearSchedule] = []
    threads = [threading.Thread(target=lambda: seen.append(cal.schedule(2027))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert all(s is seen[0] for s in seen)
    assert cal.schedule(2027) is seen[0]


def test_deadline_is_a_frozen_value() -> None:
    deadline = add_working_days(bj(2026, 9, 23), 1, LIBRARY)
    assert isinstance(deadline, Deadline)
    with pytest.raises(AttributeError):
        deadline.provisional = True  # type: ignore[misc]
