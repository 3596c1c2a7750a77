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
from chalicelib.errors import ItemsRefused, NotFound, Refusal
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


def first_bytes(key: str) -> tuple[str, int, bytes] | None:
    """``(content type, size, first bytes)`` of the object at ``key`` in one ranged GET (the
    first ``rules.HEAD_BYTES``), or ``None`` when there is none."""
    from botocore.exceptions import ClientError

    try:
        resp = files.client().get_object(
            Bucket=_bucket(), Key=key, Range=f"bytes=0-{rules.HEAD_BYTES - 1}"
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in ("404", "403", "NoSuchKey", "NotFound"):
            return None
        if code == "InvalidRange":  # an empty object has no first byte
            return "", 0, b""
        raise
    body = resp["Body"]
    try:
        data = bytes(body.read())
    finally:
        body.close()
    # "bytes 0-8191/482133": the object's whole size follows the slash
    whole = str(resp.get("ContentRange") or "").rpartition("/")[2]
    size = int(whole) if whole.isdigit() else int(resp["ContentLength"])
    return str(resp.get("ContentType") or ""), size, data


def download(key: str, into: IO[bytes]) -> int:
    """Copy the object into a file, streamed in chunks; returns the bytes copied."""
    body = files.client().get_object(Bucket=_bucket(), Key=key)["Body"]
    try:
        shutil.copyfileobj(body, into, 1 << 20)
    finally:
        body.close()
    return into.tell()


def attach(upload_ids: list[str], purpose: rules.Purpose, username: str) -> list[rules.Attachment]:
    """The uploads a resource is to keep, each checked: an upload of this purpose, asked for
    by this user, in the bucket as declared. Otherwise ``ItemsRefused`` with each one that is
    not, by its place in ``upload_ids`` (nothing is kept of a list with any problem)."""
    errors: list[Refusal] = []
    kept: list[rules.Attachment] = []
    for i in rules.duplicates(upload_ids):
        errors.append(Refusal(i, "attachment_duplicate"))
    asked = [keys.upload(u) for u in dict.fromkeys(upload_ids) if rules.is_id(u)]
    found = db.batch_get(asked) if asked else {}
    for i, upload_id in enumerate(upload_ids):
        key_of = keys.upload(upload_id)
        item = found.get((key_of["pk"], key_of["sk"]))
        created_by = (item or {}).get("created_by") or {}
        if item is None or created_by.get("username") != username:
            # another's upload does not exist for the caller
            errors.append(Refusal(i, "upload_not_found"))
            continue
        if item.get("purpose") != purpose.name:
            errors.append(Refusal(i, "upload_purpose", {"purpose": purpose.name}))
            continue
        stored_object = first_bytes(rules.object_key(purpose, upload_id, str(item["filename"])))
        if stored_object is None:
            errors.append(Refusal(i, "upload_not_found"))
            continue
        stored_type, stored_size, head = stored_object
        declared = str(item["content_type"])
        problem = rules.check_stored(purpose, declared, int(item["size"]), stored_type, stored_size)
        problem = problem or rules.check_content(declared, head)
        if problem is not None:
            errors.append(Refusal(i, problem.code, dict(problem.params)))
            continue
        kept.append(
            rules.Attachment(
                id=upload_id,
                filename=str(item["filename"]),
                content_type=str(item["content_type"]),
                size=int(item["size"]),
                uploaded_at=str(item["created_at"]),
            )
        )
    if errors:
        raise ItemsRefused(errors)
    return kept


def link(purpose: rules.Purpose, attachment: rules.Attachment) -> rules.AttachmentLink:
    """A presigned GET of an attachment (``files.LINK_SECONDS``), downloading as its own name."""
    key = rules.object_key(purpose, attachment.id, attachment.filename)
    real = clock.real_now()  # S3 checks the signature's expiry against real time
    url = files.link(
        key,
        attachment.filename,
        rules.safe_name(attachment.filename, rules.extension(attachment.filename)),
        bucket=_bucket(),
        content_type=attachment.content_type,
    )
    return rules.AttachmentLink(
        id=attachment.id,
        filename=attachment.filename,
        url=url,
        expires_at=clock.iso(real + timedelta(seconds=files.LINK_SECONDS)),
    )
