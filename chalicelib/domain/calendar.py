"""Working days (工作日) and deadlines, in Asia/Shanghai (ARCHITECTURE.md "Time and the
working-day calendar").

A period of N working days starts the day after receipt (期间开始之日不计算在内) and ends at
23:59:59 Beijing time of the Nth working day. Working days follow the State Council's yearly
holiday notice, make-up weekend days (调休) included. Where a year comes from, best first:
a schedule an administrator loaded, the ``chinesecalendar`` library (2004–2026 in 1.11), and
otherwise a fallback — weekends plus the statutory holidays, no make-up days — whose deadlines
are marked provisional so they can be recomputed when the notice is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import chinese_calendar

from chalicelib.clock import BEIJING

END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off and make-up working days."""

    year: int
    holidays: frozenset[date]  # days off by the notice (weekend days inside a holiday too)
    working_weekends: frozenset[date]  # Saturdays/Sundays made working days (调休)
    official: bool  # the State Council's schedule (library or administrator); False: fallback
    source: str  # "chinesecalendar" | "admin" | "fallback"
    names: Mapping[date, str] = field(default_factory=dict, compare=False)  # 国庆, 中秋 …


#: Chinese names of the holidays, from the libraries' English ones (matched by keyword).
_HOLIDAY_NAMES = (
    ("new year's eve", "春节"),  # holidays: "Chinese New Year's Eve" (the Spring Festival's)
    ("new year", "元旦"),
    ("spring festival", "春节"),
    ("tomb", "清明"),
    ("labo", "劳动节"),
    ("dragon boat", "端午"),
    ("mid-autumn", "中秋"),
    ("national day", "国庆"),
    ("anti-fascist", "抗战胜利纪念日"),
)


def chinese_holiday_name(english: str) -> str:
    """元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆 from a library's English name."""
    lowered = english.lower()
    if "chinese new year" in lowered:
        return "春节"
    return next((zh for key, zh in _HOLIDAY_NAMES if key in lowered), english)


def library_schedule(year: int) -> YearSchedule | None:
    """The official schedule ``chinesecalendar`` knows for ``year``, or ``None`` if it has none."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    days_off = frozenset(d for d in chinese_calendar.holidays if d.year == year)
    return YearSchedule(
        year=year,
        holidays=days_off,
        working_weekends=frozenset(
            d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5
        ),
        official=True,
        source="chinesecalendar",
        names={d: chinese_holiday_name(chinese_calendar.holidays[d]) for d in days_off},
    )


def fallback_schedule(year: int) -> YearSchedule:
    """Weekends plus ``year``'s statutory holidays, with no make-up working days (not official).

    The statutory days (New Year's Day, Spring Festival's eve and first three days, Qingming,
    two days of Labour Day, Dragon Boat, Mid-Autumn, three days of National Day) come from
    ``holidays.China``, which computes the lunar dates. Days it lists as moved by a notice
    ("substituted") or observed on another day are left out: the fallback does not guess them.
    """
    import holidays  # slow to import (~60 ms); only needed for years without official data

    listed = holidays.China(years=year, observed=False, language="en_US")
    statutory = {
        day: chinese_holiday_name(name)
        for day, name in listed.items()
        if day.year == year and "substitut" not in name.lower() and "observed" not in name.lower()
    }
    return YearSchedule(
        year, frozenset(statutory), frozenset(), official=False, source="fallback", names=statutory
    )


class WorkCalendar:
    """Which days are working days, year by year.

    Years an administrator loaded take precedence over the library, which takes precedence
    over the fallback. Each year's schedule is built once per instance; a lock guards the
    cache, so concurrent threads see one schedule per year.
    """

    def __init__(self, loaded: Mapping[int, YearSchedule] | None = None) -> None:
        self._loaded = dict(loaded or {})
        for year, sched in self._loaded.items():
            if sched.year != year:
                raise ValueError(f"schedule for {sched.year} loaded as year {year}")
        self._cache: dict[int, YearSchedule] = {}
        self._lock = threading.Lock()

    def schedule(self, year: int) -> YearSchedule:
        """The schedule in force for ``year`` (administrator's, library's, or the fallback)."""
        cached = self._cache.get(year)
        if cached is not None:
            return cached
        with self._lock:
            if year not in self._cache:
                self._cache[year] = (
                    self._loaded.get(year) or library_schedule(year) or fallback_schedule(year)
                )
            return self._cache[year]

    def is_working_day(self, day: date) -> bool:
        """True if people work on ``day``: a make-up weekend day, or a weekday not off."""
        sched = self.schedule(day.year)
        if day in sched.working_weekends:
            return True
        return day.weekday() < 5 and day not in sched.holidays

    def working_days_after(self, day: date, count: int) -> list[date]:
        """The next ``count`` working days strictly after ``day``, in order."""
        if count < 0:
            raise ValueError("count must not be negative")
        found: list[date] = []
        current = day
        while len(found) < count:
            current += timedelta(days=1)
            if self.is_working_day(current):
                found.append(current)
        return found

    def is_official(self, first_year: int, last_year: int) -> bool:
        """True if every year from ``first_year`` to ``last_year`` has an official schedule."""
        return all(self.schedule(y).official for y in range(first_year, last_year + 1))


@dataclass(frozen=True)
class Deadline:
    """When a period of working days ends, and whether it may move when a notice is loaded."""

    due_at: datetime  # tz-aware, Asia/Shanghai, 23:59:59 of the last counted day
    provisional: bool  # some year consulted (receipt year .. due year) is not official
    counted: tuple[date, ...]  # the working days counted, in order
    explanation: str = ""  # 「9月23日受理，不计受理当日，扣除中秋、国庆假期，第5个工作日为10月8日」


def beijing_date(when: datetime) -> date:
    """The calendar date of an aware instant on Beijing's wall clock; naive is a ValueError."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return when.astimezone(BEIJING).date()


