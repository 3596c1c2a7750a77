"""The local stack's scheduler: the event it hands a scheduled function is the one
EventBridge sends (Chalice reads every field of it), and cron expressions fire at the
minutes AWS would fire them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from chalice.app import CloudWatchEvent, Cron, Rate

from chalicelib.clock import BEIJING
from infra.local import scheduler


def test_the_scheduled_event_is_read_by_chalice_as_aws_sends_it():
    when = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    event = CloudWatchEvent(scheduler.scheduled_event("monthly_meeting", when), None)
    assert (event.source, event.detail_type, event.time) == (
        "aws.events",
        "Scheduled Event",
        "2026-11-02T01:00:00Z",
    )
    assert event.resources[0].endswith(":rule/xingqitong-local-monthly_meeting")


def test_every_schedule_of_the_app_is_understood():
    import app as app_module

    schedules = [s for s in app_module.app.event_sources if not hasattr(s, "queue")]
    assert {s.name for s in schedules} == {
        "deadline_sweep",
        "monthly_meeting",
        "send_outbox",
        "monthly_report",
        "search_snapshot",
    }
    for source in schedules:
        expression = source.schedule_expression
        if isinstance(expression, Rate):
            assert scheduler.rate_seconds(expression) >= 60
        else:
            assert isinstance(expression, Cron)
            scheduler.cron_matches(expression, datetime(2026, 1, 1, tzinfo=UTC))


def test_rates_and_their_override():
    assert scheduler.rate_seconds(Rate(5, unit=Rate.MINUTES)) == 300
    assert scheduler.rate_seconds(Rate(1, unit=Rate.HOURS)) == 3600
    assert scheduler.rate_seconds(Rate(5, unit=Rate.MINUTES), override=2) == 2


def beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


def test_the_daily_nine_oclock_job_fires_at_nine_beijing_only():
    nine = Cron(0, 1, "*", "*", "?", "*")  # app.py's monthly_meeting: 01:00 UTC
    assert scheduler.cron_matches(nine, beijing(2026, 11, 2, 9, 0, 30))
    assert not scheduler.cron_matches(nine, beijing(2026, 11, 2, 9, 1))
    assert not scheduler.cron_matches(nine, datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("spec", "fires", "quiet"),
    [
        # minutes hours dom month dow year
        (("0/15", "*", "*", "*", "?", "*"), [(2026, 3, 2, 10, 45)], [(2026, 3, 2, 10, 50)]),
        (("0", "2", "?", "*", "MON-FRI", "*"), [(2026, 3, 6, 2, 0)], [(2026, 3, 7, 2, 0)]),
        (("30", "1", "1,15", "JAN", "?", "*"), [(2026, 1, 15, 1, 30)], [(2026, 2, 15, 1, 30)]),
        (("0", "0", "*", "*", "1", "2027"), [(2027, 1, 3, 0, 0)], [(2026, 1, 4, 0, 0)]),
    ],
)
def test_cron_fields(spec, fires, quiet):
    cron = Cron(*spec)
    for at in fires:
        assert scheduler.cron_matches(cron, datetime(*at, tzinfo=UTC)), at
    for at in quiet:
        assert not scheduler.cron_matches(cron, datetime(*at, tzinfo=UTC)), at


def test_a_clock_moved_past_a_firing_fires_once_at_the_last_match():
    nine = Cron(0, 1, "*", "*", "?", "*")
    start = beijing(2026, 11, 2, 8, 59, 50)
    assert scheduler.cron_fired(nine, start, start + timedelta(seconds=5)) is None
    fired = scheduler.cron_fired(nine, start, beijing(2026, 11, 2, 9, 0, 20))
    assert fired == beijing(2026, 11, 2, 9, 0)
    # three days at once: the last 09:00 only (a day's job runs once, as after a restart)
    fired = scheduler.cron_fired(nine, start, beijing(2026, 11, 5, 12, 0))
    assert fired == beijing(2026, 11, 5, 9, 0)
    assert (
        scheduler.cron_fired(nine, beijing(2026, 11, 2, 9, 0), beijing(2026, 11, 2, 9, 0, 59))
        is None
    )
