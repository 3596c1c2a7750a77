"""The enterprise's history (domain/enterprise_history.py): unfinished appeals first, financing
needs drawn from the appeals, applications newest first."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import BEIJING
from chalicelib.domain.appeals import Appeal, FinancingRequest
from chalicelib.domain.enterprise_history import history
from chalicelib.domain.models import Enterprise

USCC = "91320623MA1MXXXX0D"
NOW = datetime(2026, 11, 27, 10, tzinfo=BEIJING)


def appeal(n: int, status: str, created: str, financing: FinancingRequest | None = None) -> Appeal:
    return Appeal.model_validate(
        {
            "id": f"XQT-20261120-{n:04d}",
            "channel": "hotline_12345",
            "enterprise": {"uscc": USCC, "name": "如东恒润机械制造有限公司"},
            "category": "financing" if financing else "land",
            "title": f"诉求 {n}",
            "content": "内容",
            "urgency": "normal",
            "status": status,
            "assignee": {"commissioner_id": "c-designated", "name": "顾晓燕"},
            "reply_due_at": "2026-11-26T23:59:59+08:00",
            "period_started_at": created,
            "financing": financing,
            "filed_by": "operator-12345",
            "version": 1,
            "created_at": created,
            "updated_at": created,
        }
    )


def enterprise() -> Enterprise:
    return Enterprise.model_validate(
        {
            "uscc": USCC,
            "name": "如东恒润机械制造有限公司",
            "size_class": "designated",
            "industry": "industry",
            "version": 1,
            "created_at": "2026-01-01T00:00:00+08:00",
            "updated_at": "2026-01-01T00:00:00+08:00",
        }
    )


def test_unfinished_appeals_come_first_each_group_newest_first():
    need = FinancingRequest(amount=300, term_months=12, purpose="购置设备")
    got = history(
        enterprise(),
        None,
        [
            appeal(1, "closed", "2026-11-01T09:00:00+08:00"),
            appeal(2, "replied", "2026-11-10T09:00:00+08:00"),
            appeal(3, "processing", "2026-11-05T09:00:00+08:00", need),
            appeal(4, "received", "2026-11-20T09:00:00+08:00"),
            appeal(5, "closed", "2026-11-15T09:00:00+08:00"),
        ],
        [],
        NOW,
    )
    assert [a.id[-1] for a in got.appeals] == ["4", "3", "2", "5", "1"]
    assert [a.open for a in got.appeals] == [True, True, True, False, False]
    # past its deadline without a reply: overdue; a replied one is not
    assert [a.overdue for a in got.appeals[:3]] == [True, True, False]
    assert [(n.appeal_id[-1], n.amount, n.purpose) for n in got.financing_needs] == [
        ("3", 300, "购置设备")
    ]
    assert got.commissioner is None and got.applications == []


def test_an_appeal_is_listed_under_each_number_it_carries_once(monkeypatch):
    from chalicelib.config import settings
    from chalicelib.store import appeals, keys

    monkeypatch.setenv("XQT_TABLE", "unit")  # listings() shards the sweep's index by settings
    settings.cache_clear()

    a = appeal(7, "received", "2026-11-20T09:00:00+08:00")
    a.enterprise.caller_phone = "13951110001"
    a.contact_phone = "13951110001"
    listed = {k: v for k, v in appeals.listings(a).items() if k.startswith("phone#")}
    assert listed == {
        "phone#13951110001": (keys.appeals_by_phone("13951110001"), f"{a.created_at}#{a.id}")
    }
    a.contact_phone = "051384120002"
    assert sorted(k for k in appeals.listings(a) if k.startswith("phone#")) == [
        "phone#051384120002",
        "phone#13951110001",
    ]
    settings.cache_clear()
