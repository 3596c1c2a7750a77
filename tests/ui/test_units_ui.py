"""Towns and responsibility lists in the UI (issue 21): the transfer form of a 用地 appeal
suggests the units whose responsibility list covers 用地 first, with their matters in words and
towns marked 区镇, and transfers to a department and a town at once; the departments page shows
each unit's kind and edits its list."""

from __future__ import annotations

import pytest

from tests.ui.conftest import act, check_page

pytestmark = pytest.mark.e2e


def test_the_transfer_form_suggests_the_units_covering_the_category(open_session, live):
    body = {
        "category": "land",
        "title": "新厂区用地征收",
        "content": "新厂区地块的征收补偿未完成，无法交地。",
    }
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201, appeal
    status, appeal = live.call(
        "POST",
        f"/api/v1/appeals/{appeal['id']}/events",
        {"type": "accept", "version": appeal["version"]},
        as_user="comm-designated",
    )
    assert status == 200, appeal

    owner = open_session("comm-designated")
    page = owner.go(f"/appeals/{appeal['id']}")
    page.locator('[data-action="transfer"]').click()
    suggested = page.get_by_test_id("transfer-suggested")
    suggested.wait_for()
    assert "负责“用地”的单位" in suggested.inner_text()
    rows = suggested.locator("li")
    ids = [rows.nth(i).get_attribute("data-unit") for i in range(rows.count())]
    assert ids[0] == "natural-resources" and "town-juegang" in ids and "tax" not in ids
    nr = suggested.locator('[data-unit="natural-resources"]')
    assert "建设用地报批" in nr.get_by_test_id("unit-matters").inner_text()
    assert nr.get_by_test_id("town-tag").count() == 0
    jg = suggested.locator('[data-unit="town-juegang"]')
    assert jg.get_by_test_id("town-tag").inner_text().strip() == "区镇"
    assert "征收补偿" in jg.get_by_test_id("unit-matters").inner_text()
    jg.locator(".el-checkbox").click()
    nr.locator(".el-checkbox").click()  # last: the list scrolled back to its top
    check_page(page, "transfer-suggests-land")

    version = page.locator("[data-testid=case-number]").get_attribute("data-version")
    page.locator('[data-form="transfer"] button[type=submit]').click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )
    status, after = live.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert sorted(p["id"] for p in after["departments"]) == ["natural-resources", "town-juegang"]
    assert not owner.problems, owner.problems


def test_the_departments_page_shows_kinds_and_edits_a_list(open_session, live):
    admin = open_session("admin")
    page = admin.go("/admin/departments")
    row = page.locator('[data-row="town-matang"]')
    row.wait_for()
    assert row.get_by_test_id("unit-kind").inner_text().strip() == "区镇"
    assert "用地" in row.get_by_test_id("unit-duties").inner_text()
    tax = page.locator('[data-row="tax"]')
    assert tax.get_by_test_id("unit-kind").inner_text().strip() == "职能部门"
    before = tax.get_by_test_id("unit-duties").inner_text()
    assert "2 项" in before

    tax.get_by_test_id("unit-duties-edit").click()
    dialog = page.get_by_test_id("duties-dialog")
    dialog.locator("[data-duty]").first.wait_for()
    dialog.get_by_test_id("duty-add").click()
    last = dialog.locator("[data-duty]").last
    last.locator("textarea").fill("")
    dialog.get_by_test_id("duties-save").click()
    # the API names the empty matters next to its field
    last.locator(".el-form-item__error").wait_for()
    last.locator("textarea").fill("企业所得税汇算清缴辅导")
    last.locator(".el-form-item__error").wait_for(state="detached")  # editing clears it
    assert last.locator(".el-select").inner_text().strip() == "用工"  # the first not named
    last.locator(".el-select").click()
    page.locator(".el-select-dropdown__item:visible", has_text="政策咨询").click()
    check_page(page, "unit-responsibilities-dialog")
    dialog.get_by_test_id("duties-save").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function(
        "() => document.querySelector('[data-row=tax] [data-testid=unit-duties]')"
        "?.innerText.includes('3 项')"
    )
    status, unit = live.call("GET", "/api/v1/departments/tax", as_user="admin")
    assert status == 200
    assert unit["responsibilities"][-1] == {
        "category": "policy",
        "matters": "企业所得税汇算清缴辅导",
    }
    check_page(page, "departments-with-towns")
    assert not admin.problems, admin.problems


def test_a_town_notes_progress_and_its_ledger_shows_it(open_session, live):
    body = {"category": "land", "title": "厂区道路接入", "content": "新厂区道路接入需镇里协调。"}
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201, appeal
    for kind, extra in (("accept", {}), ("transfer", {"departments": ["town-juegang"]})):
        status, appeal = live.call(
            "POST",
            f"/api/v1/appeals/{appeal['id']}/events",
            {"type": kind, "version": appeal["version"], **extra},
            as_user="comm-designated",
        )
        assert status == 200, appeal

    town = open_session("town-juegang")
    page = town.go(f"/appeals/{appeal['id']}")
    page.locator('[data-action="progress"]').wait_for()
    assert page.locator('[data-action="progress"]').inner_text().strip() == "填报推进情况"
    act(page, "progress", {"textarea": "已与村组对接，下周完成道路接入方案"})
    assert "推进情况" in page.locator("body").inner_text()  # on the timeline

    page = town.go("/department/ledger")
    row = page.get_by_test_id("ledger-table").locator(f'[data-appeal="{appeal["id"]}"]')
    row.wait_for()
    assert "已与村组对接" in row.get_by_test_id("ledger-progress").inner_text()
    check_page(page, "town-ledger-with-progress")

    ent = open_session("ent-hengrun")
    page = ent.go(f"/appeals/{appeal['id']}")
    page.get_by_test_id("case-number").wait_for()
    page.wait_for_load_state("networkidle")
    assert "已与村组对接" not in page.locator("body").inner_text()
    assert not town.problems and not ent.problems, town.problems + ent.problems
