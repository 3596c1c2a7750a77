"""Attachments (issue 9, item 3): files uploaded straight to S3 with presigned POSTs, limits
checked before the upload (the ticket), by S3 (the signed policy) and after it (the stored
object's size, declared type and first bytes), kept with an appeal, and downloaded through
five-minute presigned GETs by whoever may read the appeal, and nobody else."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import requests

from chalicelib.domain import uploads as rules

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120  # a Windows program


def ticket(api, user: str, purpose: str, filename: str, content_type: str, size: int):
    return api.call(
        "POST",
        "/api/v1/uploads",
        {"purpose": purpose, "filename": filename, "content_type": content_type, "size": size},
        as_user=user,
    )


def upload(
    api,
    data: bytes,
    filename: str = "营业执照.pdf",
    content_type: str = rules.PDF,
    user: str = "ent-hengrun",
    purpose: str = "appeal_attachment",
) -> dict:
    """Ask for an upload and POST the file to S3 as the browser does."""
    r = ticket(api, user, purpose, filename, content_type, len(data))
    assert r.status_code == 201, r.data
    posted = requests.post(
        r.data["url"], data=r.data["fields"], files={"file": (filename, data, content_type)}
    )
    assert posted.status_code == 204, posted.text
    return r.data


def put_object(key: str, body: bytes, content_type: str) -> None:
    """An object put some other way than the signed POST (or replaced since)."""
    from chalicelib.store import files

    files.client().put_object(
        Bucket="test-attachmentsbucket", Key=key, Body=body, ContentType=content_type
    )


def file_appeal(api, attachments: list[str], user: str = "ent-hengrun"):
    return api.call(
        "POST",
        "/api/v1/appeals",
        {
            "category": "land",
            "title": "厂房用地手续咨询",
            "content": "附件为我公司的营业执照和现场照片。",
            "attachments": attachments,
        },
        as_user=user,
    )


def my_appeal_count(api, user: str = "ent-hengrun") -> int:
    r = api.call("GET", "/api/v1/appeals?scope=mine&limit=100", as_user=user)
    assert r.status_code == 200, r.data
    return len(r.data["items"])


def test_an_appeal_keeps_its_files_and_its_readers_download_them(api):
    pdf = upload(api, PDF_BYTES, "营业执照(副本).pdf", rules.PDF)
    photo = upload(api, PNG_BYTES, "现场照片.png", rules.PNG)
    r = file_appeal(api, [pdf["id"], photo["id"]])
    assert r.status_code == 201, r.data
    appeal = r.data
    assert [
        (a["id"], a["filename"], a["content_type"], a["size"]) for a in appeal["attachments"]
    ] == [
        (pdf["id"], "营业执照(副本).pdf", rules.PDF, len(PDF_BYTES)),
        (photo["id"], "现场照片.png", rules.PNG, len(PNG_BYTES)),
    ]
    assert all(a["uploaded_at"].endswith("+08:00") for a in appeal["attachments"])
    assert "key" not in appeal["attachments"][0]  # where it lies is the platform's business
    # the GET and the lists show them too
    got = api.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="ent-hengrun").data
    assert [a["id"] for a in got["attachments"]] == [pdf["id"], photo["id"]]

    path = f"/api/v1/appeals/{appeal['id']}/attachments/{pdf['id']}"
    for reader in ("ent-hengrun", "comm-designated", "admin", "supervisor"):
        link = api.call("GET", path, as_user=reader)
        assert link.status_code == 200, (reader, link.data)
        assert link.data["filename"] == "营业执照(副本).pdf"
        expires = datetime.fromisoformat(link.data["expires_at"])
        assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 300
        query = parse_qs(urlparse(link.data["url"]).query)
        assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
        disposition = unquote(query["response-content-disposition"][0])
        assert "filename*=UTF-8''营业执照(副本).pdf" in disposition
        downloaded = requests.get(link.data["url"])
        assert downloaded.status_code == 200 and downloaded.content == PDF_BYTES
        # answered as the type it was checked to be, as a download, never shown inline
        assert downloaded.headers["Content-Type"] == rules.PDF
        assert downloaded.headers["Content-Disposition"].startswith("attachment;")

    # the appeal's rules: another enterprise, a department not involved: it does not exist
    for stranger in ("ent-xinghai", "dept-tax"):
        r = api.call("GET", path, as_user=stranger)
        assert r.status_code == 404 and r.data["code"] == "not_found", (stranger, r.data)
    missing = api.call(
        "GET", f"/api/v1/appeals/{appeal['id']}/attachments/U0123456789abcdef", as_user="admin"
    )
    assert missing.status_code == 404 and "U0123456789abcdef" in missing.data["detail"]
    assert api.call("GET", path).status_code == 401


def test_attachments_are_refused_after_upload_and_nothing_is_filed(api):
    before = my_appeal_count(api)
    good = upload(api, PDF_BYTES)
    # asked for but never uploaded
    never = ticket(api, "ent-hengrun", "appeal_attachment", "a.pdf", rules.PDF, 100).data
    # a program declared (and signed) as a PDF: S3 took it, its first bytes give it away
    disguised = upload(api, PROGRAM, "发票.pdf", rules.PDF)
    # the object replaced since by a bigger one
    replaced = upload(api, PDF_BYTES, "b.pdf")
    put_object(replaced["key"], PDF_BYTES + b"% more", rules.PDF)
    # declared a PNG, stored as a PDF (put some other way)
    relabelled = upload(api, PNG_BYTES, "c.png", rules.PNG)
    put_object(relabelled["key"], PNG_BYTES, rules.PDF)
    # another enterprise's upload, and one of the enterprise's own for another purpose
    others = upload(api, PDF_BYTES, user="ent-xinghai")
    for_application = upload(api, PDF_BYTES, purpose="application_attachment")

    r = file_appeal(
        api,
        [
            good["id"],
            never["id"],
            disguised["id"],
            replaced["id"],
            relabelled["id"],
            others["id"],
            for_application["id"],
            good["id"],
            "U0123456789abcdef",
        ],
    )
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("attachments.1", "upload_not_found"),
        ("attachments.2", "upload_content_mismatch"),
        ("attachments.3", "upload_size_mismatch"),
        ("attachments.4", "upload_type_mismatch"),
        ("attachments.5", "upload_not_found"),
        ("attachments.6", "upload_purpose"),
        ("attachments.7", "attachment_duplicate"),
        ("attachments.8", "upload_not_found"),
    ]
    disguise = next(e for e in r.data["errors"] if e["field"] == "attachments.2")
    assert "application/x-msdownload" in disguise["message"], disguise
    assert my_appeal_count(api) == before  # nothing filed

    r = file_appeal(api, ["not-an-upload"])
    assert r.status_code == 400
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("attachments.0", "string_pattern_mismatch")
    ]
    r = file_appeal(api, [f"U{i:016x}" for i in range(11)])
    assert r.status_code == 400
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [("attachments", "too_long")]
    assert my_appeal_count(api) == before


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (
            {"filename": "a.pdf", "content_type": "application/x-msdownload"},
            "content_type",
            "upload_type",
        ),
        ({"filename": "a.zip", "content_type": rules.PDF}, "filename", "upload_extension"),
        ({"filename": "a.png", "content_type": rules.PDF}, "filename", "upload_extension_mismatch"),
        ({"size": 20 * 1024 * 1024 + 1}, "size", "upload_too_large"),
        ({"size": 0}, "size", "upload_empty"),
    ],
)
def test_an_attachment_is_refused_before_it_is_uploaded(api, body, field, code):
    base = {
        "purpose": "appeal_attachment",
        "filename": "a.pdf",
        "content_type": rules.PDF,
        "size": 100,
    }
    r = api.call("POST", "/api/v1/uploads", {**base, **body}, as_user="ent-hengrun")
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [(field, code)]


def test_the_signed_post_allows_exactly_the_declared_attachment(api):
    """S3 refuses any other size or type (moto does not enforce POST policies: the check
    after upload, above, is what catches an object that is not as declared)."""
    t = ticket(api, "ent-hengrun", "appeal_attachment", "照片.jpg", rules.JPEG, 2048).data
    assert t["key"] == f"uploads/appeal_attachment/{t['id']}/upload.jpg"  # ASCII in the bucket
    conditions = json.loads(base64.b64decode(t["fields"]["policy"]))["conditions"]
    assert ["content-length-range", 2048, 2048] in conditions
    assert {"Content-Type": rules.JPEG} in conditions and {"key": t["key"]} in conditions


@pytest.mark.parametrize(
    ("purpose", "allowed", "refused"),
    [
        ("appeal_attachment", "ent-hengrun", ["admin", "comm-designated", "operator-12345"]),
        ("application_attachment", "ent-hengrun", ["admin", "dept-tax"]),
        ("policy_attachment", "admin", ["ent-hengrun", "supervisor", "dept-tax"]),
    ],
)
def test_who_uploads_for_each_purpose(api, purpose, allowed, refused):
    def ask(user: str):
        return ticket(api, user, purpose, "a.pdf", rules.PDF, 100)

    assert ask(allowed).status_code == 201
    for user in refused:
        r = ask(user)
        assert r.status_code == 403 and r.data["code"] == "forbidden", (user, r.data)
