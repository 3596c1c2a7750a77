"""The server's Chinese copy (chalicelib/i18n.py): full-width ，：；（）？ between Chinese
characters as official copy writes them, and no library or developer tool named — the same
rules as the SPA's message files (frontend/src/i18n/punctuation.test.ts). The texts messages
(``sms_*``) are also the templates registered with Alibaba Cloud (docs/sms.md): each is held
to its registered text here, so neither changes without the other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.i18n import MESSAGES

HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,:;()?]|[,:;()][\u4e00-\u9fff]")
DEVELOPER_WORDS = re.compile(
    r"库[)）]|chinesecalendar|\bmoto\b|localhost|127\.0\.0\.1|开发工具|开发者|\bdev\b|devtools"
    r"|DynamoDB|Lambda|Chalice|pytest",
    re.IGNORECASE,
)
SMS_DOC = Path(__file__).resolve().parents[2] / "docs" / "sms.md"


def test_the_rule_catches_half_width_marks_and_passes_code():
    assert HALF_WIDTH.search("未查到,请核对")
    assert HALF_WIDTH.search("诉求(编号")
    assert not HALF_WIDTH.search("未查到，请核对（编号）")
    assert not HALF_WIDTH.search("请求体须为 JSON(Content-Type: application/json)")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_chinese_copy_is_full_width_and_names_no_tool(code):
    zh = MESSAGES[code]["zh"]
    assert not HALF_WIDTH.search(zh), f"{code}: {zh}"
    assert not DEVELOPER_WORDS.search(zh), f"{code}: {zh}"


def registered_templates() -> dict[str, str]:
    """docs/sms.md's table of the templates to register: kind → text."""
    rows = re.findall(r"^\s*\| `(\w+)` \| [^|]+ \| (.+?) \|\s*$", SMS_DOC.read_text("utf-8"), re.M)
    return {kind: text for kind, text in rows if "${" in text}


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("case_received", "sms_case_received"),
        ("reply_online", "sms_reply_online"),
        ("reply_callback", "sms_reply_callback"),
        ("reply_merged", "sms_merged_replied"),
        ("pause_materials", "sms_pause_materials"),
        ("application_approved", "sms_application_approved"),
        ("application_rejected", "sms_application_rejected"),
    ],
)
def test_each_text_is_its_registered_template(kind, code):
    template = registered_templates()[kind]
    # the template leaves out the sign name (Alibaba adds 【…】) and names variables ${x};
    # the receipt's address is the site's own, written in
    ours = MESSAGES[code]["zh"].removeprefix("【兴企通】")
    ours = re.sub(r"\s*\{(\w+)\}", r"${\1}", ours)
    ours = ours.replace("${where}", "https://qiye.example-county.gov.cn/track")
    assert ours == template
