"""Uploads straight from the browser to S3 (presigned POST), by purpose: the platform says
where the file goes and signs exactly that file (its key, size and content type), the
browser POSTs it to the bucket, and the resource that uses it (an import; an appeal, an
application or a policy that keeps it as an attachment) checks the stored object again.
Limits per purpose: ``domain/uploads.py``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Created, Ctx
from chalicelib.domain import uploads as rules
from chalicelib.domain.codes import Role
from chalicelib.domain.models import Strict, Timestamp
from chalicelib.errors import FieldError, Forbidden, ValidationFailed
from chalicelib.store import uploads as store

api = Api(__name__, "uploads")

#: Who may upload for each purpose.
ROLES_OF_PURPOSE: dict[str, frozenset[Role]] = {
    "enterprise_import": frozenset({Role.ADMIN}),
    "appeal_attachment": frozenset({Role.ENTERPRISE}),
    "application_attachment": frozenset({Role.ENTERPRISE}),
    "policy_attachment": frozenset({Role.ADMIN}),
}


class UploadRequest(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "purpose": "enterprise_import",
                    "filename": "如东县企业名录2026.xlsx",
                    "content_type": rules.XLSX,
                    "size": 482133,
                }
            ]
        }
    )

    purpose: Literal[
        "enterprise_import", "appeal_attachment", "application_attachment", "policy_attachment"
    ] = Field(description="what the file is for")
    filename: str = Field(min_length=1, max_length=255, description="the file's own name")
    content_type: str = Field(min_length=1, max_length=100, description="MIME type")
    size: int = Field(ge=0, le=2**40, description="bytes: exactly the file's size")


class UploadTicket(BaseModel):
    """Where and how the browser POSTs the file: a ``multipart/form-data`` POST to ``url``
    with every one of ``fields`` and then the file as the last part, named ``file``."""

    id: str
    key: str = Field(description="the object's key; name it to the resource that uses it")
    purpose: str
    filename: str
    content_type: str
    size: int
    url: str
    fields: dict[str, str]
    expires_at: Timestamp = Field(description="the POST is refused after this time")


@api.route(
    "/uploads",
    "POST",
    summary="申请上传文件（预签名 POST）",
    request=UploadRequest,
    response=UploadTicket,
    status=201,
    errors=(403,),
)
def create_upload(ctx: Ctx, body: UploadRequest) -> Created:
    """A presigned POST for one file of a purpose: ``enterprise_import`` (admins; CSV or
    XLSX, at most 20 MB); ``appeal_attachment`` and ``application_attachment``
    (enterprises; JPEG, PNG, PDF, DOC, DOCX, XLS, XLSX, at most 20 MB); ``policy_attachment``
    (admins; those and OFD, at most 50 MB). The size and type are checked now (400 naming
    the field), by S3 when the file arrives (the signed policy allows exactly this size and
    type), and again when the file is used: its size, declared type and first bytes."""
    allowed = ROLES_OF_PURPOSE[body.purpose]
    if ctx.user.role not in allowed:
        raise Forbidden("role_required", roles=sorted(r.value for r in allowed))
    purpose = rules.PURPOSES[body.purpose]
    problems = rules.check_request(purpose, body.filename, body.content_type, body.size)
    if problems:
        raise ValidationFailed([FieldError(p.field, p.code, dict(p.params)) for p in problems])
    record, post = store.create(
        purpose, body.filename, body.content_type, body.size, ctx.user.actor(), clock.now()
    )
    return Created(
        UploadTicket(
            id=record["id"],
            key=record["key"],
            purpose=record["purpose"],
            filename=record["filename"],
            content_type=record["content_type"],
            size=record["size"],
            url=post["url"],
            fields={k: str(v) for k, v in post["fields"].items()},
            expires_at=post["expires_at"],
        )
    )
