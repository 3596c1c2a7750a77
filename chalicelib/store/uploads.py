"""Uploads to the attachments bucket: the record of each upload asked for, the presigned POST
that lets the browser put exactly that file there (its key, size and content type are
conditions of the signed policy), and reading the object back.

Keys (docs/data-model.md): ``UPLOAD#{id}``, TTL ``expires_at`` a month on.
"""

from __future__ import annotations

import secrets
import shutil
from datetime import datetime, timedelta
from typing import IO, Any

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import uploads as rules
from chalicelib.domain.models import Actor
from chalicelib.errors import NotFound
from chalicelib.store import db, files, keys, records


def _bucket() -> str:
    return settings().attachments_bucket


def create(
    purpose: rules.Purpose,
    filename: str,
    content_type: str,
    size: int,
    actor: Actor | None,
    now: datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Record an upload and presign its POST; returns ``(record, {url, fields, expires_at})``.

    The record is written first: an upload that exists in S3 always has its record (who
    asked for it, the file's own name, what was declared)."""
    upload_id = rules.new_id(secrets.token_hex(8))
    key = rules.object_key(purpose, upload_id, filename)
    real = clock.real_now()  # S3 checks the policy's expiry against real time
    record = {
        "id": upload_id,
        "purpose": purpose.name,
        "key": key,
        "filename": filename,
        "content_type": content_type,
        "size": size,
        "created_by": actor.model_dump(mode="json") if actor else None,
        "created_at": clock.iso(now),
    }
    item = {
        **keys.upload(upload_id),
        "item_type": "upload",
        **record,
        "expires_at": int(real.timestamp()) + rules.RECORD_DAYS * 86400,
    }
    db.client().put_item(
        TableName=db.table(),
        Item=db.to_item(item),
        ConditionExpression="attribute_not_exists(pk)",  # 64 random bits: never in practice
    )
    post = files.client().generate_presigned_post(
        Bucket=_bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", size, size],
        ],
        ExpiresIn=rules.POST_SECONDS,
    )
    expires = clock.iso(real + timedelta(seconds=rules.POST_SECONDS))
    return record, {"url": post["url"], "fields": post["fields"], "expires_at": expires}


def get(upload_id: str) -> dict[str, Any]:
    """The record of an upload, or NotFound."""
    item = db.get(keys.upload(upload_id))
    if item is None:
        raise NotFound("upload_not_found", key=upload_id)
    return {k: v for k, v in records.strip_keys(item).items() if k != "expires_at"}


def stored(key: str) -> tuple[str, int] | None:
    """``(content type, size)`` of the object at ``key``, or ``None`` when there is none
    (S3 answers 403 rather than 404 to a role that may not list the bucket)."""
    from botocore.exceptions import ClientError

    try:
        head = files.client().head_object(Bucket=_bucket(), Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "403", "NoSuchKey", "NotFound"):
            return None
        raise
    return str(head.get("ContentType") or ""), int(head["ContentLength"])


def download(key: str, into: IO[bytes]) -> int:
    """Copy the object into a file, streamed in chunks; returns the bytes copied."""
    body = files.client().get_object(Bucket=_bucket(), Key=key)["Body"]
    try:
        shutil.copyfileobj(body, into, 1 << 20)
    finally:
        body.close()
    return into.tell()
