"""The rules of uploads that need no bucket: a file's first bytes against its declared type,
and the ids of a list of attachments named twice."""

from __future__ import annotations

import io

import pytest

from chalicelib.domain import uploads as rules


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("declared", "head", "found"),
    [
        (rules.PDF, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None),
        (rules.JPEG, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", None),
        (rules.PNG, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None),
        (rules.XLSX, xlsx_bytes()[: rules.HEAD_BYTES], None),
        # a DOCX or an OFD whose parts come in another order still reads as a ZIP
        (rules.DOCX, b"PK\x03\x04" + b"\x14\x00" * 20, None),
        (rules.OFD, b"PK\x03\x04" + b"\x14\x00" * 20, None),
        (rules.CSV, b"uscc,name\n", None),  # no signature to check
        (rules.PDF, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/x-msdownload"),
        (rules.PNG, b"%PDF-1.4\n", "application/pdf"),
        (rules.JPEG, b"just some text", "unknown"),
        (rules.DOC, b"PK\x03\x04" + b"\x14\x00" * 20, "application/zip"),
        (rules.XLSX, OLE + b"\x00" * 600, "unknown"),
    ],
)
def test_a_files_first_bytes_against_its_declared_type(declared, head, found):
    problem = rules.check_content(declared, head)
    if found is None:
        assert problem is None
    else:
        assert problem is not None and problem.code == "upload_content_mismatch"
        assert problem.params == {"declared": declared, "found": found}


def test_duplicates_are_the_later_mentions():
    assert rules.duplicates(["Ua", "Ub", "Ua", "Uc", "Ub", "Ua"]) == [2, 4, 5]
    assert rules.duplicates([]) == []


def test_every_attachment_purpose_takes_photos_pdfs_and_office_documents():
    for name in ("appeal_attachment", "application_attachment", "policy_attachment"):
        purpose = rules.PURPOSES[name]
        for ext in (".jpg", ".png", ".pdf", ".doc", ".docx", ".xls", ".xlsx"):
            assert ext in purpose.extensions(), (name, ext)
        assert ".exe" not in purpose.extensions() and ".html" not in purpose.extensions()
    assert ".ofd" in rules.PURPOSES["policy_attachment"].extensions()


def test_the_spas_table_of_purposes_is_the_apis():
    """frontend/src/utils/upload-purposes.json (what the SPA checks before asking, and shows
    as the limits) says exactly what ``PURPOSES`` does."""
    import json

    from tests.conftest import ROOT

    table = json.loads((ROOT / "frontend/src/utils/upload-purposes.json").read_text())
    assert table == {
        name: {"types": {t: list(exts) for t, exts in p.types.items()}, "max_bytes": p.max_bytes}
        for name, p in rules.PURPOSES.items()
    }
