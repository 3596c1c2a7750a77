"""One month's report out of 50,000 appeals over 12 months (moto, in process): the items
DynamoDB read (``ScannedCount`` of the month index's Queries plus the appeals a batch get
returned), the requests, the time and the memory of the whole build — reading, figures,
XLSX/CSV/JSON written to S3. The memory is the process's peak resident set during the build
less what it held before (moto's table is in this process), read by ``memory.PeakRss`` at
no cost to the build. Built twice: May with April not reported (April's events are read as
well), then June with May reported (May's totals come from its report).

Each appeal has its timeline: filed, accepted, replied (on time or, one in eight, late after
the sweep marked it overdue), and for most a verdict, spread over 12 months. The target: a
month's report reads that month's events and their appeals, not the table. moto runs with
the local stack's patches (a Query reads its partition, not the table); the items read are
the figure that counts. Prints; asserts nothing."""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import moto_seed
from figures import figure
from memory import PeakRss

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "XQT_TABLE": "bench-maintable",
        "XQT_REPORTS_BUCKET": "bench-reportsbucket",
        "XQT_REPORT_QUEUE": "bench-reportqueue",
        "XQT_AUTH_ISSUER": "bench",
        "XQT_AUTH_AUDIENCE": "bench",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)

APPEALS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
MONTHS = [f"2025-{m:02d}" for m in range(12, 13)] + [f"2026-{m:02d}" for m in range(1, 12)]
MEASURED = "2026-06"
BEFORE = "2026-05"
UNREPORTED = "2026-07"  # the unit home's live month


def fill(client: object) -> int:
    """Write the appeals and their events straight to the table (as the store keys them);
    returns the items written."""
    from chalicelib.clock import BEIJING
    from chalicelib.domain.appeals import Appeal, Assignee, Party, TimelineEvent
    from chalicelib.domain.codes import Category, Channel, SizeClass, Status
    from chalicelib.domain.models import Actor
    from chalicelib.store import appeals as store
    from chalicelib.store import db, keys

    rng = random.Random(7)
    owners = ["c-above-100m", "c-designated", "c-small-micro", "t-agriculture", "t-industry"]
    start = datetime(2025, 12, 1, 9, 0, tzinfo=BEIJING)
    span = (datetime(2026, 11, 30, 17, 0, tzinfo=BEIJING) - start).total_seconds()
    commissioner = Actor(username="comm", role="commissioner", display_name="专员")
    enterprise = Actor(username="ent", role="enterprise", display_name="企业")
    batch: list[dict] = []
    written = 0

    def put(item: dict) -> None:
        nonlocal batch, written
        batch.append({"PutRequest": {"Item": item}})
        written += 1
        if len(batch) == 25:
            moto_seed.batch_write(client, {db.table(): batch})
            batch = []

    for n in range(APPEALS):
        filed = start + timedelta(seconds=rng.random() * span)
        due = filed + timedelta(days=7)
        late = n % 8 == 0
        replied = due + timedelta(days=2) if late else filed + timedelta(days=rng.randint(1, 6))
        appeal_id = f"XQT-{filed:%Y%m%d}-{n:06d}"
        stamp = filed.isoformat(timespec="seconds")
        owner = owners[n % len(owners)]
        appeal = Appeal(
            id=appeal_id,
            channel=list(Channel)[n % 3],
            enterprise=Party(
                uscc=f"9132062300000{n % 5000:05d}",
                name=f"企业{n % 5000}",
                size_class=list(SizeClass)[n % 3],
                industry="industry",
            ),
            category=list(Category)[n % 9],
            title=f"诉求 {n}",
            content="企业反映的问题" * 20,
            urgency="normal",
            status=Status.CLOSED,
            assignee=Assignee(commissioner_id=owner, name=owner),
            reply_due_at=due.isoformat(timespec="seconds"),
            period_started_at=stamp,
            filed_by="ent",
            version=5,
            created_at=stamp,
            updated_at=stamp,
        )
        put(
            db.to_item(
                {
                    **keys.appeal(appeal_id),
                    **keys.appeal_indexes(appeal_id, stamp, "closed"),
                    "item_type": "appeal",
                    **store._doc(appeal),
                }
            )
        )
        due_s = due.isoformat(timespec="seconds")
        timeline = [
            TimelineEvent(type="filed", at=stamp, version=1, status="received"),
            TimelineEvent(
                type="accept",
                at=(filed + timedelta(hours=2)).isoformat(timespec="seconds"),
                actor=commissioner,
                version=2,
                status="processing",
            ),
        ]
        if late:
            timeline.append(
                TimelineEvent(
                    type="escalated",
                    at=(due + timedelta(minutes=5)).isoformat(timespec="seconds"),
                    version=3,
                    status="processing",
                    level=1,
                    reason="overdue",
                    reply_due_at=due_s,
                )
            )
        timeline.append(
            TimelineEvent(
                type="reply",
                at=replied.isoformat(timespec="seconds"),
                actor=commissioner,
                version=len(timeline) + 1,
                status="replied",
                content="已答复" * 30,
                reply_due_at=due_s,
                took_working_days=(replied - filed).days,
            )
        )
        if n % 10 < 7:
            timeline.append(
                TimelineEvent(
                    type="confirm",
                    at=(replied + timedelta(days=1)).isoformat(timespec="seconds"),
                    actor=enterprise,
                    version=len(timeline) + 1,
                    status="closed",
                    resolved=n % 10 < 6,
                    satisfaction=5 - n % 3,
                )
            )
        for event in timeline:
            put(store._event_put(appeal_id, event)["Put"]["Item"])
    if batch:
        moto_seed.batch_write(client, {db.table(): batch})
    return written


