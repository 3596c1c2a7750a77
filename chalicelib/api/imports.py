"""Importing the county's enterprise register (R1.1, bulk): the service centre uploads a CSV
or XLSX file (``POST /uploads``, purpose ``enterprise_import``), starts its import as a job,
follows its progress and counts, and downloads the rows that were not imported with the
reason for each. The template and the rules: ``docs/imports.md``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import i18n
from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.domain import import_template
from chalicelib.domain import uploads as upload_rules
from chalicelib.domain.codes import Role
from chalicelib.domain.enterprise_import import COLUMNS
from chalicelib.domain.models import Actor, Strict, Timestamp
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.store import files, jobs
from chalicelib.store import uploads as upload_store

api = Api(__name__, "imports")
ADMINS = [Role.ADMIN]
KIND = "enterprise_import"


class ImportRequest(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"upload_key": "uploads/enterprise_import/U3f9a2c71d04be5a6/register-2026.xlsx"}
            ]
        }
    )

    upload_key: str = Field(
        min_length=1, max_length=400, description="the `key` of the upload (POST /uploads)"
    )


class ImportCounts(BaseModel):
    created: int = Field(0, description="新登记的企业")
    updated: int = Field(0, description="信息有变化、已更新的企业")
    unchanged: int = Field(0, description="与平台一致、未作修改的企业")
    rejected: int = Field(0, description="未通过校验、未导入的行")


class ImportJob(BaseModel):
    """An import and how far it is; once done, its counts and (when rows were rejected) a
    link, valid five minutes, to the CSV of rejected rows with their reasons."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: int = Field(ge=0, le=100)
    processed: int = Field(description="rows gone through")
    total: int | None = Field(None, description="rows in the file (known once it was read)")
    counts: ImportCounts
    filename: str = Field(description="the uploaded file's own name")
    upload_key: str
    created_by: Actor | None = None
    created_at: Timestamp
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    error: str | None = Field(
        None, description="why the file was refused (failed), in the caller's language"
    )
    error_code: str | None = Field(None, description="the same as a code, for translation")
    error_params: dict[str, str | int] = Field(default_factory=dict)
    rejected_file: str | None = Field(None, description="the rejected rows (CSV), 5 minutes")


class ImportPage(Page[ImportJob]):
    pass


class TemplateColumn(BaseModel):
    header: str
    field: str
    required: bool
    note: str


class ImportTemplate(BaseModel):
    """The template's columns, and links (5 minutes) to download it."""

    columns: list[TemplateColumn]
    xlsx: str
    csv: str


def _import_job(item: dict[str, Any], lang: str, with_link: bool = False) -> ImportJob:
    """The job as the API shows it; a failed job's error in the caller's language."""
    params = item.get("params") or {}
    result = item.get("result") or {}
    counts = {
        **(item.get("counts") or {}),
        **{k: v for k, v in result.items() if k in ("created", "updated", "unchanged", "rejected")},
    }
    link = None
    if with_link and item["status"] == "done" and result.get("rejected_file"):
        link = files.link(
            result["rejected_file"],
            f"企业导入-未导入的行-{item['id']}.csv",
            f"xqt-import-rejected-{item['id']}.csv",
        )
    return ImportJob(
        id=item["id"],
        status=item["status"],
        progress=item["progress"],
        processed=item.get("processed", 0),
        total=item.get("total"),
        counts=ImportCounts(**counts),
        filename=params.get("filename", ""),
        upload_key=params.get("key", ""),
        created_by=item.get("created_by"),
        created_at=item["created_at"],
        started_at=item.get("started_at"),
        finished_at=item.get("finished_at"),
        error=(
            i18n.message(item["error_code"], lang, **(item.get("error_params") or {}))
            if item.get("error_code")
            else item.get("error")
        ),
        error_code=item.get("error_code"),
        error_params=item.get("error_params") or {},
        rejected_file=link,
    )


