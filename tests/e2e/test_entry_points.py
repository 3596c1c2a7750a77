"""Every Lambda entry point of the packaged template, started cold in a process of its own,
counts working days on the calendar the service centre loaded — not the library's.

The centre's 2026 differs from the library's by one day (Monday 2 November off, see
``entry_point_main.py``). Before the rules were passed in, the report Lambda never loaded
them and counted on the library; one process per entry point is what shows it, because the
local stack (one process) loads them once for every function."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e

PREFIX = "xqt-ep"


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    from chalicelib.auth import local_issuer
    from infra.definitions import Names

    folder = Path(tmp_path_factory.mktemp("entry-points"))
    private, jwks = local_issuer.ensure_keys(folder / "issuer")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XQT_"))}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "XQT_STAGE": "dev",  # as deployed: no dev routes, no local shortcuts
            "XQT_AUTH_ISSUER": local_issuer.ISSUER,
            "XQT_AUTH_AUDIENCE": local_issuer.AUDIENCE,
            "XQT_AUTH_JWKS_FILE": str(jwks),
            "XQT_LOCAL_ISSUER_KEY_FILE": str(private),  # the test signs its tokens with it
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",
            **Names(PREFIX).environment(),
        }
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.entry_point_main", "server", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=(folder / "moto.log").open("w"),  # its request log, for a person to read
        text=True,
    )
    assert server.stdout is not None
    assert server.stdout.readline().strip() == "ready"
    yield env
    server.kill()
    server.wait(10)


def cold_start(env: dict[str, str], spec: dict[str, Any]) -> Any:
    """One entry point in a fresh Python process (a cold Lambda); its result as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.entry_point_main", "invoke", json.dumps(spec)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def scheduled(rule: str, now: str) -> dict[str, Any]:
    from datetime import datetime

    from infra.local.scheduler import scheduled_event

    return {
        "now": now,
        "handler": rule,
        "event": scheduled_event(rule, datetime.fromisoformat(now)),
    }


