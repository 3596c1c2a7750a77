"""Importing the county's enterprise register (issue 9, item 6) as a job on the job queue.

The uploaded file is copied from S3 to a temporary file and read row by row (never the
whole register in memory): first to count its rows for the progress (and to check its
header), then 100 rows a page. Each page's rows are checked (``domain/enterprise_import``),
the registered enterprises among them read in one ``BatchGetItem``, new ones created, those
a row changes updated under the version read (a concurrent change is read again and the
row compared again), the rest left alone; the page's rejected rows are kept beside the job
and the job checkpoints (rows done, counts), conditionally on the page before. A message
received again goes on after the last checkpoint; a row written by an earlier receive of
the same job (its ``import_job`` says so) is counted as it was written, so the counts stay
exact. Near Lambda's time limit the job queues itself again. At the end the rejected rows
become a CSV (UTF-8 with a BOM, for Excel) in the reports bucket, and the enterprise search's
snapshot is asked to fold the rows in (docs/search.md).

A problem with the whole file (a missing column, an unreadable workbook, an object that is
not what was uploaded) fails the job at once, before any row is written: retrying would not
help.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from chalicelib.domain import enterprise_import as rules
from chalicelib.domain import uploads as upload_rules
from chalicelib.domain.models import Actor
from chalicelib.domain.spreadsheets import Kind, csv_row, open_rows
from chalicelib.errors import AlreadyExists, VersionConflict
from chalicelib.logs import logger
from chalicelib.store import db, enterprises, files, imports, jobs, uploads

KIND = "enterprise_import"
PAGE = 100
#: Seconds a receive works before it hands the rest to a fresh message (Lambda: 300 s).
BUDGET_SECONDS = 240.0
#: Tries to write one row against concurrent changes to the same enterprise.
ATTEMPTS = 5
COUNTS = ("created", "updated", "unchanged", "rejected")
RESULT_HEADER = ("行号", "统一社会信用代码", "企业名称", "未导入原因")


def result_key(job_id: str) -> str:
    """Where the rejected rows of a job are written (reports bucket)."""
    return f"imports/{job_id}/rejected.csv"


def _kind(content_type: str) -> Kind:
    return "xlsx" if content_type == upload_rules.XLSX else "csv"


def run(job: dict[str, Any], now: datetime) -> dict[str, Any]:
    params = job["params"]
    try:
        with tempfile.TemporaryDirectory(prefix="xqt-import-") as folder:
            kind = _kind(params["content_type"])
            path = Path(folder) / f"register.{kind}"  # openpyxl goes by the extension
            _fetch(params, path)
            return _run(job, now, path, kind)
    except rules.FileProblem as problem:
        message = problem.message("zh")
        jobs.fail(job["id"], now, message, problem.code, _plain(problem.params))
        logger.info("import refused", extra={"job": job["id"], "problem": problem.code})
        return {"failed": problem.code}


def _plain(params: dict[str, Any]) -> dict[str, str | int]:
    return {k: v if isinstance(v, int) else str(v) for k, v in params.items()}


def _fetch(params: dict[str, Any], path: Path) -> None:
    """Check the object S3 holds against the upload (again: it may have been replaced since
    the import was asked for) and copy it to ``path``."""
    purpose = upload_rules.PURPOSES[KIND]
    stored = uploads.stored(params["key"])
    if stored is None:
        raise rules.FileProblem("upload_not_found", key=params["key"])
    problem = upload_rules.check_stored(
        purpose, params["content_type"], int(params["size"]), *stored
    )
    if problem is not None:
        raise rules.FileProblem(problem.code, **problem.params)
    with path.open("wb") as fh:
        size = uploads.download(params["key"], fh)
    if size != int(params["size"]):
        raise rules.FileProblem("upload_size_mismatch", declared=params["size"], stored=size)


def _data_rows(rows: Iterator[Sequence[object]]) -> tuple[dict[str, int], Iterator[Any]]:
    """The header's columns, and ``(row number, cells)`` of every row that is not blank."""
    header = next(rows, None)
    if header is None:
        raise rules.FileProblem("import_no_rows")
    columns = rules.map_header(header)
    numbered = ((n, cells) for n, cells in enumerate(rows, start=2) if not rules.is_blank(cells))
    return columns, numbered


def _count(path: Path, kind: Kind) -> int:
    with open_rows(path, kind) as rows:
        _, data = _data_rows(rows)
        total = 0
        for _ in data:
            total += 1
            if total > rules.MAX_ROWS:
                raise rules.FileProblem("import_too_many_rows", max=f"{rules.MAX_ROWS:,}")
    if total == 0:
        raise rules.FileProblem("import_no_rows")
    return total


