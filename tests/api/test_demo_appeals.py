"""The demo month of appeals ``make run`` seeds (infra/local/demo_appeals.py): filed and
handled through the services in November 2026, in this module's own table — three dozen
appeals across the towns, parts given to towns, some answered late or left open past their
deadline, progress on the towns' ledgers, and the month's report with a town table that is
not empty."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from infra.local.seed import TOWN_IDS

TOWNS = sorted(TOWN_IDS.values())


def ledger_items(api, town):
    r = api.call("GET", f"/api/v1/departments/{town}/ledger?limit=100", as_user=town)
    assert r.status_code == 200, r.data
    return r.data["items"]


@pytest.fixture(scope="module")
def demo(seeded):
    from chalicelib import clock
    from infra.local.demo_appeals import COUNT, seed_demo_appeals

    counts = seed_demo_appeals("2026-11")
    assert counts["filed"] == COUNT
    yield counts
    clock.set_now(None)


def test_the_month_is_believable_and_made_by_the_services(demo, api):
    assert demo["skipped"] == 0  # every step the demo planned was taken
    assert demo["transferred"] >= 20 and demo["answered_late"] >= 3 and demo["left_open"] >= 3
    page = api.call("GET", "/api/v1/appeals?limit=100", as_user="admin").data["items"]
    assert len(page) >= 36
    towns = Counter(a["enterprise"]["town"] for a in page)
    assert len(towns) >= 8  # across the county's towns
    statuses = Counter(a["status"] for a in page)
    assert statuses["replied"] + statuses["closed"] >= 20 and statuses["processing"] >= 3
    # a town's ledger holds its open parts, with progress entries where they were posted
    ledgers = [api.call("GET", f"/api/v1/departments/{t}/ledger", as_user=t).data for t in TOWNS]
    assert any(x["total"] for x in ledgers)
    # the parts left open have progress on their town's ledger and are supervised
    assert demo["supervised"] == demo["left_open"]
    open_items = [x for t in TOWNS for x in ledger_items(api, t)]
    assert sum(1 for x in open_items if x["last_progress"]) >= demo["left_open"]
    assert any(x["ledger"]["kind"] == "supervised" for x in open_items)


def test_the_months_report_has_a_town_table(demo, api):
    from chalicelib import clock

    clock.set_now(datetime(2026, 12, 1, 9, tzinfo=BEIJING))
    try:
        r = api.call("POST", "/api/v1/reports", {"month": "2026-11"}, as_user="supervisor")
        assert r.status_code == 202, r.data
        assert api.call("POST", "/api/v1/dev/jobs/reports").data["processed"] == 1
        figures = api.call("GET", f"/api/v1/reports/{r.data['id']}/figures", as_user="admin").data[
            "figures"
        ]
    finally:
        clock.set_now(None)
    towns = [d for d in figures["departments"] if d["kind"] == "town"]
    assert len(towns) >= 5 and sum(d["metrics"]["transferred"] for d in towns) >= 15
    assert any(d["metrics"]["parts_overdue"] for d in towns)
    by_town = {r["name"]: r["metrics"]["received"] for r in figures["by"]["town"]}
    assert sum(by_town.values()) == 36 and sum(1 for n in by_town.values() if n) >= 8
