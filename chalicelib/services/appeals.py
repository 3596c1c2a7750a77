"""The appeal's use cases: a step posted by a user, a finding of the sweep acted on, and the
provisional deadlines counted again when a year's notice is loaded."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.appeal import sweep, transitions
from chalicelib.domain.appeal.decision import Decision, Directory
from chalicelib.domain.appeal.events import Command, Reassign, Supervise, Transfer
from chalicelib.domain.appeals import Appeal, TimelineEvent, can_read
from chalicelib.domain.models import User
from chalicelib.domain.rules import Rules
from chalicelib.errors import NotFound, VersionConflict
from chalicelib.store import appeals as store
from chalicelib.store import directory

#: Steps that name no other record decide without reading the directory.
_NO_DIRECTORY = Directory(commissioners={}, departments={})
#: How often a platform step is decided again when someone changed the appeal meanwhile.
_ATTEMPTS = 3


def readable(user: User, appeal_id: str) -> tuple[Appeal, list[TimelineEvent]]:
    """The appeal and its timeline, if ``user`` may read it; otherwise it does not exist for
    them (404, never 403)."""
    appeal, events = store.load(appeal_id)
    if not can_read(user, appeal):
        raise NotFound("appeal_not_found", id=appeal_id)
    return appeal, events


def post_event(
    user: User, appeal_id: str, command: Command, now: datetime, rules: Rules
) -> tuple[Decision, list[TimelineEvent]]:
    """One step of the appeal's life by ``user``: load, decide, record in one transaction.
    Returns the decision and the timeline before it. A lost race is ``VersionConflict``; a
    commissioner or department that went inactive meanwhile ``ReferencesInactive``."""
    appeal, events = readable(user, appeal_id)
    commissioner_ids = (command.commissioner_id,) if isinstance(command, Reassign) else ()
    department_ids = tuple(command.departments) if isinstance(command, Transfer | Supervise) else ()
    needs = commissioner_ids or department_ids
    found = directory.read(commissioner_ids, department_ids) if needs else _NO_DIRECTORY
    decision = transitions.decide(appeal, command, user, now, found, rules)
    store.record(appeal, decision)
    return decision, events


def act_on_finding(appeal_id: str, finding: str, deadline: str, now: datetime) -> str:
    """What the sweep found, acted on by the platform (R4.2): returns the event recorded, or
    ``nothing`` when it was already done or is no longer true. Decided again on what is
    there when someone changed the appeal meanwhile."""
    for _attempt in range(_ATTEMPTS):
        appeal, _ = store.load(appeal_id)
        decision = sweep.act_on(appeal, finding, deadline, now)
        if decision is None:
            return "nothing"
        try:
            store.record(appeal, decision)
        except VersionConflict:
            continue
        return str(decision.event.type)
    raise VersionConflict("stale_version", given=appeal.version)


def recount_provisional(now: datetime, rules: Rules, limit: int = 500) -> int:
    """Count the deadlines of open provisional appeals again on ``rules``' calendar (a year's
    notice was loaded), each with a ``deadline_recomputed`` event; returns how many moved or
    became final.

    Reads the sparse provisional list page by page. A county has at most some hundreds of
    such appeals (those filed in the weeks before a year without a notice)."""
    changed = 0
    for appeal_id in store.provisional_ids(limit):
        for _attempt in range(_ATTEMPTS):
            appeal, _ = store.load(appeal_id)
            decision = sweep.recompute(appeal, now, rules)
            if decision is None:
                break
            try:
                store.record(appeal, decision)
            except VersionConflict:
                continue  # changed meanwhile: read it again
            changed += 1
            break
    return changed
