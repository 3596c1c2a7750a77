"""Importing the county's enterprise register (issue 9, item 6): files uploaded through a
presigned POST, imported as a job with exact counts and a CSV of the rejected rows with
their reasons, idempotent, in CSV (UTF-8 with or without BOM, GB18030) and XLSX; uploads
refused before and after they are made; only the service centre imports."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from chalicelib.domain.uploads import CSV, XLSX
from infra.local.seed import credit_code
from tests.unit.test_i18n_copy import HALF_WIDTH

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "企业规模",
    "行业",
    "乡镇",
    "重点科技型企业",
    "省市重大项目",
    "从业人数",
    "营业收入（万元）",
    "联系人",
    "联系电话",
]
#: The template's columns: the files above leave out 简称 (an optional column may be absent).
TEMPLATE = [*HEADER[:4], "简称", *HEADER[4:]]
SIZE = {"above_100m": "亿元以上", "designated": "规上", "small_micro": "小微"}
INDUSTRY = {
    "agriculture": "农业",
    "industry": "工业",
    "construction_real_estate": "建筑房地产",
    "services": "服务业",
    "other": "其他",
}


def bad_checksum(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def csv_file(rows: list[list[Any]], encoding: str = "utf-8-sig", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(rows: list[list[Any]], header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_row(e: dict[str, Any], **over: Any) -> list[Any]:
    """A registered enterprise as a row of the template (what the register would say)."""
    contact = e["contacts"][0] if e["contacts"] else {"name": "", "phone": ""}
    values = {
        "uscc": e["uscc"],
        "name": e["name"],
        "size": SIZE[e["size_class"]],
        "industry": INDUSTRY[e["industry"]],
        "town": e["town"] or "",
        "key_tech": "是" if e["flags"]["key_tech"] else "否",
        "major_project": "是" if e["flags"]["major_project"] else "否",
        "employees": "" if e["employees"] is None else e["employees"],
        "revenue": "" if e["revenue"] is None else e["revenue"],
        "contact": contact["name"],
        "phone": contact["phone"],
        **over,
    }
    return list(values.values())


def upload(api, data: bytes, filename: str, content_type: str, user: str = "admin") -> dict:
    """Ask for an upload and POST the file to S3 as the browser does."""
    r = api.call(
        "POST",
        "/api/v1/uploads",
        {
            "purpose": "enterprise_import",
            "filename": filename,
            "content_type": content_type,
            "size": len(data),
        },
        as_user=user,
    )
    assert r.status_code == 201, r.data
    posted = requests.post(
        r.data["url"], data=r.data["fields"], files={"file": (filename, data, content_type)}
    )
    assert posted.status_code == 204, posted.text
    return r.data


def run_jobs(api) -> dict:
    r = api.call("POST", "/api/v1/dev/jobs/jobs")
    assert r.status_code == 200, r.data
    return r.data


def start(api, key: str) -> dict:
    r = api.call("POST", "/api/v1/imports", {"upload_key": key}, as_user="admin")
    assert r.status_code == 202, r.data
    assert r.data["status"] == "queued"
    return r.data


def import_file(api, data: bytes, filename: str, content_type: str) -> dict:
    ticket = upload(api, data, filename, content_type)
    job = start(api, ticket["key"])
    run_jobs(api)
    r = api.call("GET", f"/api/v1/imports/{job['id']}", as_user="admin")
    assert r.status_code == 200, r.data
    return r.data


def enterprise(api, uscc: str) -> dict:
    r = api.call("GET", f"/api/v1/enterprises/{uscc}", as_user="admin")
    assert r.status_code == 200, r.data
    return r.data


def audit_of(api, uscc: str) -> list[dict]:
    r = api.call(
        "GET", f"/api/v1/audit?entity_type=enterprise&entity_id={uscc}&limit=100", as_user="admin"
    )
    assert r.status_code == 200, r.data
    return r.data["items"]


def seeded(api, n: int) -> list[dict]:
    r = api.call("GET", "/api/v1/enterprises?limit=100", as_user="admin")
    return r.data["items"][:n]


def rejected_rows(job: dict) -> list[list[str]]:
    """The result file, downloaded through its presigned link."""
    link = job["rejected_file"]
    assert "X-Amz-Signature=" in link and "X-Amz-Expires=300" in link
    body = requests.get(link).content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the Chinese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- the import ---------------------------------------------------------------------------


HOSTILE_NAME = '=HYPERLINK("http://evil.example/","规模不明有限公司")'


def test_a_file_with_broken_rows_imports_the_good_ones_and_says_why_for_the_rest(api):
    existing, same = seeded(api, 2)
    a, b = credit_code("import-broken-a"), credit_code("import-broken-b")
    rows = [
        [
            a,
            "如东导入测试机械有限公司",
            "规上",
            "工业",
            "掘港街道",
            "是",
            "否",
            "120",
            "5600.5",
            "王磊",
            "13912345678",
        ],
        [b, "如东导入测试农场", "small_micro", "agriculture", "", "", "", "", "", "", ""],
        [bad_checksum(credit_code("import-broken-c")), "校验码错误有限公司", "小微", "服务业"],
        # a formula as a name: written back as text, never run by Excel or WPS
        [credit_code("import-broken-d"), HOSTILE_NAME, "中型", "工业"],
        [credit_code("import-broken-e"), "", "小微", "其他"],
        [a, "如东导入测试机械有限公司(重复)", "规上", "工业"],
        [
            credit_code("import-broken-f"),
            "电话有误有限公司",
            "小微",
            "工业",
            "",
            "",
            "",
            "",
            "",
            "李娜",
            "12345678",
        ],
        ["", "", "", "", "", "", "", "", "", "", ""],  # blank: skipped, not counted
        as_row(existing, town="洋口镇"),
        as_row(same),
    ]
    job = import_file(api, csv_file(rows), "如东县企业名录.csv", CSV)

    assert job["status"] == "done" and job["progress"] == 100, job
    assert job["total"] == job["processed"] == 9
    assert job["counts"] == {"created": 2, "updated": 1, "unchanged": 1, "rejected": 5}
    assert job["filename"] == "如东县企业名录.csv"
    assert job["created_by"]["username"] == "admin"
    assert rejected_rows(job) == [
        ["行号", "统一社会信用代码", "企业名称", "未导入原因"],
        [
            "4",
            bad_checksum(credit_code("import-broken-c")),
            "校验码错误有限公司",
            "统一社会信用代码：校验码不符",
        ],
        [
            "5",
            credit_code("import-broken-d"),
            "'" + HOSTILE_NAME,
            "企业规模：「中型」无效，应为：亿元以上、规上、小微",
        ],
        ["6", credit_code("import-broken-e"), "", "企业名称：必填"],
        [
            "7",
            a,
            "如东导入测试机械有限公司(重复)",
            "统一社会信用代码：与第 2 行重复，以第 2 行为准",
        ],
        [
            "8",
            credit_code("import-broken-f"),
            "电话有误有限公司",
            "联系电话：「12345678」不是有效的电话号码",
        ],
    ]

    created = enterprise(api, a)
    assert created["version"] == 1
    assert (created["size_class"], created["industry"], created["town"]) == (
        "designated",
        "industry",
        "掘港街道",
    )
    assert created["flags"] == {"key_tech": True, "major_project": False}
    assert (created["employees"], created["revenue"]) == (120, 5600.5)
    assert created["contacts"] == [{"name": "王磊", "phone": "13912345678"}]
    minimal = enterprise(api, b)
    assert minimal["town"] is None and minimal["contacts"] == []
    assert minimal["flags"] == {"key_tech": False, "major_project": False}
    assert [e["action"] for e in audit_of(api, a)] == ["create"]
    assert audit_of(api, a)[0]["actor"]["username"] == "admin"

    changed = enterprise(api, existing["uscc"])
    assert changed["version"] == existing["version"] + 1 and changed["town"] == "洋口镇"
    update = audit_of(api, existing["uscc"])[0]
    assert update["action"] == "update"
    assert update["changes"]["town"] == {"from": existing["town"], "to": "洋口镇"}
    assert enterprise(api, same["uscc"])["version"] == same["version"]  # nothing written


def test_importing_the_same_file_twice_changes_nothing_the_second_time(api):
    existing = seeded(api, 3)[2]
    codes = [credit_code(f"import-twice-{i}") for i in range(3)]
    rows = [
        [
            codes[0],
            "如东二次导入甲公司",
            "亿元以上",
            "工业",
            "长沙镇",
            "否",
            "是",
            800,
            120000,
            "周强",
            "0513-84123456",
        ],
        [codes[1], "如东二次导入乙公司", "规上", "建筑房地产", "", "是", "", 35, "", "", ""],
        [codes[2], "如东二次导入丙公司", "小微", "服务业"],
        [bad_checksum(codes[0]), "坏行", "小微", "服务业"],
        as_row(existing, contact="新联系人", phone="13700001111"),
    ]
    data = xlsx_file(rows)
    ticket = upload(api, data, "企业名录.xlsx", XLSX)
    first = start(api, ticket["key"])
    run_jobs(api)
    first = api.call("GET", f"/api/v1/imports/{first['id']}", as_user="admin").data
    assert first["status"] == "done", first["error"]
    assert first["counts"] == {"created": 3, "updated": 1, "unchanged": 0, "rejected": 1}
    added = enterprise(api, existing["uscc"])
    assert added["contacts"][0] == {"name": "新联系人", "phone": "13700001111"}
    assert added["contacts"][1:] == existing["contacts"][:9]  # the others kept after it
    landline = enterprise(api, codes[0])
    assert landline["contacts"] == [{"name": "周强", "phone": "051384123456"}]
    assert landline["flags"] == {"key_tech": False, "major_project": True}

    touched = [*codes, existing["uscc"]]
    before = {u: (enterprise(api, u)["version"], len(audit_of(api, u))) for u in touched}
    second = start(api, ticket["key"])  # the same upload, imported again
    run_jobs(api)
    second = api.call("GET", f"/api/v1/imports/{second['id']}", as_user="admin").data
    assert second["status"] == "done"
    assert second["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "rejected": 1}
    after = {u: (enterprise(api, u)["version"], len(audit_of(api, u))) for u in touched}
    assert after == before  # no version bumped, no audit entry written

    listed = api.call("GET", "/api/v1/imports?limit=5", as_user="admin").data["items"]
    assert [j["id"] for j in listed[:2]] == [second["id"], first["id"]]
    assert listed[0]["rejected_file"] is None  # links only on the import itself


@pytest.mark.parametrize(
    ("encoding", "filename"),
    [("utf-8-sig", "bom.csv"), ("utf-8", "plain.csv"), ("gb18030", "gbk.csv")],
)
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(api, encoding, filename):
    code = credit_code(f"import-encoding-{encoding}")
    rows = [[code, f"如东编码测试({encoding})有限公司", "小微", "服务业", "大豫镇"]]
    job = import_file(api, csv_file(rows, encoding), filename, CSV)
    assert job["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}, job
    assert job["rejected_file"] is None
    got = enterprise(api, code)
    assert got["name"] == f"如东编码测试({encoding})有限公司" and got["town"] == "大豫镇"


def test_columns_in_any_order_english_names_and_codes_and_other_columns_ignored(api):
    code = credit_code("import-columns")
    header = ["备注", "industry", "name", "uscc", "size_class", "营业收入(万元)"]
    rows = [["随便写", "industry", "如东列序测试有限公司", code, "designated", "1,234.5"]]
    job = import_file(api, csv_file(rows, header=header), "cols.csv", CSV)
    assert job["counts"]["created"] == 1, job
    got = enterprise(api, code)
    assert (got["size_class"], got["industry"]) == ("designated", "industry")
    assert got["revenue"] == 1234.5


def test_a_credit_code_stored_as_a_number_and_other_cell_types_of_a_workbook(api):
    code = credit_code("import-cells")
    rows = [
        [9.13206231234568e17, "数字代码有限公司", "小微", "工业"],
        [
            code,
            "如东单元格测试有限公司",
            "小微",
            "工业",
            None,
            True,
            False,
            42.0,
            88,
            "赵六",
            13812345678,
        ],
        [
            credit_code("import-cells-2"),
            "员工数有误有限公司",
            "小微",
            "工业",
            None,
            "也许",
            None,
            "十二",
        ],
    ]
    job = import_file(api, xlsx_file(rows), "cells.xlsx", XLSX)
    assert job["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 2}, job
    got = enterprise(api, code)
    assert got["flags"] == {"key_tech": True, "major_project": False}
    assert (got["employees"], got["revenue"]) == (42, 88)
    assert got["contacts"] == [{"name": "赵六", "phone": "13812345678"}]
    reasons = {r[0]: r[3] for r in rejected_rows(job)[1:]}
    assert reasons == {
        "2": "统一社会信用代码：被表格软件存成了数字，请将该列设为文本格式后重新填写",
        "4": "重点科技型企业：「也许」无效，应为 是 或 否；从业人数：「十二」不是整数",
    }


def test_a_file_without_a_required_column_fails_before_writing_anything(api):
    code = credit_code("import-no-industry")
    header = ["统一社会信用代码", "企业名称", "企业规模"]
    job = import_file(api, csv_file([[code, "缺列有限公司", "小微"]], header=header), "x.csv", CSV)
    assert job["status"] == "failed"
    assert job["error_code"] == "import_header_missing"
    assert job["error"] == "缺少必需的列：行业（请使用导入模板）"
    assert job["error_params"] == {"columns": "行业"}
    english = api.call(
        "GET", f"/api/v1/imports/{job['id']}", as_user="admin", headers={"Accept-Language": "en"}
    ).data
    assert english["error"] == "Required columns missing: 行业 (use the import template)"
    assert api.call("GET", f"/api/v1/enterprises/{code}", as_user="admin").status_code == 404

    empty = import_file(api, csv_file([]), "empty.csv", CSV)
    assert (empty["status"], empty["error_code"]) == ("failed", "import_no_rows")
    wrong = import_file(api, b"PK\x03\x04 not a csv at all", "zip.csv", CSV)
    assert (wrong["status"], wrong["error_code"]) == ("failed", "import_content_mismatch")
    broken = import_file(api, b"PK\x03\x04 no workbook here", "broken.xlsx", XLSX)
    assert (broken["status"], broken["error_code"]) == ("failed", "import_unreadable")


def test_the_template_downloads_and_its_columns_are_what_the_import_reads(api):
    from openpyxl import load_workbook

    r = api.call("GET", "/api/v1/imports/template", as_user="admin")
    assert r.status_code == 200, r.data
    assert [c["header"] for c in r.data["columns"]] == TEMPLATE
    assert [c["header"] for c in r.data["columns"] if c["required"]] == HEADER[:4]
    book = load_workbook(io.BytesIO(requests.get(r.data["xlsx"]).content), read_only=True)
    assert book.sheetnames == ["企业名录", "填写说明"]
    assert list(next(book["企业名录"].iter_rows(values_only=True))) == TEMPLATE
    text = requests.get(r.data["csv"]).content
    assert text == ("\ufeff" + ",".join(TEMPLATE) + "\r\n").encode()
    # the instructions are official copy: full-width marks beside Chinese characters
    notes = [v for row in book["填写说明"].iter_rows(values_only=True) for v in row if v]
    assert "营业收入（万元）" in notes and any("多个以 、 或 , 分隔" in n for n in notes)
    assert not [n for n in notes if HALF_WIDTH.search(str(n))]
    # the template itself imports (and is refused for having no rows, not for its header)
    job = import_file(api, requests.get(r.data["xlsx"]).content, "模板.xlsx", XLSX)
    assert job["error_code"] == "import_no_rows", job


def test_a_file_made_from_the_template_before_its_headers_went_full_width_still_imports(api):
    """Templates downloaded before issue 19 head the revenue column 「营业收入(万元)」: the
    column is still read (headers are compared with either width of bracket)."""
    old_header = [h.replace("（", "(").replace("）", ")") for h in TEMPLATE]
    assert "营业收入(万元)" in old_header and old_header != TEMPLATE
    code = credit_code("import-old-template")
    row = [code, "如东旧模板测试有限公司", "小微", "工业", "旧模板", "大豫镇", "否", "否", 12]
    row += ["1,234.5", "孙七", "13812345670"]
    for data, name, kind in (
        (csv_file([row], header=old_header), "old.csv", CSV),
        (xlsx_file([row], header=old_header), "old.xlsx", XLSX),
    ):
        job = import_file(api, data, name, kind)
        assert job["counts"]["rejected"] == 0, job
        got = enterprise(api, code)
        assert (got["revenue"], got["short_names"], got["employees"]) == (1234.5, ["旧模板"], 12)


# --- concurrency and retries --------------------------------------------------------------


def test_a_row_written_over_a_concurrent_change_keeps_that_change(api):
    """The import read the enterprise, then an admin changed it: the write under the old
    version fails, the enterprise is read again, and the row applied to the new version."""
    from chalicelib.jobs import enterprise_import as runner
    from chalicelib.store import enterprises

    target = seeded(api, 4)[3]
    stale = enterprises.get(target["uscc"])
    patched = api.call(
        "PATCH",
        f"/api/v1/enterprises/{target['uscc']}",
        {"version": target["version"], "employees": 321},
        as_user="admin",
    )
    assert patched.status_code == 200, patched.data
    outcome = runner._apply("J-test-concurrent", target["uscc"], {"town": "栟茶镇"}, stale, None)
    assert outcome == "updated"
    now = enterprise(api, target["uscc"])
    assert (now["employees"], now["town"], now["version"]) == (321, "栟茶镇", target["version"] + 2)


def test_a_job_resumed_page_by_page_or_redone_counts_exactly(api, monkeypatch):
    """Pages of 2 rows and no time budget: every page is a fresh receive that rebuilds the
    duplicates seen before its checkpoint. Then the whole job is redone from page 0 as if
    every checkpoint were lost: the rows it wrote are recognised, the counts are the same
    and nothing is written again."""
    from chalicelib import clock
    from chalicelib.jobs import enterprise_import as runner
    from chalicelib.store import jobs

    monkeypatch.setattr(runner, "PAGE", 2)
    monkeypatch.setattr(runner, "BUDGET_SECONDS", -1.0)
    codes = [credit_code(f"import-resume-{i}") for i in range(5)]
    rows = [[c, f"如东续跑测试{i}有限公司", "小微", "工业"] for i, c in enumerate(codes)]
    rows.append([codes[0], "第 1 家的重复行", "小微", "工业"])  # on the last page
    job = import_file(api, csv_file(rows), "resume.csv", CSV)
    assert job["status"] == "done", job
    assert job["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 1}
    assert rejected_rows(job)[1][3] == "统一社会信用代码：与第 2 行重复，以第 2 行为准"
    assert jobs.get(job["id"])["page"] == 3

    versions = {c: enterprise(api, c)["version"] for c in codes}
    redo = {
        **jobs.get(job["id"]),
        "status": "running",
        "page": 0,
        "cursor": "",
        "counts": {},
        "processed": 0,
    }
    monkeypatch.setattr(runner.jobs, "start", lambda *a: True)
    monkeypatch.setattr(runner.jobs, "checkpoint", lambda *a: True)
    monkeypatch.setattr(runner, "BUDGET_SECONDS", 1e9)
    finished: dict[str, Any] = {}
    monkeypatch.setattr(runner.jobs, "finish", lambda _id, _now, result: finished.update(result))
    runner.run(redo, clock.now())
    assert {k: finished[k] for k in runner.COUNTS} == job["counts"]
    assert {c: enterprise(api, c)["version"] for c in codes} == versions


# --- uploads ------------------------------------------------------------------------------


def test_the_presigned_post_allows_exactly_the_declared_file(api):
    r = api.call(
        "POST",
        "/api/v1/uploads",
        {
            "purpose": "enterprise_import",
            "filename": "如东 名录(2026).xlsx",
            "content_type": XLSX,
            "size": 1234,
        },
        as_user="admin",
    )
    assert r.status_code == 201, r.data
    ticket = r.data
    assert ticket["key"].startswith(f"uploads/enterprise_import/{ticket['id']}/")
    assert ticket["key"].endswith(".xlsx") and ticket["key"].isascii()
    assert ticket["filename"] == "如东 名录(2026).xlsx"
    assert ticket["url"].startswith("https://test-attachmentsbucket.s3.")  # its own origin
    fields = ticket["fields"]
    assert fields["key"] == ticket["key"] and fields["Content-Type"] == XLSX
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1234, 1234] in conditions
    assert {"Content-Type": XLSX} in conditions
    assert {"key": ticket["key"]} in conditions
    assert {"bucket": "test-attachmentsbucket"} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 600
    assert ticket["expires_at"].endswith("+08:00")


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"content_type": "application/pdf"}, "content_type", "upload_type"),
        ({"filename": "a.xls"}, "filename", "upload_extension"),
        ({"filename": "a.csv"}, "filename", "upload_extension_mismatch"),
        ({"size": 0}, "size", "upload_empty"),
        ({"size": 20 * 1024 * 1024 + 1}, "size", "upload_too_large"),
        ({"purpose": "tax_return"}, "purpose", "literal_error"),
        ({"size": "big"}, "size", "int_parsing"),
        ({"extra": 1}, "extra", "extra_forbidden"),
    ],
)
def test_an_upload_is_refused_before_it_is_made(api, body, field, code):
    base = {"purpose": "enterprise_import", "filename": "a.xlsx", "content_type": XLSX, "size": 100}
    r = api.call("POST", "/api/v1/uploads", {**base, **body}, as_user="admin")
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [(field, code)]


def test_an_upload_is_refused_after_it_is_made_when_the_object_is_not_as_declared(api):
    """S3 enforces the signed policy; an object that reached the bucket some other way (or
    was replaced since) is checked again when the import is asked for, and by the job."""
    from chalicelib.store import files

    data = csv_file([[credit_code("import-after"), "后验有限公司", "小微", "工业"]])

    def ask(declared_type: str = CSV, size: int = len(data)) -> dict:
        r = api.call(
            "POST",
            "/api/v1/uploads",
            {
                "purpose": "enterprise_import",
                "filename": "x.csv" if declared_type == CSV else "x.xlsx",
                "content_type": declared_type,
                "size": size,
            },
            as_user="admin",
        )
        assert r.status_code == 201, r.data
        return r.data

    def put(key: str, body: bytes, content_type: str) -> None:
        files.client().put_object(
            Bucket="test-attachmentsbucket", Key=key, Body=body, ContentType=content_type
        )

    def refused(key: str) -> tuple[str, str]:
        r = api.call("POST", "/api/v1/imports", {"upload_key": key}, as_user="admin")
        assert r.status_code == 400, r.data
        (err,) = r.data["errors"]
        return err["field"], err["code"]

    never = ask()
    assert refused(never["key"]) == ("upload_key", "upload_not_found")
    bigger = ask()
    put(bigger["key"], data + b"x" * 10, CSV)
    assert refused(bigger["key"]) == ("upload_key", "upload_size_mismatch")
    other_type = ask()
    put(other_type["key"], data, "application/pdf")
    assert refused(other_type["key"]) == ("upload_key", "upload_type_mismatch")
    assert refused("uploads/enterprise_import/U0123456789abcdef/x.csv") == (
        "upload_key",
        "upload_key_invalid",
    )
    assert refused("reports/R-1/report.xlsx") == ("upload_key", "upload_key_invalid")
    assert refused(never["key"].replace(".csv", ".xlsx")) == ("upload_key", "upload_key_invalid")

    # accepted, then replaced before the job ran: the job refuses it and writes nothing
    good = upload(api, data, "x.csv", CSV)
    job = start(api, good["key"])
    put(good["key"], data + b"\n", CSV)
    run_jobs(api)
    failed = api.call("GET", f"/api/v1/imports/{job['id']}", as_user="admin").data
    assert failed["status"] == "failed" and failed["error_code"] == "upload_size_mismatch"
    assert failed["error_params"] == {"declared": len(data), "stored": len(data) + 1}
    code = credit_code("import-after")
    assert api.call("GET", f"/api/v1/enterprises/{code}", as_user="admin").status_code == 404


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["supervisor", "comm-designated", "operator-12345", "ent-hengrun"])
def test_only_the_service_centre_uploads_and_imports(api, user):
    body = {"purpose": "enterprise_import", "filename": "a.csv", "content_type": CSV, "size": 9}
    r = api.call("POST", "/api/v1/uploads", body, as_user=user)
    assert r.status_code == 403 and r.data["code"] == "forbidden", r.data
    ticket = api.call("POST", "/api/v1/uploads", body, as_user="admin").data
    r = api.call("POST", "/api/v1/imports", {"upload_key": ticket["key"]}, as_user=user)
    assert r.status_code == 403, r.data
    assert api.call("GET", "/api/v1/imports", as_user=user).status_code == 403
    assert api.call("GET", "/api/v1/imports/template", as_user=user).status_code == 403
    assert api.call("GET", "/api/v1/imports/J-20260101-00000000", as_user=user).status_code == 403


def test_without_a_token_401_and_an_unknown_import_404(api):
    from chalicelib import clock
    from chalicelib.store import db, jobs

    assert api.call("POST", "/api/v1/uploads", {}).status_code == 401
    assert api.call("GET", "/api/v1/imports/J-1").status_code == 401
    r = api.call("GET", "/api/v1/imports/J-20260101-00000000", as_user="admin")
    assert r.status_code == 404 and r.data["code"] == "not_found"
    push = jobs.new_item("policy_push", {"policy_id": "P-x"}, None, clock.now())
    db.transact([jobs.put_action(push)])  # another kind of job is no import
    r = api.call("GET", f"/api/v1/imports/{push['id']}", as_user="admin")
    assert r.status_code == 404 and r.data["detail"] == f"导入任务 {push['id']} 不存在"
