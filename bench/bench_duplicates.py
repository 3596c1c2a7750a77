"""DynamoDB requests and items read per similar-appeals lookup and per appeal search, at a
county's scale (default 50,000 appeals over 500 enterprises, a third of them open), in-process
on moto as a warm Lambda sees them. Prints figures only (no timing assertion anywhere).

    .venv/bin/python bench/bench_duplicates.py [appeals]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import moto_seed  # noqa: E402  (bench/, the script's own folder)

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
CATEGORIES = ["policy", "labor", "land", "financing", "talent", "technology", "project",
              "approval", "other"]  # fmt: skip
WORDS = ["道路破损", "用电增容", "招工困难", "贴息贷款", "环评审批", "消防验收", "用地指标",
         "人才公寓", "出口退税", "水电报装"]  # fmt: skip


def main(total: int) -> None:
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
        from chalicelib.domain.appeals import Appeal
        from chalicelib.domain.codes import Category, Status
        from chalicelib.store import appeals as store
        from chalicelib.store import db
        from infra.local.seed import credit_code, seed

        db.reset()
        create_all(boto3.Session(), names)
        seed(local_issuer.ISSUER)
        users = ["admin", "ent-hengrun", "operator-12345"]
        tokens = {u: local_issuer.sign(str(private), str(jwks), u, username=u) for u in users}
        with Client(app, project_dir=str(ROOT)) as client:

            def call(method: str, path: str, user: str, body: Any = None) -> Any:
                auth = f"Bearer {tokens[user]}"
                hdrs = {"Content-Type": "application/json", "Authorization": auth}
                data = json.dumps(body) if body is not None else None
                resp = getattr(client.http, method.lower())(path, headers=hdrs, body=data)
                assert resp.status_code in (200, 201), (path, resp.status_code, resp.body[:300])
                return json.loads(resp.body)

            for user in users:
                call("GET", "/api/v1/me", user)
            probe = call("POST", "/api/v1/appeals", "ent-hengrun",
                         {"category": "project", "title": "厂区道路破损",
                          "content": "厂区门口道路破损严重,货车进出困难。"})  # fmt: skip
            template = Appeal.model_validate(store.load(probe["id"])[0].model_dump())

            began = time.monotonic()
            batch: list[dict[str, Any]] = []
            table = db.table()
            for n in range(total):
                a = template.model_copy(deep=True)
                a.id = f"XQT-2026{(n % 300) // 28 + 1:02d}{n % 28 + 1:02d}-B{n:06d}"
                a.category = Category(CATEGORIES[n % len(CATEGORIES)])
                a.title = f"{WORDS[n % len(WORDS)]}问题"
                a.content = f"{WORDS[(n * 7) % len(WORDS)]},第 {n} 号企业反映。"
                a.enterprise.uscc = credit_code(f"bench enterprise {n % 500}")
                a.enterprise.name = f"如东测试企业{n % 500:03d}有限公司"
                a.status = Status.PROCESSING if n % 3 == 0 else Status.CLOSED
                created = f"2026-{(n % 300) // 28 + 1:02d}-{n % 28 + 1:02d}T10:00:00+08:00"
                a.created_at = created
                for action in store._writes(None, a):
                    if "Put" in action:
                        batch.append({"PutRequest": {"Item": action["Put"]["Item"]}})
                while len(batch) >= 25:
                    moto_seed.batch_write(db.client(), {table: batch[:25]})
                    batch = batch[25:]
            if batch:
                moto_seed.batch_write(db.client(), {table: batch})
            print(f"seeded {total:,} appeals in {time.monotonic() - began:.0f} s")

            counted: list[int] = []
            requests: list[str] = []

            def count(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
                requests.append(model.name)
                counted.append(int(parsed.get("ScannedCount", parsed.get("Count", 0)) or 0))
                if model.name == "GetItem" and parsed.get("Item"):
                    counted[-1] = 1
                if model.name == "BatchGetItem":
                    counted[-1] = sum(len(v) for v in parsed.get("Responses", {}).values())

            db.client().meta.events.register("after-call.dynamodb", count)
            hengrun = probe["enterprise"]["uscc"]
            cases = [
                ("similar appeals (GET /appeals/{id}/similar)", "admin",
                 f"/api/v1/appeals/{probe['id']}/similar"),
                ("desk check while a call is taken (GET /hotline/similar)", "operator-12345",
                 f"/api/v1/hotline/similar?content=%E9%81%93%E8%B7%AF%E7%A0%B4%E6%8D%9F&uscc={hengrun}"),
                ("search by case number", "admin", f"/api/v1/appeals?q={probe['id']}"),
                ("search by enterprise (uscc)", "admin",
                 f"/api/v1/appeals?uscc={credit_code('bench enterprise 7')}"),
                ("search by words (one page, all appeals)", "admin",
                 "/api/v1/appeals?q=%E7%AC%AC%2012345%20%E5%8F%B7"),
            ]  # fmt: skip
            print(f"{'lookup':58} {'requests':>8} {'items read':>10}  ms")
            for label, user, path in cases:
                requests.clear()
                counted.clear()
                t0 = time.perf_counter()
                out = call("GET", path, user)
                ms = (time.perf_counter() - t0) * 1000
                print(
                    f"{label:58} {len(requests):>8} {sum(counted):>10}  {ms:.0f}"
                    f"  ({len(out['items'])} found, {'more' if out['next_cursor'] else 'end'})"
                )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
