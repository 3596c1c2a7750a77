"""The monthly joint meeting's use cases (集中会办, R4.4): the month's draft made by the
monthly job, the agenda set, the meeting recorded, and each decision putting its appeal
under supervision (督办) in one transaction with the meeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.clock import BEIJING, iso, real_now
from chalicelib.config import settings
from chalicelib.domain import common_problems, meetings
from chalicelib.domain.appeals import CASE_NUMBER
from chalicelib.domain.meetings import AgendaItem, Meeting
from chalicelib.domain.models import User
from chalicelib.domain.notifications import ADMINS
from chalicelib.domain.rules import Rules
from chalicelib.errors import ItemsRefused, NotFound, Refusal, VersionConflict
from chalicelib.logs import logger
from chalicelib.store import appeal_search, directory, notifications
from chalicelib.store import appeals as appeal_store
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
    if drafted is not None:  # the common problems proposed beside the agenda (R4.3)
        drafted = _with_proposals(drafted, now)
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
        "proposals": len(drafted.proposals) if drafted else 0,
        "flagged": int(missed is not None),
    }


def _with_proposals(drafted: Meeting, now: datetime) -> Meeting:
    """The draft with the common problems proposed beside its agenda, or the draft alone if
    grouping failed: the month's meeting is never lost to a grouping error (logged, and the
    centre's 重新归集 button groups again)."""
    try:
        return meetings.propose(drafted, common_groups(now, frozenset()), now)
    except Exception:  # the draft is saved whatever grouping does
        logger.exception("common problems not grouped; the draft is saved without proposals")
        return drafted


def set_agenda(user: User, month: str, version: int, appeal_ids: list[str]) -> Meeting:
    """The draft's agenda, in the order given: decided items keep their decisions; any other
    must be an open level-2 appeal (``ItemsRefused`` by place otherwise). Common items stay
    after them: they come and go by their proposals."""
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
    items += [i for i in meeting.agenda if i.kind == "common"]  # kept: set through proposals
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


# --- common problems (共性诉求, R4.3; docs/meetings.md) ----------------------------------------


def thresholds() -> common_problems.Thresholds:
    """The grouping's thresholds as the settings say (``XQT_COMMON_*``)."""
    s = settings()
    return common_problems.Thresholds(
        min_appeals=s.common_min_appeals,
        min_enterprises=s.common_min_enterprises,
        similarity=s.common_similarity,
        recent_days=s.common_recent_days,
    )


def common_groups(now: datetime, exclude: frozenset[str]) -> list[common_problems.Proposal]:
    """The common problems among the open appeals and those closed lately, by index: the
    ``AP#OPEN`` list and a range of ``AP#CLOSED`` (docs/meetings.md gives the cost)."""
    t = thresholds()
    since = iso(now - timedelta(days=t.recent_days))
    read = appeal_search.common_candidates(since, settings().common_max_candidates)
    found = common_problems.group(read.appeals, now, t, exclude)
    logger.info(
        "common problems grouped",
        extra={
            "candidates": len(read.appeals),
            "requests": read.requests,
            "truncated": read.truncated,
            "groups": len(found),
        },
    )
    return found


def regroup(user: User, month: str, version: int, now: datetime) -> Meeting:
    """The centre's button: the draft's common problems grouped again now (accepted and
    dropped proposals kept as they are)."""
    meeting = store.get(month)
    VersionConflict.unless(meeting.version, version)
    meetings.propose(meeting, [], now)  # a draft only: refused before any reading
    fresh = common_groups(now, common_problems.accepted_appeals(meeting.proposals))
    return store.save(meeting, meetings.propose(meeting, fresh, now), user.actor())


def accept_proposal(
    user: User,
    month: str,
    version: int,
    group_id: str,
    title: str | None,
    appeal_ids: list[str] | None,
    now: datetime,
) -> Meeting:
    """A proposal accepted onto the agenda as one 共性诉求 item."""
    meeting = store.get(month)
    VersionConflict.unless(meeting.version, version)
    return store.save(
        meeting, meetings.accept(meeting, group_id, title, appeal_ids, now), user.actor()
    )


def drop_proposal(user: User, month: str, version: int, group_id: str) -> Meeting:
    """A proposal dropped (off the agenda too if it was accepted)."""
    meeting = store.get(month)
    VersionConflict.unless(meeting.version, version)
    return store.save(meeting, meetings.drop(meeting, group_id), user.actor())


#: Times an appeal of a common item is read again when a write on it won the race.
MEMBER_ATTEMPTS = 3


def decide_group(
    user: User,
    month: str,
    version: int,
    group_id: str,
    departments: list[str],
    due_working_days: int,
    notes: str | None,
    now: datetime,
    rules: Rules,
) -> Meeting:
    """Decide a common item of a held meeting: the decision recorded on the item (under the
    meeting's version), then every appeal of it supervised, each in a write of its own
    under its own version (a group may hold more appeals than one transaction). A run cut
    short leaves the rest ``pending``; deciding the item again finishes them."""
    meeting = store.get(month)
    VersionConflict.unless(meeting.version, version)
    item = meeting.group_item(group_id)
    if item is None or item.decision is None or not item.decision.pending:
        found = directory.read((), tuple(departments))
        after = meetings.decide_group(
            meeting, group_id, departments, due_working_days, notes, user, now, found, rules
        )
        meeting = store.save(meeting, after, user.actor())
    return _supervise_members(user, meeting, group_id, now, rules)


def _supervise_members(
    user: User, meeting: Meeting, group_id: str, now: datetime, rules: Rules
) -> Meeting:
    item = meeting.group_item(group_id)
    assert item is not None and item.decision is not None
    found = directory.read((), tuple(d.id for d in item.decision.departments))
    settled: list[tuple[str, bool]] = []
    for appeal_id in item.decision.pending:
        for _ in range(MEMBER_ATTEMPTS):
            appeal, _events = appeal_store.load(appeal_id)
            state = meetings.member_state(meeting.month, item, appeal)
            if state != "todo":
                break
            decision = meetings.supervise_member(meeting, item, appeal, user, now, found, rules)
            try:
                appeal_store.record(appeal, decision)
            except VersionConflict:
                continue  # written meanwhile: read it again and decide on what it is now
            state = "done"
            break
        else:
            raise VersionConflict("stale_version", id=appeal_id)
        settled.append((appeal_id, state == "done"))
    for _ in range(MEMBER_ATTEMPTS):
        after = meeting
        for appeal_id, supervised in settled:
            after = meetings.settle_member(after, group_id, appeal_id, supervised)
        try:
            return store.save(meeting, after, user.actor())
        except VersionConflict:
            meeting = store.get(meeting.month)  # another change to the meeting: keep it too
    raise VersionConflict("stale_version", month=meeting.month)
