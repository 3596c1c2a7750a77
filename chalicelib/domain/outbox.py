"""Messages that leave the platform, by SMS and by e-mail: who is told, and the words. They
are written with the event that causes them and sent later by the outbox job through a
provider (``chalicelib/jobs/outbox.py``).

- SMS: the person who filed or called gets the case number as soon as the appeal is filed
  (受理回执), with where to follow its progress (the public ``/track`` page), and hears that
  the reply is there and how to give their verdict (答复通知); the contact of a project
  application hears of its approval or rejection. Only a mainland mobile takes a text. Each
  text is of a kind (:data:`SMS_KINDS`): its words, and the named parameters a gateway that
  sends registered templates (Alibaba Cloud SMS: a template code per kind) fills.
- E-mail, to the official mailboxes kept in the directory: a department, of an appeal
  transferred to it or put under its supervision; the owner commissioner and the service
  centre, of an appeal raised to level 1 (overdue, or escalated by its commissioner); the
  service centre, of one raised to the joint meeting (level 2); the owners, of a supervised
  item past its deadline. A unit without an address is told in the inbox only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.clock import BEIJING
from chalicelib.domain.appeal.decision import Directory
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.applications import Application
from chalicelib.domain.applications import Status as AppStatus
from chalicelib.domain.codes import ClosedAs
from chalicelib.domain.privacy import mask_phone
from chalicelib.i18n import message

#: A mainland mobile number as stored (national digits): the only kind that takes SMS.
MOBILE = re.compile(r"1[3-9]\d{9}")


@dataclass(frozen=True)
class Message:
    channel: str  # "sms" or "email"
    to: str
    text: str
    subject: str = ""
    #: an SMS's kind (a key of :data:`SMS_KINDS`) and its template parameters
    kind: str = ""
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SmsKind:
    """One kind of text message: what the county registers it as (``name``), its words (an
    i18n code filled from the parameters) and the parameters, by name, a registered
    template takes — each at most :data:`PARAM_MAX` characters."""

    name: str
    text: str
    params: tuple[str, ...]


#: Every kind of text message the platform sends (docs/sms.md: the templates to register).
SMS_KINDS: dict[str, SmsKind] = {
    "case_received": SmsKind("受理回执", "sms_case_received", ("id",)),
    "reply_online": SmsKind("答复通知（网上评价）", "sms_reply_online", ("id", "title")),
    "reply_callback": SmsKind("答复通知（热线回访）", "sms_reply_callback", ("id", "title")),
    "reply_merged": SmsKind("答复通知（合并办理）", "sms_merged_replied", ("id", "into")),
    "pause_materials": SmsKind("补充材料通知", "sms_pause_materials", ("id",)),
    "application_approved": SmsKind("申报通过", "sms_application_approved", ("id", "title")),
    "application_rejected": SmsKind(
        "申报未通过", "sms_application_rejected", ("id", "title", "reason")
    ),
}
#: Longest value of one template parameter (gateways cap a variable's length; a title or a
#: reason is cut, with an ellipsis, to fit).
PARAM_MAX = 20


def _fit(value: str) -> str:
    value = " ".join(value.split())  # one line: a template variable takes no line break
    return value if len(value) <= PARAM_MAX else value[: PARAM_MAX - 1] + "…"


def sms(kind: str, to: str, **params: str) -> Message:
    """A text message of ``kind`` to ``to``, its parameters cut to fit a template."""
    spec = SMS_KINDS[kind]
    fitted = {name: _fit(params[name]) for name in spec.params}
    extra = {k: v for k, v in params.items() if k not in fitted}  # words only, never a variable
    return Message("sms", to, message(spec.text, **fitted, **extra), kind=kind, params=fitted)


@dataclass(frozen=True)
class Links:
    """Addresses a text message may print: the public progress page (empty: not known)."""

    track: str = ""


def _mobile(appeal: Appeal) -> str | None:
    """The caller's or contact's phone where it is a mainland mobile (a landline cannot take
    a text message)."""
    for phone in (appeal.enterprise.caller_phone, appeal.contact_phone):
        if phone and MOBILE.fullmatch(phone):
            return phone
    return None


def _when(stamp: str | None) -> str:
    """A deadline as a person reads it: Beijing time to the minute."""
    if not stamp:
        return "—"
    return datetime.fromisoformat(stamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _case_received(appeal: Appeal, event: TimelineEvent, links: Links) -> list[Message]:
    """受理回执: the filer or caller gets the case number, and where to follow progress."""
    phone = _mobile(appeal)
    if not phone:
        return []
    where = links.track or message("sms_track_nowhere")
    return [sms("case_received", phone, id=appeal.id, where=where)]


def _reply_ready(appeal: Appeal, event: TimelineEvent, links: Links) -> list[Message]:
    """答复通知: the filer or caller hears that the reply is there, and how to give a verdict
    (online for an enterprise that filed on the web, by call-back for a caller)."""
    phone = _mobile(appeal)
    if not phone or appeal.closed_as == ClosedAs.ANSWERED_ON_CALL:  # heard on the call
        return []
    web = appeal.enterprise.uscc and not appeal.enterprise.caller_phone
    kind = "reply_online" if web else "reply_callback"
    return [sms(kind, phone, id=appeal.id, title=appeal.title)]


def _merged_reply_ready(appeal: Appeal, event: TimelineEvent, links: Links) -> list[Message]:
    """A duplicate's filer or caller hears that the appeal it was merged into was answered."""
    phone = _mobile(appeal)
    if not phone:
        return []
    return [sms("reply_merged", phone, id=appeal.id, into=event.merged_into or "")]


