"""Project applications (项目申报, R1.4): a policy opens an application window with the
materials an application must carry; an enterprise applies with a form and its files while
the window is open; the reviewing department (or the service centre) works its queue:
submitted → under review → approved, or rejected with a reason; the enterprise may withdraw
an application nobody has started reviewing. Every rule is here; ``docs/applications.md``
says them in words.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.clock import BEIJING, iso
from chalicelib.domain.codes import Role
from chalicelib.domain.models import Actor, Enterprise, Name, Phone, Strict, Timestamp, User
from chalicelib.domain.notifications import ADMINS
from chalicelib.domain.policies import Policy, Reason, ensure_changeable, match
from chalicelib.domain.uploads import Attachment, duplicates
from chalicelib.domain.windows import Window, window_state
from chalicelib.errors import Forbidden, InvalidTransition, ValidationFailed

#: Files an application may carry for each material.
MAX_FILES_PER_MATERIAL = 10
#: The service centre, as a reviewer (a window without a reviewing department).
CENTRE = "centre"


class Status(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


#: Where an application is when nobody will act on it again.
FINAL = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})
#: An enterprise may apply again to a policy once its application was turned down or
#: withdrawn; not while one is open, nor after an approval.
REAPPLY_AFTER = frozenset({Status.REJECTED, Status.WITHDRAWN})


class ApplicationForm(Strict):
    """The form of an application (申报表)."""

    project_name: str = Field(min_length=1, max_length=100, description="项目名称")
    summary: str = Field(min_length=1, max_length=3000, description="项目简介")
    amount: float | None = Field(
        None, ge=0, le=10_000_000, description="申请资金（万元）, when the policy grants money"
    )
    contact_name: Name
    contact_phone: Phone


class MaterialFiles(BaseModel):
    """The files an application carries for one material."""

    material_id: str
    name: str = Field(description="the material's name, as the window asked for it")
    attachments: list[Attachment]


class Step(BaseModel):
    """One step of an application's progress."""

    status: Status
    at: Timestamp
    by: Actor
    note: str | None = Field(None, description="the reason of a rejection, a reviewer's note")


class Eligibility(BaseModel):
    """How the enterprise met the policy's conditions when it applied (for the reviewer:
    applying is not refused for a condition not met; the review decides)."""

    matched: bool
    reasons: list[Reason]


class Application(BaseModel):
    """A project application (项目申报)."""

    id: str = Field(description="e.g. SB-20261127-3fa9c1")
    policy_id: str
    policy_title: str
    uscc: str
    enterprise_name: str
    form: ApplicationForm
    materials: list[MaterialFiles]
    eligibility: Eligibility
    reviewer_department_id: str | None = Field(None, description="null: the service centre")
    reviewer_name: str
    status: Status
    reason: str | None = Field(None, description="why it was rejected")
    history: list[Step]
    submitted_at: Timestamp
    decided_at: Timestamp | None = None
    filed_by: str
    version: int
    created_at: Timestamp
    updated_at: Timestamp


def material_problems(window: Window, given: list[str]) -> list[tuple[str, str]]:
    """Every problem of the materials given: each named again (by its place), and
    :func:`missing_materials`."""
    again = [(f"materials.{i}.material_id", "material_duplicate") for i in duplicates(given)]
    return again + missing_materials(window, given)


def missing_materials(window: Window, given: list[str]) -> list[tuple[str, str]]:
    """``(field, code)`` for each problem of the materials given (their ids, in the
    request's order, each with files): a material the window did not ask for, named by its
    place; a required material without files, named by its id."""
    problems = []
    asked = {m.id for m in window.materials}
    for i, material_id in enumerate(given):
        if material_id not in asked:
            problems.append((f"materials.{i}.material_id", "material_unknown"))
    for m in window.materials:
        if m.required and m.id not in given:
            problems.append((f"materials.{m.id}", "material_required"))
    return problems


def new_application(
    application_id: str,
    policy: Policy,
    window: Window,
    enterprise: Enterprise,
    form: ApplicationForm,
    materials: list[MaterialFiles],
    user: User,
    now: datetime,
) -> Application:
    """An application as submitted: to the window's reviewer, with how the enterprise meets
    the policy's conditions kept for the review (applying is not refused for one not met)."""
    at = iso(now)
    found = match(policy.conditions, enterprise)
    return Application(
        id=application_id,
        policy_id=policy.id,
        policy_title=policy.title,
        uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        form=form,
        materials=materials,
        eligibility=Eligibility(matched=found.matched, reasons=found.reasons + found.failed),
        reviewer_department_id=window.reviewer_department_id,
        reviewer_name=window.reviewer_name,
        status=Status.SUBMITTED,
        history=[Step(status=Status.SUBMITTED, at=at, by=user.actor())],
        submitted_at=at,
        filed_by=user.username,
        version=1,
        created_at=at,
        updated_at=at,
    )