def sqs_event(env: dict[str, str], queue_env: str) -> dict[str, Any]:
    """What Lambda's SQS poller hands the consumer: the messages waiting on the queue."""
    import boto3

    from chalicelib.jobs import runner

    sqs = boto3.client(
        "sqs",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    url = sqs.get_queue_url(QueueName=env[queue_env])["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
    return runner.lambda_event(url, messages.get("Messages", []))


def test_every_entry_point_counts_on_the_calendar_the_centre_loaded(environment):
    from infra import package

    template = json.loads(package.build("dev").read_text(encoding="utf-8"))
    declared = {
        v["Properties"]["Handler"].split(".", 1)[1]
        for v in template["Resources"].values()
        if v["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }
    started: set[str] = set()
    env = environment

    # The REST API (one Lambda for every route): a deadline counted over 2 November, and an
    # appeal with a department part left open, for the report below
    api = cold_start(
        env,
        {
            "now": "2026-10-27T10:00:00+08:00",
            "requests": [
                [
                    "GET",
                    "/api/v1/calendar/deadline?received_at=2026-10-30T10:00:00%2B08:00"
                    "&working_days=1",
                    "admin",
                    None,
                ],
                [
                    "POST",
                    "/api/v1/appeals",
                    "ent-hengrun",
                    {"category": "land", "title": "用地", "content": "扩建用地指标"},
                ],
            ],
        },
    )
    started.add("app")
    preview, filed = api
    assert preview["status"] == 200, preview
    # the library would say Monday 2 November; the centre's notice makes it the 3rd
    assert preview["body"]["due_at"] == "2026-11-03T23:59:59+08:00"
    assert filed["status"] == 201, filed
    # filed Tue 27 Oct: 28, 29, 30 Oct, (2 Nov off), 3, 4 Nov → due the 4th, not the 3rd
    assert filed["body"]["reply_due_at"] == "2026-11-04T23:59:59+08:00"
    appeal = filed["body"]
    steps = cold_start(
        env,
        {
            "now": "2026-10-27T11:00:00+08:00",
            "requests": [
                [
                    "POST",
                    f"/api/v1/appeals/{appeal['id']}/events",
                    "comm-designated",
                    {"type": "accept", "version": 1},
                ],
                [
                    "POST",
                    f"/api/v1/appeals/{appeal['id']}/events",
                    "comm-designated",
                    {"type": "transfer", "version": 2, "departments": ["tax"]},
                ],
            ],
        },
    )
    assert [s["status"] for s in steps] == [200, 200], steps
    part_due = steps[1]["body"]["departments"][0]["due_at"]
    assert part_due == "2026-10-30T23:59:59+08:00"

    # The joint meeting's daily run: 2 November is no working day here, so nothing yet
    result = cold_start(env, scheduled("monthly_meeting", "2026-11-02T09:00:00+08:00"))
    assert result["drafted"] == 0, result
    result = cold_start(env, scheduled("monthly_meeting", "2026-11-03T09:00:00+08:00"))
    assert result["drafted"] == 1, result
    started.add("monthly_meeting")

    # Last month's report on the first working day: the 3rd, not the 2nd
    assert cold_start(env, scheduled("monthly_report", "2026-11-02T09:30:00+08:00")) == {
        "started": 0
    }
    result = cold_start(env, scheduled("monthly_report", "2026-11-03T09:30:00+08:00"))
    assert result["started"] == 1, result
    started.add("monthly_report")

    # The report consumer: the open part, due Fri 30 Oct, is late by 3 Nov and 4 Nov only
    event = sqs_event(env, "XQT_REPORT_QUEUE")
    assert len(event["Records"]) == 1
    outcome = cold_start(
        env, {"now": "2026-11-04T10:00:00+08:00", "handler": "report_builds", "event": event}
    )
    assert outcome == {"batchItemFailures": []}, outcome
    started.add("report_builds")
    report = cold_start(
        env,
        {
            "now": "2026-11-04T10:05:00+08:00",
            "requests": [["GET", f"/api/v1/reports/{result['report_id']}/figures", "admin", None]],
        },
    )[0]
    assert report["status"] == 200, report
    late = [n for n in report["body"]["figures"]["notice"] if n["kind"] == "part_overdue"]
    assert [(n["appeal_id"], n["working_days_late"]) for n in late] == [(appeal["id"], 2)]

    # The others count no working days; each still starts cold and does its work
    result = cold_start(env, scheduled("deadline_sweep", "2026-11-05T08:00:00+08:00"))
    assert result["found"] >= 1, result  # the appeal's deadline (4 Nov) has passed
    started.add("deadline_sweep")
    event = sqs_event(env, "XQT_ESCALATION_QUEUE")
    assert event["Records"]
    outcome = cold_start(
        env, {"now": "2026-11-05T08:00:00+08:00", "handler": "escalations", "event": event}
    )
    assert outcome == {"batchItemFailures": []}, outcome
    started.add("escalations")
    result = cold_start(env, scheduled("send_outbox", "2026-11-05T08:01:00+08:00"))
    assert result["failed"] == 0, result
    started.add("send_outbox")
    # a policy published: its push to the matching enterprises is a long job on its queue
    policy = {
        "title": "如东县支持工业企业技术改造的若干政策",
        "issuer": "县工业和信息化局",
        "summary": "对年度技改投入 500 万元以上的规上工业企业给予补助。",
        "body": "第一条 为推动工业企业转型升级,对技术改造项目给予补助。",
        "effective_from": "2026-01-01",
        "conditions": {"industries": ["industry"], "size_classes": ["designated"]},
    }
    (drafted,) = cold_start(
        env,
        {
            "now": "2026-11-05T08:02:00+08:00",
            "requests": [["POST", "/api/v1/policies", "admin", policy]],
        },
    )
    assert drafted["status"] == 201, drafted
    pid = drafted["body"]["id"]
    (published,) = cold_start(
        env,
        {
            "now": "2026-11-05T08:03:00+08:00",
            "requests": [["POST", f"/api/v1/policies/{pid}/publish", "admin", {"version": 1}]],
        },
    )
    assert published["status"] == 200, published
    event = sqs_event(env, "XQT_JOB_QUEUE")
    assert len(event["Records"]) == 1
    outcome = cold_start(
        env, {"now": "2026-11-05T08:04:00+08:00", "handler": "long_jobs", "event": event}
    )
    assert outcome == {"batchItemFailures": []}, outcome
    started.add("long_jobs")

    # The enterprise search's snapshot: the first run builds it from the register (no
    # calendar counted), and a cold API then finds an enterprise by its pinyin initials
    result = cold_start(env, scheduled("search_snapshot", "2026-11-05T08:05:00+08:00"))
    assert result["rebuilt"] >= 32, result
    started.add("search_snapshot")
    (found,) = cold_start(
        env,
        {
            "now": "2026-11-05T08:06:00+08:00",
            "requests": [["GET", "/api/v1/enterprises?q=hrjx", "operator-12345", None]],
        },
    )
    assert found["status"] == 200, found
    assert found["body"]["items"][0]["name"] == "如东恒润机械制造有限公司"
    # 企业管理's list reads the same snapshot: filtered and counted in a cold container
    (listed,) = cold_start(
        env,
        {
            "now": "2026-11-05T08:07:00+08:00",
            "requests": [
                ["GET", "/api/v1/enterprises?sort=name&key_tech=true&limit=2", "admin", None]
            ],
        },
    )
    assert listed["status"] == 200, listed
    assert listed["body"]["total"] >= 2 and len(listed["body"]["items"]) == 2
    assert all(e["flags"]["key_tech"] for e in listed["body"]["items"])

    assert started == declared  # a new entry point needs its line here