def end_of_day(day: date) -> datetime:
    """23:59:59 Beijing time on ``day``."""
    return datetime.combine(day, END_OF_DAY, tzinfo=BEIJING)


#: How the start of a period is named in its explanation.
BASIS = {
    "received": "{m}月{d}日受理，不计受理当日",
    "reopened": "{m}月{d}日重办，不计当日",
    "transferred": "{m}月{d}日转办，不计当日",
    "extended": "自原期限{m}月{d}日起延期，不计当日",
}


def explain(start: date, counted: tuple[date, ...], cal: WorkCalendar, basis: str) -> str:
    """A sentence saying how a deadline was counted, as people check it by hand."""
    first, last = start + timedelta(days=1), counted[-1]
    names: list[str] = []
    makeup: list[str] = []
    day = first
    while day <= last:
        sched = cal.schedule(day.year)
        if day in sched.holidays and day not in sched.working_weekends:
            name = sched.names.get(day)
            if name and name not in names:
                names.append(name)
        if day in sched.working_weekends:
            makeup.append(f"{day.month}月{day.day}日")
        day += timedelta(days=1)
    parts = [BASIS.get(basis, BASIS["received"]).format(m=start.month, d=start.day)]
    if names:
        parts.append(f"扣除{'、'.join(names)}假期")
    if makeup:
        parts.append(f"{'、'.join(makeup)}调休上班计入")
    parts.append(f"第{len(counted)}个工作日为{last.month}月{last.day}日")
    unknown = sorted({y for y in range(start.year, last.year + 1) if not cal.schedule(y).official})
    text = "，".join(parts)  # official copy: full-width punctuation
    if unknown:
        years = "、".join(str(y) for y in unknown)
        text += f"（{years}年放假安排尚未录入，按法定节假日暂定）"
    return text


def add_working_days(
    start: datetime,
    working_days: int,
    calendar: WorkCalendar,
    basis: str = "received",
) -> Deadline:
    """The deadline of a period of ``working_days`` working days received at ``start``.

    The Beijing date of ``start`` is not counted; the period ends at 23:59:59 Beijing time of
    the ``working_days``-th working day after it. ``start`` must be timezone-aware and
    ``working_days`` at least 1 (else ValueError). The result is provisional if any year from
    the receipt day's to the due day's has no official schedule.
    """
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    received = beijing_date(start)
    counted = tuple(calendar.working_days_after(received, working_days))
    return Deadline(
        due_at=end_of_day(counted[-1]),
        provisional=not calendar.is_official(received.year, counted[-1].year),
        counted=counted,
        explanation=explain(received, counted, calendar, basis),
    )


def working_days_left(now: datetime, due_at: datetime, calendar: WorkCalendar) -> int:
    """How many working days remain before a deadline (the SPA's "剩余 N 个工作日").

    The number of working days ``d`` with ``today < d <= due_day``, where ``today`` and
    ``due_day`` are the Beijing dates of ``now`` and ``due_at``: today itself is not counted,
    the due day is. So it is 1 on the working day before the due day, and 0 on the due day,
    after it, and whenever no working day lies between (never negative). Both datetimes must
    be timezone-aware.
    """
    today, due_day = beijing_date(now), beijing_date(due_at)
    left = 0
    day = today + timedelta(days=1)
    while day <= due_day:
        left += calendar.is_working_day(day)
        day += timedelta(days=1)
    return left