def _materials_asked(appeal: Appeal, event: TimelineEvent, links: Links) -> list[Message]:
    """挂起 awaiting the enterprise's materials: a registered enterprise hears that its appeal
    waits for them and reads which when it signs in (an unregistered caller, who cannot sign
    in, is called by the commissioner)."""
    phone = _mobile(appeal)
    if not phone or event.reason != "awaiting_enterprise" or not appeal.enterprise.uscc:
        return []
    return [sms("pause_materials", phone, id=appeal.id)]


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


@dataclass(frozen=True)
class _Mailboxes:
    """The official mailboxes an appeal's e-mail may go to."""

    directory: Directory
    centre: str | None

    def department(self, dept_id: str) -> str | None:
        info = self.directory.departments.get(dept_id)
        return info.email if info else None

    def owner(self, appeal: Appeal) -> str | None:
        found = self.directory.commissioners.get(appeal.assignee.commissioner_id or "")
        return found.email if found else None


#: What an event sends by SMS, and by e-mail to the official mailboxes.
SmsRule = Callable[[Appeal, TimelineEvent, Links], list[Message]]
EmailRule = Callable[[Appeal, TimelineEvent, _Mailboxes], list[Message]]


def _mail_transferred(appeal: Appeal, event: TimelineEvent, boxes: _Mailboxes) -> list[Message]:
    """Each department transferred to, with its part's deadline."""
    out: list[Message] = []
    for ref in event.departments or []:
        part = appeal.part(ref.id)
        due = _when(part.due_at if part else None)
        out += _mail(boxes.department(ref.id), "transfer", appeal, department=ref.name, due=due)
    return out


def _mail_escalated(appeal: Appeal, event: TimelineEvent, boxes: _Mailboxes) -> list[Message]:
    """Level 1: the owner commissioner and the service centre; level 2: the service centre."""
    if event.level == 1:
        reason = message(f"escalation_reason_{event.reason}") if event.reason else ""
        out: list[Message] = []
        for to in dict.fromkeys(x for x in (boxes.owner(appeal), boxes.centre) if x):
            out += _mail(to, "escalated", appeal, reason=reason)
        return out
    if (event.level or 0) >= 2:
        return _mail(boxes.centre, "level_two", appeal)
    return []


def _mail_supervision_owners(code: str) -> EmailRule:
    """The supervised item's owner departments (none named: the owner commissioner)."""

    def send(appeal: Appeal, event: TimelineEvent, boxes: _Mailboxes) -> list[Message]:
        sup = appeal.supervision
        if sup is None:
            return []
        targets = [boxes.department(d.id) for d in sup.departments] or [boxes.owner(appeal)]
        out: list[Message] = []
        for to in dict.fromkeys(x for x in targets if x):
            out += _mail(to, code, appeal, due=_when(sup.due_at))
        return out

    return send


