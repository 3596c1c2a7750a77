"""Importing a county register of 10,000 enterprises, three times:

1. a CSV (UTF-8 with BOM) of 10,000 new enterprises: every row created, with its audit entry;
2. the same register as an XLSX workbook: every row unchanged, nothing written;
3. the CSV again with one enterprise in ten changed (town, employees): those updated.

Each run is the job as the queue consumer runs it (``jobs/enterprise_import.run``, receives
repeated until done), the file put in the attachments bucket first. Printed per run: seconds
(how many of them were spent waiting for moto, and this process's CPU time), the DynamoDB
and S3 requests, and this process's peak resident set during the run and how much of it the
run added (``memory.PeakRss``: Lambda's "Max Memory Used", read at no cost to the run).

moto runs as a server in a process of its own (with the local stack's transaction patch), so
this process holds only the import and boto3: its traced memory and RSS are the job's, not
moto's tables'. ``--in-process`` runs moto inside this process instead (``mock_aws``, no
HTTP): faster, but then the memory figures include every item moto keeps. Prints; asserts
nothing. ``python bench/bench_enterprise_import.py [N] [--in-process]``."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from figures import figure
from memory import PeakRss

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "XQT_TABLE": "bench-maintable",
        "XQT_REPORTS_BUCKET": "bench-reportsbucket",
        "XQT_ATTACHMENTS_BUCKET": "bench-attachmentsbucket",
        "XQT_JOB_QUEUE": "bench-jobqueue",
        "XQT_AUTH_ISSUER": "bench",
        "XQT_AUTH_AUDIENCE": "bench",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ENTERPRISES = int(ARGS[0]) if ARGS else 10_000
IN_PROCESS = "--in-process" in sys.argv
HEADER = ["统一社会信用代码", "企业名称", "企业规模", "行业", "乡镇", "重点科技型企业",
          "省市重大项目", "从业人数", "营业收入(万元)", "联系人", "联系电话"]  # fmt: skip
SIZES = ["亿元以上", "规上", "小微", "小微", "小微"]
INDUSTRIES = ["农业", "工业", "建筑房地产", "服务业", "其他"]
TOWNS = ["掘港街道", "城中街道", "长沙镇", "大豫镇", "栟茶镇", "洋口镇", "马塘镇", "岔河镇"]


def register(changed_every: int = 0) -> list[list[Any]]:
    from infra.local.seed import credit_code

    rows = []
    for n in range(ENTERPRISES):
        changed = changed_every and n % changed_every == 0
        rows.append(
            [
                credit_code(f"bench-import-{n}"),
                f"如东县测试企业{n:05d}有限公司",
                SIZES[n % len(SIZES)],
                INDUSTRIES[n % len(INDUSTRIES)],
                TOWNS[(n + (1 if changed else 0)) % len(TOWNS)],
                "是" if n % 7 == 0 else "否",
                "是" if n % 50 == 0 else "否",
                20 + n % 500 + (1 if changed else 0),
                round(100 + n * 3.7, 1),
                f"联系人{n % 100}",
                f"139{n:08d}",
            ]
        )
    return rows


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("企业名录")
    sheet.write_row(0, 0, HEADER)
    for i, row in enumerate(rows, start=1):
        sheet.write_string(i, 0, row[0])
        sheet.write_row(i, 1, row[1:10])
        sheet.write_string(i, 10, row[10])
    book.close()
    return out.getvalue()


class Requests:
    """AWS requests made and seconds spent inside them (here: moto), from botocore's events."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.by_operation: dict[str, int] = {}
        self._began: list[float] = []

    def attach(self, *clients: Any) -> None:
        for client in clients:
            client.meta.events.register("before-call.*.*", self._before)
            client.meta.events.register("after-call.*.*", self._after)

    def _before(self, **_: Any) -> None:
        self._began.append(time.perf_counter())

    def _after(self, model: Any = None, **_: Any) -> None:
        self.seconds += time.perf_counter() - self._began.pop()
        name = getattr(model, "name", "?")
        self.by_operation[name] = self.by_operation.get(name, 0) + 1


