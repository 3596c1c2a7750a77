"""DynamoDB requests per API operation, in-process on moto, as a warm Lambda sees them (user
and directory caches on, every user signed in once before counting). Prints figures only;
the target is 1 request for a read and at most 2 for a write.

    .venv/bin/python bench/bench_requests.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
    os.environ.pop(name, None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "XQT_STAGE": "test",
    }
)
USERS = ["admin", "operator-12345", "comm-designated", "comm-above-100m", "ent-hengrun",
         "ent-xinghai", "dept-natural-resources", "dept-hr-social"]  # fmt: skip
CALL = {"line": "12345", "caller_phone": "13912345678", "enterprise_name": "如东某水产养殖场",
        "category": "financing", "content": "养殖场想申请贴息贷款。"}  # fmt: skip
WEB = {"category": "land", "title": "扩建厂房用地指标", "content": "计划扩建二期厂房,约需 30 亩。"}


def main() -> None:
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.auth import local_issuer
    from infra.definitions import Names, create_all
    from infra.local import moto_patches

    private, jwks = local_issuer.ensure_keys(Path(tempfile.mkdtemp()) / "issuer")
    names = Names("bench")
    os.environ.update(
        {
            "XQT_AUTH_ISSUER": local_issuer.ISSUER,
            "XQT_AUTH_AUDIENCE": local_issuer.AUDIENCE,
            "XQT_AUTH_JWKS_FILE": str(private.parent / "jwks.json"),
            "XQT_LOCAL_ISSUER_KEY_FILE": str(private),
            **names.environment(),
        }
    )
    moto_patches.apply()
    with mock_aws():
        from app import app
        from chalicelib.store import db
        from infra.local.seed import seed

        db.reset()
        create_all(boto3.Session(), names)
        seed(local_issuer.ISSUER)
        calls: list[str] = []
        db.client().meta.events.register(
            "before-call.dynamodb", lambda model, **_: calls.append(model.name)
        )
        tokens = {u: local_issuer.sign(str(private), str(jwks), u, username=u) for u in USERS}
        rows: list[tuple[str, int, list[str]]] = []

        with Client(app, project_dir=str(ROOT)) as client:

            def call(label: str | None, method: str, path: str, user: str, body: Any = None,
                     headers: dict[str, str] | None = None, expect: int = 200) -> Any:  # fmt: skip
                hdrs = {"Content-Type": "application/json",
                        "Authorization": f"Bearer {tokens[user]}", **(headers or {})}  # fmt: skip
                calls.clear()
                data = json.dumps(body) if body is not None else None
                resp = getattr(client.http, method.lower())(path, headers=hdrs, body=data)
                out = json.loads(resp.body) if resp.body else None
                assert resp.status_code == expect, (label, resp.status_code, out)
                if label:
                    rows.append((label, len(calls), list(calls)))
                return out

            def ev(label: str, user: str, appeal: dict[str, Any], kind: str, **f: Any) -> Any:
                body = {"type": kind, "version": appeal["version"], **f}
                return call(label, "POST", f"/api/v1/appeals/{appeal['id']}/events", user, body)

            for user in USERS:  # warm Lambda: each user's record cached once
                call(None, "GET", "/api/v1/me", user)
            # and the calendar, service levels and directory read once (cached 60 s)
            call(None, "GET", "/api/v1/appeals?scope=mine", "ent-hengrun")

            w = call("web filing", "POST", "/api/v1/appeals", "ent-hengrun", WEB, expect=201)
            key = {"Idempotency-Key": uuid.uuid4().hex}
            path = "/api/v1/hotline/calls"
            h = call("hotline call", "POST", path, "operator-12345", CALL, key, expect=201)
            call("hotline replay (same key, same body)", "POST", path, "operator-12345", CALL, key)
            call("GET one appeal", "GET", f"/api/v1/appeals/{w['id']}", "ent-hengrun")

            w = ev("accept", "comm-designated", w, "accept")
            w = ev("transfer (2 departments)", "comm-designated", w, "transfer",
                   departments=["natural-resources", "hr-social"])  # fmt: skip
            h = ev("reassign", "admin", h, "reassign", commissioner_id="c-designated")
            h = ev(None, "comm-designated", h, "accept")
            h = ev(None, "comm-designated", h, "reply", content="答复来电")
            x = call(None, "POST", "/api/v1/appeals", "ent-xinghai", WEB, expect=201)
            other = {"Idempotency-Key": uuid.uuid4().hex}
            call(None, "POST", path, "operator-12345", CALL, other, expect=201)  # in triage

            lists = [  # each with one appeal on it (shown in brackets)
                ("commissioner queue", "comm-designated", "scope=queue"),
                ("admin mine (triage)", "admin", "scope=mine"),
                ("enterprise mine", "ent-hengrun", "scope=mine"),
                ("operator queue (call-back)", "operator-12345", "scope=queue"),
                ("department queue", "dept-hr-social", "scope=queue"),
                ("all, status=processing (admin)", "admin", "scope=all&status=processing"),
            ]
            for label, user, query in lists:
                page = call(f"list: {label}", "GET", f"/api/v1/appeals?{query}", user)
                rows[-1] = (f"{rows[-1][0]} [{len(page['items'])}]", *rows[-1][1:])

            w = ev("department_reply", "dept-hr-social", w, "department_reply", content="已答复")
            w = ev("return (department)", "dept-natural-resources", w, "return", reason="非本局")
            w = ev("reply", "comm-designated", w, "reply", content="答复内容")
            w = ev("confirm (not resolved)", "ent-hengrun", w, "confirm", resolved=False,
                   satisfaction=2)  # fmt: skip
            w = ev("reply again", "comm-designated", w, "reply", content="再次答复")
            ev("callback", "operator-12345", h, "callback", resolved=True, satisfaction=5)
            x = ev("set_urgency", "comm-above-100m", x, "set_urgency", urgency="urgent",
                   reason="停产风险")  # fmt: skip
            x = ev("request_extension", "comm-above-100m", x, "request_extension",
                   working_days=1, reason="待省厅回复")  # fmt: skip
            x = ev("approve_extension", "admin", x, "approve_extension")
            call("GET a calendar year", "GET", "/api/v1/calendar/2026", "admin")
            call("deadline preview", "GET",
                 "/api/v1/calendar/deadline?received_at=2026-09-23T10:00:00Z&working_days=5",
                 "admin")  # fmt: skip
            ev("return to triage (owner)", "comm-above-100m", x, "return", reason="非本专员")

    width = max(len(label) for label, _, _ in rows)
    print(f"{'operation':<{width}}  requests  which")
    for label, count, which in rows:
        print(f"{label:<{width}}  {count:>8}  {', '.join(which)}")
    print(f"(totals by kind: {dict(Counter(op for _, _, w in rows for op in w))})")


if __name__ == "__main__":
    main()
