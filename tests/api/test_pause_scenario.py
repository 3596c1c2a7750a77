"""The closing note's scenario (issue 18): an appeal paused 3 working days over a weekend and
a public holiday — 清明 2027 (Mon 5 Apr, with the weekend of 3–4 Apr) — then resumed, its
full timeline printed with the old and the new deadline and their explanations. 2027 has no
official schedule in the library yet and none is loaded here: the county calendar falls back
to weekends plus the statutory holidays (清明 computed), and marks the deadlines provisional.

Run ``pytest -s tests/api/test_pause_scenario.py`` to read the timeline."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import event, file_web


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def beijing(stamp: str | None) -> str:
    return (
        datetime.fromisoformat(stamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
        if stamp
        else "—"
    )


SHOWN = ("reason", "content", "note", "working_days", "paused_days", "previous_reply_due_at",
         "reply_due_at")  # fmt: skip


def test_paused_three_working_days_over_the_qingming_weekend(api, at_time):
    at_time(bj("2027-03-31T10:00:00"))  # Wednesday
    a = file_web(api)
    old_due, old_why = a["reply_due_at"], a["deadline_explanation"]
    # 5 working days after 31 Mar: 1, 2, (3–4 weekend, 5 清明) 6, 7, 8 Apr
    assert old_due == "2027-04-08T23:59:59+08:00"
    at_time(bj("2027-03-31T11:00:00"))
    a = event(api, a, "accept", "comm-designated")
    at_time(bj("2027-04-01T10:00:00"))  # Thursday
    a = event(
        api, a, "pause", "comm-designated", reason="awaiting_enterprise",
        note="请补充2026年度纳税证明和厂房租赁合同",
    )  # fmt: skip
    at_time(bj("2027-04-07T10:00:00"))  # Wednesday
    a = event(api, a, "resume", "comm-designated")
    # paused: 2 Apr, (3–4 weekend, 5 清明), 6, 7 → 3 working days; 8 Apr + 3: 9, 12, 13
    assert a["pauses"][0]["days"] == ["2027-04-02", "2027-04-06", "2027-04-07"]
    assert a["reply_due_at"] == "2027-04-13T23:59:59+08:00"
    assert "挂起 3 个工作日（4月2日至4月7日），期限顺延至4月13日" in a["deadline_explanation"]

    owner = a["assignee"]["name"]
    lines = [f"Appeal {a['id']} ({a['enterprise']['name']}, web), owner {owner}", "", "Timeline:"]
    for e in a["timeline"]:
        who = e["actor"]["display_name"] if e.get("actor") else "系统"
        extra = ", ".join(
            f"{k}={beijing(e[k]) if k.endswith('_at') else e[k]}"
            for k in SHOWN
            if e.get(k) not in (None, [])
        )
        lines.append(f"  {beijing(e['at'])}  {e['type']:<7} by {who}  {extra}".rstrip())
    lines += [
        "",
        f"Old deadline: {beijing(old_due)}",
        f"  {old_why}",
        f"New deadline: {beijing(a['reply_due_at'])} (provisional: {a['deadline_provisional']})",
        f"  {a['deadline_explanation']}",
        f"Paused in all: {a['paused_working_days']} working days; paused now: {a['paused']}",
    ]
    mine = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data
    pause_event = next(e for e in mine["timeline"] if e["type"] == "pause")
    lines.append(
        f"The enterprise reads on the pause: reason={pause_event['reason']}, "
        f"materials={pause_event['content']}"
    )
    print("\n" + "\n".join(lines))