def _run(job: dict[str, Any], now: datetime, path: Path, kind: Kind) -> dict[str, Any]:
    from chalicelib.jobs import dispatch

    began = time.monotonic()
    total = job.get("total")
    if total is None:
        total = _count(path, kind)
    if not jobs.start(job["id"], now, total):
        return {"skipped": job["status"]}
    page_number = int(job.get("page", 0))
    done_through = int(job.get("cursor") or 0)  # the last file row a checkpoint covers
    if page_number and not done_through:  # the last page was done: only the finish is left
        return _finish(job, now)
    processed = int(job.get("processed", 0))
    counts = dict.fromkeys(COUNTS, 0) | dict(job.get("counts") or {})
    actor = Actor.model_validate(job["created_by"]) if job.get("created_by") else None
    seen = rules.FirstSeen()
    with open_rows(path, kind) as rows:
        columns, data = _data_rows(rows)
        pending = _after(data, done_through, columns, seen)
        page = list(islice(pending, PAGE))
        while page:
            following = next(pending, None)
            rejected = _import_page(job["id"], page, columns, seen, actor, counts)
            page_number += 1
            imports.put_rejections(job["id"], page_number, rejected)
            processed += len(page)
            last = following is None
            cursor = None if last else str(page[-1][0])
            progress = min(99, processed * 100 // max(int(total), 1))
            if not jobs.checkpoint(job["id"], page_number, cursor, processed, counts, progress):
                return {"stopped": "another receive holds the job"}
            if last:
                return _finish({**job, "processed": processed, "counts": counts}, now)
            if time.monotonic() - began > BUDGET_SECONDS:
                dispatch.enqueue(job)  # the rest in a fresh receive, from this checkpoint
                return {"continued": page_number}
            page = [following, *islice(pending, PAGE - 1)] if following else []
    return _finish({**job, "processed": processed, "counts": counts}, now)


def _after(
    data: Iterator[Any], done_through: int, columns: dict[str, int], seen: rules.FirstSeen
) -> Iterator[Any]:
    """The rows after the checkpoint; those before it only claim their credit codes, so a
    duplicate of a row done by an earlier receive is still found."""
    for number, cells in data:
        if number <= done_through:
            uscc = rules.uscc_of(cells, columns)
            if uscc:
                seen.claim(uscc, number)
            continue
        yield number, cells


def _import_page(
    job_id: str,
    page: list[tuple[int, Sequence[object]]],
    columns: dict[str, int],
    seen: rules.FirstSeen,
    actor: Actor | None,
    counts: dict[str, int],
) -> list[dict[str, Any]]:
    """Check and write one page of rows; returns its rejected rows."""
    rows = [rules.read_row(number, cells, columns) for number, cells in page]
    for row in rows:
        if row.uscc is not None:
            first = seen.claim(row.uscc, row.number)
            if first is not None:
                row.reasons.append(rules.duplicate_reason(first))
    valid = [r for r in rows if r.ok]
    registered = enterprises.get_many([r.uscc for r in valid if r.uscc])
    for row in valid:
        assert row.uscc is not None
        outcome = _apply(job_id, row.uscc, row.values, registered.get(row.uscc), actor)
        counts[outcome] += 1
    rejected = [
        {
            "row": r.number,
            "uscc": r.uscc_text[:40],
            "name": r.name_text[:100],
            "reasons": r.reasons_text("zh"),
        }
        for r in rows
        if not r.ok
    ]
    counts["rejected"] += len(rejected)
    return rejected


def _apply(
    job_id: str,
    uscc: str,
    values: dict[str, Any],
    current: dict[str, Any] | None,
    actor: Actor | None,
) -> str:
    """Create, update or leave one enterprise; returns which. Writes under the version read;
    a concurrent change (or creation) is read again and the row compared again."""
    for _ in range(ATTEMPTS):
        try:
            if current is None:
                enterprises.create({**rules.new_record(uscc, values), "import_job": job_id}, actor)
                return "created"
            if current.get("import_job") == job_id:  # written by an earlier receive of this job
                return "created" if current["version"] == 1 else "updated"
            diff = rules.changes(current, values)
            if not diff:
                return "unchanged"
            enterprises.update_from(current, {**diff, "import_job": job_id}, actor)
            return "updated"
        except (AlreadyExists, VersionConflict, db.TransactionConflict):
            current = enterprises.get_many([uscc]).get(uscc)
    raise RuntimeError(f"enterprise {uscc} kept changing while it was imported")


def _finish(job: dict[str, Any], now: datetime) -> dict[str, Any]:
    counts = {name: int((job.get("counts") or {}).get(name, 0)) for name in COUNTS}
    key = None
    if counts["rejected"]:
        key = result_key(job["id"])
        with tempfile.TemporaryFile() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow(RESULT_HEADER)
            for r in imports.rejections(job["id"]):
                writer.writerow(csv_row((r["row"], r["uscc"], r["name"], r["reasons"])))
            text.flush()
            raw.seek(0)
            files.put(key, raw, "text/csv; charset=utf-8")
            text.detach()
    result = {"rows": int(job.get("processed", 0)), **counts, "rejected_file": key}
    jobs.finish(job["id"], now, result)
    if counts["created"] or counts["updated"]:
        _refresh_search()
    return result


def _refresh_search() -> None:
    """The search's snapshot folds the imported rows in now, not at its next scheduled run
    (until then every search reads them from the change list: right, but more to read)."""
    from chalicelib.jobs import search_snapshot

    try:
        search_snapshot.request()
    except Exception:  # the schedule folds them anyway; the import itself is done
        logger.exception("search snapshot not queued after an import")
