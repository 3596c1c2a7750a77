"""Personal data shown only to those entitled to it: phone numbers masked.

A caller's phone is masked for every reader but the owner, admins and the operator who took
the call; an enterprise's contacts' phones are masked for departments and supervisors; every
log line masks every phone number it contains. :func:`mask_phone` is the one way a phone is
masked (``138****5678``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chalicelib.domain.codes import Role

if TYPE_CHECKING:  # the log formatter imports this module at start; the models load later
    from chalicelib.domain.models import Enterprise

# Mainland mobiles (optionally +86) and landlines with an area code, not inside a longer
# run of letters or digits (so credit codes and case numbers are left alone).
_PHONE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])"
)

#: Who reads an enterprise's record with its contacts' phones masked: departments (they read
#: the enterprises whose appeals were transferred to them, to know whom a part concerns; the
#: owner commissioner is the one who calls) and supervisors (they read everything, to
#: supervise, not to phone). The enterprise itself, operators, commissioners and the
#: service centre see the numbers they call.
CONTACT_PHONES_MASKED_FOR = frozenset({Role.DEPARTMENT, Role.SUPERVISOR})


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; short numbers keep only their last two digits."""
    if not phone:
        return phone
    value = phone.strip()
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_phones_in_text(text: str) -> str:
    """Every phone number found in free text, masked (for logs)."""
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)) or "", text)


def sees_contact_phones(role: Role) -> bool:
    """Whether a user of this role sees an enterprise's contacts' phones in full."""
    return role not in CONTACT_PHONES_MASKED_FOR


def present_enterprise(enterprise: Enterprise, role: Role) -> Enterprise:
    """The enterprise as a user of ``role`` may see it: contacts' phones masked for
    departments and supervisors."""
    if sees_contact_phones(role):
        return enterprise
    contacts = [c.model_copy(update={"phone": mask_phone(c.phone)}) for c in enterprise.contacts]
    return enterprise.model_copy(update={"contacts": contacts})


def _masked_contacts(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [{**c, "phone": mask_phone(c.get("phone"))} if isinstance(c, dict) else c for c in value]


def present_enterprise_changes(changes: dict[str, Any], role: Role) -> dict[str, Any]:
    """An enterprise's audit entry (the record on create, ``{field: {from, to}}`` on change)
    as a user of ``role`` may see it: contacts' phones masked as in the record itself."""
    contacts = changes.get("contacts")
    if sees_contact_phones(role) or contacts is None:
        return changes
    if isinstance(contacts, dict):  # a change: {from, to}
        shown = {k: _masked_contacts(v) for k, v in contacts.items()}
    else:
        shown = _masked_contacts(contacts)
    return {**changes, "contacts": shown}
