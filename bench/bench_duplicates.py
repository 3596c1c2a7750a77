"""DynamoDB requests and items read per similar-appeals lookup and per appeal search, at a
county's scale (default 50,000 appeals over 500 enterprises, a third of them open), in-process
on moto as a warm Lambda sees them. Prints figures only (no timing assertion anywhere).

    .venv/bin/python bench/bench_duplicates.py [appeals]

The appeals are copies of one filed through the API, their items templated from it
(``templated``); every run first compares those with what ``store._writes`` makes of each
of some 600 of the appeals (about a second) and stops at the first that differs, so the
template cannot drift from the store's layout unseen.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
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
        # a warm Lambda inside its caches' lifetimes (30 s users, 60 s directory): otherwise
        # the seeding's own duration decided whether they had expired before the lookups,
        # and a lookup counted the reloads (search by case number: 3 requests, not 1)
        "XQT_USER_CACHE_SECONDS": "86400",
        "XQT_DIRECTORY_CACHE_SECONDS": "86400",
    }
)
CATEGORIES = ["policy", "labor", "land", "financing", "talent", "technology", "project",
              "approval", "other"]  # fmt: skip
WORDS = ["道路破损", "用电增容", "招工困难", "贴息贷款", "环评审批", "消防验收", "用地指标",
         "人才公寓", "出口退税", "水电报装"]  # fmt: skip


def varied(n: int) -> dict[str, Any]:
    """The fields of appeal ``n`` that differ from the template's (the rest are the probe's)."""
    from chalicelib.domain.codes import Category, Status
    from infra.local.seed import credit_code

    return {
        "id": f"XQT-2026{(n % 300) // 28 + 1:02d}{n % 28 + 1:02d}-B{n:06d}",
        "category": Category(CATEGORIES[n % len(CATEGORIES)]),
        "title": f"{WORDS[n % len(WORDS)]}问题",
        "content": f"{WORDS[(n * 7) % len(WORDS)]},第 {n} 号企业反映。",
        "uscc": credit_code(f"bench enterprise {n % 500}"),
        "name": f"如东测试企业{n % 500:03d}有限公司",
        "status": Status.PROCESSING if n % 3 == 0 else Status.CLOSED,
        "created_at": f"2026-{(n % 300) // 28 + 1:02d}-{n % 28 + 1:02d}T10:00:00+08:00",
    }


def stored_items(template: Any, n: int) -> list[dict[str, Any]]:
    """Appeal ``n``'s items the store's way: the template copied, changed, ``_writes``'s Puts."""
    from chalicelib.store import appeals as store

    fields = varied(n)
    a = template.model_copy(deep=True)
    a.id = fields["id"]
    a.category = fields["category"]
    a.title = fields["title"]
    a.content = fields["content"]
    a.enterprise.uscc = fields["uscc"]
    a.enterprise.name = fields["name"]
    a.status = fields["status"]
    a.created_at = fields["created_at"]
    return [action["Put"]["Item"] for action in store._writes(None, a) if "Put" in action]


def templated(template: Any) -> Callable[[int], list[dict[str, Any]]]:
    """Appeal ``n``'s items as :func:`stored_items` makes them, without pydantic's deep copy
    and dump or boto3's serialiser per appeal: the template's document serialised once (the
    whole one, and a listing copy's), each appeal's differing fields put in its wire form.
    ``store.listings`` still decides, per appeal, the lists it is on and each list's keys
    (the open ones by status and category, the sweep's shard by the id). What ``_writes``
    adds besides (a ledger copy's own progress note, the departments' markers) needs
    departments or progress notes, which the template has none of."""
    from chalicelib.store import appeals as store
    from chalicelib.store import db, keys

    assert not template.departments and not template.unit_progress, "the shortcut misses these"
    doc = db.to_item(store._doc(template))
    listed = db.to_item(store._listing_doc(template))
    enterprise = doc["enterprise"]["M"]
    assert listed["enterprise"]["M"] == enterprise

    def wire(value: str) -> dict[str, str]:
        assert type(value) is str, value
        return {"S": value}

    def items(n: int) -> list[dict[str, Any]]:
        fields = varied(n)
        appeal_id, created, status = fields["id"], fields["created_at"], fields["status"].value
        content = fields["content"]
        party = template.enterprise.model_copy(
            update={"uscc": fields["uscc"], "name": fields["name"]}
        )
        a = template.model_copy(
            update={
                "id": appeal_id,
                "category": fields["category"],
                "title": fields["title"],
                "content": content,
                "enterprise": party,
                "status": fields["status"],
                "created_at": created,
            }
        )
        changed = {
            "id": wire(appeal_id),
            "category": wire(fields["category"].value),
            "title": wire(fields["title"]),
            "content": wire(content),
            "enterprise": {"M": {**enterprise, "uscc": wire(party.uscc), "name": wire(party.name)}},
            "status": wire(status),
            "created_at": wire(created),
        }
        head = {**keys.appeal(appeal_id), **keys.appeal_indexes(appeal_id, created, status)}
        out = [
            {
                **{k: wire(v) for k, v in head.items()},
                "item_type": wire("appeal"),
                **doc,
                **changed,
            }
        ]
        changed["content"] = wire(content[: store.LISTING_CONTENT])
        for name, (gpk, gsk) in store.listings(a).items():
            head = {**keys.appeal_listing(appeal_id, name), "gsi1pk": gpk, "gsi1sk": gsk}
            out.append(
                {
                    **{k: wire(v) for k, v in head.items()},
                    "item_type": wire("appeal_listing"),
                    **listed,
                    **changed,
                }
            )
        return out

    return items


def check_items(template: Any, total: int) -> int:
    """The templated items equal ``_writes``'s, item by item and in order, with their
    attributes in the same order, for the first 300 appeals and 300 spread over the rest."""
    items = templated(template)
    values = sorted({*range(min(300, total)), *range(0, total, max(1, total // 300))})
    for n in values:
        want, got = stored_items(template, n), items(n)
        assert got == want, (n, got, want)
        dump = lambda its: [json.dumps(i, ensure_ascii=False) for i in its]  # noqa: E731
        assert dump(got) == dump(want), n
    return len(values)


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

            checked = check_items(template, total)
            print(f"checked {checked} appeals: templated items == store._writes items")
            began = time.monotonic()
            batch: list[dict[str, Any]] = []
            table = db.table()
            items = templated(template)
            for n in range(total):
                batch += ({"PutRequest": {"Item": item}} for item in items(n))
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
