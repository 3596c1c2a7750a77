"""The enterprise's own steps (API.md "Sign-for, pause, and the enterprise's own steps"):
``supplement {content, attachments?}`` adds to an appeal not closed, with files through the
filing's upload flow; ``withdraw {reason}`` before a reply closes it as ``withdrawn`` — off
every queue and the sweep, its open parts closed, the owner and those departments told.
Only the appeal's own enterprise: another enterprise 404, staff 403."""

from __future__ import annotations

from datetime import datetime

import pytest
import requests

from chalicelib.clock import BEIJING
from chalicelib.domain import uploads as rules
from tests.api.test_appeals import event, file_web, processing
from tests.api.test_attachments import PDF_BYTES, PNG_BYTES, upload


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def get(api, appeal_id, user="ent-hengrun"):
    r = api.call("GET", f"/api/v1/appeals/{appeal_id}", as_user=user)
    assert r.status_code == 200, r.data
    return r.data


def post(api, appeal, user, **body):
    full = {"version": appeal["version"], **body}
    return api.call("POST", f"/api/v1/appeals/{appeal['id']}/events", full, as_user=user)


def inbox_kinds(api, user, appeal_id):
    items = api.call("GET", "/api/v1/inbox?limit=100", as_user=user).data["items"]
    return [n["kind"] for n in items if n["appeal_id"] == appeal_id]


def test_the_enterprise_supplements_its_appeal_with_files_that_its_readers_download(api):
    appeal = processing(api)
    appeal = event(api, appeal, "transfer", "comm-designated", departments=["tax"])
    assert {"supplement", "withdraw"} <= set(get(api, appeal["id"])["actions"])
    photo = upload(api, PNG_BYTES, "现场照片.png", rules.PNG)
    pdf = upload(api, PDF_BYTES, "用地红线图.pdf", rules.PDF)
    r = post(
        api,
        appeal,
        "ent-hengrun",
        type="supplement",
        content="补充:现场照片与用地红线图。",
        attachments=[photo["id"], pdf["id"]],
    )
    assert r.status_code == 200, r.data
    done = r.data
    assert done["status"] == "processing" and done["supplements"] == 1
    assert [a["filename"] for a in done["supplement_attachments"]] == [
        "现场照片.png",
        "用地红线图.pdf",
    ]
    assert done["attachments"] == []  # the filed ones are apart
    last = done["timeline"][-1]
    assert last["type"] == "supplement" and last["content"] == "补充:现场照片与用地红线图。"
    assert [a["id"] for a in last["attachments"]] == [photo["id"], pdf["id"]]
    assert last["actor"]["username"] == "ent-hengrun"
    # staff read it on the timeline, and download its files as they do the filed ones
    for reader in ("ent-hengrun", "comm-designated", "dept-tax", "admin", "supervisor"):
        seen = get(api, appeal["id"], user=reader)["timeline"][-1]
        assert seen["type"] == "supplement" and seen["content"], reader
        link = api.call(
            "GET", f"/api/v1/appeals/{appeal['id']}/attachments/{pdf['id']}", as_user=reader
        )
        assert link.status_code == 200, (reader, link.data)
    assert requests.get(link.data["url"]).content == PDF_BYTES
    stranger = api.call(
        "GET", f"/api/v1/appeals/{appeal['id']}/attachments/{pdf['id']}", as_user="ent-xinghai"
    )
    assert stranger.status_code == 404
    # the owner and the department still handling its part are told
    assert "supplement" in inbox_kinds(api, "comm-designated", appeal["id"])
    assert "supplement" in inbox_kinds(api, "dept-tax", appeal["id"])
    # a file the appeal keeps already is not attached again
    again = post(
        api, done, "ent-hengrun", type="supplement", content="再补", attachments=[pdf["id"]]
    )
    assert again.status_code == 400, again.data
    assert [(e["field"], e["code"]) for e in again.data["errors"]] == [
        ("attachments.0", "attachment_duplicate")
    ]


def test_a_supplement_after_the_reply_and_never_on_a_closed_appeal(api):
    appeal = event(api, processing(api), "reply", "comm-designated", content="已答复")
    r = post(api, appeal, "ent-hengrun", type="supplement", content="补充一点说明。")
    assert r.status_code == 200 and r.data["status"] == "replied", r.data
    closed = event(api, r.data, "confirm", "ent-hengrun", resolved=True, satisfaction=5)
    r = post(api, closed, "ent-hengrun", type="supplement", content="还有一点")
    assert r.status_code == 409 and r.data["code"] == "invalid_transition", r.data


def test_who_may_take_the_enterprises_steps(api):
    appeal = processing(api)
    appeal = event(api, appeal, "transfer", "comm-designated", departments=["tax"])
    bodies = [
        {"type": "supplement", "content": "补充"},
        {"type": "withdraw", "reason": "不需要了"},
    ]
    for body in bodies:
        # another enterprise: the appeal does not exist for it
        r = post(api, appeal, "ent-xinghai", **body)
        assert r.status_code == 404 and r.data["code"] == "not_found", r.data
        for staff in ("comm-designated", "admin", "supervisor", "dept-tax"):
            r = post(api, appeal, staff, **body)
            assert r.status_code == 403 and r.data["code"] == "forbidden", (staff, r.data)
    assert get(api, appeal["id"])["version"] == appeal["version"]  # nothing changed
    assert "supplement" not in get(api, appeal["id"], user="comm-designated")["actions"]


