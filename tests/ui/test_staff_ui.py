"""A hotline call to its close through the UI: the operator posts it from an unknown caller,
the service centre assigns it, the commissioner accepts and transfers it to two departments,
one returns its part and the other answers, the commissioner replies and the operator records
the call-back. Every staff page passes axe on the way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from chalicelib.clock import BEIJING
from tests.ui.conftest import CASE, act, check_page, status_text, verdict

pytestmark = pytest.mark.e2e


def choose(page: Any, scope: Any, option: str) -> None:
    """Open an Element Plus select inside ``scope`` and pick an option by its text."""
    scope.click()
    page.get_by_role("option", name=option).first.click()


def pick_many(page: Any, select: Any, names: list[str]) -> None:
    """Pick each of ``names`` in a multiple select, checking each shows as a tag: the option
    list re-renders after a pick (the query resets, the units arrive), and on a loaded machine
    a click can land while it does. A pick not shown is tried again (at most three times)."""
    for name in names:
        tag = select.locator(".el-tag", has_text=name)
        for _ in range(3):
            if tag.count():
                break
            option = page.get_by_role("option", name=name).first
            if not option.is_visible():
                select.click()
            option.click()
            try:
                tag.first.wait_for(timeout=5000)
            except PlaywrightTimeout:
                continue
    page.keyboard.press("Escape")
    for name in names:
        assert select.locator(".el-tag", has_text=name).count() == 1, name


def test_a_hotline_call_from_an_unknown_caller_to_its_close(open_session):
    operator = open_session("operator-12345")
    page = operator.go("/console")
    page.locator('[data-field="caller_phone"]').fill("13912345678")
    page.locator('[data-field="kind"]').get_by_text("未登记", exact=False).first.click()
    page.locator('[data-field="enterprise_name"]').fill("如东某水产养殖场")
    choose(page, page.locator('[data-field="category"]'), "用地")
    page.locator('[data-field="content"]').fill("扩建需要设施农用地,招工遇到社保问题。")
    check_page(page, "operator-console")
    page.get_by_test_id("submit-call").click()
    number = page.get_by_test_id("case-number").inner_text().strip()
    assert CASE.fullmatch(number)
    check_page(page, "operator-console-case-number")

    admin = open_session("admin")
    page = admin.go("/admin/triage")
    row = page.locator(f'[data-row="{number}"]')
    row.wait_for()
    check_page(page, "admin-triage")
    choose(page, row.locator('[data-field="commissioner_id"]'), "顾晓燕")
    row.get_by_test_id("assign").click()
    row.wait_for(state="detached")

    owner = open_session("comm-designated")
    page = owner.go("/workbench")
    page.locator(f'[data-appeal="{number}"]').wait_for()
    check_page(page, "commissioner-workbench")
    page = owner.go(f"/appeals/{number}")
    act(page, "accept")
    page.locator('[data-action="transfer"]').click()
    form = page.locator('[data-form="transfer"]')
    pick_many(
        page, form.locator(".el-select").first, ["县自然资源和规划局", "县人力资源和社会保障局"]
    )
    version = page.get_by_test_id("case-number").get_attribute("data-version")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )
    assert page.locator("[data-part]").count() == 2

    land = open_session("dept-natural-resources")
    page = land.go("/department")
    page.locator(f'[data-appeal="{number}"]').wait_for()
    check_page(page, "department-parts")
    page = land.go(f"/appeals/{number}")
    act(page, "return", {"textarea": "设施农用地备案属农业农村局"})

    social = open_session("dept-hr-social")
    page = social.go(f"/appeals/{number}")
    act(page, "department_reply", {"textarea": "已指导企业补缴社保"})
    check_page(page, "department-appeal-detail")

    page = owner.go(f"/appeals/{number}")
    act(page, "reply", {"textarea": "设施农用地已协调农业农村局;社保已由人社局指导办理。"})
    assert status_text(page) == "已答复"

    page = operator.go("/console")
    page.get_by_test_id("callback-list").locator(f'[data-appeal="{number}"]').wait_for()
    page = operator.go(f"/appeals/{number}")
    assert "13912345678" in page.locator(".facts").inner_text()  # the poster sees the number
    verdict(page, "callback", resolved=True, stars=5)
    assert status_text(page) == "已办结"
    timeline = page.locator(".el-timeline-item strong").all_inner_texts()
    assert timeline[:8] == [
        "提交诉求",
        "改派专员",
        "受理",
        "转办部门",
        "退回",
        "部门反馈",
        "答复企业",
        "电话回访",
    ]
    for s in (operator, admin, owner, land, social):
        assert not s.problems, s.problems


def test_english_is_a_switch_and_is_remembered(open_session):
    s = open_session("comm-designated")
    page = s.go("/workbench")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Workbench").wait_for()
    page = s.go("/workbench")  # a fresh load keeps the choice
    page.get_by_role("link", name="Workbench").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    check_page(page, "commissioner-workbench-en")


def test_an_extension_asked_for_in_the_workbench_and_approved_by_the_centre(open_session, live):
    status, appeal = live.call(
        "POST",
        "/api/v1/appeals",
        {"category": "project", "title": "项目用电增容", "content": "二期项目需增容 2000 千伏安。"},
        as_user="ent-hengrun",
    )
    assert status == 201
    path = f"/appeals/{appeal['id']}"
    owner = open_session("comm-designated")
    page = owner.go(path)
    assert "不计受理当日" in page.get_by_test_id("deadline-explanation").inner_text()
    act(page, "accept")
    page.locator('[data-action="request_extension"]').click()
    form = page.locator('[data-form="request_extension"]')
    form.locator("textarea").fill("需等待供电公司方案")
    version = page.get_by_test_id("case-number").get_attribute("data-version")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )
    assert "待审批" in page.get_by_test_id("pending-extension").inner_text()

    admin = open_session("admin")
    page = admin.go(path)
    act(page, "approve_extension", {"textarea": "同意"})
    assert "经批准延期 2 个工作日" in page.get_by_test_id("extension").inner_text()
    check_page(page, "admin-appeal-extension-approved")

    ent = open_session("ent-hengrun")
    page = ent.go(path)
    shown = page.get_by_test_id("extension").inner_text()
    assert "需等待供电公司方案" in shown  # the enterprise sees the new deadline and why
    assert "同意" not in page.locator(".timeline").inner_text()  # the admin's note is staff-only
    for s in (owner, admin, ent):
        assert not s.problems, s.problems


def test_the_service_centre_loads_a_year_the_library_does_not_know(open_session, live):
    from datetime import datetime as dt

    from chalicelib.clock import BEIJING

    # an appeal filed as late as 12-28 has a provisional deadline in 2027
    status, _ = live.call("POST", "/api/v1/dev/clock", {"now": "2026-12-28T10:00:00+08:00"})
    assert status == 200
    try:
        status, late = live.call(
            "POST",
            "/api/v1/appeals",
            {"category": "other", "title": "年底诉求", "content": "跨年的期限。"},
            as_user="ent-xinghai",
        )
        assert status == 201 and late["deadline_provisional"] is True
        admin = open_session("admin")
        page = admin.go("/admin/calendar")
        page.get_by_test_id("calendar-warning").wait_for()  # the banner on admin pages
        choose(page, page.get_by_test_id("calendar-year"), "2027")
        page.get_by_test_id("calendar-provisional").wait_for()
        assert page.get_by_test_id("calendar-grid").locator("table").count() == 12
        check_page(page, "admin-calendar-2027-missing")

        form = page.get_by_test_id("calendar-load-form")
        form.locator('[data-field="holidays"]').fill(
            "2027-01-01 元旦\n2027-02-05~2027-02-11 春节\n2027-10-01~2027-10-07 国庆"
        )
        form.locator('[data-field="working_weekends"]').fill("2027-02-20\n2027-10-09")
        page.get_by_test_id("calendar-load-submit").click()
        page.get_by_test_id("calendar-provisional").wait_for(state="detached")
        check_page(page, "admin-calendar-2027-loaded")
    finally:
        live.call("POST", "/api/v1/dev/clock", {"now": None})
    status, after = live.call("GET", f"/api/v1/appeals/{late['id']}", as_user="admin")
    assert after["deadline_provisional"] is False
    assert after["timeline"][-1]["type"] == "deadline_recomputed"
    assert dt.fromisoformat(after["reply_due_at"]).astimezone(BEIJING).year == 2027
    assert not admin.problems, admin.problems


def test_a_joint_meeting_decision_is_supervised_to_its_close(open_session, live):
    def ev(appeal, user, kind, **fields):
        body = {"type": kind, "version": appeal["version"], **fields}
        status, data = live.call(
            "POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user
        )
        assert status == 200, data
        return data

    _, a = live.call(
        "POST",
        "/api/v1/appeals",
        {
            "category": "land",
            "title": "园区道路用地",
            "content": "涉及住建、自然资源、交通三个部门。",
        },
        as_user="ent-hengrun",
    )
    a = ev(a, "comm-designated", "accept")
    a = ev(a, "comm-designated", "escalate", reason="multi_department")
    a = ev(a, "admin", "escalate", reason="multi_department")
    status, run = live.call("POST", "/api/v1/dev/jobs/monthly-meeting")
    month = run["result"]["month"]
    _, meeting = live.call("GET", f"/api/v1/meetings/{month}", as_user="admin")
    agenda = [i["appeal_id"] for i in meeting["agenda"]]
    if a["id"] not in agenda:
        # the month's meeting was drafted before (the scheduler's daily run, when an earlier
        # test moved the clock past 09:00 of a later day): the centre adds it, as it would
        body = {"version": meeting["version"], "appeal_ids": [*agenda, a["id"]]}
        status, meeting = live.call(
            "PUT", f"/api/v1/meetings/{month}/agenda", body, as_user="admin"
        )
        assert status == 200, meeting
    admin = open_session("admin")
    page = admin.go(f"/admin/meetings?month={month}")
    page.get_by_test_id("meeting-agenda").locator(f'[data-appeal="{a["id"]}"]').wait_for()
    check_page(page, "admin-meetings-draft")
    _, meeting = live.call("GET", f"/api/v1/meetings/{month}", as_user="admin")
    held = {
        "version": meeting["version"],
        # held today (a meeting is recorded once held, never on a day still to come)
        "held_at": datetime.now(BEIJING).date().isoformat(),
        "chair": "县长",
        "attendees": ["县税务局"],
    }
    _, meeting = live.call("POST", f"/api/v1/meetings/{month}/record", held, as_user="admin")
    decision = {
        "version": meeting["version"],
        "appeal_id": a["id"],
        "departments": ["tax"],
        "due_working_days": 10,
    }
    status, _ = live.call("POST", f"/api/v1/meetings/{month}/decisions", decision, as_user="admin")
    assert status == 200
    page = admin.go(f"/admin/meetings?month={month}")
    page.get_by_test_id("meeting-agenda").wait_for()
    check_page(page, "admin-meetings-decided")

    tax = open_session("dept-tax")
    page = tax.go("/department/ledger")
    page.get_by_test_id("ledger-table").locator(f'[data-appeal="{a["id"]}"]').wait_for()
    check_page(page, "department-ledger")
    page = tax.go(f"/appeals/{a['id']}")
    act(page, "report_completion", {"textarea": "已与企业签订用地协议"})
    assert "已报告办结" in page.get_by_test_id("supervision").inner_text()

    supervisor = open_session("supervisor")
    page = supervisor.go(f"/appeals/{a['id']}")
    act(page, "accept_completion")
    assert "已验收" in page.get_by_test_id("supervision").inner_text()
    for s in (admin, tax, supervisor):
        assert not s.problems, s.problems


def test_the_inbox_tells_the_commissioner_of_a_new_appeal(open_session, live):
    owner = open_session("comm-designated")
    page = owner.go("/inbox")
    page.get_by_test_id("inbox").or_(page.get_by_text("暂无消息")).first.wait_for()
    if page.get_by_test_id("read-all").is_enabled():
        page.get_by_test_id("read-all").click()
        page.get_by_test_id("unread").wait_for(state="detached")
    status, a = live.call(
        "POST",
        "/api/v1/appeals",
        {"category": "talent", "title": "高层次人才公寓", "content": "引进博士的住房政策?"},
        as_user="ent-hengrun",
    )
    assert status == 201
    page = owner.go("/inbox")
    assert page.get_by_test_id("unread").inner_text() == "1"
    item = page.locator("[data-notification]").first
    assert "提交诉求" in item.inner_text() and "高层次人才公寓" in item.inner_text()
    check_page(page, "commissioner-inbox")
    item.locator("button").click()
    page.wait_for_url(f"**/appeals/{a['id']}")
    page.get_by_test_id("unread").wait_for(state="detached")
    assert not owner.problems, owner.problems


def test_a_duplicate_is_merged_from_the_appeal_page_and_links_to_its_master(open_session, live):
    """The owner merges an enterprise's second filing of the same problem into the first;
    both pages say so and link to each other; the enterprise reads where it went."""
    filed = []
    for content in ("厂区门口道路破损,货车进出困难。", "门口道路坏了,再反映一次。"):
        status, appeal = live.call(
            "POST",
            "/api/v1/appeals",
            {"category": "project", "title": "厂区道路维修", "content": content},
            as_user="ent-hengrun",
        )
        assert status == 201
        filed.append(appeal["id"])
    master, duplicate = filed
    owner = open_session("comm-designated")
    page = owner.go(f"/appeals/{duplicate}")
    act(page, "merge", {'[data-field="into"]': master, "textarea": "同一问题重复提交"})
    assert master in page.get_by_test_id("closed-as").inner_text()
    assert status_text(page) == "已办结"
    check_page(page, "commissioner-appeal-merged")
    page.get_by_test_id("closed-as").get_by_role("link").click()
    page.get_by_test_id("duplicates").wait_for()
    assert duplicate in page.get_by_test_id("duplicates").inner_text()
    assert "并入重复诉求" in page.locator(".timeline").inner_text()

    ent = open_session("ent-hengrun")
    page = ent.go(f"/appeals/{duplicate}")
    assert "重复诉求，已并入" in page.get_by_test_id("closed-as").inner_text()
    check_page(page, "enterprise-appeal-merged")
    for s in (owner, ent):
        assert not s.problems, s.problems


def test_the_service_centre_searches_appeals_by_words_and_category(open_session, live):
    """From the workbench's search box to the all-appeals page, then narrowed by category:
    the filters stay in the address."""
    for title, category in (("冷库用电增容", "project"), ("冷库招工", "labor")):
        status, _ = live.call(
            "POST",
            "/api/v1/appeals",
            {"category": category, "title": title, "content": f"{title}:请协调。"},
            as_user="ent-hengrun",
        )
        assert status == 201
    owner = open_session("comm-designated")
    page = owner.go("/workbench")
    box = page.get_by_test_id("workbench-search")
    box.locator("input").fill("冷库")
    box.locator("button[type=submit]").click()
    page.wait_for_url("**/appeals?q=*")
    rows = page.locator("[data-appeal]")
    rows.first.wait_for()
    assert rows.count() == 2
    page.locator('[data-field="category"]').click()
    page.get_by_role("option", name="用工").first.click()
    page.get_by_test_id("search-submit").click()
    page.wait_for_function("() => document.querySelectorAll('[data-appeal]').length === 1")
    assert "冷库招工" in page.get_by_test_id("appeal-table").inner_text()
    assert "category=labor" in page.url
    # the list as searched, exported by a job on the stack's queue: its progress, then a link
    page.get_by_test_id("export").click()
    link = page.get_by_test_id("export-download")
    link.wait_for(timeout=30_000)
    assert "已导出 1 条" in page.get_by_test_id("export-state").inner_text()
    got = page.request.get(link.get_attribute("href"))
    assert got.ok and got.body()[:2] == b"PK"  # an XLSX (a zip)
    check_page(page, "commissioner-appeal-search")
    assert not owner.problems, owner.problems
