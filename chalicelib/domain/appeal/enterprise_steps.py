"""The enterprise's own steps on its appeal (12345 practice): a supplement (补充材料) adds
words and files while the appeal is not closed; a withdrawal (撤回) before a reply closes it
as ``withdrawn`` — off every deadline and queue, its open department parts closed, and in no
rate (``codes.UNCOUNTED``: it was not handled to an end)."""

from __future__ import annotations

from chalicelib.domain.appeal import pause
from chalicelib.domain.appeal.decision import Outcome, Step
from chalicelib.domain.appeal.duplicates import close_before_reply
from chalicelib.domain.appeal.events import Supplement, Withdraw
from chalicelib.domain.appeals import Appeal, DepartmentRef
from chalicelib.domain.codes import ClosedAs, PartStatus
from chalicelib.errors import FieldError, ValidationFailed

#: Files all supplements of one appeal may add together (each is kept on the appeal item).
MAX_SUPPLEMENT_ATTACHMENTS = 30


def supplement(appeal: Appeal, command: Supplement, step: Step) -> Outcome:
    """补充材料: the enterprise's words and files (``step.attachments``, already checked in
    the bucket) added to its appeal; the owner and the departments with an open part are
    told. A file the appeal keeps already is a 400 naming ``attachments.{i}``; at most
    :data:`MAX_SUPPLEMENT_ATTACHMENTS` files over all supplements (400 naming
    ``attachments``)."""
    files = list(step.attachments)
    again = [
        FieldError(f"attachments.{i}", "attachment_duplicate", {})
        for i, f in enumerate(files)
        if appeal.attachment(f.id) is not None
    ]
    if again:  # a file the appeal keeps already (filed with it, or supplemented before)
        raise ValidationFailed(again)
    if len(appeal.supplement_attachments) + len(files) > MAX_SUPPLEMENT_ATTACHMENTS:
        raise ValidationFailed.one(
            "attachments", "too_many_attachments", max=MAX_SUPPLEMENT_ATTACHMENTS
        )
    appeal.supplements += 1
    appeal.supplement_attachments = [*appeal.supplement_attachments, *files]
    fields = {"content": command.content, "attachments": files or None}
    if pause.ended_by_supplement(appeal):  # the materials asked for: the clock runs again
        ended = pause.end_pause(appeal, step.now, step.rules, "supplement")
        fields |= {k: v for k, v in ended.items() if k != "reason"}  # the shift, not the why
    return Outcome(fields)


def withdraw(appeal: Appeal, command: Withdraw, step: Step) -> Outcome:
    """撤回: the enterprise withdraws its appeal before a reply, with a reason. It closes as
    ``withdrawn``; department parts still open close with it (``closed``) and are named on
    the event (those departments are told)."""
    closed = []
    for part in appeal.open_parts:
        part.status = PartStatus.CLOSED
        closed.append(DepartmentRef(id=part.id, name=part.name, due_at=part.due_at))
    close_before_reply(appeal, ClosedAs.WITHDRAWN, step.now)
    return Outcome(
        {
            "reason": command.reason,
            "closed_as": ClosedAs.WITHDRAWN,
            "departments": closed or None,
        }
    )