#: The text message each event sends (``None``: none).
SMS: dict[EventType, SmsRule | None] = {
    EventType.FILED: _case_received,
    EventType.ACCEPT: None,
    EventType.ACCEPT_PART: None,
    EventType.TRANSFER: None,
    EventType.DEPARTMENT_REPLY: None,
    EventType.RETURN: None,
    EventType.REPLY: _reply_ready,
    EventType.CONFIRM: None,
    EventType.CALLBACK: None,
    EventType.REASSIGN: None,
    EventType.SET_URGENCY: None,
    EventType.REQUEST_EXTENSION: None,
    EventType.APPROVE_EXTENSION: None,
    EventType.REJECT_EXTENSION: None,
    EventType.ESCALATE: None,  # recorded as escalated
    EventType.ESCALATED: None,
    EventType.SUPERVISE: None,
    EventType.REPORT_COMPLETION: None,
    EventType.ACCEPT_COMPLETION: None,
    EventType.REJECT_COMPLETION: None,
    EventType.WARNED: None,
    EventType.MARKED_OVERDUE: None,
    EventType.AUTO_CLOSED: None,
    EventType.DEADLINE_RECOMPUTED: None,
    EventType.SUPERVISION_OVERDUE: None,
    EventType.SIGN_OVERDUE: None,
    EventType.PART_WARNED: None,
    EventType.PART_OVERDUE: None,
    EventType.MERGE: None,
    EventType.VOID: None,
    EventType.REPEAT_CALL: None,
    EventType.MERGED: None,
    EventType.MERGED_REPLY: _merged_reply_ready,
    EventType.CLOSED: None,
    EventType.PAUSE: _materials_asked,  # awaiting_enterprise only (the inbox tells the rest)
    EventType.RESUME: None,
    EventType.PAUSE_EXPIRED: None,
    EventType.SUPPLEMENT: None,  # the enterprise's own step: its owner hears in the inbox
    EventType.WITHDRAW: None,  # the enterprise withdrew it itself: no text to tell it so
    EventType.PROGRESS: None,
}

#: The e-mail each event sends to official mailboxes (``None``: none).
EMAILS: dict[EventType, EmailRule | None] = {
    EventType.FILED: None,
    EventType.ACCEPT: None,
    EventType.ACCEPT_PART: None,
    EventType.TRANSFER: _mail_transferred,
    EventType.DEPARTMENT_REPLY: None,
    EventType.RETURN: None,
    EventType.REPLY: None,
    EventType.CONFIRM: None,
    EventType.CALLBACK: None,
    EventType.REASSIGN: None,
    EventType.SET_URGENCY: None,
    EventType.REQUEST_EXTENSION: None,
    EventType.APPROVE_EXTENSION: None,
    EventType.REJECT_EXTENSION: None,
    EventType.ESCALATE: None,  # recorded as escalated
    EventType.ESCALATED: _mail_escalated,
    EventType.SUPERVISE: _mail_supervision_owners("supervise"),
    EventType.REPORT_COMPLETION: None,
    EventType.ACCEPT_COMPLETION: None,
    EventType.REJECT_COMPLETION: None,
    EventType.WARNED: None,
    EventType.MARKED_OVERDUE: None,
    EventType.AUTO_CLOSED: None,
    EventType.DEADLINE_RECOMPUTED: None,
    EventType.SUPERVISION_OVERDUE: _mail_supervision_owners("supervision_overdue"),
    EventType.SIGN_OVERDUE: None,  # the inbox tells the centre
    EventType.PART_WARNED: None,
    EventType.PART_OVERDUE: None,
    EventType.MERGE: None,
    EventType.VOID: None,
    EventType.REPEAT_CALL: None,
    EventType.MERGED: None,
    EventType.MERGED_REPLY: None,
    EventType.CLOSED: None,
    EventType.PAUSE: None,  # the inbox tells the enterprise (an SMS kind would need a template)
    EventType.RESUME: None,
    EventType.PAUSE_EXPIRED: None,
    EventType.SUPPLEMENT: None,  # the inbox tells the owner and the departments
    EventType.WITHDRAW: None,
    EventType.PROGRESS: None,
}

#: Events that may send e-mail (the store reads the directory only for these).
MAIL_EVENTS = frozenset(kind for kind, rule in EMAILS.items() if rule is not None)


def messages(
    appeal: Appeal,
    event: TimelineEvent,
    directory: Directory | None = None,
    centre: str | None = None,
    links: Links | None = None,
) -> list[Message]:
    """Every message event ``event`` (which made ``appeal`` what it is) sends: SMS always
    as the rules say (``links``: addresses they may print, from the configuration), e-mail
    when the directory is given (``centre``: the service centre's mailbox)."""
    rule = SMS[event.type]
    out = rule(appeal, event, links or Links()) if rule else []
    email = EMAILS[event.type]
    if directory is not None and email is not None:
        out += email(appeal, event, _Mailboxes(directory, centre))
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
        return [sms("application_approved", phone, id=a.id, title=a.form.project_name)]
    reason = a.reason or ""
    return [sms("application_rejected", phone, id=a.id, title=a.form.project_name, reason=reason)]


def describe(channel: str, recipient: str) -> str:
    """A recipient as a log line may show it (a phone masked, a mailbox's local part cut)."""
    if channel == "email":
        local, _, domain = recipient.partition("@")
        return f"{local[:2]}***@{domain}"
    return mask_phone(recipient) or ""
