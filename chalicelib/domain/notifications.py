"""Who hears of what (the inbox): each appeal event notifies the people who must act on it
or who are waiting for it. A notification is addressed to an audience — the role binding a
user acts for — so every user's inbox is one list, and nobody's is written twice."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.codes import Role
from chalicelib.domain.lifecycle import Directory
from chalicelib.domain.models import Timestamp, User

ADMINS = "role:admin"
SUPERVISORS = "role:supervisor"


class Notification(BaseModel):
    """One line in an inbox; the SPA words it from ``kind`` (an event type) in its language."""

    id: str
    audience: str
    kind: str = Field(
        description="the event that caused it (filed, transfer, reply, …, meeting_missed)"
    )
    appeal_id: str | None = Field(
        None,
        description="the appeal it is about; null when it is about something else (a month "
        "without a meeting, a notice, a policy, an application)",
    )
    title: str = Field(description="the appeal's title, or what happened")
    month: str | None = Field(None, description="meeting_missed: the month without a meeting")
    notice_id: str | None = Field(None, description="notice_published: the notice (通报)")
    policy_id: str | None = Field(None, description="policy_matched: the policy")
    application_id: str | None = Field(
        None, description="application_*: the project application (项目申报)"
    )
    at: Timestamp
    by: str | None = Field(None, description="who did it (display name); null: the system")
    read: bool = False

    @field_validator("appeal_id", mode="before")
    @classmethod
    def _none_for_no_appeal(cls, value: Any) -> Any:
        # kept as "" before: a client building /appeals/{appeal_id} from it reached the list
        return value or None


def audience_of(user: User) -> str:
    """The one audience a user reads: its enterprise, commissioner, department, its own
    calls (operators), or its role (service centre, supervisors)."""
    if user.role == Role.ENTERPRISE:
        return f"enterprise:{user.enterprise_uscc}"
    if user.role == Role.COMMISSIONER:
        return f"commissioner:{user.commissioner_id}"
    if user.role == Role.DEPARTMENT:
        return f"department:{user.department_id}"
    if user.role == Role.OPERATOR:
        return f"operator:{user.username}"
    return f"role:{user.role.value}"


def _owner(a: Appeal) -> list[str]:
    cid = a.assignee.commissioner_id
    return [f"commissioner:{cid}"] if cid else [ADMINS]


def _enterprise(a: Appeal) -> list[str]:
    return [f"enterprise:{a.enterprise.uscc}"] if a.enterprise.uscc else []


def _supervision_owners(a: Appeal) -> list[str]:
    sup = a.supervision
    if sup is None:
        return []
    return [f"department:{d.id}" for d in sup.departments] or _owner(a)


def audiences(a: Appeal, e: TimelineEvent) -> list[str]:
    """Who is notified of event ``e`` that made appeal ``a`` what it is now (never the actor's
    own audience: nobody is told of what they just did)."""
    kind = e.type
    out: list[str] = []
    if kind in ("filed", "reassign", "accept"):
        out = _owner(a) if kind != "accept" else []
    elif kind == "transfer":
        out = [f"department:{d.id}" for d in e.departments or []]
    elif kind in ("department_reply", "return"):
        out = _owner(a)
    elif kind == "reply":
        out = _enterprise(a)
        if a.posted_by:
            out.append(f"operator:{a.posted_by}")
    elif kind in ("confirm", "callback"):
        out = _owner(a)
    elif kind in ("set_urgency", "deadline_recomputed"):
        out = _owner(a) + _enterprise(a)
    elif kind == "request_extension":
        out = [ADMINS]
    elif kind in ("approve_extension", "reject_extension"):
        out = _owner(a) + (_enterprise(a) if kind == "approve_extension" else [])
    elif kind == "escalated":
        out = [ADMINS] + (_owner(a) if e.actor is None else [])
    elif kind in ("warned", "marked_overdue", "auto_closed"):
        out = _owner(a)
    elif kind == "supervise":
        out = _supervision_owners(a)
    elif kind == "report_completion":
        out = [ADMINS, SUPERVISORS]
    elif kind in ("accept_completion", "reject_completion"):
        out = _supervision_owners(a)
    elif kind == "supervision_overdue":
        out = [*_supervision_owners(a), SUPERVISORS]
    actor_audience = None
    if e.actor is not None:
        actor_audience = {
            Role.ADMIN: ADMINS,
            Role.SUPERVISOR: SUPERVISORS,
        }.get(e.actor.role)
    seen: list[str] = []
    for audience in out:
        if audience not in seen and audience != actor_audience:
            seen.append(audience)
    return seen


def notice_audiences(directory: Directory) -> list[str]:
    """Who is told of a published notice (通报): every department and commissioner it may
    name, the service centre and the supervisors."""
    return (
        [f"department:{d}" for d in sorted(directory.departments)]
        + [f"commissioner:{c}" for c in sorted(directory.commissioners)]
        + [ADMINS, SUPERVISORS]
    )
