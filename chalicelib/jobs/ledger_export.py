"""Exporting a unit's progress ledger (推进台账) to XLSX for its meeting (issue 21 part 3):
the job reads the ledger as it stands when it runs, for a user who may still read it, and
writes a workbook laid out for print — A4 landscape fitted to the page's width, the title
row 「{unit} 推进台账（截至 YYYY-MM-DD）」, the header frozen and repeated on every printed page,
wrapped text, page numbers in the footer — for a five-minute link. Text is never made a
formula or a link (``WORKBOOK_OPTIONS``)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from chalicelib.clock import to_beijing
from chalicelib.domain import ledger_export
from chalicelib.domain.appeal import ledger
from chalicelib.domain.appeal.ledger import LedgerFilter
from chalicelib.domain.models import User
from chalicelib.domain.spreadsheets import WORKBOOK_OPTIONS
from chalicelib.services import ledgers
from chalicelib.store import files, jobs, users
from chalicelib.store.departments import departments

KIND = "ledger_export"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "推进台账"


def workbook_key(job_id: str) -> str:
    return f"exports/{job_id}/推进台账.xlsx"


def wanted(params: dict[str, Any]) -> LedgerFilter:
    f = params.get("filter") or {}
    return LedgerFilter(
        kind=f.get("kind"),
        status=f.get("status"),
        overdue=bool(f.get("overdue")),
        category=f.get("category"),
        assigned_from=date.fromisoformat(f["assigned_from"]) if f.get("assigned_from") else None,
        assigned_to=date.fromisoformat(f["assigned_to"]) if f.get("assigned_to") else None,
        signed=f.get("signed"),
        accepted=f.get("accepted"),
    )


def run(job: dict[str, Any], now: datetime) -> dict[str, Any]:
    if not jobs.start(job["id"], now, None):
        return {"skipped": job["status"]}
    params = job["params"]
    unit_id = str(params["department_id"])
    user = User.model_validate(users.by_username(params["username"]))
    if not user.active or not ledger.may_read(user, unit_id):  # changed since it asked
        jobs.fail(job["id"], now, "user may not read the ledger", "user_inactive")
        return {"failed": "user may not read the ledger"}
    unit = departments.get(unit_id)
    items, truncated = ledgers.every(unit_id, wanted(params), now)
    body = workbook(str(unit["name"]), unit_id, items, now)
    files.put(workbook_key(job["id"]), body, XLSX)
    result = {
        "rows": len(items),
        "truncated": truncated,
        "key": workbook_key(job["id"]),
        "filename": f"{unit['name']}推进台账-{to_beijing(now):%Y%m%d}.xlsx",
    }
    jobs.finish(job["id"], now, result)
    return result


def workbook(unit_name: str, unit_id: str, items: list[ledgers.Item], now: datetime) -> bytes:
    out = io.BytesIO()
    import xlsxwriter  # ~180 ms: loaded by the export only, not by the API that imports this

    book = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    sheet = book.add_worksheet(SHEET)
    font = {"font_name": "宋体", "font_size": 10}
    title = book.add_format({**font, "bold": True, "font_size": 16, "align": "center"})
    head = book.add_format(
        {**font, "bold": True, "border": 1, "bg_color": "#D9D9D9", "align": "center"}
    )
    head.set_text_wrap()
    head.set_align("vcenter")
    cell = book.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
    last = len(ledger_export.COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last, ledger_export.title(unit_name, to_beijing(now).date()), title)
    sheet.set_row(0, 30)
    for c, (header, width) in enumerate(ledger_export.COLUMNS):
        sheet.write_string(1, c, header, head)
        sheet.set_column(c, c, width)
    for r, (appeal, item) in enumerate(items, start=2):
        for c, value in enumerate(ledger_export.row(r - 1, appeal, item, unit_id)):
            if isinstance(value, int):
                sheet.write_number(r, c, value, cell)
            else:
                sheet.write_string(r, c, value, cell)
    # print: A4 landscape, one page wide, the title and header on every page, page numbers
    sheet.freeze_panes(2, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.center_horizontally()
    book.close()
    return out.getvalue()
