"""The knowledge base's search at a county's scale (moto, in process): the first search of a
fresh process (the segmentation's cold start: time and memory, with and without jieba's
cache file, beside jieba's own full dictionary), then ARTICLES articles (default 2,000,
made from the demo articles with their sentences mixed) — the requests and items read to
load the base into a warm Lambda, the memory the base takes there, and the time of a
search in memory (p50, p95, max over many questions). Prints; asserts nothing.

    .venv/bin/python bench/bench_knowledge.py [ARTICLES]
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "XQT_TABLE": "bench-maintable",
        "XQT_AUTH_ISSUER": "bench",
        "XQT_AUTH_AUDIENCE": "bench",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)

ARTICLES = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
#: Fresh processes timed for the cold start (the median is printed).
RUNS = 5

QUESTIONS = [
    "毕业生 社保补贴",
    "招高校毕业生有什么补贴",
    "稳岗返还什么时候发",
    "残保金怎么减免",
    "新厂房接水接电怎么办",
    "高企认定要哪些条件",
    "出口退税多久到账",
    "消防验收",
    "有没有贴息贷款",
    "环评审批要多久",
    "人才公寓",
    "新开公司营业执照",
    "扩建需要工业用地指标",
    "买新设备技改补助",
    "我们是做电机的想问一下研发费用加计扣除和高企认定有什么关系",
    "养殖场想申请贴息贷款不清楚哪家银行有农业产品",
]

COLD = """
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
began = time.perf_counter()
rss0 = rss()
if sys.argv[1] == "project":
    from chalicelib import segmentation
    imported = time.perf_counter()
    segmentation.query_terms("招高校毕业生有什么补贴")
else:
    import logging, jieba
    jieba.setLogLevel(logging.WARNING)
    imported = time.perf_counter()
    list(jieba.cut_for_search("招高校毕业生有什么补贴"))
done = time.perf_counter()
print(json.dumps({"import": imported - began, "first": done - imported,
                  "rss_mb": rss() - rss0}))
"""


def cold(kind: str, tmp: str) -> dict[str, float]:
    env = {**os.environ, "TMPDIR": tmp, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", COLD, kind], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def cold_start() -> None:
    for kind, label in (("project", "search dictionary"), ("jieba", "jieba's full dictionary")):
        runs = []
        for _ in range(RUNS):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append((cold(kind, tmp), cold(kind, tmp)))  # no cache file, then its own
        first = {k: statistics.median(r[0][k] for r in runs) for k in runs[0][0]}
        cached = {k: statistics.median(r[1][k] for r in runs) for k in runs[0][1]}
        print(
            f"first search of a fresh process ({label}, median of {RUNS}): import "
            f"{first['import'] * 1000:.0f} ms + first segmentation "
            f"{first['first'] * 1000:.0f} ms without the cache file, "
            f"{cached['first'] * 1000:.0f} ms with it; +{first['rss_mb']:.0f} MB resident",
            flush=True,
        )


def synthetic(n: int) -> list[dict]:
    """``n`` articles from the demo ones: each a demo article's title and question with a
    number, its answer followed by two sentences of other articles' answers."""
    from infra.local.demo_knowledge import ARTICLES as DEMO

    rnd = random.Random(17)
    sentences = [s for a in DEMO for s in a["answer"].replace("\n", "。").split("。") if s]
    out = []
    for i in range(n):
        base = DEMO[i % len(DEMO)]
        extra = "。".join(rnd.sample(sentences, 2))
        out.append(
            {
                "title": f"{base['title']}(问答 {i})",
                "question": base["question"],
                "answer": f"{base['answer']}\n{extra}。",
                "category": base["category"],
                "keywords": base.get("keywords", []),
                "valid_until": "2026-06-30" if i % 10 == 0 else "2027-12-31",
            }
        )
    return out


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib import clock
    from chalicelib.domain import knowledge as rules
    from chalicelib.domain.knowledge import Article, KnowledgeIndex
    from chalicelib.domain.models import Actor
    from chalicelib.store import db
    from chalicelib.store import knowledge as store
    from infra.definitions import Names, create_all
    from infra.local import moto_patches

    moto_patches.apply()  # moto's own TransactWriteItems copies the whole table per action
    cold_start()
    admin = Actor(username="admin", role="admin", display_name="服务中心")
    specs = synthetic(ARTICLES)
    at = clock.iso(clock.now())
    with mock_aws():
        db.reset()
        create_all(boto3.Session(), Names("bench"))
        began = time.perf_counter()
        cut = 0.0
        for i, spec in enumerate(specs):
            a = Article.model_validate(
                {
                    **spec,
                    "id": f"KB-20261207-{i:06d}",
                    "status": "published",
                    "version": 1,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            t = time.perf_counter()
            terms = rules.terms_of(a)
            cut += time.perf_counter() - t
            store.save(None, a, terms, admin, "create")
        written = time.perf_counter() - began
        print(
            f"{ARTICLES:,} articles written in {written:.1f} s (moto); cutting an article into "
            f"terms at its write: {cut / ARTICLES * 1000:.1f} ms on average"
        )
        reads = {"requests": 0, "items": 0}

        def count(parsed: dict, **_: object) -> None:
            reads["requests"] += 1
            reads["items"] += int(parsed.get("ScannedCount", 0))

        db.client().meta.events.register("after-call.dynamodb.*", count)
        t = time.perf_counter()
        token = store.change_token()
        loaded = store.load_all()
        load_s = time.perf_counter() - t
        size = sum(
            len(json.dumps({**a.model_dump(mode="json"), "terms": terms}, ensure_ascii=False))
            for a, terms in loaded
        )
        print(
            f"loading the base into a process: {reads['requests']} DynamoDB requests (1 GetItem "
            f"of the change token, {reads['requests'] - 1} Query pages), {reads['items']:,} "
            f"items read, about {size / 2**20:.1f} MB of items (≈ {size / 4096:,.0f} read "
            f"units strongly consistent); {load_s:.1f} s in moto; token {bool(token)}"
        )
        t = time.perf_counter()
        index = KnowledgeIndex.build(loaded)
        build_s = time.perf_counter() - t
        del index
        tracemalloc.start()  # built again, traced (tracing slows every allocation down)
        index = KnowledgeIndex.build(loaded)
        held = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        print(
            f"building the in-memory base from the stored terms: {build_s * 1000:.0f} ms; it "
            f"holds {held:.1f} MiB of Python allocations (its articles and term counts)"
        )
        today = clock.to_beijing(clock.now()).date()
        timings = []
        for _ in range(5):
            for q in QUESTIONS:
                t = time.perf_counter()
                index.search(q, today=today)
                timings.append(time.perf_counter() - t)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        example = index.search(QUESTIONS[1], today=today)
        print(
            f"a search among {ARTICLES:,} articles, in memory: p50 "
            f"{statistics.median(timings) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max "
            f"{timings[-1] * 1000:.1f} ms over {len(timings)} searches of "
            f"{len(QUESTIONS)} questions; e.g. 「{QUESTIONS[1]}」 → {example[0].article.title}"
        )


if __name__ == "__main__":
    main()
