"""One month's common problems (共性诉求) on the demo enterprises: a local stack (its own
data folder, the demo seed) takes November 2026's hotline calls — five problems several
enterprises raise in their own words, and calls about other things — then the monthly
meeting job drafts December's meeting and proposes the groups. Prints them, and saves a
screenshot of the meeting page (test-artifacts/screenshots/demo-common-problems.png).

    .venv/bin/python bench/demo_common_problems.py
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = {
    "project": [
        "工业园区变压器容量不足，新上生产线无法通电，请协调供电公司增容",
        "园区变压器容量不够，新增设备后生产线通不上电，希望供电部门尽快增容",
        "我司所在园区变压器容量不足，新生产线无法通电，请协调增容",
        "园区用电容量不足，变压器需要增容，新设备无法投产",
    ],
    "labor": [
        "春节后普工招聘困难，缺口三十人，请人社局组织招聘会对接",
        "节后招工难，普工缺口二十人左右，希望人社部门组织专场招聘会",
        "普工招聘困难，节后缺口较大，请人社局帮助组织招聘会",
    ],
    "approval": [
        "厂房扩建消防验收排队时间太长，影响投产，请求加快消防验收",
        "新建厂房消防验收等待时间长，迟迟不能投产，希望加快验收",
        "扩建车间消防验收排队一个多月，请协调尽快安排验收",
    ],
    "financing": [
        "贴息贷款申请材料多、审批慢，希望简化流程加快放款",
        "申请贴息贷款审批太慢，材料要求多，请简化贴息贷款流程",
        "贴息贷款放款慢、材料繁琐，希望简化审批流程",
    ],
    "other": [
        "园区门口道路破损严重，货车进出困难，请尽快修复",
        "园区门口的道路破损，大货车进出很困难，希望修路",
        "厂区外道路破损严重，货车通行困难，请交通部门修复",
    ],
}
OTHERS = [
    ("policy", "高新技术企业认定需要准备哪些材料"),
    ("talent", "引进的博士能否申请人才公寓"),
    ("technology", "想找高校合作攻关焊接工艺难题"),
    ("land", "二期项目需要新增用地指标约三十亩"),
    ("financing", "出口退税进度查询，已申报两个月未到账"),
    ("approval", "环评批复后排污许可证如何办理"),
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import Stack
    from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SHOTS

    stack = Stack(Path(tempfile.mkdtemp(prefix="xqt-demo-")) / "data")
    stack.data_dir.mkdir()
    stack.start()
    try:
        _, page = stack.call("GET", "/api/v1/enterprises?limit=40", as_user="admin")
        usccs = [e["uscc"] for e in page["items"]]
        stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-16T10:00:00+08:00"})
        calls = [(c, t) for c, texts in SHARED.items() for t in texts] + OTHERS
        for i, (category, content) in enumerate(calls):
            uscc = usccs[i % len(usccs)]
            body = {"line": "12345", "caller_phone": f"1391234{i:04d}", "uscc": uscc,
                    "category": category, "content": content}  # fmt: skip
            key = {"Idempotency-Key": uuid.uuid4().hex}
            status, made = stack.call("POST", "/api/v1/hotline/calls", body, "operator-12345", key)
            assert status == 201, made
        stack.call("POST", "/api/v1/dev/clock", {"now": "2026-12-01T10:00:00+08:00"})
        _, run = stack.call("POST", "/api/v1/dev/jobs/monthly-meeting")
        _, meeting = stack.call("GET", "/api/v1/meetings/2026-12", as_user="admin")
        print(f"{len(calls)} calls in November; the job: {run['result']}")
        for p in meeting["proposals"]:
            names = "、".join(e["name"] or e["key"] for e in p["enterprises"])
            print(f"- {p['id']} [{p['category']}] {p['title']}: {len(p['appeal_ids'])} appeals, "
                  f"{len(p['enterprises'])} enterprises ({names}), score {p['score']}")  # fmt: skip
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
            tab.goto(stack.url + "/login")
            tab.locator('[data-user="admin"]').click()
            tab.wait_for_url(lambda url: "/login" not in url)
            tab.goto(stack.url + "/admin/meetings?month=2026-12")
            tab.locator("[data-proposal]").first.wait_for()
            tab.wait_for_load_state("networkidle")
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / "demo-common-problems.png"), full_page=True)
            browser.close()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
