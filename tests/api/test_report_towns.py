"""Reports by town (issue 21 part 5), through the API and the report job: June 2026, one
appeal of 恒润 (掘港街道) given to the town 掘港街道 as a part, one of 星海 (城中街道), one
call of a caller not registered. The figures' JSON carries the towns as units (marked
``kind: town``) and the appeals by the filer's town; the workbook's 区镇 sheet says the same.

By hand — 掘港街道 as a unit: 1 part, signed for and answered by its deadline (the same
day): sign-for 1 of 1, answered on time 1 of 1, no part overdue, nothing supervised.
By the filer's town — as kept on the appeal when it was filed (星海 moves to 长沙镇 after
filing; 恒润's appeal has its town removed, as one filed before it was kept, and counts by
恒润's town now): 掘港街道 received 1, replied on time 1 of 1 (100 %), confirmed resolved
with 5 (100 %, 100 %); 城中街道 received 1, nothing due; 未登记企业 received 1."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import CALL, event, file_web, post_call


def at(day: int, hour: int = 10, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BEIJING)


@pytest.fixture(scope="module")
def june(seeded, issuer):
    from pathlib import Path

    from chalice.test import Client

    from app import app
    from chalicelib import clock
    from tests.api.conftest import ROOT, Api

    with Client(app, project_dir=str(Path(ROOT).resolve())) as client:
        api = Api(client, issuer)
        try:
            clock.set_now(at(1))  # Monday
            a = event(api, file_web(api), "accept", "comm-designated")
            a = event(api, a, "transfer", "comm-designated", departments=["town-juegang"])
            clock.set_now(at(1, 14))
            a = event(api, a, "accept_part", "town-juegang")
            clock.set_now(at(2))
            a = event(api, a, "department_reply", "town-juegang", content="用地已协调")
            a = event(api, a, "reply", "comm-designated", content="已协调用地")
            clock.set_now(at(3))
            event(api, a, "confirm", "ent-hengrun", resolved=True, satisfaction=5)
            filed = file_web(api, user="ent-xinghai", title="码头岸线", content="需要岸线用地")
            assert filed["enterprise"]["town"] == "城中街道"  # kept on the appeal as filed
            post_call(api, {**CALL, "line": "12345"})
            # 星海 moves to 长沙镇 after filing: June still counts it where it filed
            uscc = filed["enterprise"]["uscc"]
            ent = api.call("GET", f"/api/v1/enterprises/{uscc}", as_user="admin").data
            moved = api.call(
                "PATCH",
                f"/api/v1/enterprises/{uscc}",
                {"version": ent["version"], "town": "长沙镇"},
                as_user="admin",
            )
            assert moved.status_code == 200, moved.data
            # an appeal filed before the town was kept on it: its enterprise's town now
            from chalicelib.store import db, keys

            db.client().update_item(
                TableName=db.table(),
                Key=db.to_item(keys.appeal(a["id"])),
                UpdateExpression="REMOVE enterprise.town",
            )
            clock.set_now(at(1, 9, month=7))
            r = api.call("POST", "/api/v1/reports", {"month": "2026-06"}, as_user="supervisor")
            assert r.status_code == 202, r.data
            built = api.call("POST", "/api/v1/dev/jobs/reports").data
            assert built["processed"] == 1 and built["failed"] == 0
            got = api.call("GET", f"/api/v1/reports/{r.data['id']}/figures", as_user="admin")
            assert got.status_code == 200, got.data
            yield {"id": r.data["id"], "figures": got.data["figures"]}
        finally:
            clock.set_now(None)


def test_a_town_as_a_unit_is_marked_and_counted(june):
    (town,) = [d for d in june["figures"]["departments"] if d["key"] == "town-juegang"]
    assert town["kind"] == "town" and town["name"] == "掘港街道"
    m = town["metrics"]
    assert (m["transferred"], m["replied"], m["on_time"], m["on_time_rate"]) == (1, 1, 1, 1.0)
    assert (m["sign_due"], m["signed_in_time"], m["sign_rate"]) == (1, 1, 1.0)
    assert (m["parts_overdue"], m["supervised"]) == (0, 0)


def test_the_filers_towns_every_town_a_row(june):
    from infra.local.seed import TOWNS

    rows = {r["name"]: r["metrics"] for r in june["figures"]["by"]["town"]}
    assert set(TOWNS) <= set(rows) and "未登记企业" in rows
    jg, cz, none = rows["掘港街道"], rows["城中街道"], rows["未登记企业"]
    assert (jg["received"], jg["due"], jg["on_time"], jg["on_time_rate"]) == (1, 1, 1, 1.0)
    assert (jg["resolved_rate"], jg["satisfaction_rate"]) == (1.0, 1.0)
    assert (cz["received"], cz["due"], cz["on_time_rate"]) == (1, 0, None)
    assert none["received"] == 1
    assert rows["马塘镇"]["received"] == 0  # a town nobody filed from shows its zeros
    assert rows["长沙镇"]["received"] == 0  # 星海 moved there after filing in 城中街道


def test_the_workbook_has_a_town_sheet(june):
    import openpyxl

    from chalicelib.store import files
    from chalicelib.store import reports as store

    item = store.get(june["id"])
    book = openpyxl.load_workbook(io.BytesIO(files.read(item["outputs"]["xlsx"])))
    assert "区镇" in book.sheetnames
    sheet = book["区镇"]
    assert sheet["A4"].value == "区镇（承办单位）" and sheet.print_title_rows == "$4:$4"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    filers = next(i for i, r in enumerate(rows) if r[0] == "企业所在区镇")
    units = {r[0]: r[1:] for r in rows[:filers] if r[0]}
    # the town as a unit: parts 1, answered 1, on time 1 (100 %), no part overdue
    assert units["掘港街道"][:5] == (1, 1, 1, 1.0, 0)
    by_filer = {r[0]: r[1:] for r in rows[filers + 1 :]}
    assert by_filer["掘港街道"][:5] == (1, 1, 1, 1, 1.0)  # received, replied, due, on time, rate
    assert set(by_filer) >= {"城中街道", "马塘镇", "未登记企业"}
    # towns are marked among the units on the 按部门 sheet
    kinds = {r[0]: r[1] for r in book["按部门"].iter_rows(min_row=5, values_only=True)}
    assert kinds["掘港街道"] == "区镇"
    # the JSON's detail names each appeal's town, so every town row can be traced
    document = json.loads(files.read(item["outputs"]["json"]))
    towns = sorted(f["town"] for f in document["appeals"])
    assert towns == ["unregistered", "城中街道", "掘港街道"]
    text = files.read(item["outputs"]["csv"]).decode("utf-8-sig")
    assert "企业所在区镇,掘港街道,掘港街道,1," in text
