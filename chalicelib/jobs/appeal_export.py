"""Exporting a searched list of appeals to XLSX (issue 17): the job reads the search a page
at a time as the user who asked — only what that user may read, as it stands when the job
runs — keeps each page's rows in the reports bucket and checkpoints after it, so a receive
that died goes on from there; at the end it writes the workbook (XlsxWriter, constant
memory, text never made a formula) for a five-minute link. At most ``MAX_ROWS`` rows."""

from __future__ import annotations

import io
import json
import time
from datetime import datetime
from typing import Any

from chalicelib.domain import appeal_export
from chalicelib.domain.appeals import is_overdue
from chalicelib.domain.models import User
from chalicelib.domain.spreadsheets import WORKBOOK_OPTIONS
from chalicelib.store import appeal_search, files, jobs, users

PAGE = 100
MAX_ROWS = 50_000
#: Seconds a receive works before it hands the rest to a fresh message (Lambda: 300 s).
BUDGET_SECONDS = 240.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def part_key(job_id: str, page: int) -> str:
    return f"exports/{job_id}/part-{page:05d}.json"


def workbook_key(job_id: str) -> str:
    return f"exports/{job_id}/诉求导出.xlsx"


def run(job: dict[str, Any], now: datetime) -> dict[str, Any]:
    from chalicelib.jobs import dispatch

    began = time.monotonic()
    if not jobs.start(job["id"], now, None):
        return {"skipped": job["status"]}
    user = User.model_validate(users.by_username(job["params"]["username"]))
    if not user.active:  # deactivated since it asked: nothing more is read for it
        jobs.fail(job["id"], now, "user inactive", "user_inactive")
        return {"failed": "user inactive"}
    wanted = appeal_search.Search.of(job["params"]["search"])
    page_number = int(job.get("page", 0))
    cursor = job.get("cursor") or None
    processed = int(job.get("processed", 0))
    while not (page_number and not cursor) and processed < MAX_ROWS:
        items, cursor = appeal_search.search(user, wanted, now, PAGE, cursor)
        rows = [appeal_export.row(a, overdue=is_overdue(a, now)) for a in items]
        files.put(
            part_key(job["id"], page_number),
            json.dumps(rows, ensure_ascii=False).encode(),
            "application/json",
        )
        page_number += 1
        processed += len(rows)
        # the total is not known before the end: the bar moves by pages read, never to 100
        progress = min(95, page_number * 5)
        if not jobs.checkpoint(job["id"], page_number, cursor, processed, {}, progress):
            return {"stopped": "another receive holds the job"}
        if cursor is not None and time.monotonic() - began > BUDGET_SECONDS:
            dispatch.enqueue(job)  # the rest in a fresh receive, from this checkpoint
            return {"continued": page_number}
    return _finish(job["id"], page_number, processed, truncated=cursor is not None, now=now)


def _finish(
    job_id: str, pages: int, processed: int, *, truncated: bool, now: datetime
) -> dict[str, Any]:
    out = io.BytesIO()
    import xlsxwriter  # loaded by the export job only

    book = xlsxwriter.Workbook(out, {**WORKBOOK_OPTIONS, "constant_memory": True})
    sheet = book.add_worksheet("诉求")
    bold = book.add_format({"bold": True})
    for c, (header, width) in enumerate(appeal_export.COLUMNS):
        sheet.write_string(0, c, header, bold)
        sheet.set_column(c, c, width)
    r = 1
    for page in range(pages):
        for values in json.loads(files.read(part_key(job_id, page))):
            for c, value in enumerate(values[: len(appeal_export.COLUMNS)]):
                if isinstance(value, int):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
            r += 1
            if r > MAX_ROWS:
                break
    sheet.freeze_panes(1, 0)
    book.close()
    files.put(workbook_key(job_id), out.getvalue(), XLSX)
    result = {"rows": r - 1, "truncated": truncated, "key": workbook_key(job_id)}
    jobs.finish(job_id, now, result)
    return result
