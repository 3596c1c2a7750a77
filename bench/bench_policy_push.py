"""Pushing one policy to 10,000 enterprises of which 2,000 match (moto, in process): the
time, the memory (the process's peak resident set during the push less what it held before,
moto's table being in this process; ``memory.PeakRss``), the DynamoDB requests and items
read, and the notifications written. The push goes page by page (100 enterprises), so its
memory stays flat however large the register. moto runs with the local stack's patches
(infra/local/moto_patches.py: a Query reads its partition, not the table). Prints; asserts
nothing.

    .venv/bin/python bench/bench_policy_push.py [ENTERPRISES]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
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
        "XQT_JOB_QUEUE": "bench-jobqueue",
        "XQT_AUTH_ISSUER": "bench",
        "XQT_AUTH_AUDIENCE": "bench",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)

ENTERPRISES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def fill(client: object) -> int:
    """The register, written as the store keys it; one in five is 规上 工业 (the policy's)."""
    from chalicelib.store import db, keys
    from infra.local.seed import credit_code

    stamp = "2026-11-27T10:00:00+08:00"
    batch: list[dict] = []
    matching = 0
    for n in range(ENTERPRISES):
        uscc = credit_code(f"push bench {n}")
        name = f"如东推送基准企业{n:05d}有限公司"
        fits = n % 5 == 0
        matching += fits
        item = {
            **keys.enterprise(uscc),
            **keys.enterprise_indexes(uscc, name),
            "item_type": "enterprise",
            "uscc": uscc,
            "name": name,
            "size_class": "designated" if fits else "small_micro",
            "industry": "industry" if fits else "services",
            "town": "掘港街道",
            "flags": {"key_tech": False, "major_project": False},
            "contacts": [],
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }
        batch.append({"PutRequest": {"Item": db.to_item(item)}})
        if len(batch) == 25:
            moto_seed.batch_write(client, {db.table(): batch})
            batch = []
    if batch:
        moto_seed.batch_write(client, {db.table(): batch})
    return matching


class Reads:
    """DynamoDB requests and items read (``ScannedCount``; items a batch get returned)."""

    def __init__(self) -> None:
        self.requests = 0
        self.items = 0

    def __call__(self, parsed: dict, **_: object) -> None:
        self.requests += 1
        self.items += int(parsed.get("ScannedCount", 0))


def main() -> None:
    import boto3
    from bench_reports import AwsClock  # bench/ is on the path when run as a script
    from moto import mock_aws

    from chalicelib import clock
    from chalicelib.clock import BEIJING
    from chalicelib.domain.models import Actor
    from chalicelib.domain.policies import Conditions, Policy, summary
    from chalicelib.jobs import policy_push
    from chalicelib.store import db, jobs
    from chalicelib.store import policies as store
    from infra.definitions import Names, create_all

    now = datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
    clock.set_now(now)
    admin = Actor(username="admin", role="admin", display_name="服务中心")
    from infra.local import moto_patches

    moto_patches.apply()  # the local stack's moto: Query and transactions as DynamoDB's
    with mock_aws():
        db.reset()
        create_all(boto3.Session(), Names("bench"))
        matching = fill(db.client())
        conditions = Conditions(industries=["industry"], size_classes=["designated"])
        at = clock.iso(now)
        policy = store.create(
            Policy(
                id="P-bench",
                title="技术改造补助",
                issuer="县工业和信息化局",
                body="第一条……",
                effective_from="2026-01-01",
                conditions=conditions,
                conditions_text=summary(conditions),
                status="draft",
                version=1,
                created_at=at,
                updated_at=at,
            ),
            admin,
        )
        job = jobs.new_item("policy_push", {"policy_id": policy.id}, admin, now)
        published = policy.model_copy(
            update={"status": "published", "published_at": at, "push_job_id": job["id"]}
        )
        store.replace(policy, published, admin, extra=[jobs.put_action(job)])
        reads = Reads()
        db.client().meta.events.register("after-call.dynamodb.*", reads)
        aws = AwsClock()  # the seconds spent inside moto's calls
        aws.attach(db.client())
        with PeakRss() as memory:
            began = time.perf_counter()
            runs = 0
            while jobs.get(job["id"])["status"] != "done":
                policy_push.run(jobs.get(job["id"]), now)
                runs += 1
            elapsed = time.perf_counter() - began
        done = jobs.get(job["id"])
        print(
            f"{ENTERPRISES:,} enterprises, {matching:,} match: pushed in {elapsed:.1f} s, of "
            f"which {aws.seconds:.1f} s inside moto ({elapsed - aws.seconds:.1f} s ours); "
            f"{runs} receive{'s' if runs > 1 else ''}; resident set +{memory.growth_mib:.1f} MiB "
            f"at its peak (moto's, in process, included); {done['result']['matched']:,} "
            f"notified; {reads.requests} DynamoDB requests, {reads.items:,} items read"
        )
        figure(
            f"policy push, {ENTERPRISES:,} enterprises: items read, s",
            f"{reads.items:,}, {elapsed:.0f} s",
            "",
            None,
        )


if __name__ == "__main__":
    main()
