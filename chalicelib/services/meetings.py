"""The monthly joint meeting's use cases (集中会办, R4.4): the month's draft made by the
monthly job, the agenda set, the meeting recorded, and each decision putting its appeal
under supervision (督办) in one transaction with the meeting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.clock import BEIJING, iso, real_now
from chalicelib.domain import meetings
from chalicelib.domain.appeals import CASE_NUMBER
from chalicelib.domain.meetings import AgendaItem, Meeting
from chalicelib.domain.models import User
from chalicelib.domain.notifications import ADMINS
from chalicelib.domain.rules import Rules
from chalicelib.errors import ItemsRefused, NotFound, Refusal, VersionConflict
from chalicelib.store import appeals as appeal_store
from chalicelib.store import directory, notifications
from chalicelib.store import meetings as store


def open_month(now: datetime, rules: Rules, force: bool = False) -> dict[str, Any]:
    """From the first working day of ``now``'s month (``force``: at once), draft its meeting
    once with every open level-2 appeal, and flag the month before once if no meeting was
    recorded in it (the service centre told at once). A run that failed is made up the next
    day; a draft admins have edited is never touched again."""
    month = meetings.month_of(now)
    today = now.astimezone(BEIJING).date()
    if not force and today < meetings.first_working_day(month, rules.calendar):
        return {"month": month, "drafted": 0, "agenda": 0, "flagged": 0}
    existing = store.find(month)
    drafted = meetings.draft(month, appeal_store.level_two(), None) if existing is None else None
    saved = store.save(None, drafted, None) if drafted is not None else existing
    previous = meetings.previous_month(month)
    before = store.find(previous)
    missed = meetings.flag_missed(previous, before, now)
    if missed is not None:
        store.save(before, missed, None)
        # the SPA words it from the kind, in the reader's language; the reports count it too
        notifications.put(
            ADMINS,
            "meeting_missed",
            previous,
            iso(now),
            int(real_now().timestamp()),
            month=previous,
        )
    return {
        "month": month,
        "drafted": int(drafted is not None),
        "agenda": len(saved.agenda) if saved else 0,
        "flagged": int(missed is not None),
    }


def set_agenda(user: User, month: str, version: int, appeal_ids: list[str]) -> Meeting:
    """The draft's agenda, in the order given: decided items keep their decisions; any other
    must be an open level-2 appeal (``ItemsRefused`` by place otherwise)."""
    meeting = store.get(month)
    refused: list[Refusal] = []
    items: list[AgendaItem] = []
    for i, appeal_id in enumerate(appeal_ids):
        kept = meeting.item(appeal_id)
        if kept is not None:
            items.append(kept)
            continue
        try:
            if not CASE_NUMBER.match(appeal_id):
                raise NotFound("appeal_not_found")
            appeal, _ = appeal_store.load(appeal_id)
        except NotFound:
            refused.append(Refusal(i, "reference_not_found", {"id": appeal_id}))
            continue
        why = meetings.agenda_refusal(appeal)
        if why is not None:
            refused.append(Refusal(i, why, {"id": appeal_id}))
            continue
        items.append(meetings.agenda_item(appeal))
    if refused:
        raise ItemsRefused(refused)
    VersionConflict.unless(meeting.version, version)
    return store.save(meeting, meetings.set_agenda(meeting, items), user.actor())


def record(
    user: User,
    month: str,
    version: int,
    held_at: date,
    chair: str,
    attendees: list[str],
    now: datetime,
) -> Meeting:
    """Record that the month's meeting was held."""
    meetings.check_held_at(month, held_at, now)  # what was sent is checked before any read
    meeting = store.get(month)
    VersionConflict.unless(meeting.version, version)
    return store.save(
        meeting, meetings.record(meeting, held_at, chair, attendees, now), user.actor()
    )


def decide(
    user: User,
    month: str,
    version: int,
    appeal_id: str,
    departments: list[str],
    due_working_days: int,
    notes: str | None,
    now: datetime,
    rules: Rules,
) -> Meeting:
    """Decide an agenda item of a held meeting: the appeal supervised with the owners and
    deadline decided, written with the meeting in one transaction. A department closed
    meanwhile is ``ReferencesInactive``."""
    meeting = store.get(month)
    VersionConflict.unless(meeting.version, version)
    appeal, _ = appeal_store.load(appeal_id)
    found = directory.read((), tuple(departments))
    after, decision = meetings.decide(
        meeting, appeal, departments, due_working_days, notes, user, now, found, rules
    )
    return store.decide(meeting, after, appeal, decision, user.actor())