def open_window(policy: Policy, now: datetime) -> Window:
    """The window of a policy an enterprise applies to, open at ``now``: a draft does not
    exist for it (400 naming ``policy_id``); a withdrawn policy takes nothing more, nor one
    without a window, before its window opens or from the moment it closes (409)."""
    if policy.status == "draft":
        raise ValidationFailed.one("policy_id", "policy_not_found", id=policy.id)
    ensure_changeable(policy)
    window = policy.application
    if window is None:
        raise InvalidTransition("application_no_window", id=policy.id)
    state = window_state(window, now)
    if state == "not_open":
        raise InvalidTransition("application_window_not_open", opens_at=_minute(window.opens_at))
    if state == "closed":
        raise InvalidTransition("application_window_closed", closes_at=_minute(window.closes_at))
    return window


def _minute(stamp: str) -> str:
    """A time as a person reads it in a message: Beijing, to the minute."""
    return f"{datetime.fromisoformat(stamp).astimezone(BEIJING):%Y-%m-%d %H:%M}"


def queue_of(user: User, requested: str | None) -> str:
    """The review queue ``user`` reads: a department its own (another's is 403); the service
    centre its own or any department's; nobody else has one (400 naming ``scope``)."""
    if user.role == Role.DEPARTMENT and user.department_id:
        if requested not in (None, user.department_id):
            raise Forbidden("application_not_yours", action="queue")
        return user.department_id
    if user.role == Role.ADMIN:
        return requested or CENTRE
    raise ValidationFailed.one("scope", "scope_not_for_role")


def reviewer_key(department_id: str | None) -> str:
    """The queue an application waits in: its department's, or the service centre's."""
    return department_id or CENTRE


def can_read(user: User, a: Application) -> bool:
    """The enterprise that applied, its reviewers, the service centre and supervisors."""
    if user.role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    if user.role == Role.ENTERPRISE:
        return user.enterprise_uscc == a.uscc
    return can_review(user, a)


def can_review(user: User, a: Application) -> bool:
    """The reviewing department's people, and the service centre for every application."""
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.DEPARTMENT
        and a.reviewer_department_id is not None
        and user.department_id == a.reviewer_department_id
    )


Action = Literal["review", "approve", "reject", "withdraw"]

#: action → (the statuses it may follow, the status it leads to)
MOVES: dict[str, tuple[frozenset[Status], Status]] = {
    "review": (frozenset({Status.SUBMITTED}), Status.UNDER_REVIEW),
    "approve": (frozenset({Status.UNDER_REVIEW}), Status.APPROVED),
    "reject": (frozenset({Status.UNDER_REVIEW}), Status.REJECTED),
    "withdraw": (frozenset({Status.SUBMITTED}), Status.WITHDRAWN),
}


def _may(user: User, a: Application, action: str) -> bool:
    if action == "withdraw":
        return user.role == Role.ENTERPRISE and user.enterprise_uscc == a.uscc
    return can_review(user, a)


def allowed_actions(user: User, a: Application) -> list[str]:
    """The actions ``user`` may take on ``a`` now."""
    return [
        action
        for action, (after, _) in MOVES.items()
        if a.status in after and _may(user, a, action)
    ]


def move(
    a: Application, action: Action, user: User, note: str | None, now: datetime
) -> Application:
    """``a`` after ``action`` by ``user``: 403 for someone who may not take it, 409 for a
    step out of order, 400 naming ``note`` for a rejection without one."""
    after_statuses, to = MOVES[action]
    if not _may(user, a, action):
        raise Forbidden("application_not_yours", action=action)
    if a.status not in after_statuses:
        raise InvalidTransition("application_transition", action=action, status=a.status.value)
    if action == "reject" and not (note and note.strip()):
        raise ValidationFailed.one("note", "rejection_reason_required")
    at = iso(now)
    step = Step(status=to, at=at, by=user.actor(), note=note.strip() if note else None)
    return a.model_copy(
        update={
            "status": to,
            "reason": step.note if to == Status.REJECTED else a.reason,
            "history": [*a.history, step],
            "decided_at": at if to in (Status.APPROVED, Status.REJECTED) else a.decided_at,
            "updated_at": at,
        }
    )


#: The inbox kind of each status an application reaches (the SPA words it).
KINDS = {
    Status.SUBMITTED: "application_submitted",
    Status.UNDER_REVIEW: "application_under_review",
    Status.APPROVED: "application_approved",
    Status.REJECTED: "application_rejected",
    Status.WITHDRAWN: "application_withdrawn",
}


def audiences(a: Application, status: Status) -> list[str]:
    """Who hears of a step in their inbox: the enterprise of every step the reviewers took;
    the reviewers of the enterprise's own steps (a new application, a withdrawal). Nobody is
    told of what they did themselves."""
    reviewers = f"department:{a.reviewer_department_id}" if a.reviewer_department_id else ADMINS
    if status in (Status.SUBMITTED, Status.WITHDRAWN):
        return [reviewers]
    return [f"enterprise:{a.uscc}"]
