"""Files uploaded from the browser straight to S3 (presigned POST), by purpose.

Each purpose says which files it takes (content types, each with its file-name extensions)
and how large they may be. The limits are checked three times: when the upload is asked for
(a 400 naming the field), by S3 itself through the POST policy (the exact size and the
content type are conditions of the signature), and once more on the stored object before
it is used (its size and type read back). Purposes: the enterprise import, and the
attachments of appeals, project applications and policies (``Attachment``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from pydantic import BaseModel, Field

from chalicelib.domain.models import Timestamp

MIB = 1024 * 1024

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
PDF = "application/pdf"
OFD = "application/ofd"  # GB/T 33190: the format of China's official electronic documents
JPEG = "image/jpeg"
PNG = "image/png"

#: What an enterprise may attach as evidence or material: photos, PDFs, Office documents.
DOCUMENTS: dict[str, tuple[str, ...]] = {
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    PDF: (".pdf",),
    DOC: (".doc",),
    DOCX: (".docx",),
    XLS: (".xls",),
    XLSX: (".xlsx",),
}


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
    # evidence an enterprise files with its appeal (R1.6): read by the appeal's readers
    "appeal_attachment": Purpose(name="appeal_attachment", types=DOCUMENTS, max_bytes=20 * MIB),
    # the materials of a project application (R1.4): read by the enterprise and its reviewers
    "application_attachment": Purpose(
        name="application_attachment", types=DOCUMENTS, max_bytes=20 * MIB
    ),
    # a policy's own files (the signed document, forms to fill in): public with the policy
    "policy_attachment": Purpose(
        name="policy_attachment", types={**DOCUMENTS, OFD: (".ofd",)}, max_bytes=50 * MIB
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


#: How many of a file's first bytes tell its type (``check_content``).
HEAD_BYTES = 8192

#: What a file's first bytes may say it is, for each declared type: Office's OOXML files
#: and OFD are ZIP containers (a generator may order its parts so that only "ZIP" is seen),
#: the older Office files are OLE compound files.
_ZIP = frozenset(
    {
        DOCX,
        XLSX,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/zip",
    }
)
_OLE = frozenset({DOC, XLS, "application/vnd.ms-powerpoint"})
_SNIFFED: dict[str, frozenset[str]] = {
    JPEG: frozenset({JPEG}),
    PNG: frozenset({PNG}),
    PDF: frozenset({PDF}),
    DOCX: _ZIP,
    XLSX: _ZIP,
    OFD: _ZIP,
    DOC: _OLE,
    XLS: _OLE,
}


def check_content(declared_type: str, head: bytes) -> Problem | None:
    """Whether a stored file's first bytes (``HEAD_BYTES`` of them) are of the type it was
    declared as: a program renamed ``.pdf`` is refused however it was labelled. Types
    without a signature (CSV) pass."""
    allowed = _SNIFFED.get(declared_type)
    if allowed is None:
        return None
    import filetype  # only where a file is attached: 14 ms off every cold start

    found = filetype.guess_mime(head)
    if found in allowed:
        return None
    return Problem(
        "upload_key",
        "upload_content_mismatch",
        {"declared": declared_type, "found": found or "unknown"},
    )


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


def is_id(text: str) -> bool:
    """Whether ``text`` has the shape of an upload id (before it reaches a key)."""
    return bool(_ID.match(text))


def new_id(token: str) -> str:
    """An upload id from 8 random bytes in hex (``U`` and 16 hex digits)."""
    return "U" + token


# --- attachments: uploads a resource keeps --------------------------------------------------

#: An upload named by its id (the ticket's ``id``) where a resource takes attachments.
UPLOAD_ID_PATTERN = _ID.pattern


class Attachment(BaseModel):
    """A file kept with an appeal, an application or a policy: an upload of the purpose
    that resource takes, checked when it was attached. Its object stays where it was
    uploaded (``object_key(purpose, id, filename)``); readers download it through a
    short-lived presigned GET by the rules of the resource that keeps it."""

    id: str = Field(description="the upload's id")
    filename: str = Field(description="the file's own name")
    content_type: str
    size: int = Field(description="bytes")
    uploaded_at: Timestamp


class AttachmentLink(BaseModel):
    """A presigned GET of one attachment: download it before ``expires_at``."""

    id: str
    filename: str
    url: str
    expires_at: Timestamp


def duplicates(ids: list[str]) -> list[int]:
    """Positions of ids named again in a list of attachments (the later ones)."""
    seen: set[str] = set()
    again = []
    for i, upload_id in enumerate(ids):
        if upload_id in seen:
            again.append(i)
        seen.add(upload_id)
    return again