class AwsClock:
    """Seconds spent inside AWS calls (here: moto), from botocore's own call events."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._began: list[float] = []

    def attach(self, *clients: object) -> None:
        for client in clients:
            events = client.meta.events  # type: ignore[attr-defined]
            events.register("before-call.*.*", self._before)
            events.register("after-call.*.*", self._after)

    def _before(self, **_: object) -> None:
        self._began.append(time.perf_counter())

    def _after(self, **_: object) -> None:
        self.seconds += time.perf_counter() - self._began.pop()
        self.calls += 1


def build(month: str, now: datetime, aws: AwsClock) -> tuple[dict, float, float, float]:
    """Build one month's report the way the queue consumer does:
    (report, seconds, seconds inside moto, MiB the process's peak resident set grew by)."""
    from chalicelib.domain.reports import Period
    from chalicelib.jobs import reports as job
    from chalicelib.store import reports as store
    from chalicelib.store import settings as settings_store

    report = store.create(Period.of_month(month), None, now)
    in_aws = aws.seconds
    with PeakRss() as memory:
        began = time.perf_counter()
        job.build(report["id"], now, settings_store.rules())
        elapsed = time.perf_counter() - began
    return store.get(report["id"]), elapsed, aws.seconds - in_aws, memory.growth_mib


def unit_month(aws: AwsClock, now: datetime) -> None:
    """A unit's home figures (``GET /departments/{id}/month``): a month with no report
    (computed live from its events) and the reported month (its JSON read) — AWS calls and
    seconds each."""
    from chalicelib.jobs import unit_month as job
    from chalicelib.store import settings as settings_store

    # the month with no report twice: computed live, then kept (another home's visit)
    for month in (UNREPORTED, UNREPORTED, MEASURED):
        calls, began = aws.calls, time.perf_counter()
        figures = job.of("tax", month, now, settings_store.rules)
        print(
            f"unit month {month} ({figures.source}, fresh until {figures.fresh_until}): "
            f"{aws.calls - calls} AWS calls, {time.perf_counter() - began:.2f} s"
        )


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib.clock import BEIJING
    from chalicelib.store import db
    from infra.definitions import Names, create_all
    from infra.local.seed import seed

    now = datetime(2026, 12, 2, 9, 30, tzinfo=BEIJING)
    from infra.local import moto_patches

    moto_patches.apply()  # the local stack's moto: Query and transactions as DynamoDB's
    with mock_aws():
        db.reset()
        create_all(boto3.Session(), Names("bench"))
        seed("bench")
        began = time.perf_counter()
        items = fill(db.client())
        print(
            f"{APPEALS:,} appeals over 12 months: {items:,} items written "
            f"in {time.perf_counter() - began:.0f} s"
        )
        from chalicelib.store import files

        aws = AwsClock()
        aws.attach(db.client(), files.client())
        rows = [
            (f"{BEFORE}, month before not reported (read too)", *build(BEFORE, now, aws)),
            (f"{MEASURED}, month before reported (totals reused)", *build(MEASURED, now, aws)),
        ]
        received = json.loads(rows[-1][1]["summary"])["totals"]["received"]
        print(f"month {MEASURED}: {received:,} appeals received in it")
        head = ("build", "items read", "requests", "seconds", "in moto", "ours", "+RSS MiB")
        print(
            f"{head[0]:<48} {head[1]:>10} {head[2]:>8} {head[3]:>8} {head[4]:>8} "
            f"{head[5]:>6} {head[6]:>8}"
        )
        for label, report, secs, moto_s, mb in rows:
            print(
                f"{label:<48} {report['items_read']:>10,} {report.get('requests', 0):>8} "
                f"{secs:>8.1f} {moto_s:>8.1f} {secs - moto_s:>6.1f} {mb:>8.1f}"
            )
            figure(
                f"report {label[:7]} of {APPEALS:,} appeals: items read, s",
                f"{report['items_read']:,}, {secs:.0f} s",
                "",
                None,
            )
        unit_month(aws, now)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"(process peak RSS {rss:.0f} MiB, moto's table included; table holds {items:,} items)"
        )


if __name__ == "__main__":
    main()
