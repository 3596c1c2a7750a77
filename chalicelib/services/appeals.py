"""The appeal's use cases: a step posted by a user (a merge writes its master too; a reply
reaches the duplicates merged in), a finding of the sweep acted on, and the provisional
deadlines counted again when a year's notice is loaded."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.appeal import duplicates, similarity, sweep, transitions
from chalicelib.domain.appeal.decision import Decision, Directory
from chalicelib.domain.appeal.events import (
    Command,
    EventType,
    Merge,
    Reassign,
    Supervise,
    Supplement,
    Transfer,
)
from chalicelib.domain.appeals import CASE_NUMBER, Appeal, TimelineEvent, can_read
from chalicelib.domain.models import User
from chalicelib.domain.rules import Rules
from chalicelib.domain.uploads import PURPOSES, Attachment
from chalicelib.errors import NotFound, ReferenceMissing, VersionConflict
from chalicelib.store import appeal_search, directory, uploads
from chalicelib.store import appeals as store

#: Steps that name no other record decide without reading the directory.
_NO_DIRECTORY = Directory(commissioners={}, departments={})
#: What a supplement's files are uploaded as (the filing's own purpose).
_APPEAL_FILES = PURPOSES["appeal_attachment"]
#: How often a platform step is decided again when someone changed the appeal meanwhile.
_ATTEMPTS = 3
#: How many findings one message may act on in a row (an appeal's checks all due at once).
_CHAIN = 8


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
    if isinstance(command, Merge):
        return _merge(appeal, command, user, now, rules), events
    commissioner_ids = (command.commissioner_id,) if isinstance(command, Reassign) else ()
    department_ids = tuple(command.departments) if isinstance(command, Transfer | Supervise) else ()
    needs = commissioner_ids or department_ids
    found = directory.read(commissioner_ids, department_ids) if needs else _NO_DIRECTORY
    files = _supplement_files(appeal, command, user, now)
    decision = transitions.decide(appeal, command, user, now, found, rules, files)
    store.record(appeal, decision, also=_passed_on(decision, now))
    return decision, events


def _supplement_files(
    appeal: Appeal, command: Command, user: User, now: datetime
) -> tuple[Attachment, ...]:
    """A supplement's files, each checked in the bucket (``ItemsRefused`` by place) — once
    the caller is known to be allowed the step, so nobody else learns anything of uploads."""
    if not isinstance(command, Supplement) or not command.attachments:
        return ()
    transitions.permit(appeal, command, user, now)
    return tuple(uploads.attach(command.attachments, _APPEAL_FILES, user.username))


def _merge(duplicate: Appeal, command: Merge, user: User, now: datetime, rules: Rules) -> Decision:
    """A duplicate closed into its master, both written in one transaction; the master must
    exist (``ReferenceMissing`` naming ``into``) and take it (409 otherwise)."""
    try:
        if not CASE_NUMBER.match(command.into):
            raise NotFound("appeal_not_found", id=command.into)
        master, _ = store.load(command.into)
    except NotFound:
        raise ReferenceMissing("into", command.into) from None
    duplicates.check_target(master, duplicate)
    closed = transitions.decide(duplicate, command, user, now, _NO_DIRECTORY, rules)
    joined = duplicates.join(closed, master, user, now)
    store.record(duplicate, closed, also=[(master, joined)])
    return closed


def _passed_on(decision: Decision, now: datetime) -> list[tuple[Appeal, Decision]]:
    """A reply to an appeal that duplicates were merged into reaches each of them, in the
    reply's own transaction (``duplicates.MAX_MERGED`` keeps it within one)."""
    master = decision.appeal
    if decision.event.type != EventType.REPLY or not master.merged_from:
        return []
    out = []
    for duplicate_id in master.merged_from:
        duplicate, _ = store.load(duplicate_id)
        out.append((duplicate, duplicates.pass_reply_on(duplicate, master, now)))
    return out


def similar(user: User, appeal_id: str, limit: int = 10) -> list[similarity.Match]:
    """Open appeals likely about the same problem as this one, among those ``user`` may read
    (candidates by index: the enterprise's latest and the category's latest open ones)."""
    appeal, _ = readable(user, appeal_id)
    numbers = sorted(similarity.phones_of(appeal))
    candidates = appeal_search.similar_candidates(appeal.enterprise.uscc, appeal.category, numbers)
    mine = [c for c in candidates if can_read(user, c)]
    return similarity.rank(similarity.probe_of(appeal), mine, limit)


def similar_to_call(probe: similarity.Probe, limit: int = 10) -> list[similarity.Match]:
    """The caller's own open appeals (by its enterprise, or by the number it calls from)
    likely about what it is saying now: the console offers them for a repeat call before a
    new appeal is filed."""
    numbers = sorted(probe.phones)
    candidates = (
        appeal_search.similar_candidates(probe.uscc, None, numbers) if probe.uscc or numbers else []
    )
    return similarity.rank(probe, candidates, limit)


def act_on_finding(appeal_id: str, finding: str, deadline: str, now: datetime, rules: Rules) -> str:
    """What the sweep found, acted on by the platform (R4.2): returns the event recorded, or
    ``nothing`` when it was already done or is no longer true. Decided again on what is
    there when someone changed the appeal meanwhile. When the appeal's next check point has
    come too (a sign-for marked late, its reply warning already due), that is acted on now
    rather than by the next sweep — at most :data:`_CHAIN` in all."""
    first = "nothing"
    for _link in range(_CHAIN):
        after = _act_once(appeal_id, finding, deadline, now, rules)
        if after is None:
            break
        first = first if first != "nothing" else str(after.event.type)
        following = sweep.due_now(after.appeal, now)
        if following is None:
            break
        finding, deadline = following
    return first


def _act_once(
    appeal_id: str, finding: str, deadline: str, now: datetime, rules: Rules
) -> Decision | None:
    for _attempt in range(_ATTEMPTS):
        appeal, _ = store.load(appeal_id)
        decision = sweep.act_on(appeal, finding, deadline, now, rules)
        if decision is None:
            return None
        try:
            store.record(appeal, decision)
        except VersionConflict:
            continue
        return decision
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
