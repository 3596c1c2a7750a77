"""Publishing a notice (通报, R5.3) from a finished report: every department, commissioner
and the service centre are told in their inboxes."""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from chalicelib import clock
from chalicelib.domain import notices
from chalicelib.domain.models import User
from chalicelib.domain.notifications import notice_audiences
from chalicelib.domain.reports import Figures
from chalicelib.errors import InvalidTransition, NotFound, ReferenceMissing
from chalicelib.store import directory, files, notifications
from chalicelib.store import reports as store

#: DynamoDB's limit of actions in one transaction.
_TRANSACTION_ACTIONS = 100


def publish(
    user: User, report_id: str, title: str, text: str, corrects: str | None, now: datetime
) -> notices.Notice:
    """Publish a notice of a finished report (``ReferenceMissing`` for a report or corrected
    notice that does not exist; 409 for a report not done or a notice corrected already).

    The notice, the corrected notice's pointer to it and the inboxes are written in one
    transaction. A county with more audiences than a transaction holds (about 98) gets the
    rest right after, each under a stable id so a retry writes none twice."""
    try:
        report = store.get(report_id)
    except NotFound:
        raise ReferenceMissing("report_id", report_id) from None
    if report["status"] != "done":
        raise InvalidTransition("report_not_done", id=report_id)
    if corrects:
        try:
            original = store.notice(corrects)
        except NotFound:
            raise ReferenceMissing("corrects", corrects) from None
        if original.get("corrected_by"):
            raise InvalidTransition("notice_already_corrected", id=corrects)
    figures = Figures.model_validate_json(files.read(report["outputs"]["json"]))
    at = clock.iso(now)
    notice = notices.compose(
        notice_id=f"N-{clock.to_beijing(now):%Y%m%d}-{secrets.token_hex(3)}",
        title=title,
        text=text,
        report_id=report_id,
        figures=figures,
        corrects=corrects,
        by=user.actor(),
        at=at,
    )
    epoch = int(clock.real_now().timestamp())
    kind = "notice_corrected" if corrects else "notice_published"
    told = [
        notifications.put_action(
            audience, kind, title, at, epoch, notice_id=notice.id, stable_id=notice.id
        )
        for audience in notice_audiences(directory.read())
    ]
    link = [store.correction_link(corrects, notice.id)] if corrects else []
    room = _TRANSACTION_ACTIONS - 1 - len(link)  # the notice, its link, then inboxes
    try:
        store.publish(json.loads(notice.model_dump_json()), link + told[:room])
    except store.db.ConditionFailed:
        raise InvalidTransition("notice_already_corrected", id=corrects or "") from None
    notifications.write_batch(told[room:])
    return notice
