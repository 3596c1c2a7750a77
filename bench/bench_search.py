"""Finding the caller at 100,000 enterprises and 50,000 earlier calls (moto, in process):
per keystroke search and per phone lookup, the DynamoDB requests and items read, the
latency (p50/p95: ours apart from the time spent inside moto), and the container's memory
for the index; plus the snapshot's size, a container's load of it, and the fold job.

The register is written straight into the table (items as the store writes them, with
``BatchWriteItem``: 100,000 transactions on moto would take the bench's hour), the snapshot
is built from the same rows the way the full rebuild builds it, and then 100 enterprises are
changed through the store (``store/enterprises.update``: the change list), so every search
overlays them. moto runs with the local stack's patches (a Query reads its partition, not
the table): the requests and items read are the figures that count (docs/search.md).
Prints; asserts nothing.

    .venv/bin/python bench/bench_search.py [ENTERPRISES] [CALLS]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
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
        "XQT_REPORTS_BUCKET": "bench-reportsbucket",
        "XQT_AUTH_ISSUER": "bench",
        "XQT_AUTH_AUDIENCE": "bench",
        "XQT_DIRECTORY_CACHE_SECONDS": "600",
    }
)

ENTERPRISES = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
CALLS = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
CHANGED = 100
HENGRUN = "如东恒润机械制造有限公司"

PLACES = ["如东", "南通", "江苏", "如东县", "南通市", ""]
WORDS = list(
    "恒润星海东泰华源锐邦宏达锦城通达鑫盛巧手捷创丰利双甸栟茶新店洋口马塘岔河曹埠河口袁庄"
    "金海湾建工大豫海融城投绿源长沙掘港城中紫菜果蔬博远嘉禾瑞丰德胜永泰天成正大华强腾飞"
)
TRADES = [
    "机械制造有限公司",
    "纺织有限公司",
    "精密电子有限公司",
    "水产养殖有限公司",
    "建筑安装工程有限公司",
    "房地产开发有限公司",
    "物流有限公司",
    "五金加工厂",
    "服饰有限公司",
    "智能科技有限公司",
    "家庭农场",
    "餐饮管理有限公司",
    "电子商务有限公司",
    "新能源科技有限公司",
    "专业合作社",
]


class Meter:
    """DynamoDB and S3 calls seen by botocore: requests by operation, items read
    (``ScannedCount`` of a Query, items a ``BatchGetItem``/``GetItem`` returned) and the
    seconds spent inside them."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.items = 0
        self.seconds = 0.0
        self._began: list[float] = []

    def attach(self, *clients: Any) -> None:
        for client in clients:
            client.meta.events.register("before-call.*.*", self._before)
            client.meta.events.register("after-call.*.*", self._after)

    def reset(self) -> None:
        self.requests.clear()
        self.items = 0
        self.seconds = 0.0

    def _before(self, **_: Any) -> None:
        self._began.append(time.perf_counter())

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        self.seconds += time.perf_counter() - self._began.pop()
        self.requests[model.name] += 1
        if model.name == "Query":
            self.items += int(parsed.get("ScannedCount", 0))
        elif model.name == "BatchGetItem":
            self.items += sum(len(v) for v in parsed.get("Responses", {}).values())
        elif model.name == "GetItem":
            self.items += 1 if parsed.get("Item") else 0


def names(count: int, rnd: random.Random) -> list[str]:
    out = {HENGRUN}
    while len(out) < count:
        word = "".join(rnd.choice(WORDS) for _ in range(rnd.choice((2, 2, 3, 4))))
        out.add(rnd.choice(PLACES) + word + rnd.choice(TRADES))
    ordered = sorted(out - {HENGRUN})
    rnd.shuffle(ordered)
    return [HENGRUN, *ordered]


_ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def code(n: int) -> str:
    """The n-th credit code of the bench: distinct for every n (hashed ones may collide)."""
    from chalicelib.domain.enterprise import with_check_character

    digits = ""
    for _ in range(7):
        n, r = divmod(n, len(_ORG))
        digits += _ORG[r]
    return with_check_character("91320623MA" + digits)


