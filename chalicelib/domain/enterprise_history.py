"""The enterprise's history (企业画像) as staff see it on a call: who it is, its commissioner,
and short summaries of its appeals (unfinished first), project applications and financing
needs — everything an operator needs to answer "what did this enterprise ask before"."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.domain.appeals import Appeal, is_overdue
from chalicelib.domain.applications import Application
from chalicelib.domain.applications import Status as ApplicationStatus
from chalicelib.domain.codes import Category, Channel, CommissionerKind, Status, Urgency
from chalicelib.domain.models import Enterprise, Timestamp

#: Appeals, applications read for one history (the newest; docs/search.md).
APPEALS_READ = 100
APPLICATIONS_READ = 50

#: Unfinished first: waiting on the platform, then replied and waiting on the enterprise.
_STATUS_RANK = {Status.RECEIVED: 0, Status.PROCESSING: 0, Status.REPLIED: 1, Status.CLOSED: 2}


class AppealSummary(BaseModel):
    """One appeal in a history: what, where it stands, who holds it (no content)."""

    id: str
    title: str
    category: Category
    channel: Channel
    urgency: Urgency
    status: Status
    open: bool = Field(description="not closed yet (received, processing or replied)")
    overdue: bool
    paused: bool = Field(False, description="挂起：the reply clock stopped")
    reply_due_at: Timestamp
    assignee_name: str | None = Field(None, description="null: in the triage queue")
    created_at: Timestamp
    replied_at: Timestamp | None = None
    closed_at: Timestamp | None = None


class ApplicationSummary(BaseModel):
    """One project application in a history."""

    id: str
    policy_id: str
    policy_title: str
    status: ApplicationStatus
    submitted_at: Timestamp
    decided_at: Timestamp | None = None


class FinancingNeedSummary(BaseModel):
    """One financing need (an appeal of category financing) in a history."""

    appeal_id: str
    amount: float = Field(description="万元")
    term_months: int
    purpose: str
    status: Status
    created_at: Timestamp


class CommissionerSummary(BaseModel):
    """Who serves the enterprise: its named commissioner, or the one routing gives it."""

    id: str
    name: str
    kind: CommissionerKind
    phone: str | None = None
    via: Literal["named", "coverage"] = Field(
        description="named on the enterprise, or covering its size class and industry"
    )


class EnterpriseHistory(BaseModel):
    """An enterprise's history (企业画像), one request."""

    enterprise: Enterprise
    commissioner: CommissionerSummary | None = Field(
        None, description="null: nobody covers it (the service centre triages)"
    )
    appeals: list[AppealSummary]
    applications: list[ApplicationSummary]
    financing_needs: list[FinancingNeedSummary]


def summarize_appeal(a: Appeal, now: datetime) -> AppealSummary:
    return AppealSummary(
        id=a.id,
        title=a.title,
        category=a.category,
        channel=a.channel,
        urgency=a.urgency,
        status=a.status,
        open=a.status != Status.CLOSED,
        overdue=is_overdue(a, now),
        paused=a.paused,
        reply_due_at=a.reply_due_at,
        assignee_name=a.assignee.name if a.assignee.commissioner_id else None,
        created_at=a.created_at,
        replied_at=a.replied_at,
        closed_at=a.closed_at,
    )


def history(
    enterprise: Enterprise,
    commissioner: CommissionerSummary | None,
    appeals: list[Appeal],
    applications: list[Application],
    now: datetime,
) -> EnterpriseHistory:
    """The history from what was read: appeals unfinished first (waiting on the platform,
    then replied), each group newest first; applications and financing needs newest first."""
    newest = sorted(appeals, key=lambda a: (a.created_at, a.id), reverse=True)
    ordered = sorted(newest, key=lambda a: _STATUS_RANK[a.status])  # stable: newest first
    needs = [
        FinancingNeedSummary(
            appeal_id=a.id,
            amount=a.financing.amount,
            term_months=a.financing.term_months,
            purpose=a.financing.purpose,
            status=a.status,
            created_at=a.created_at,
        )
        for a in newest
        if a.financing is not None
    ]
    return EnterpriseHistory(
        enterprise=enterprise,
        commissioner=commissioner,
        appeals=[summarize_appeal(a, now) for a in ordered],
        applications=[
            ApplicationSummary(
                id=x.id,
                policy_id=x.policy_id,
                policy_title=x.policy_title,
                status=x.status,
                submitted_at=x.submitted_at,
                decided_at=x.decided_at,
            )
            for x in sorted(applications, key=lambda x: (x.submitted_at, x.id), reverse=True)
        ],
        financing_needs=needs,
    )
