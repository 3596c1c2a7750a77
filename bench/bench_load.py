"""Latency under load on the local stack (``infra.local.server`` as a process, over HTTP, the
way tests/e2e starts it): 20 concurrent clients for 60 s, each request in turn one of

* GET an appeal (``GET /api/v1/appeals/{id}``, as its enterprise),
* a list page (``GET /api/v1/appeals?scope=all&limit=20``, as the admin),
* a filing (``POST /api/v1/appeals``, as one of the three demo enterprises);

p50 and p95 of each, and the errors (any answer but the expected 200/201, or no answer:
the goal is none). Then the stack is stopped, 100,000 closed appeals (each with its
``filed`` event, as the store keys them) are added to its snapshot, and it is started again:
the durable server restores them as it restores any data folder (straight into moto's
backend, infra/local/durable.py), and the time that start takes is a figure of its own.
The same load then runs again. Goals: no error; with 100,000 more appeals, each p50 and p95
at most 2× the seeded stack's (the local stack does not slow down as its data grows). With
20 clients on one Python process the latencies are mostly queueing: throughput × latency
≈ 20.

    .venv/bin/python bench/bench_load.py [SECONDS] [APPEALS] [CLIENTS]

``make bench`` runs the full 60 s; ``bench/bench_load.py 5 2000`` is a quick run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from figures import figure  # noqa: E402

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
APPEALS = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 20
ENTERPRISES = ("ent-hengrun", "ent-xinghai", "ent-xiaoyang")
CATEGORIES = ("land", "financing", "talent", "policy", "labor", "technology")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.tokens: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 900) -> float:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XQT_"))}
        env |= {
            "PORT": str(self.port),
            "DATA_DIR": str(self.data_dir),
            "PYTHONUNBUFFERED": "1",
            "XQT_SWEEP_MINUTES": "60",
        }
        command = [sys.executable, "-m", "infra.local.server"]
        log = open(self.data_dir.parent / "stack.log", "ab")  # noqa: SIM115
        began = time.perf_counter()
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        while time.perf_counter() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"local stack exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - began
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise TimeoutError("local stack did not answer")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def token(self, user: str) -> str:
        if user not in self.tokens:
            _, data = self.call("POST", "/api/v1/dev/token", {"username": user})
            self.tokens[user] = data["token"]
        return self.tokens[user]

    def call(self, method: str, path: str, body: Any = None, user: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


def filing(n: int) -> dict[str, Any]:
    return {
        "category": CATEGORIES[n % len(CATEGORIES)],
        "title": f"压测诉求 {n}：厂房扩建用地咨询",
        "content": f"第 {n} 件：我公司计划扩建二期厂房，约需 {10 + n % 50} 亩工业用地，"
        "想了解用地指标。",
    }


def load(stack: Stack, seconds: float, appeal: dict[str, Any], owner: str) -> dict[str, Any]:
    """``CLIENTS`` threads for ``seconds``; each client's requests cycle through the three."""
    for user in (*ENTERPRISES, "admin"):
        stack.token(user)
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def client(k: int) -> None:
        turn = k
        while time.perf_counter() < deadline:
            kind = ("get appeal", "list page", "filing")[turn % 3]
            turn += 1
            began = time.perf_counter()
            try:
                if kind == "get appeal":
                    status, body = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", user=owner)
                    ok = status == 200 and body["id"] == appeal["id"]
                elif kind == "list page":
                    status, body = stack.call(
                        "GET", "/api/v1/appeals?scope=all&limit=20", user="admin"
                    )
                    ok = status == 200 and 0 < len(body["items"]) <= 20
                else:
                    with lock:
                        n = next(counter)
                    status, body = stack.call(
                        "POST", "/api/v1/appeals", filing(n), user=ENTERPRISES[n % 3]
                    )
                    ok = status == 201
                detail = f"{status} {str(body)[:200]}"
            except Exception as exc:  # no answer at all is an error too
                ok, detail = False, repr(exc)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                samples[kind].append(elapsed)
                if not ok:
                    errors[kind].append(detail)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"samples": samples, "errors": errors}


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    ]


def report(
    label: str, result: dict[str, Any], seconds: float, baseline: dict[str, Any] | None
) -> None:
    """The figures of one run; with ``baseline`` (the seeded run), each beside 2× it."""
    total = sum(len(v) for v in result["samples"].values())
    print(f"{label}: {total:,} requests in {seconds:.0f} s ({total / seconds:.1f}/s)")
    for kind in ("get appeal", "list page", "filing"):
        values = result["samples"][kind]
        if not values:
            figure(f"load {label}: {kind}", "no requests", "", False)
            continue
        p50, p95 = percentiles(values)
        name = f"load {label}: {kind} p50 / p95 (n={len(values)})"
        if baseline is None or not baseline["samples"][kind]:
            figure(name, f"{p50:.0f} / {p95:.0f} ms", "(the baseline)", None)
            continue
        b50, b95 = percentiles(baseline["samples"][kind])
        figure(
            name,
            f"{p50:.0f} / {p95:.0f} ms",
            f"≤ 2× {b50:.0f} / {b95:.0f}",
            p50 <= 2 * b50 and p95 <= 2 * b95,
        )
    errors = sum(len(v) for v in result["errors"].values())
    figure(f"load {label}: errors", str(errors), "0", errors == 0)
    for kind, details in result["errors"].items():
        for detail in details[:3]:
            print(f"  {kind}: {detail}")


