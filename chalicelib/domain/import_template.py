"""The enterprise import's templates, made from the columns the import reads (one
definition, ``enterprise_import.COLUMNS``): an XLSX workbook — the register sheet with its
header, text-formatted code and phone columns (a spreadsheet would turn an 18-digit code
into a rounded number), drop-down lists for the coded columns, and a sheet of instructions
— and a CSV of the header alone (UTF-8 with a BOM, which Excel needs to read Chinese)."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime

from chalicelib.domain.enterprise_import import COLUMNS, MAX_ROWS, SIZE_CLASS_OF
from chalicelib.domain.spreadsheets import SHEET

#: Rows of the register sheet that get the drop-down lists and text formats.
PREPARED_ROWS = 20_000
#: Fixed document dates: the same columns make the same bytes (and the same file name).
_CREATED = datetime(2026, 1, 1)


def csv_bytes() -> bytes:
    """The header row as CSV, UTF-8 with a byte-order mark."""
    return ("\ufeff" + ",".join(c.header for c in COLUMNS) + "\r\n").encode("utf-8")


def xlsx_bytes() -> bytes:
    """The workbook: 企业名录 (header only) and 填写说明 (each column's rules)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": "企业名录导入模板", "author": "兴企通", "created": _CREATED})
    header = {"bold": True, "bg_color": "#FDECEA", "border": 1}
    head = book.add_format(header)
    required = book.add_format({**header, "color": "#B71C1C"})
    text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    sheet = book.add_worksheet(SHEET)
    sheet.freeze_panes(1, 0)
    choices = {
        "size_class": [k for k, v in SIZE_CLASS_OF.items() if k != v],
        "industry": ["农业", "工业", "建筑房地产", "服务业", "其他"],
        "key_tech": ["是", "否"],
        "major_project": ["是", "否"],
    }
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.header, required if column.required else head)
        width = max(12, len(column.header) * 2 + 2)
        if column.key in ("uscc", "contact_phone"):
            sheet.set_column(col, col, max(width, 22), text)
        else:
            sheet.set_column(col, col, width)
        if column.key in choices:
            sheet.data_validation(
                1,
                col,
                PREPARED_ROWS,
                col,
                {"validate": "list", "source": choices[column.key], "ignore_blank": True},
            )
        sheet.write_comment(0, col, ("必填。" if column.required else "选填。") + column.note)

    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    for col, title in enumerate(("列名", "必填", "填写要求")):
        notes.write_string(0, col, title, head)
    for row, column in enumerate(COLUMNS, start=1):
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "是" if column.required else "否")
        notes.write_string(row, 2, column.note, wrap)
    rules = (
        "每行一家企业，第一行为列名，列的顺序可以调整，其他列不读取。",
        "企业规模、行业也可填写代码（如 designated、industry）。",
        "选填的格子留空时，平台上已有的信息保持不变。",
        "简称填写来电时常说的名称（如「恒润机械」），多个以 、 或 , 分隔；"
        "填写后替换平台上已有的简称。",
        "联系人与联系电话一起填写：平台上已有同名联系人的，更新其电话；否则添加为第一联系人。",
        "同一统一社会信用代码出现多次时，以第一次出现的行为准，其后的行不导入。",
        f"每个文件至多 {MAX_ROWS:,} 行；未通过校验的行不导入，导入完成后可下载未导入行及原因。",
        "同一文件重复导入不会产生任何修改。",
    )
    start = len(COLUMNS) + 2
    for offset, line in enumerate(rules):
        notes.write_string(start + offset, 0, f"{offset + 1}. {line}")
    book.close()
    return out.getvalue()


def fingerprint(data: bytes) -> str:
    """A short digest of a template's bytes (its object's name: a new template, a new key)."""
    return hashlib.sha256(data).hexdigest()[:12]