def fill(client: Any, count: int, calls: int, rnd: random.Random) -> list[dict[str, Any]]:
    """The register (enterprises and their contact phones' index) and the calls' phone
    listings, written as the store writes them; returns the enterprise records."""
    from chalicelib.domain.appeals import Appeal
    from chalicelib.store import appeals, db, keys

    at = "2026-11-01T09:00:00+08:00"
    batch: list[dict[str, Any]] = []

    def put(item: dict[str, Any]) -> None:
        batch.append({"PutRequest": {"Item": db.to_item(item)}})
        if len(batch) == 25:
            moto_seed.batch_write(client, {db.table(): list(batch)})
            batch.clear()

    records = []
    for n, name in enumerate(names(count, rnd)):
        uscc = code(n)
        phone = f"138{n:08d}"
        shorts = ["恒润机械", "恒润"] if n == 0 else ([name[2:6]] if n % 3 == 0 else [])
        record = {
            "uscc": uscc,
            "name": name,
            "short_names": shorts,
            "size_class": "small_micro",
            "industry": "industry",
            "town": "掘港街道",
            "flags": {"key_tech": False, "major_project": False},
            "contacts": [{"name": "联系人", "phone": phone}],
            "commissioner_id": None,
            "version": 1,
            "created_at": at,
            "updated_at": at,
        }
        records.append(record)
        put({**keys.enterprise(uscc), **keys.enterprise_indexes(uscc, name), **record})
        put({**keys.enterprise_phone(phone, uscc), "item_type": "enterprise_phone", "uscc": uscc})
    for n in range(calls):  # each call's phone listing copy (what the phone lookup reads)
        ent = records[rnd.randrange(count)] if n % 4 else None
        phone = f"139{rnd.randrange(20_000):08d}"
        appeal = Appeal.model_validate(
            {
                "id": f"XQT-20261101-{n:06d}",
                "channel": "hotline_12345",
                "enterprise": {
                    "uscc": ent["uscc"] if ent else None,
                    "name": ent["name"] if ent else "个体户",
                    "caller_phone": phone,
                },
                "category": "policy",
                "title": "咨询技改补助",
                "content": "想了解技改补助的申报条件。" * 5,
                "urgency": "normal",
                "status": "received",
                "assignee": {"commissioner_id": None},
                "reply_due_at": "2026-11-08T23:59:59+08:00",
                "period_started_at": at,
                "filed_by": "operator-12345",
                "posted_by": "operator-12345",
                "version": 1,
                "created_at": at,
                "updated_at": at,
            }
        )
        (listing,) = [k for k in appeals.listings(appeal) if k.startswith("phone#")]
        gpk, gsk = appeals.listings(appeal)[listing]
        put(
            {
                **keys.appeal_listing(appeal.id, listing),
                "gsi1pk": gpk,
                "gsi1sk": gsk,
                "item_type": "appeal_listing",
                **appeals._listing_doc(appeal),
            }
        )
    if batch:
        moto_seed.batch_write(client, {db.table(): batch})
    return records