def appeal_items(appeals: int) -> tuple[list[list[dict[str, Any]]], int]:
    """Pages of closed appeals with their ``filed`` event, as the store keys them (the same
    shapes as bench/bench_reports.py writes): one appeal built by the store's own functions,
    then copied with each appeal's id and filing time (100,000 through pydantic would take
    minutes on this machine)."""
    os.environ.setdefault("XQT_TABLE", "bench-maintable")
    from chalicelib.clock import BEIJING
    from chalicelib.domain.appeals import Appeal, Assignee, Party, TimelineEvent
    from chalicelib.domain.codes import Category, Channel, SizeClass, Status
    from chalicelib.store import appeals as store
    from chalicelib.store import db, keys

    start = datetime(2024, 1, 1, 9, 0, tzinfo=BEIJING)
    template_id, template_at = "XQT-20240101-L000000", start.isoformat(timespec="seconds")
    appeal = Appeal(
        id=template_id,
        channel=next(iter(Channel)),
        enterprise=Party(
            uscc="913206230000000001",
            name="企业1",
            size_class=next(iter(SizeClass)),
            industry="industry",
        ),
        category=next(iter(Category)),
        title="诉求：用地指标咨询",
        content="企业反映的问题" * 20,
        urgency="normal",
        status=Status.CLOSED,
        assignee=Assignee(commissioner_id="c-designated", name="c-designated"),
        reply_due_at=(start + timedelta(days=7)).isoformat(timespec="seconds"),
        period_started_at=template_at,
        filed_by="ent",
        version=1,
        created_at=template_at,
        updated_at=template_at,
    )
    templates = [
        json.dumps(
            db.to_item(
                {
                    **keys.appeal(template_id),
                    **keys.appeal_indexes(template_id, template_at, "closed"),
                    "item_type": "appeal",
                    **store._doc(appeal),
                }
            ),
            ensure_ascii=False,
        ),
        json.dumps(
            store._event_put(
                template_id,
                TimelineEvent(type="filed", at=template_at, version=1, status="received"),
            )["Put"]["Item"],
            ensure_ascii=False,
        ),
    ]
    span = int((datetime(2026, 11, 30, 17, 0, tzinfo=BEIJING) - start).total_seconds())
    pages: list[list[dict[str, Any]]] = [[]]
    written = 0
    for n in range(appeals):
        filed = start + timedelta(seconds=n * span // max(appeals, 1))
        appeal_id = f"XQT-{filed:%Y%m%d}-L{n:06d}"
        at = filed.isoformat(timespec="seconds")
        for text in templates:
            if len(pages[-1]) == 1000:
                pages.append([])
            pages[-1].append(
                json.loads(text.replace(template_id, appeal_id).replace(template_at, at))
            )
            written += 1
    return pages, written


def add_to_snapshot(data_dir: Path, appeals: int) -> int:
    """The appeals' items added to the stopped stack's snapshot, before its end line (the
    local stack's account and region): the next start restores them with the rest."""
    from moto.core import DEFAULT_ACCOUNT_ID

    from infra.definitions import Names
    from infra.local.server import RESOURCE_PREFIX

    table = Names(RESOURCE_PREFIX).of("MainTable")
    path = data_dir / "moto" / "snapshot.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    end = json.loads(lines.pop())
    assert end["kind"] == "end", end
    pages, written = appeal_items(appeals)
    entry = {"kind": "items", "account": DEFAULT_ACCOUNT_ID, "region": "us-east-1"}
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line + "\n")
        for page in pages:
            out.write(json.dumps(entry | {"table": table, "items": page}, ensure_ascii=False))
            out.write("\n")
        out.write(json.dumps(end) + "\n")
    return written


def run(stack: Stack, label: str, baseline: dict[str, Any] | None = None) -> dict[str, Any]:
    owner = ENTERPRISES[0]
    began = time.perf_counter()
    status, page = stack.call("GET", "/api/v1/appeals?scope=all&limit=20", user="admin")
    assert status == 200, page
    # moto's sorted views of a table are built at its first Query after a start (one sort)
    print(f"{label}: first list page after the start in {time.perf_counter() - began:.1f} s")
    status, appeal = stack.call("POST", "/api/v1/appeals", filing(10**8), user=owner)
    assert status == 201, appeal
    began = time.perf_counter()
    result = load(stack, SECONDS, appeal, owner)
    report(label, result, time.perf_counter() - began, baseline)
    return result


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    data = work / "data"
    data.mkdir()
    stack = Stack(data)
    try:
        first = stack.start()
        print(f"local stack up (first start, seeded) in {first:.1f} s; {CLIENTS} clients")
        seeded = run(stack, "seeded stack")
        stack.stop()

        began = time.perf_counter()
        written = add_to_snapshot(data, APPEALS)
        print(
            f"{APPEALS:,} appeals ({written:,} items) added to the snapshot"
            f" in {time.perf_counter() - began:.0f} s"
        )
        stack = Stack(data)
        restart = stack.start()
        figure(
            f"local stack restart, {APPEALS:,} appeals more ({written:,} items)",
            f"{restart:.0f} s",
            "",
            None,
        )
        run(stack, f"+{APPEALS // 1000}k appeals", seeded)
    finally:
        stack.stop()
        kept = Path(tempfile.gettempdir()) / "bench-load-stack.log"
        shutil.copyfile(work / "stack.log", kept)
        print(f"the stack's log: {kept}")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
