"""The hand-back page (回传管理, /admin/webhooks) in the browser: an admin registers a webhook
for the call-centre service account (a bad URL named beside its field, the secret never shown
again), and reads its delivery log — delivered and retried deliveries, in Beijing time, in
Chinese and in English. A receiver in the test takes the deliveries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.seed import enterprise_records
from tests.fakes.webhook_receiver import Receiver
from tests.ui.conftest import SHOTS, check_page

pytestmark = pytest.mark.e2e

SECRET = "ui-secret-shared-with-the-12345-platform"
SERVICE = "callcenter-12345"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET).start()
    yield r
    r.stop()


def post_call(live: Any, ref: str) -> dict[str, Any]:
    body = {
        "line": "12345",
        "caller_phone": "13912345678",
        "uscc": enterprise_records()[0]["uscc"],
        "category": "financing",
        "content": f"想申请贴息贷款({ref})。",
        "external_ref": ref,
    }
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    status, appeal = live.call("POST", "/api/v1/hotline/calls", body, SERVICE, headers)
    assert status == 201, appeal
    return appeal


def step(live: Any, appeal: dict[str, Any], kind: str, user: str, **fields: Any) -> dict:
    body = {"type": kind, "version": appeal["version"], **fields}
    status, after = live.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, user)
    assert status == 200, after
    return after


def test_an_admin_registers_a_webhook_and_reads_its_delivery_log(open_session, live, receiver):
    s = open_session("admin")
    page = s.go("/admin/webhooks")
    assert page.locator("main h1").inner_text() == "回传管理"

    # register: a private address is refused beside the URL field
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=webhook-create]").click()
    dialog = page.locator("[data-testid=webhook-dialog]")
    dialog.locator("[data-field=url]").fill("https://10.0.0.8/handback")
    dialog.locator("[data-field=secret]").fill(SECRET)
    dialog.locator("[data-testid=webhook-save]").click()
    url_item = dialog.locator(".el-form-item").filter(has=page.locator("[data-field=url]"))
    try:
        url_item.locator(".el-form-item__error").wait_for()
    finally:
        page.screenshot(path=str(SHOTS / "webhooks-refused-url.png"))
    assert "公网" in url_item.locator(".el-form-item__error").inner_text()

    dialog.locator("[data-field=url]").fill(receiver.url)
    dialog.locator("[data-testid=webhook-save]").click()
    row = page.locator("[data-testid=webhook-table] tbody tr").first
    row.wait_for()
    assert SERVICE in row.inner_text() and receiver.url in row.inner_text()
    assert SECRET not in page.content()

    # steps of two calls the service account posted; the receiver refuses the second's
    _, hooks = live.call("GET", "/api/v1/webhooks", None, "admin")
    hook_id = hooks["items"][0]["id"]
    ok = post_call(live, "12345-UI-0001")
    ok = step(live, ok, "accept", "comm-designated")
    ok = step(live, ok, "reply", "comm-designated", content="已对接农商行贴息贷款产品。")
    step(live, ok, "callback", SERVICE, resolved=True, satisfaction=5)
    refused = post_call(live, "12345-UI-0002")
    receiver.answer = lambda body: 503 if body["appeal_id"] == refused["id"] else 200
    step(live, refused, "accept", "comm-designated")
    assert live.call("POST", "/api/v1/dev/jobs/outbox")[0] == 200

    page.locator(f'[data-row="{hook_id}"] [data-testid=webhook-log]').click()
    table = page.locator("[data-testid=delivery-table]")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    assert table.locator('[data-status="delivered"]').count() == 3
    retry = table.locator(f'[data-row="{refused["id"]}#2"]')
    assert retry.get_attribute("data-status") == "pending"
    text = retry.inner_text()
    assert "待重试" in text and "503" in text and "重试" in text
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)  # Beijing time
    assert "受理" in table.inner_text() and "电话回访" in table.inner_text()
    check_page(page, "webhooks-log")

    # English
    page.evaluate("localStorage.setItem('xqt.locale', 'en')")
    page.reload()
    page.locator(f'[data-row="{hook_id}"] [data-testid=webhook-log]').click()
    page.locator("[data-testid=delivery-table]").wait_for()
    assert page.locator("main h1").inner_text() == "Hand-back (webhooks)"
    assert "Retrying" in page.locator("[data-testid=delivery-table]").inner_text()
    check_page(page, "webhooks-log-en")
    page.evaluate("localStorage.removeItem('xqt.locale')")
    assert not s.problems, s.problems
