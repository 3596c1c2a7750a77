"""The import's rules without AWS: headers, cells, reasons, what a row changes, the upload
limits, and the CSV and XLSX readers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from chalicelib.domain import enterprise_import as rules
from chalicelib.domain import uploads
from chalicelib.domain.spreadsheets import csv_encoding, open_rows
from infra.local.seed import credit_code

CODE = credit_code("unit-import")
COLUMNS = rules.map_header(["统一社会信用代码", "企业名称", "企业规模", "行业"])


def test_headers_are_matched_loosely_and_required_ones_checked():
    found = rules.map_header(
        [
            "\ufeff统一社会信用代码 ",
            "企业名称",
            "规模",
            "所属行业",
            "营业收入（万元）",
            "乡 镇",
            "x",
        ]
    )
    assert found == {
        "uscc": 0,
        "name": 1,
        "size_class": 2,
        "industry": 3,
        "revenue": 4,
        "town": 5,
    }
    with pytest.raises(rules.FileProblem) as missing:
        rules.map_header(["uscc", "name"])
    assert missing.value.message() == "缺少必需的列：企业规模、行业（请使用导入模板）"
    assert missing.value.message("en").startswith("Required columns missing")
    with pytest.raises(rules.FileProblem) as twice:
        rules.map_header(["uscc", "统一社会信用代码", "name", "size_class", "industry"])
    assert twice.value.code == "import_header_duplicate"


def test_the_header_of_a_template_made_before_the_full_width_copy_still_maps():
    """The template heads the column 「营业收入（万元）」; one downloaded before issue 19 has
    「营业收入(万元)」, and both name the revenue column (so do the short 「营业收入」 and
    ``revenue``)."""
    assert rules.COLUMN_OF["revenue"].header == "营业收入（万元）"
    headers = ("营业收入(万元)", "营业收入（万元）", "营业收入 ( 万元 )", "营业收入", "revenue")
    for header in headers:
        found = rules.map_header(["统一社会信用代码", "企业名称", "企业规模", "行业", header])
        assert found["revenue"] == 4, header
    old = [c.header.replace("（", "(").replace("）", ")") for c in rules.COLUMNS]
    assert rules.map_header(old) == {c.key: i for i, c in enumerate(rules.COLUMNS)}


def read(*cells: object, columns: dict[str, int] | None = None) -> rules.Row:
    return rules.read_row(2, list(cells), columns or COLUMNS)


def test_a_good_row_gives_the_values_of_its_filled_cells():
    header = [c.header for c in rules.COLUMNS]
    columns = rules.map_header(header)
    row = read(
        f" {CODE.lower()} ",
        "如东某某公司",
        "规上",
        "services",
        "某某、某某公司,某某",
        "",
        "是",
        "否",
        "1,200",
        "3，500.25",
        "王磊",
        "+86 139 1234 5678",
        columns=columns,
    )
    assert row.ok and row.uscc == CODE
    assert row.values == {
        "name": "如东某某公司",
        "short_names": ["某某", "某某公司"],
        "size_class": "designated",
        "industry": "services",
        "flags": {"key_tech": True, "major_project": False},
        "employees": 1200,
        "revenue": 3500.25,
        "contact": {"name": "王磊", "phone": "13912345678"},
    }


@pytest.mark.parametrize(
    ("cells", "reasons"),
    [
        (["", "甲", "小微", "工业"], "统一社会信用代码：必填"),
        ([CODE[:17], "甲", "小微", "工业"], "统一社会信用代码：应为 18 位"),
        ([CODE[:-1] + "I", "甲", "小微", "工业"], "统一社会信用代码：含有不允许的字符"),
        (
            [CODE, "甲" * 101, "大型", ""],
            "企业名称：不能超过 100 个字符；"
            "企业规模：「大型」无效，应为：亿元以上、规上、小微；行业：必填",
        ),
    ],
)
def test_each_reason_names_its_column(cells, reasons):
    row = read(*cells)
    assert not row.ok and row.reasons_text() == reasons


def test_numbers_flags_and_contacts_are_checked():
    header = [
        "uscc",
        "name",
        "size_class",
        "industry",
        "employees",
        "revenue",
        "key_tech",
        "contact_name",
        "contact_phone",
    ]
    columns = rules.map_header(header)
    row = read(
        CODE, "甲", "小微", "工业", "12.5", "-1", "maybe", "", "13912345678", columns=columns
    )
    assert row.reasons_text() == (
        "重点科技型企业：「maybe」无效，应为 是 或 否；从业人数：「12.5」不是整数；"
        "营业收入（万元）：应在 0 到 10,000,000,000 之间；联系人：填写联系电话时须同时填写联系人"
    )
    row = read(CODE, "甲", "小微", "工业", "", "nan", "", "张三", "", columns=columns)
    assert (
        row.reasons_text()
        == "营业收入（万元）：「nan」不是数字；联系电话：填写联系人时须同时填写联系电话"
    )
    assert read(CODE, "甲", "小微", "工业", "x" * 40, columns=columns).reasons[0].params == {
        "value": "x" * 20 + "…"
    }


def test_blank_rows_and_first_seen():
    assert rules.is_blank(["", None, "  ", "\u3000"]) and not rules.is_blank(["", "x"])
    seen = rules.FirstSeen()
    assert seen.claim(CODE, 2) is None and seen.claim(CODE, 9) == 2 and len(seen) == 1


def test_a_row_changes_only_what_differs_and_never_clears():
    current = {
        "uscc": CODE,
        "name": "甲",
        "size_class": "small_micro",
        "industry": "industry",
        "town": "掘港街道",
        "flags": {"key_tech": True, "major_project": False},
        "employees": 10,
        "revenue": 88.5,
        "contacts": [
            {"name": "张三", "phone": "13900000001"},
            {"name": "李四", "phone": "13900000002"},
        ],
    }
    same = {
        "name": "甲",
        "size_class": "small_micro",
        "industry": "industry",
        "revenue": 88.5,
        "flags": {"key_tech": True},
        "contact": {"name": "李四", "phone": "13900000002"},
    }
    assert rules.changes(current, same) == {}
    assert rules.changes(current, {"flags": {"major_project": True}}) == {
        "flags": {"key_tech": True, "major_project": True}
    }
    assert rules.changes(current, {"contact": {"name": "李四", "phone": "13900000009"}}) == {
        "contacts": [
            {"name": "张三", "phone": "13900000001"},
            {"name": "李四", "phone": "13900000009"},
        ]
    }
    many = {**current, "contacts": [{"name": f"人{i}", "phone": "13900000001"} for i in range(10)]}
    added = rules.changes(many, {"contact": {"name": "新人", "phone": "13900000003"}})["contacts"]
    assert len(added) == 10 and added[0]["name"] == "新人" and added[-1]["name"] == "人8"
    created = rules.new_record(
        CODE, {"name": "乙", "size_class": "designated", "industry": "other"}
    )
    assert created["flags"] == {"key_tech": False, "major_project": False}
    assert created["contacts"] == [] and created["town"] is None


def test_upload_requests_and_stored_objects_are_checked_against_the_purpose():
    purpose = uploads.PURPOSES["enterprise_import"]
    ok = uploads.check_request(purpose, "名录.XLSX", uploads.XLSX, 10)
    assert ok == []
    codes = [p.code for p in uploads.check_request(purpose, "名录", "text/plain", 0)]
    assert codes == ["upload_type", "upload_extension", "upload_empty"]
    assert uploads.check_stored(purpose, uploads.CSV, 10, "text/csv; charset=utf-8", 10) is None
    assert uploads.check_stored(purpose, uploads.CSV, 10, "text/csv", 11).code == (
        "upload_size_mismatch"
    )
    key = uploads.object_key(purpose, "U0123456789abcdef", r"C:\fakepath\如东 名录(1).xlsx")
    assert key == "uploads/enterprise_import/U0123456789abcdef/1.xlsx"
    assert uploads.object_key(purpose, "U0123456789abcdef", "名录.csv").endswith("/upload.csv")
    assert uploads.parse_key(key) == ("enterprise_import", "U0123456789abcdef")
    assert uploads.parse_key("uploads/enterprise_import/../x.csv") is None


def test_csv_encodings_and_the_readers(tmp_path: Path):
    text = "统一社会信用代码,企业名称\r\n" + CODE + ',"如东,有逗号的公司"\r\n'
    for encoding, expected in (
        ("utf-8-sig", "utf-8-sig"),
        ("utf-8", "utf-8"),
        ("gb18030", "gb18030"),
    ):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        assert csv_encoding(path) == expected
        with open_rows(path, "csv") as rows:
            assert list(rows) == [["统一社会信用代码", "企业名称"], [CODE, "如东,有逗号的公司"]]
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.encode("utf-16"))
    with pytest.raises(rules.FileProblem) as problem:
        csv_encoding(utf16)
    assert problem.value.code == "import_encoding"

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    sheet = book.create_sheet("企业名录")
    sheet.append(["统一社会信用代码"])
    sheet["A4"] = CODE
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "book.xlsx"
    path.write_bytes(out.getvalue())
    with open_rows(path, "xlsx") as rows:
        assert [r[0] for r in rows] == ["统一社会信用代码", None, None, CODE]