def _upload(key: str) -> dict[str, Any]:
    """The upload an import names, checked: issued for imports, and its object as declared."""
    parsed = upload_rules.parse_key(key)
    if parsed is None or parsed[0] != KIND:
        raise ValidationFailed.one("upload_key", "upload_key_invalid")
    try:
        record = upload_store.get(parsed[1])
    except NotFound:
        raise ValidationFailed.one("upload_key", "upload_key_invalid") from None
    if record["key"] != key:
        raise ValidationFailed.one("upload_key", "upload_key_invalid")
    stored = upload_store.stored(key)
    if stored is None:
        raise ValidationFailed.one("upload_key", "upload_not_found")
    problem = upload_rules.check_stored(
        upload_rules.PURPOSES[KIND], record["content_type"], int(record["size"]), *stored
    )
    if problem is not None:
        raise ValidationFailed.one(problem.field, problem.code, **problem.params)
    return record


@api.route(
    "/imports",
    "POST",
    summary="导入企业名录",
    request=ImportRequest,
    response=ImportJob,
    status=202,
    roles=ADMINS,
)
def start_import(ctx: Ctx, body: ImportRequest) -> Created:
    """Import an uploaded register (CSV or XLSX) as a job; follow it at
    ``GET /api/v1/imports/{id}``. The stored file is checked first (it must be the upload's,
    of the size and type declared): otherwise a 400 naming ``upload_key``."""
    from chalicelib.jobs import dispatch

    record = _upload(body.upload_key)
    params = {
        "upload_id": record["id"],
        "key": record["key"],
        "filename": record["filename"],
        "content_type": record["content_type"],
        "size": int(record["size"]),
    }
    item = dispatch.create(KIND, params, ctx.user.actor())
    return Created(_import_job(item, ctx.lang), f"/api/v1/imports/{item['id']}", status=202)


@api.route("/imports", summary="导入记录", query=PageQuery, response=ImportPage, roles=ADMINS)
def list_imports(ctx: Ctx, query: PageQuery) -> ImportPage:
    """Imports, the latest first (open one for its rejected rows)."""
    items, nxt = jobs.page(KIND, query.limit, query.cursor)
    return ImportPage(items=[_import_job(i, ctx.lang) for i in items], next_cursor=nxt)


def _template_link(data: bytes, ext: str, content_type: str) -> str:
    # named by its content (the same columns make the same bytes, the same key); a few KB,
    # written again at each ask rather than trusting a per-process memory of the bucket
    key = f"templates/enterprise-import-{import_template.fingerprint(data)}.{ext}"
    files.put(key, data, content_type)
    return files.link(key, f"企业名录导入模板.{ext}", f"xqt-enterprise-import-template.{ext}")


@api.route("/imports/template", summary="企业名录导入模板", response=ImportTemplate, roles=ADMINS)
def import_template_links(ctx: Ctx) -> ImportTemplate:
    """The template's columns and where to download it, as XLSX or CSV."""
    return ImportTemplate(
        columns=[
            TemplateColumn(header=c.header, field=c.key, required=c.required, note=c.note)
            for c in COLUMNS
        ],
        xlsx=_template_link(import_template.xlsx_bytes(), "xlsx", upload_rules.XLSX),
        csv=_template_link(import_template.csv_bytes(), "csv", "text/csv; charset=utf-8"),
    )


@api.route(
    "/imports/{job_id}", summary="导入进度与结果", response=ImportJob, roles=ADMINS, errors=(404,)
)
def get_import(ctx: Ctx, job_id: str) -> ImportJob:
    """An import: status, progress, counts; once done, the rejected rows' file."""
    try:
        item = jobs.get(job_id)
    except NotFound:
        raise NotFound("import_not_found", id=job_id) from None
    if item.get("kind") != KIND:
        raise NotFound("import_not_found", id=job_id)
    return _import_job(item, ctx.lang, with_link=True)
