"""督办 (R3.3, R5.2): an appeal put under supervision — by the ``supervise`` event or by a
joint meeting's decision — is tracked to closure apart from its own reply: its owners report
completion (办结报告), an admin or supervisor accepts it or sends it back."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import iso
from chalicelib.domain import calendar
from chalicelib.domain.appeal.decision import Directory, Outcome, Step
from chalicelib.domain.appeal.events import (
    AcceptCompletion,
    RejectCompletion,
    ReportCompletion,
    Supervise,
)
from chalicelib.domain.appeals import Appeal, DepartmentRef, Supervision, owns_supervision
from chalicelib.domain.codes import Role
from chalicelib.domain.models import User
from chalicelib.errors import FieldError, InvalidTransition, ValidationFailed


def check_owners(departments: list[str], directory: Directory) -> None:
    """Owner departments named once each, every one of them active (400 naming the item)."""
    errors: list[FieldError] = []
    for i, dept_id in enumerate(departments):
        info = directory.departments.get(dept_id)
        if info is None or not info.active:
            errors.append(FieldError(f"departments.{i}", "reference_not_found", {"id": dept_id}))
        elif dept_id in departments[:i]:
            errors.append(FieldError(f"departments.{i}", "duplicate", {"id": dept_id}))
    if errors:
        raise ValidationFailed(errors)


# -- what the appeal's state must allow (409 invalid_transition) ---------------------------


def not_under_supervision(
    appeal: Appeal, user: User, now: datetime | None
) -> InvalidTransition | None:
    """``supervise``: not while an earlier supervision is still open or reported."""
    sup = appeal.supervision
    if sup is not None and sup.status != "accepted":
        return InvalidTransition("already_supervised", id=appeal.id)
    return None


def supervision_is_yours(
    appeal: Appeal, user: User, now: datetime | None
) -> InvalidTransition | None:
    """``report_completion``: an open supervision, reported by one of its owner departments
    or, when it names none, by the owner commissioner."""
    sup = appeal.supervision
    if sup is None or sup.status != "open":
        return InvalidTransition("supervision_not_open", id=appeal.id)
    if user.role == Role.DEPARTMENT and not owns_supervision(user, appeal):
        return InvalidTransition("supervision_not_yours", id=appeal.id)
    if user.role == Role.COMMISSIONER and sup.departments:
        return InvalidTransition("supervision_not_yours", id=appeal.id)
    return None


def completion_reported(
    appeal: Appeal, user: User, now: datetime | None
) -> InvalidTransition | None:
    """``accept_completion`` / ``reject_completion``: only a reported completion."""
    sup = appeal.supervision
    if sup is None or sup.status != "reported":
        return InvalidTransition("supervision_not_reported", id=appeal.id)
    return None


# -- what the events do ----------------------------------------------------------------------


def supervise(appeal: Appeal, command: Supervise, step: Step) -> Outcome:
    """Put ``appeal`` under supervision in place, due ``due_working_days`` working days from
    now, owned by the departments named (none: the owner commissioner). A joint meeting's
    decision goes through here too (its ``source`` is set by :mod:`~chalicelib.domain.meetings`)."""
    check_owners(command.departments, step.directory)
    due = iso(
        calendar.add_working_days(step.now, command.due_working_days, step.rules.calendar).due_at
    )
    refs = [
        DepartmentRef(id=x, name=step.directory.departments[x].name, due_at=due)
        for x in command.departments
    ]
    appeal.supervision = Supervision(
        due_at=due, departments=refs, note=command.note, source="manual", started_at=iso(step.now)
    )
    appeal.supervised = True
    appeal.supervision_due_at = due
    fields = {
        "supervision_due_at": due,
        "working_days": command.due_working_days,
        "departments": refs,
        "note": command.note,
    }
    return Outcome(fields, departments_used=tuple(command.departments))


def report_completion(appeal: Appeal, command: ReportCompletion, step: Step) -> Outcome:
    """The owners report the supervised item done (办结报告)."""
    sup = appeal.supervision
    assert sup is not None  # supervision_is_yours
    sup.status = "reported"
    sup.report = command.content
    sup.reported_at = iso(step.now)
    return Outcome({"content": command.content, "supervision_due_at": sup.due_at})


def accept_completion(appeal: Appeal, command: AcceptCompletion, step: Step) -> Outcome:
    """The report is accepted: the supervised item is closed."""
    sup = appeal.supervision
    assert sup is not None  # completion_reported
    sup.status = "accepted"
    sup.accepted_at = iso(step.now)
    return Outcome({"note": command.note, "supervision_due_at": sup.due_at})


def reject_completion(appeal: Appeal, command: RejectCompletion, step: Step) -> Outcome:
    """The report is sent back, with a reason: the supervised item is open again."""
    sup = appeal.supervision
    assert sup is not None  # completion_reported
    sup.status = "open"
    return Outcome({"reason": command.reason, "supervision_due_at": sup.due_at})
