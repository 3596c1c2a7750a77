"""Personal data shown only to those entitled to it: phone numbers masked.

A caller's phone is masked for every reader but the owner, admins and the operator who took
the call; every log line masks every phone number it contains.
"""

from __future__ import annotations

import re

# Mainland mobiles (optionally +86) and landlines with an area code, not inside a longer
# run of letters or digits (so credit codes and case numbers are left alone).
_PHONE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])"
)


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
