"""Files in S3: a report's outputs written by the report job, read back by the dashboard, and
handed to readers as short-lived presigned URLs (the buckets are private); attachments are
handed out the same way (``store/uploads.py``)."""

from __future__ import annotations

import threading
from typing import IO, Any
from urllib.parse import quote

from chalicelib.config import settings

_lock = threading.Lock()
_client: Any = None

#: How long a download link works (seconds).
LINK_SECONDS = 300


def client() -> Any:
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                import boto3
                from botocore.config import Config

                # Signature V4: the only one newer regions (and the China regions) accept
                _client = boto3.client(
                    "s3", region_name=settings().region, config=Config(signature_version="s3v4")
                )
    return _client


def reset() -> None:
    global _client
    _client = None


def put(key: str, body: bytes | IO[bytes], content_type: str) -> None:
    """Write an object of the reports bucket (``body``: bytes, or a file read to its end)."""
    client().put_object(
        Bucket=settings().reports_bucket,
        Key=key,
        Body=body,
        ContentType=content_type,
        ServerSideEncryption="AES256",
    )


def read(key: str) -> bytes:
    resp = client().get_object(Bucket=settings().reports_bucket, Key=key)
    return bytes(resp["Body"].read())


def link(
    key: str,
    filename: str,
    fallback: str,
    seconds: int = LINK_SECONDS,
    bucket: str | None = None,
    content_type: str | None = None,
) -> str:
    """A presigned GET that downloads ``key`` as ``filename`` (Chinese names kept, RFC 6266;
    ``fallback``: the plain ASCII name for clients that do not read ``filename*``), from the
    reports bucket unless ``bucket`` says otherwise. Always an attachment, never shown
    inline; ``content_type`` (the type the file was checked to be) is the one S3 answers
    with, whatever the object was stored under."""
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    params = {
        "Bucket": bucket or settings().reports_bucket,
        "Key": key,
        "ResponseContentDisposition": disposition,
    }
    if content_type:
        params["ResponseContentType"] = content_type
    return str(client().generate_presigned_url("get_object", Params=params, ExpiresIn=seconds))
