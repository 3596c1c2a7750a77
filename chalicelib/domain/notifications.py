"""Who hears of what (the inbox): each appeal event notifies the people who must act on it
or who are waiting for it. A notification is addressed to an audience — the role binding a
user acts for — so every user's inbox is one list, and nobody's is written twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, field_validator

from chalicelib.domain.appeal.decision import Directory
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.codes import Role, Status
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
    notice_id: str | None = Field(None, description="notice_published: the notice（通报）")
    policy_id: str | None = Field(None, description="policy_matched: the policy")
    application_id: str | None = Field(
        None, description="application_*: the project application（项目申报）"
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


def _owner_of_open(a: Appeal, e: TimelineEvent) -> list[str]:
    """The owner, of an appeal to be handled (one answered on the call is done already)."""
    return _owner(a, e) if a.status != Status.CLOSED else []


def _owner(a: Appeal, e: TimelineEvent) -> list[str]:
    """The owner commissioner (the service centre while the appeal is in triage)."""
    cid = a.assignee.commissioner_id
    return [f"commissioner:{cid}"] if cid else [ADMINS]


def _enterprise(a: Appeal, e: TimelineEvent) -> list[str]:
    return [f"enterprise:{a.enterprise.uscc}"] if a.enterprise.uscc else []


def _nobody(a: Appeal, e: TimelineEvent) -> list[str]:
    return []


def _centre(a: Appeal, e: TimelineEvent) -> list[str]:
    return [ADMINS]


def _departments_transferred(a: Appeal, e: TimelineEvent) -> list[str]:
    return [f"department:{d.id}" for d in e.departments or []]


def _enterprise_and_caller(a: Appeal, e: TimelineEvent) -> list[str]:
    """The enterprise, and the operator who posted the call (for the call-back)."""
    return _enterprise(a, e) + ([f"operator:{a.posted_by}"] if a.posted_by else [])


def _owner_and_enterprise(a: Appeal, e: TimelineEvent) -> list[str]:
    return _owner(a, e) + _enterprise(a, e)


def _escalated(a: Appeal, e: TimelineEvent) -> list[str]:
    """The service centre; the owner too when the sweep raised it (overdue)."""
    return [ADMINS] + (_owner(a, e) if e.actor is None else [])


def _supervision_owners(a: Appeal, e: TimelineEvent) -> list[str]:
    sup = a.supervision
    if sup is None:
        return []
    return [f"department:{d.id}" for d in sup.departments] or _owner(a, e)


def _centre_and_supervisors(a: Appeal, e: TimelineEvent) -> list[str]:
    return [ADMINS, SUPERVISORS]


def _supervision_owners_and_supervisors(a: Appeal, e: TimelineEvent) -> list[str]:
    return [*_supervision_owners(a, e), SUPERVISORS]


def _part_of(a: Appeal, e: TimelineEvent) -> list[str]:
    return [f"department:{e.part}"] if e.part else []


def _sign_overdue(a: Appeal, e: TimelineEvent) -> list[str]:
    """A sign-for not made in time: the service centre (and the department, of its part)."""
    return [ADMINS, *_part_of(a, e)]


def _department_and_owner(a: Appeal, e: TimelineEvent) -> list[str]:
    """A part's warning or overdue mark: the department and the owner commissioner."""
    return [*_part_of(a, e), *_owner(a, e)]


def _resumed(a: Appeal, e: TimelineEvent) -> list[str]:
    """The clock runs again: the enterprise; the owner too when the centre resumed it."""
    owner = _owner(a, e) if e.actor is not None and e.actor.role == Role.ADMIN else []
    return [*_enterprise(a, e), *owner]


def _owner_and_open_parts(a: Appeal, e: TimelineEvent) -> list[str]:
    """A supplement: the owner and every department with a part still open (the material
    may be for it)."""
    return _owner(a, e) + [f"department:{p.id}" for p in a.open_parts]


def _owner_and_parts_closed(a: Appeal, e: TimelineEvent) -> list[str]:
    """A withdrawal: the owner, and the departments whose open parts closed with it (named on
    the event): none of them has anything left to do."""
    return _owner(a, e) + _departments_transferred(a, e)


#: Who hears of each event, given the appeal as the event left it.
AUDIENCES: dict[EventType, Callable[[Appeal, TimelineEvent], list[str]]] = {
    EventType.FILED: _owner_of_open,
    EventType.ACCEPT: _nobody,
    EventType.ACCEPT_PART: _nobody,  # the owner sees it signed on the appeal
    EventType.TRANSFER: _departments_transferred,
    EventType.DEPARTMENT_REPLY: _owner,
    EventType.RETURN: _owner,
    EventType.REPLY: _enterprise_and_caller,
    EventType.CONFIRM: _owner,
    EventType.CALLBACK: _owner,
    EventType.REASSIGN: _owner,
    EventType.SET_URGENCY: _owner_and_enterprise,
    EventType.REQUEST_EXTENSION: _centre,
    EventType.APPROVE_EXTENSION: _owner_and_enterprise,
    EventType.REJECT_EXTENSION: _owner,
    EventType.ESCALATE: _nobody,  # recorded as escalated
    EventType.ESCALATED: _escalated,
    EventType.SUPERVISE: _supervision_owners,
    EventType.REPORT_COMPLETION: _centre_and_supervisors,
    EventType.ACCEPT_COMPLETION: _supervision_owners,
    EventType.REJECT_COMPLETION: _supervision_owners,
    EventType.WARNED: _owner,
    EventType.MARKED_OVERDUE: _owner,
    EventType.AUTO_CLOSED: _owner,
    EventType.DEADLINE_RECOMPUTED: _owner_and_enterprise,
    EventType.SUPERVISION_OVERDUE: _supervision_owners_and_supervisors,
    EventType.SIGN_OVERDUE: _sign_overdue,
    EventType.PART_WARNED: _department_and_owner,
    EventType.PART_OVERDUE: _department_and_owner,
    EventType.MERGE: _enterprise,  # the duplicate's enterprise: its appeal goes on elsewhere
    EventType.VOID: _enterprise,
    EventType.REPEAT_CALL: _owner,
    EventType.MERGED: _owner,
    EventType.MERGED_REPLY: _enterprise,  # the master's reply, on the duplicate
    EventType.CLOSED: _nobody,  # answered on the call: the caller heard it there
    # 挂起: the enterprise hears its appeal is paused and why (awaiting its materials: which)
    EventType.PAUSE: _enterprise,
    EventType.RESUME: _resumed,
    EventType.PAUSE_EXPIRED: _owner_and_enterprise,  # the owner's clock runs again by itself
    EventType.SUPPLEMENT: _owner_and_open_parts,
    EventType.WITHDRAW: _owner_and_parts_closed,
    EventType.PROGRESS: _nobody,  # a unit's ledger entry: on the timeline, nobody is told
}


def audiences(a: Appeal, e: TimelineEvent) -> list[str]:
    """Who is notified of event ``e`` that made appeal ``a`` what it is now (never the actor's
    own audience: nobody is told of what they just did)."""
    actor_audience = None
    if e.actor is not None:
        actor_audience = {
            Role.ADMIN: ADMINS,
            Role.SUPERVISOR: SUPERVISORS,
        }.get(e.actor.role)
    seen: list[str] = []
    for audience in AUDIENCES[e.type](a, e):
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
