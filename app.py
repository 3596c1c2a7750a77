"""兴企通 (Xingqitong): the Chalice app. It registers blueprints, middleware and event
handlers, and nothing else; the rules live in ``chalicelib/domain``."""

from __future__ import annotations

import os
from typing import Any

from chalice import Chalice, Cron, Rate

from chalicelib.api import (
    appeals,
    applications,
    calendar,
    catalogs,
    enterprises,
    financing,
    health,
    imports,
    inbox,
    knowledge,
    meetings,
    middleware,
    openapi,
    policies,
    public,
    reports,
    uploads,
    users,
    webhooks,
)
from chalicelib.api.contract import API_PREFIX
from chalicelib.logs import quiet_libraries

app = Chalice(app_name="xingqitong", configure_logs=False)
app.api.binary_types = []  # every response is text (JSON); no Accept header games

for module in (
    health,
    openapi,
    enterprises,
    catalogs,
    users,
    appeals,
    calendar,
    meetings,
    inbox,
    reports,
    policies,
    knowledge,
    financing,
    uploads,
    imports,
    applications,
    public,
    webhooks,
):
    app.register_blueprint(module.api.blueprint, url_prefix=API_PREFIX)

# The dev routes exist only where the local stack (or a test emulating it) says so before
# import; `chalice package` for dev/prod never sets this, so they are absent there.
if os.environ.get("XQT_STAGE") in ("local", "test"):
    from chalicelib.api import dev

    app.register_blueprint(dev.api.blueprint, url_prefix=API_PREFIX)

app.register_middleware(middleware.http_middleware, "http")
quiet_libraries()

#: The sweep's rate (minutes; 5 by default). The local stack runs it on the same rate.
SWEEP_MINUTES = int(os.environ.get("XQT_SWEEP_MINUTES", "5"))
ESCALATION_QUEUE = os.environ.get("XQT_ESCALATION_QUEUE", "xingqitong-escalations")
REPORT_QUEUE = os.environ.get("XQT_REPORT_QUEUE", "xingqitong-reports")
JOB_QUEUE = os.environ.get("XQT_JOB_QUEUE", "xingqitong-jobs")


@app.schedule(Rate(SWEEP_MINUTES, unit=Rate.MINUTES), name="deadline_sweep")
def deadline_sweep(event: Any) -> dict[str, Any]:
    """Find what is due (warnings, overdue, auto-close) and queue it (R4.2)."""
    from chalicelib import clock
    from chalicelib.jobs import sweep

    return sweep.run(clock.now())


@app.on_sqs_message(queue=ESCALATION_QUEUE, batch_size=10, name="escalations")
def escalations(event: Any) -> dict[str, Any]:
    """Act on each finding; failures are reported per message (partial batch response)."""
    from chalicelib.jobs import escalations as consumer
    from chalicelib.store import settings

    return consumer.handler(event.to_dict(), settings.rules())


@app.schedule(Cron(0, 1, "*", "*", "?", "*"), name="monthly_meeting")
def monthly_meeting(event: Any) -> dict[str, Any]:
    """Daily at 09:00 Beijing: on the first working day of a month, draft the month's joint
    meeting and flag the month before if none was held (R4.4)."""
    from chalicelib import clock
    from chalicelib.jobs import meetings as job
    from chalicelib.store import settings

    return job.run(clock.now(), settings.rules())


@app.schedule(Rate(1, unit=Rate.MINUTES), name="send_outbox")
def send_outbox(event: Any) -> dict[str, Any]:
    """Send pending SMS through the configured provider (at least once)."""
    from chalicelib import clock
    from chalicelib.jobs import outbox

    return outbox.run(clock.now())


@app.on_sqs_message(queue=REPORT_QUEUE, batch_size=1, name="reports")
def report_builds(event: Any) -> dict[str, Any]:
    """Build a requested report (one per invocation: a month's report may take a minute)."""
    from chalicelib.jobs import reports as job
    from chalicelib.store import settings

    return job.handler(event.to_dict(), settings.rules())


@app.schedule(Cron(30, 1, "*", "*", "?", "*"), name="monthly_report")
def monthly_report(event: Any) -> dict[str, Any]:
    """Daily at 09:30 Beijing: on the first working day of a month, last month's report
    (after the joint meeting's check, so a month without a meeting is in it)."""
    from chalicelib import clock
    from chalicelib.jobs import reports as job
    from chalicelib.store import settings

    return job.monthly(clock.now(), settings.rules())


#: How often the enterprise search's register snapshot takes in the writes since it (minutes).
SEARCH_SNAPSHOT_MINUTES = int(os.environ.get("XQT_SEARCH_SNAPSHOT_MINUTES", "5"))


@app.schedule(Rate(SEARCH_SNAPSHOT_MINUTES, unit=Rate.MINUTES), name="search_snapshot")
def search_snapshot(event: Any) -> dict[str, Any]:
    """Fold the enterprise writes since the search's snapshot into it (once a day, rebuild
    it from the register): docs/search.md."""
    from chalicelib import clock
    from chalicelib.jobs import search_snapshot as job

    return job.run(clock.now())


@app.on_sqs_message(queue=JOB_QUEUE, batch_size=1, name="jobs")
def long_jobs(event: Any) -> dict[str, Any]:
    """Long jobs (a policy's push, an import), page by page with checkpoints."""
    from chalicelib.jobs import dispatch

    return dispatch.handler(event.to_dict())