def keystrokes(records: list[dict[str, Any]], rnd: random.Random, count: int) -> list[str]:
    """What operators type, one keystroke at a time: part of a name, a short name, its
    pinyin initials or full pinyin, a credit-code fragment."""
    from chalicelib.domain import search

    typed = ["恒", "恒润", "恒润机", "恒润机械", "h", "hr", "hrj", "hrjx", "hengrunjixie"]
    while len(typed) < count:
        r = records[rnd.randrange(len(records))]
        kind = rnd.randrange(4)
        if kind == 0:
            start = rnd.randrange(max(1, len(r["name"]) - 4))
            word = r["name"][start : start + rnd.randint(2, 4)]
        elif kind == 1:
            full, initials = search.pinyin(r["name"])
            word = initials[2:6] if rnd.random() < 0.5 else full[4:14]
        elif kind == 2:
            word = r["uscc"][8:14]
        else:
            word = r["name"][:4]
        typed += [word[: i + 1] for i in range(len(word))]
    return typed[:count]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def report(title: str, samples: list[tuple[float, float, Counter[str], int]]) -> None:
    totals = [s[0] * 1000 for s in samples]
    ours = [(s[0] - s[1]) * 1000 for s in samples]
    requests = Counter[str]()
    for s in samples:
        requests.update(s[2])
    per = {k: round(v / len(samples), 2) for k, v in sorted(requests.items())}
    items = [s[3] for s in samples]
    print(f"\n{title}: {len(samples)} lookups")
    print(f"  DynamoDB/S3 requests per lookup (mean): {per}")
    print(
        f"  items read per lookup: mean {statistics.mean(items):.1f}, max {max(items)}"
        f" (ScannedCount + items returned)"
    )
    for label, values in (("ours (without moto)", ours), ("with moto", totals)):
        p50, p95 = pct(values, 0.5), pct(values, 0.95)
        print(f"  latency {label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib import clock
    from chalicelib.domain import search
    from chalicelib.jobs import search_snapshot
    from chalicelib.store import db, enterprise_search, enterprises, files
    from infra.definitions import Names, create_all
    from infra.local import moto_patches

    rnd = random.Random(2026)
    moto_patches.apply()
    with mock_aws():
        db.reset()
        files.reset()
        create_all(boto3.Session(), Names("bench"))
        meter = Meter()
        meter.attach(db.client(), files.client())

        began = time.perf_counter()
        records = fill(db.client(), ENTERPRISES, CALLS, rnd)
        print(
            f"register: {ENTERPRISES:,} enterprises, {CALLS:,} earlier calls written in "
            f"{time.perf_counter() - began:.0f} s"
        )

        # the full rebuild's work, apart from reading the register (100 pages of 1 MB)
        began = time.perf_counter()
        rows = [search.row_of(r) for r in records]
        pinyin_seconds = time.perf_counter() - began
        at = enterprise_search.stamp(time.time_ns() - 60 * 10**9)
        blob = search.dump_snapshot(rows, at, clock.iso(clock.real_now()))
        enterprise_search.write_snapshot(rows, at, clock.iso(clock.real_now()), full=True)
        print(
            f"snapshot: pinyin of {len(rows):,} rows {pinyin_seconds:.1f} s (a full rebuild; a "
            f"fold reuses them), {len(blob) / 2**20:.1f} MiB gzip'd"
        )
        del rows, blob

        # a cold container: the snapshot read from S3 and indexed (timed), then again under
        # tracemalloc for the memory the index keeps (tracemalloc slows it down)
        enterprise_search.forget()
        began = time.perf_counter()
        enterprise_search.find("恒润", 1)
        load_seconds = time.perf_counter() - began
        enterprise_search.forget()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        enterprise_search.find("恒润", 1)
        index_bytes = tracemalloc.get_traced_memory()[0] - base
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        print(
            f"container: first search (S3 read, gunzip, index {ENTERPRISES:,}) "
            f"{load_seconds:.2f} s; index memory {index_bytes / 2**20:.0f} MiB "
            f"(peak while loading {peak / 2**20:.0f} MiB)"
        )

        # writes since the snapshot, through the store: every search overlays them
        for r in records[1 : CHANGED + 1]:
            enterprises.update(r["uscc"], {"town": "洋口镇"}, 1, None)
        print(f"change list: {CHANGED} enterprise writes since the snapshot")

        samples = []
        for q in keystrokes(records, rnd, 300):
            meter.reset()
            began = time.perf_counter()
            enterprises.find(q, 8, None)  # the console's page: 8
            elapsed = time.perf_counter() - began
            samples.append((elapsed, meter.seconds, Counter(meter.requests), meter.items))
        report("keystroke search (q, 8 results)", samples)

        samples = []
        phones = [f"139{rnd.randrange(20_000):08d}" for _ in range(15)]
        phones += [f"138{rnd.randrange(ENTERPRISES):08d}" for _ in range(15)]
        for phone in phones:
            meter.reset()
            began = time.perf_counter()
            enterprises.by_phone(phone, 8)
            elapsed = time.perf_counter() - began
            samples.append((elapsed, meter.seconds, Counter(meter.requests), meter.items))
        report("phone lookup (contacts + earlier calls)", samples)

        meter.reset()
        time.sleep(0.1)
        began = time.perf_counter()
        search_snapshot.MARGIN_SECONDS = 0  # fold the 100 writes just made
        result = search_snapshot.run(clock.now())
        print(
            f"\nfold job: {result} in {time.perf_counter() - began:.2f} s; "
            f"requests {dict(meter.requests)}, items read {meter.items}"
        )


if __name__ == "__main__":
    main()
