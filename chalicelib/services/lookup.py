"""Public progress (进度查询): a case number and the phone on the appeal, no account.

The refusals are one: a wrong phone, an unknown case number and one that cannot be a case
number each read the throttle, read an appeal's partition (a number that cannot name one
reads a partition that holds nothing, never a key made of what was typed), record a failed
try against the number and the client, and answer the same 404. Past the throttle's limits
(``domain/public.py``) the answer is a 429 with the seconds to wait, whatever the phone.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import public
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.errors import NotFound, TooManyRequests
from chalicelib.store import appeals as appeal_store
from chalicelib.store import lookups

#: What a case number that cannot name an appeal is looked up as: a partition with nothing.
NO_APPEAL = "~none"


def _load(case_number: str | None) -> tuple[Appeal, list[TimelineEvent]] | None:
    try:
        return appeal_store.load(case_number or NO_APPEAL)
    except NotFound:
        return None


def look_up(
    case_number: str, phone: str, client_address: str, now: datetime
) -> public.PublicProgress:
    """The appeal's public progress, or ``NotFound("lookup_not_found")`` (the one refusal),
    or ``TooManyRequests`` while the number or the client is past its limit. ``now`` is real
    time: the throttle counts real hours, whatever the business clock says."""
    now_ms = int(now.timestamp() * 1000)
    number = public.case_number_of(case_number)
    subjects = lookups.Subjects.of(number or case_number.strip().upper(), client_address)
    tried = lookups.failures(subjects, now_ms)
    wait = max(
        public.wait_seconds(tried.case, public.LIMITS.per_case, now_ms),
        public.wait_seconds(tried.client, public.LIMITS.per_client, now_ms),
    )
    if wait:
        raise TooManyRequests("lookup_throttled", retry_after=wait)
    found = _load(number)
    matched = public.phone_matches(found[0] if found else None, phone)  # normalised either way
    if found is None or not matched:
        lookups.record_failure(subjects, now_ms)
        raise NotFound("lookup_not_found")
    return public.present(*found)
