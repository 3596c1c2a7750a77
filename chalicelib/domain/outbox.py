"""Messages that leave the platform, by SMS and by e-mail: who is told, and the words. They
are written with the event that causes them and sent later by the outbox job through a
provider (``chalicelib/jobs/outbox.py``).

- SMS: the person who filed or called hears that the reply is there, and how to give their
  verdict; the contact of a project application hears of its approval or rejection.
- E-mail, to the official mailboxes kept in the directory: a department, of an appeal
  transferred to it or put under its supervision; the owner commissioner and the service
  centre, of an appeal raised to level 1 (overdue, or escalated by its commissioner); the
  service centre, of one raised to the joint meeting (level 2); the owners, of a supervised
  item past its deadline. A unit without an address is told in the inbox only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from chalicelib.clock import BEIJING
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.applications import Application
from chalicelib.domain.applications import Status as AppStatus
from chalicelib.domain.lifecycle import Directory
from chalicelib.domain.privacy import mask_phone
from chalicelib.i18n import message

#: A mainland mobile number as stored (national digits): the only kind that takes SMS.
MOBILE = re.compile(r"1[3-9]\d{9}")

#: Events that may send e-mail (the store reads the directory only for these).
MAIL_EVENTS = frozenset({"transfer", "escalated", "supervise", "supervision_overdue"})


@dataclass(frozen=True)
class Message:
    channel: str  # "sms" or "email"
    to: str
    text: str
    subject: str = ""


def _when(stamp: str | None) -> str:
    """A deadline as a person reads it: Beijing time to the minute."""
    if not stamp:
        return "—"
    return datetime.fromisoformat(stamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _sms(appeal: Appeal, event: TimelineEvent) -> list[Message]:
    if event.type != "reply":
        return []
    phone = appeal.enterprise.caller_phone or appeal.contact_phone
    if not phone or not MOBILE.fullmatch(phone):
        return []  # a landline cannot take a text message
    web = appeal.enterprise.uscc and not appeal.enterprise.caller_phone
    how = message("sms_rate_online" if web else "sms_callback")
    return [
        Message("sms", phone, message("sms_replied", id=appeal.id, title=appeal.title, how=how))
    ]


def _mail(to: str | None, code: str, appeal: Appeal, **params: str) -> list[Message]:
    if not to:
        return []
    who = appeal.enterprise.name or message("unregistered_caller")
    fields = {"id": appeal.id, "title": appeal.title, "enterprise": who}
    fields.update(params)
    return [
        Message(
            "email",
            to,
            message(f"mail_{code}_body", **fields),
            subject=message(f"mail_{code}_subject", **fields),
        )
    ]


def _emails(
    appeal: Appeal, event: TimelineEvent, directory: Directory, centre: str | None
) -> list[Message]:
    def department(dept_id: str) -> str | None:
        info = directory.departments.get(dept_id)
        return info.email if info else None

    found = directory.commissioners.get(appeal.assignee.commissioner_id or "")
    owner_mail = found.email if found else None
    out: list[Message] = []
    if event.type == "transfer":
        for ref in event.departments or []:
            part = next((p for p in appeal.departments if p.id == ref.id), None)
            due = _when(part.due_at if part else None)
            out += _mail(department(ref.id), "transfer", appeal, department=ref.name, due=due)
    elif event.type == "escalated" and event.level == 1:
        reason = message(f"escalation_reason_{event.reason}") if event.reason else ""
        for to in dict.fromkeys(x for x in (owner_mail, centre) if x):
            out += _mail(to, "escalated", appeal, reason=reason)
    elif event.type == "escalated" and (event.level or 0) >= 2:
        out += _mail(centre, "level_two", appeal)
    elif event.type in ("supervise", "supervision_overdue") and appeal.supervision:
        sup = appeal.supervision
        targets = [department(d.id) for d in sup.departments] or [owner_mail]
        code = "supervise" if event.type == "supervise" else "supervision_overdue"
        for to in dict.fromkeys(x for x in targets if x):
            out += _mail(to, code, appeal, due=_when(sup.due_at))
    return out


def messages(
    appeal: Appeal,
    event: TimelineEvent,
    directory: Directory | None = None,
    centre: str | None = None,
) -> list[Message]:
    """Every message event ``event`` (which made ``appeal`` what it is) sends: SMS always
    as the rules say, e-mail when the directory is given (``centre``: the service centre's
    mailbox, from the configuration)."""
    out = _sms(appeal, event)
    if directory is not None and event.type in MAIL_EVENTS:
        out += _emails(appeal, event, directory, centre)
    return out


def application_messages(a: Application) -> list[Message]:
    """An application's decision, by SMS to the contact it names (a mobile): approved, or
    rejected with the reason. The other steps reach the enterprise's inbox only."""
    if a.status not in (AppStatus.APPROVED, AppStatus.REJECTED):
        return []
    phone = a.form.contact_phone
    if not MOBILE.fullmatch(phone):
        return []
    if a.status == AppStatus.APPROVED:
        text = message("sms_application_approved", id=a.id, title=a.form.project_name)
    else:
        text = message(
            "sms_application_rejected", id=a.id, title=a.form.project_name, reason=a.reason or ""
        )
    return [Message("sms", phone, text)]


def describe(channel: str, recipient: str) -> str:
    """A recipient as a log line may show it (a phone masked, a mailbox's local part cut)."""
    if channel == "email":
        local, _, domain = recipient.partition("@")
        return f"{local[:2]}***@{domain}"
    return mask_phone(recipient) or ""
