"""The deadline sweep's reads at 1,000, 10,000 and 100,000 open appeals, 100 of them due:
items DynamoDB read to find them (ScannedCount summed over the shards' Queries) and the time
it took on moto. The target: items read ≤ 2 × items due + one page per shard, the same at
every size. moto runs with the local stack's patches (a Query reads its partition, not the
table): the items read are the figure that counts. Prints; asserts nothing.

The appeals are real ones as the domain makes them (issue 18): a quarter waiting for their
owner's sign-for (签收), a quarter with two department parts not yet signed for, a quarter
with parts signed and watched for their warning and deadline, a quarter in triage — and
(pause, issue 18 part 3) a fifth kind, paused (挂起): due, a pause at its 10-working-day
limit; not due, a pause whose reply deadline passed while paused (off the index for it, on it
for the pause's end). The five kinds share the appeals equally — each on
the sparse index once, at the watch point ``sweep.watch`` gives it (``store.appeals.listings``
"watch"), with the deadline attributes the sweep projects."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import moto_seed

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "XQT_TABLE": "bench-maintable",
        "XQT_AUTH_ISSUER": "bench",
        "XQT_AUTH_AUDIENCE": "bench",
    }
)

DUE = 100
SIZES = tuple(int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(","))


KINDS = ("owner to sign", "parts to sign", "parts watched", "triage", "paused")


def templates(now: datetime) -> dict[bool, list[Any]]:
    """For due and not due, an appeal of each kind, made by the domain as the API would."""
    from chalicelib.domain import appeals as domain
    from chalicelib.domain.appeal import transitions
    from chalicelib.domain.appeal.decision import DepartmentInfo, Directory
    from chalicelib.domain.appeal.events import parse_command
    from chalicelib.domain.codes import Category, Channel, CommissionerKind, Role, Urgency
    from chalicelib.domain.models import Coverage, User
    from chalicelib.domain.routing import Candidate, Route, RouteReason
    from chalicelib.domain.rules import Rules

    rules = Rules()
    owner = Candidate("c-owner", "张专员", CommissionerKind.SIZE_CLASS, Coverage())
    directory = Directory(
        commissioners={"c-owner": owner},
        departments={d: DepartmentInfo(d, d) for d in ("tax", "natural-resources")},
    )

    def user(name: str, role: Role, **binding: Any) -> User:
        return User(
            username=name, display_name=name, role=role, issuer="bench", subject=name,
            version=1, created_at="2026-01-01T00:00:00+08:00",
            updated_at="2026-01-01T00:00:00+08:00", **binding,
        )  # fmt: skip

    comm = user("comm", Role.COMMISSIONER, commissioner_id="c-owner")
    ent = user("ent", Role.ENTERPRISE, enterprise_uscc="91320623MA1MXXXX0D")
    depts = [user(f"d-{d}", Role.DEPARTMENT, department_id=d) for d in directory.departments]

    def post(a: Any, who: User, when: datetime, **body: Any) -> Any:
        command = parse_command({"version": a.version, **body})
        return transitions.decide(a, command, who, when, directory, rules).appeal

    def filed(when: datetime, routed: bool) -> Any:
        route = Route(owner, RouteReason.COVERAGE) if routed else Route(None, RouteReason.TRIAGE)
        a, _ = domain.new_appeal(
            appeal_id="XQT-TEMPLATE", channel=Channel.WEB,
            party=domain.Party(uscc="91320623MA1MXXXX0D", name="恒润"),
            category=Category.LAND, title="用地", content="用地指标", urgency=Urgency.NORMAL,
            route=route, filed_by=ent, now=when, rules=rules,
        )  # fmt: skip
        return a

    def kinds(start: datetime) -> list[Any]:
        h = timedelta(hours=1)
        unsigned = filed(start, True)
        parts = post(filed(start, True), comm, start + h, type="accept")
        parts = post(
            parts, comm, start + 2 * h, type="transfer", departments=list(directory.departments)
        )
        watched = parts
        for d in depts:
            watched = post(watched, d, start + 3 * h, type="accept_part")
        return [unsigned, parts, watched, filed(start, False)]

    def paused(filed_on: datetime, paused_on: datetime) -> Any:
        a = post(filed(filed_on, True), comm, filed_on + timedelta(hours=1), type="accept")
        return post(a, comm, paused_on, type="pause", reason="third_party", note="等待评估")

    tz = now.tzinfo
    # due: filed Mon 23 Nov (sign-fors passed; the triage one filed Fri 20 Nov, warned today)
    due = kinds(datetime(2026, 11, 23, 8, 0, tzinfo=tz))
    due[3] = filed(datetime(2026, 11, 20, 10, 0, tzinfo=tz), False)
    # paused Mon 9 Nov: 10 working days end Mon 23 Nov 23:59:59 (pause_expired due)
    due.append(paused(datetime(2026, 11, 6, 10, tzinfo=tz), datetime(2026, 11, 9, 10, tzinfo=tz)))
    fresh = kinds(now - timedelta(hours=4))  # filed this morning: nothing due yet
    # filed 16 Nov (due 23 Nov, passed), paused 17 Nov: not due until the pause ends 1 Dec
    fresh.append(
        paused(datetime(2026, 11, 16, 10, tzinfo=tz), datetime(2026, 11, 17, 10, tzinfo=tz))
    )
    return {True: due, False: fresh}


def fill(client: object, count: int, start: int, now: datetime) -> None:
    """``count`` appeals' watch items (the sweep's sparse index), ``DUE`` of them due."""
    from chalicelib.store import appeals, db

    made = templates(now)
    batch = []
    for n in range(start, start + count):
        appeal_id = f"XQT-20261127-{n:06d}"
        appeal = made[n < DUE][n % len(KINDS)].model_copy(update={"id": appeal_id})
        gsi1pk, gsi1sk = appeals.listings(appeal)["watch"]
        batch.append(
            {
                "PutRequest": {
                    "Item": db.to_item(
                        {
                            "pk": f"APPEAL#{appeal_id}",
                            "sk": "L#watch",
                            "gsi1pk": gsi1pk,
                            "gsi1sk": gsi1sk,
                            "id": appeal_id,
                            "reply_due_at": appeal.reply_due_at,
                        }
                    )
                }
            }
        )
        if len(batch) == 25:
            moto_seed.batch_write(client, {db.table(): batch})
            batch = []
    if batch:
        moto_seed.batch_write(client, {db.table(): batch})


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib.clock import BEIJING
    from chalicelib.config import settings
    from chalicelib.store import appeals, db
    from infra.definitions import Names, create_all

    now = datetime(2026, 11, 27, 12, 0, tzinfo=BEIJING)  # a Friday
    from infra.local import moto_patches

    moto_patches.apply()  # the local stack's moto: Query and transactions as DynamoDB's
    with mock_aws():
        db.reset()
        create_all(boto3.Session(), Names("bench"))
        client = db.client()
        shards = settings().sweep_shards
        head = ("open appeals", "due", "found", "items read", "target ≤", "seconds")
        print(f"{head[0]:>13} {head[1]:>5} {head[2]:>6} {head[3]:>11} {head[4]:>9} {head[5]:>8}")
        have = 0
        for size in SIZES:
            fill(client, size - have, have, now)
            have = size
            began = time.perf_counter()
            found, scanned = appeals.due_for_sweep(now)
            elapsed = time.perf_counter() - began
            target = 2 * DUE + shards
            ok = "ok" if scanned <= target else "OVER"
            print(
                f"{size:>13,} {DUE:>5} {len(found):>6} {scanned:>11} {target:>9} "
                f"{elapsed:>8.2f} {ok}"
            )
        kinds = Counter(f.finding.split(":")[0] for f in found)
        print(f"({shards} shards; one Query per shard with gsi1sk < now; found: {dict(kinds)})")
        made = templates(now)
        for due in (True, False):
            points = [appeals.listings(a)["watch"][1].split("#")[:2] for a in made[due]]
            label = "due" if due else "not due"
            print(
                f"  {label:>7}: "
                + "; ".join(f"{k} → {p[1]} at {p[0]}" for k, p in zip(KINDS, points, strict=True))
            )


if __name__ == "__main__":
    main()
