"""The enterprise import page in Chromium, under the stack's Content-Security-Policy: the
service centre reaches it from the enterprises page, gets the template, chooses a register,
uploads it straight to the bucket (the moto server: another origin, allowed by the CSP's
connect-src and the bucket's CORS rule), starts the import, watches it finish with its
counts, and downloads the rejected rows; a wrong file is refused before anything is sent.
The page passes axe and is kept as a screenshot."""

from __future__ import annotations

import csv
import io
import urllib.request

import pytest

from infra.local.seed import credit_code
from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

HEADER = "统一社会信用代码,企业名称,企业规模,行业,乡镇"


def test_a_register_uploaded_from_the_page_is_imported_with_its_rejected_rows(open_session):
    good = credit_code("ui-import-good")
    lines = [
        HEADER,
        f"{good},如东界面导入测试有限公司,小微,服务业,岔河镇",
        f"{good},重复的一行,小微,服务业,",
    ]
    register = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()

    s = open_session("admin")
    page = s.go("/admin/enterprises")
    page.get_by_test_id("enterprise-import").click()
    page.wait_for_url("**/admin/enterprises/import")
    template = page.get_by_test_id("import-template")
    xlsx = template.locator("a[data-format=xlsx]")
    xlsx.wait_for()
    assert "X-Amz-Signature=" in (xlsx.get_attribute("href") or "")

    picker = page.get_by_test_id("import-input")
    picker.set_input_files(files=[{"name": "名录.xls", "mimeType": "application/vnd.ms-excel",
                                   "buffer": b"old"}])  # fmt: skip
    assert page.get_by_test_id("import-file-error").inner_text() == "只能上传 .csv 或 .xlsx 文件"
    assert page.get_by_test_id("import-upload").is_disabled()

    # Windows with Excel calls a CSV application/vnd.ms-excel: the page goes by the name
    picker.set_input_files(
        files=[
            {"name": "如东企业名录.csv", "mimeType": "application/vnd.ms-excel", "buffer": register}
        ]
    )
    page.get_by_test_id("import-upload").click()
    page.get_by_test_id("import-uploaded").wait_for()
    check_page(page, "enterprise-import-uploaded")
    page.get_by_test_id("import-start").click()

    done = page.locator("[data-testid=import-progress][data-status=done]")
    done.wait_for(timeout=30_000)
    counts = {
        k: done.locator(f"[data-count={k}] dd").inner_text()
        for k in ("created", "updated", "unchanged", "rejected")
    }
    assert counts == {"created": "1", "updated": "0", "unchanged": "0", "rejected": "1"}
    link = done.get_by_test_id("rejected-file").get_attribute("href")
    with urllib.request.urlopen(link, timeout=10) as r:
        rows = list(csv.reader(io.StringIO(r.read().decode("utf-8-sig"))))
    assert rows[1] == ["3", good, "重复的一行", "统一社会信用代码：与第 2 行重复，以第 2 行为准"]
    job = done.get_attribute("data-job")
    assert page.locator(f"[data-testid=import-history] tr[data-job='{job}']").count() == 1
    page.wait_for_function(  # the bar's own transition to 100%, for the screenshot
        "() => { const bar = document.querySelector('[data-testid=import-progress]"
        " .el-progress-bar__inner'); return bar && bar.getBoundingClientRect().width >="
        " bar.parentElement.getBoundingClientRect().width - 1 }"
    )
    check_page(page, "enterprise-import-done")
    assert not s.problems, s.problems  # no CSP violation, no error in the console

    page = s.go("/admin/enterprises")
    search = page.get_by_label("企业名称、简称、拼音或信用代码")
    search.fill(good)
    search.press("Enter")
    page.locator(f'[data-row="{good}"]').wait_for()