def run_import(data: bytes, filename: str, content_type: str, aws: Requests) -> dict[str, Any]:
    from chalicelib import clock
    from chalicelib.domain import uploads as rules
    from chalicelib.domain.models import Actor
    from chalicelib.jobs import dispatch, enterprise_import
    from chalicelib.store import files, jobs, uploads

    admin = Actor(username="admin", role="admin", display_name="管理员")
    purpose = rules.PURPOSES["enterprise_import"]
    record, _ = uploads.create(purpose, filename, content_type, len(data), admin, clock.now())
    files.client().put_object(
        Bucket=os.environ["XQT_ATTACHMENTS_BUCKET"],
        Key=record["key"],
        Body=data,
        ContentType=content_type,
    )
    params = {k: record[k] for k in ("key", "filename", "content_type", "size")}
    job = dispatch.create("enterprise_import", {"upload_id": record["id"], **params}, admin)
    before = dict(aws.by_operation)
    in_aws = aws.seconds
    with PeakRss() as memory:
        began = time.perf_counter()
        cpu = time.process_time()
        receives = 0
        while True:
            receives += 1
            enterprise_import.run(jobs.get(job["id"]), clock.now())
            job = jobs.get(job["id"])
            if job["status"] in ("done", "failed"):
                break
        elapsed = time.perf_counter() - began
        cpu = time.process_time() - cpu
    requests = {k: v - before.get(k, 0) for k, v in aws.by_operation.items()}
    return {
        "job": job,
        "seconds": elapsed,
        "cpu": cpu,
        "in_moto": aws.seconds - in_aws,
        "peak": memory.peak_mib,
        "added": memory.growth_mib,
        "receives": receives,
        "requests": {k: v for k, v in requests.items() if v},
    }


MOTO = """
import logging
import sys
from infra.local import moto_patches
from moto.server import ThreadedMotoServer

moto_patches.apply()  # the local stack's transactions: O(items touched), as in DynamoDB
logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per request
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()  # until the parent closes it
server.stop()
"""


def moto_server() -> tuple[subprocess.Popen[str], str]:
    """moto in a process of its own: this one holds only the import (and boto3), so its
    traced memory and RSS are the job's, and moto's own work is not counted as ours."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", MOTO, str(port)],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc, f"http://127.0.0.1:{port}"


def main() -> None:
    import boto3

    from chalicelib.domain.uploads import CSV, XLSX
    from chalicelib.store import db, files
    from infra.definitions import Names, create_all

    plain = register()
    runs = [
        ("new register (CSV): all created", as_csv(plain), "register.csv", CSV),
        ("same register (XLSX): all unchanged", as_xlsx(plain), "register.xlsx", XLSX),
        ("one in ten changed (CSV): updated", as_csv(register(changed_every=10)), "c.csv", CSV),
    ]
    del plain
    if IN_PROCESS:
        from moto import mock_aws

        from infra.local import moto_patches

        moto_patches.apply()
        mock: Any = mock_aws()
        mock.start()
        proc = None
        where = "moto in this process: memory figures include its tables"
    else:
        proc, os.environ["AWS_ENDPOINT_URL"] = moto_server()
        where = "moto server in another process"
    try:
        db.reset()
        files.reset()
        create_all(boto3.Session(), Names("bench"))
        aws = Requests()
        aws.attach(db.client(), files.client())
        print(f"importing {ENTERPRISES:,} enterprises ({where})")
        head = ("run", "file KiB", "seconds", "in AWS", "CPU s", "peak RSS", "added")
        print(
            f"{head[0]:<38} {head[1]:>8} {head[2]:>8} {head[3]:>7} {head[4]:>6} "
            f"{head[5]:>9} {head[6]:>8}  counts"
        )
        for label, data, name, ctype in runs:
            out = run_import(data, name, ctype, aws)
            result = out["job"]["result"]
            counts = ", ".join(f"{k} {v:,}" for k, v in result.items() if k != "rejected_file")
            print(
                f"{label:<38} {len(data) / 1024:>8.0f} {out['seconds']:>8.1f} "
                f"{out['in_moto']:>7.1f} {out['cpu']:>6.1f} "
                f"{out['peak']:>9.0f} {out['added']:>8.1f}  {counts}"
            )
            ops = ", ".join(f"{k} {v:,}" for k, v in sorted(out["requests"].items()))
            print(f"{'':<38} requests: {ops}; receives: {out['receives']}")
            figure(
                f"import {ENTERPRISES:,} enterprises, {label.split(':')[0]}",
                f"{out['seconds']:.0f} s",
                "",
                None,
            )
        print(
            "(in AWS: seconds waiting for moto's answers; CPU s: this process's CPU time, which "
            "other load on the machine does not inflate; peak RSS: this process's peak resident "
            "set during the run, MiB, the files and boto3 included; added: that peak less the "
            "resident set at the run's start)"
        )
    finally:
        if proc is None:
            mock.stop()
        else:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(30)


if __name__ == "__main__":
    main()
