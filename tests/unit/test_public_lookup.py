"""Public progress without AWS: what the lookup shows, which phone opens it, the throttle's
windows and waits, and the 受理回执 text each intake sends."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from chalicelib.domain import outbox, public
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import Appeal, Party
from chalicelib.domain.codes import Channel, Status
from chalicelib.domain.models import normalized_phone
from tests.unit.test_lifecycle import (
    ENTERPRISE,
    OWNER,
    SUPERVISOR,
    closed,
    file_appeal,
    run,
    step,
)

HOUR_MS = 3600 * 1000
#: 2026-11-27 10:15:00 Beijing, in epoch milliseconds
NOW_MS = int(datetime(2026, 11, 27, 10, 15, tzinfo=BEIJING).timestamp() * 1000)


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("13912345678", "13912345678"),
        (" +86 139-1234-5678 ", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("0513-84123456", "051384123456"),
        ("12345", None),  # a service number reaches no one
        ("1391234567", None),
        ("", None),
        ("x" * 40, None),
        ("一三九", None),
    ],
)
def test_a_phone_is_compared_as_intake_keeps_it(typed, kept):
    assert normalized_phone(typed) == kept


def test_the_contact_or_the_caller_phone_opens_the_lookup_and_nothing_else():
    hotline = file_appeal()  # caller 13912345678? see CALLER_PHONE; contact 13900001111
    caller = hotline.enterprise.caller_phone
    assert caller and public.phone_matches(hotline, caller)
    assert public.phone_matches(hotline, "+86 139-0000-1111")  # the contact, typed otherwise
    assert not public.phone_matches(hotline, "13900001112")
    assert not public.phone_matches(hotline, "")
    assert not public.phone_matches(hotline, "not a phone")
    web = file_appeal(channel=Channel.WEB)
    web.contact_phone = None
    assert not public.phone_matches(web, "13900001111")  # an appeal with no phone: nobody


def test_a_landline_caller_opens_it_with_the_landline():
    appeal = file_appeal()
    appeal.enterprise = Party(uscc=None, name="某养殖场", caller_phone="051384123456")
    appeal.contact_phone = None
    assert public.phone_matches(appeal, "0513-8412 3456")
    assert not public.phone_matches(appeal, "84123456")


@pytest.mark.parametrize(
    "typed, number",
    [
        ("XQT-20261127-0042", "XQT-20261127-0042"),
        (" xqt-20261127-0042 ", "XQT-20261127-0042"),
        ("XQT 20261127 0042", None),
        ("../APPEAL#X", None),
        ("", None),
        ("X" * 41, None),
    ],
)
def test_only_what_can_be_a_case_number_names_one(typed, number):
    assert public.case_number_of(typed) == number


# --- what is shown ----------------------------------------------------------------------------


def test_the_public_view_has_no_names_phones_content_or_replies():
    appeal = closed()
    events = [
        run(file_appeal(), OWNER, "accept").event,
    ]
    shown = public.present(appeal, events)
    dumped = shown.model_dump(mode="json")
    assert set(dumped) == {
        "id",
        "status",
        "category",
        "filed_at",
        "reply_due_at",
        "replied_at",
        "closed_at",
        "closed_as",
        "steps",
    }
    text = str(dumped)
    for secret in (
        appeal.title,
        appeal.content,
        appeal.contact_phone,
        appeal.contact_name,
        appeal.enterprise.name,
        appeal.reply.content if appeal.reply else "",
    ):
        assert secret and secret not in text
    assert shown.closed_as == "resolved" and shown.status == Status.CLOSED
    assert shown.steps == [public.ProgressStep(type=EventType.ACCEPT, at=events[0].at)]


def test_steps_the_public_does_not_see_are_left_out():
    a = file_appeal()
    accepted = run(a, OWNER, "accept")
    asked = run(accepted.appeal, OWNER, "request_extension", working_days=2, reason="协调")
    supervised = run(asked.appeal, SUPERVISOR, "supervise", due_working_days=5)
    events = [accepted.event, asked.event, supervised.event]
    shown = public.present(supervised.appeal, events)
    assert [s.type for s in shown.steps] == [EventType.ACCEPT, EventType.SUPERVISE]


def test_closed_as_is_what_the_record_says():
    assert public.closed_as(file_appeal()) is None
    assert public.closed_as(closed()) == "resolved"
    # a record closed before closed_as was kept reads as the sweep's or a verdict's close
    older = closed().model_dump(exclude={"closed_as"})
    assert public.closed_as(Appeal.model_validate({**older, "auto_closed": True})) == "auto_closed"
    replied = step(step(file_appeal(), OWNER, "accept"), OWNER, "reply", content="已答复")
    back = step(replied, ENTERPRISE, "confirm", resolved=False, satisfaction=2)
    assert back.status == Status.PROCESSING and public.closed_as(back) is None


def test_every_public_step_is_one_an_enterprise_sees():
    # an enterprise sees every step of its appeals today (only some fields are hidden from
    # it): the public list is a subset, and says something for every type
    assert set(public.PUBLIC_STEPS) == set(EventType)
    assert public.PUBLIC_STEPS[EventType.WARNED] is False


# --- the throttle -----------------------------------------------------------------------------


def test_windows_are_the_current_hour_and_the_one_before():
    current, previous = public.windows(NOW_MS)
    assert current % 3600 == 0 and current <= NOW_MS // 1000 < current + 3600
    assert previous == current - 3600


def test_ten_failures_within_the_hour_refuse_the_eleventh_try():
    tries = [NOW_MS - i * 60_000 for i in range(9)]  # nine in the last nine minutes
    assert public.wait_seconds(tries, 10, NOW_MS) == 0
    tries.append(NOW_MS - 30 * 60_000)  # the tenth, half an hour ago
    # refused until the oldest of the ten is an hour old: 30 minutes from now
    assert public.wait_seconds(tries, 10, NOW_MS) == 30 * 60


def test_tries_older_than_an_hour_do_not_count():
    old = [NOW_MS - HOUR_MS - 1000 * i for i in range(20)]
    assert public.wait_seconds(old, 10, NOW_MS) == 0
    recent = [NOW_MS - 1000 * i for i in range(10)]
    assert public.wait_seconds(old + recent, 10, NOW_MS) == 3600 - 9


def test_the_wait_is_until_enough_tries_age_out_for_one_more():
    # 12 tries (a race may record more than the limit): one more is allowed only when three
    # have aged out, so the wait is until the third oldest is an hour old
    tries = [NOW_MS - m * 60_000 for m in (50, 40, 30, 20, 10, 9, 8, 7, 6, 5, 4, 3)]
    assert public.wait_seconds(tries, 10, NOW_MS) == (60 - 30) * 60
    later = NOW_MS + (60 - 30) * 60_000 + 1
    assert public.wait_seconds(tries, 10, later) == 0


def test_the_wait_is_at_least_a_second_and_the_limits_are_the_contracts():
    tries = [NOW_MS - HOUR_MS + 10] + [NOW_MS] * 9
    assert public.wait_seconds(tries, 10, NOW_MS) == 1
    assert (public.LIMITS.per_case, public.LIMITS.per_client) == (10, 30)
    assert public.LIMITS.window_seconds == 3600


# --- the 受理回执 SMS -------------------------------------------------------------------------


def _filed(appeal):
    return run(appeal, OWNER, "accept").event.model_copy(update={"type": EventType.FILED})


def test_intake_texts_the_case_number_and_the_track_page_to_a_mobile():
    appeal = file_appeal()
    links = outbox.Links(track="https://qiye.rudong.gov.cn/track")
    (sms,) = outbox.messages(appeal, _filed(appeal), links=links)
    assert sms.channel == "sms" and sms.to == appeal.enterprise.caller_phone
    assert sms.kind == "case_received" and sms.params == {"id": appeal.id}
    assert appeal.id in sms.text and "https://qiye.rudong.gov.cn/track" in sms.text
    assert "受理编号" in sms.text and "手机号" in sms.text


def test_a_web_filing_texts_its_contact_and_without_a_site_address_names_the_page():
    appeal = file_appeal(channel=Channel.WEB)
    (sms,) = outbox.messages(appeal, _filed(appeal))
    assert sms.to == "13900001111"
    assert "进度查询" in sms.text and "http" not in sms.text


def test_a_landline_gets_no_text_and_a_landline_caller_with_a_mobile_contact_does():
    appeal = file_appeal()
    appeal.enterprise = Party(uscc=None, name="某养殖场", caller_phone="051384123456")
    appeal.contact_phone = None
    assert outbox.messages(appeal, _filed(appeal)) == []
    appeal.contact_phone = "13900001111"
    assert [m.to for m in outbox.messages(appeal, _filed(appeal))] == ["13900001111"]


def test_every_sms_kind_fills_its_template_parameters_and_cuts_them_to_fit():
    for kind, spec in outbox.SMS_KINDS.items():
        values = {name: f"{name}-{'长' * 30}" for name in spec.params}
        m = outbox.sms(kind, "13912345678", where="https://x/track", **values)
        assert set(m.params) == set(spec.params), kind
        assert all(len(v) <= outbox.PARAM_MAX for v in m.params.values()), kind
        for value in m.params.values():  # the text says what the template would
            assert value in m.text, (kind, value)
    assert (
        outbox.sms("reply_online", "1", id="A", title="一行\n两行").params["title"] == "一行 两行"
    )


def test_the_reply_text_says_how_to_answer_by_channel():
    web = step(
        step(file_appeal(channel=Channel.WEB), OWNER, "accept"), OWNER, "reply", content="好"
    )
    decision = run(step(file_appeal(), OWNER, "accept"), OWNER, "reply", content="好")
    (online,) = outbox.messages(web, decision.event)
    (callback,) = outbox.messages(decision.appeal, decision.event)
    assert online.kind == "reply_online" and "评价" in online.text
    assert callback.kind == "reply_callback" and "回访" in callback.text