def test_bad_input_is_a_400_naming_the_field(api):
    appeal = processing(api)
    cases = [
        ({"type": "supplement"}, "content", "missing"),
        ({"type": "supplement", "content": ""}, "content", "string_too_short"),
        ({"type": "supplement", "content": "长" * 5001}, "content", "string_too_long"),
        ({"type": "supplement", "content": "x", "attachments": ["../../x"]}, "attachments.0", None),
        ({"type": "supplement", "content": "x", "attachments": "U0123"}, "attachments", None),
        ({"type": "supplement", "content": "x", "extra": 1}, "extra", None),
        ({"type": "withdraw"}, "reason", "missing"),
        ({"type": "withdraw", "reason": "理" * 501}, "reason", "string_too_long"),
    ]
    for body, field, code in cases:
        r = post(api, appeal, "ent-hengrun", **body)
        assert r.status_code == 400, (body, r.data)
        named = [(e["field"], e["code"]) for e in r.data["errors"]]
        assert any(f == field and (code is None or c == code) for f, c in named), (body, named)
    # uploads the caller may not attach: another's, one never uploaded, one of another purpose
    others = upload(api, PDF_BYTES, user="ent-xinghai")
    mine = upload(api, PDF_BYTES)
    r = post(
        api,
        appeal,
        "ent-hengrun",
        type="supplement",
        content="补充",
        attachments=[mine["id"], others["id"], "U0123456789abcdef", mine["id"]],
    )
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("attachments.1", "upload_not_found"),
        ("attachments.2", "upload_not_found"),
        ("attachments.3", "attachment_duplicate"),
    ]
    assert get(api, appeal["id"])["supplements"] == 0


def test_a_withdrawal_closes_the_appeal_its_parts_and_its_queues(api):
    appeal = processing(api)
    appeal = event(api, appeal, "transfer", "comm-designated", departments=["tax"])
    r = post(api, appeal, "ent-hengrun", type="withdraw", reason="问题已自行解决,不再需要协调。")
    assert r.status_code == 200, r.data
    done = r.data
    assert (done["status"], done["closed_as"]) == ("closed", "withdrawn")
    assert done["actions"] == [] and done["closed_at"]
    assert [p["status"] for p in done["departments"]] == ["closed"]
    last = done["timeline"][-1]
    assert last["type"] == "withdraw" and last["closed_as"] == "withdrawn"
    assert last["reason"] == "问题已自行解决,不再需要协调。"
    assert [d["id"] for d in last["departments"]] == ["tax"]
    assert "withdraw" in inbox_kinds(api, "comm-designated", appeal["id"])
    assert "withdraw" in inbox_kinds(api, "dept-tax", appeal["id"])
    # off the owner's and the department's queues
    for user in ("comm-designated", "dept-tax"):
        queue = api.call("GET", "/api/v1/appeals?scope=queue&limit=100", as_user=user).data
        assert appeal["id"] not in [a["id"] for a in queue["items"]], user
    # the enterprise still reads it, closed; a second withdrawal or a supplement is 409
    assert get(api, appeal["id"])["closed_as"] == "withdrawn"
    for body in ({"type": "withdraw", "reason": "再撤"}, {"type": "supplement", "content": "再补"}):
        r = post(api, done, "ent-hengrun", **body)
        assert r.status_code == 409 and r.data["code"] == "invalid_transition", r.data


def test_no_withdrawal_after_a_reply(api):
    appeal = event(api, processing(api), "reply", "comm-designated", content="已答复")
    assert "withdraw" not in get(api, appeal["id"])["actions"]
    r = post(api, appeal, "ent-hengrun", type="withdraw", reason="不需要了")
    assert r.status_code == 409 and r.data["code"] == "invalid_transition", r.data


def test_the_sweep_never_warns_of_a_withdrawn_appeal(api, at_time):
    at_time(datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING))  # due 8 Oct, warned from the 8th
    kept = file_web(api)
    withdrawn = file_web(api)
    at_time(datetime(2026, 9, 24, 9, 0, tzinfo=BEIJING))
    event(api, withdrawn, "withdraw", "ent-hengrun", reason="已解决")
    at_time(datetime(2026, 10, 12, 9, 0, tzinfo=BEIJING))  # past the sign-for and the deadline
    r = api.call("POST", "/api/v1/dev/jobs/deadline-sweep")
    assert r.status_code == 200, r.data
    assert [e["type"] for e in get(api, withdrawn["id"], user="admin")["timeline"]] == [
        "filed",
        "withdraw",
    ]
    kept_types = [e["type"] for e in get(api, kept["id"], user="admin")["timeline"]]
    assert "sign_overdue" in kept_types and "escalated" in kept_types  # the sweep did run
    assert get(api, withdrawn["id"], user="admin")["overdue"] is False


def test_the_public_lookup_lists_both_steps_and_says_withdrawn_without_their_words(api):
    from tests.api.test_public_lookup import lookup, new_address

    appeal = file_web(api, contact_name="张伟", contact_phone="13812340077")
    appeal = event(api, appeal, "supplement", "ent-hengrun", content="补充:秘密的内部情况")
    appeal = event(api, appeal, "withdraw", "ent-hengrun", reason="内部原因不便说明")
    r = lookup(api, appeal["id"], "13812340077", new_address())
    assert r.status_code == 200, r.data
    assert (r.data["status"], r.data["closed_as"]) == ("closed", "withdrawn")
    assert [s["type"] for s in r.data["steps"]] == ["filed", "supplement", "withdraw"]
    assert all(set(s) == {"type", "at"} for s in r.data["steps"])
    assert "秘密" not in str(r.data) and "内部原因" not in str(r.data)
