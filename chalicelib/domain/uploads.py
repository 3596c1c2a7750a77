"""Files uploaded from the browser straight to S3 (presigned POST), by purpose.

Each purpose says which files it takes (content types, each with its file-name extensions)
and how large they may be. The limits are checked three times: when the upload is asked for
(a 400 naming the field), by S3 itself through the POST policy (the exact size and the
content type are conditions of the signature), and once more on the stored object before
it is used (its size and type read back). Enterprise imports are the first purpose; appeal
and application attachments (issue 9, item 3) add theirs here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

MIB = 1024 * 1024

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Purpose:
    """What one kind of upload accepts."""

    name: str
    #: content type → the file-name extensions (lower case, with the dot) it may carry
    types: dict[str, tuple[str, ...]]
    max_bytes: int

    def extensions(self) -> list[str]:
        return [ext for exts in self.types.values() for ext in exts]


#: Every purpose the platform takes uploads for.
PURPOSES: dict[str, Purpose] = {
    # the county's enterprise register: a CSV or an XLSX workbook (docs/imports.md)
    "enterprise_import": Purpose(
        name="enterprise_import",
        types={CSV: (".csv",), XLSX: (".xlsx",)},
        max_bytes=20 * MIB,
    ),
}

#: How long a presigned POST may be used (seconds).
POST_SECONDS = 600
#: How long an upload's record is kept after it was asked for (days): long enough to import
#: it again, short enough that a forgotten upload does not linger.
RECORD_DAYS = 30

_ID = re.compile(r"^U[0-9a-f]{16}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Problem:
    """One reason an upload is refused: the field, an i18n code and its parameters."""

    field: str
    code: str
    params: dict[str, object]


def extension(filename: str) -> str:
    """The file name's extension, lower case with its dot (``.xlsx``), or ``""``."""
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower()


def check_request(purpose: Purpose, filename: str, content_type: str, size: int) -> list[Problem]:
    """What is wrong with an upload as described by the browser, before it is made."""
    problems = []
    allowed = ", ".join(purpose.types)
    exts = purpose.extensions()
    if content_type not in purpose.types:
        problems.append(Problem("content_type", "upload_type", {"allowed": allowed}))
    ext = extension(filename)
    if ext not in exts:
        problems.append(Problem("filename", "upload_extension", {"allowed": "、".join(exts)}))
    elif content_type in purpose.types and ext not in purpose.types[content_type]:
        problems.append(
            Problem("filename", "upload_extension_mismatch", {"content_type": content_type})
        )
    if size < 1:
        problems.append(Problem("size", "upload_empty", {}))
    elif size > purpose.max_bytes:
        problems.append(Problem("size", "upload_too_large", {"max_mb": purpose.max_bytes // MIB}))
    return problems


def check_stored(
    purpose: Purpose, declared_type: str, declared_size: int, stored_type: str, stored_size: int
) -> Problem | None:
    """What is wrong with the object S3 holds, compared with what was asked for (S3 enforces
    the policy; this catches an object put some other way, or a policy that was not)."""
    if stored_size != declared_size or not 1 <= stored_size <= purpose.max_bytes:
        return Problem(
            "upload_key",
            "upload_size_mismatch",
            {"declared": declared_size, "stored": stored_size},
        )
    if stored_type.split(";")[0].strip().lower() != declared_type:
        return Problem(
            "upload_key", "upload_type_mismatch", {"declared": declared_type, "stored": stored_type}
        )
    return None


def safe_name(filename: str, ext: str) -> str:
    """An ASCII object name from the browser's file name (the original is kept in the
    upload's record): letters, digits, ``.``, ``_`` and ``-`` of the stem, else ``upload``."""
    stem = PurePosixPath(filename.replace("\\", "/")).stem
    cleaned = _UNSAFE.sub("-", stem).strip("-._")[:60]
    return (cleaned or "upload") + ext


def object_key(purpose: Purpose, upload_id: str, filename: str) -> str:
    """``uploads/{purpose}/{id}/{name}``: the purpose first, so a bucket policy or lifecycle
    rule can tell kinds of uploads apart."""
    return f"uploads/{purpose.name}/{upload_id}/{safe_name(filename, extension(filename))}"


def parse_key(key: str) -> tuple[str, str] | None:
    """``(purpose, upload id)`` of a key :func:`object_key` made, else ``None``."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != "uploads" or parts[1] not in PURPOSES:
        return None
    if not _ID.match(parts[2]) or not parts[3]:
        return None
    return parts[1], parts[2]


def new_id(token: str) -> str:
    """An upload id from 8 random bytes in hex (``U`` and 16 hex digits)."""
    return "U" + token
