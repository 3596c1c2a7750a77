"""Local-stage routes (API.md "Local stage only"): demo users, tokens from the local issuer,
and the business clock. ``app.py`` registers this blueprint only on the local stack and in
the tests that emulate it; in a deployed stage these routes do not exist."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chalicelib import clock
from chalicelib.api.contract import Api, Ctx
from chalicelib.auth import local_issuer
from chalicelib.config import settings
from chalicelib.domain.models import Instant, Strict, Username
from chalicelib.errors import NotFound
from chalicelib.store import settings as settings_store
from chalicelib.store import users as user_store

api = Api(__name__, "dev", local_only=True)


class DevUser(BaseModel):
    username: str
    role: str
    display_name: str
    enterprise_uscc: str | None = None
    commissioner_id: str | None = None
    department_id: str | None = None
    service_account: bool = False


class DevUsers(BaseModel):
    items: list[DevUser]


class TokenRequest(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"username": "admin"}, {"username": "ent-hengrun", "ttl_seconds": -60}]
        },
    )

    username: Username
    ttl_seconds: int = Field(3600, ge=-86400, le=7 * 86400, description="negative: already expired")
    audience: str | None = Field(
        None, min_length=1, max_length=200, description="default: the app's"
    )


class Token(BaseModel):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int


class ClockRequest(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"now": "2026-09-23T10:00:00+08:00"}, {"now": None}]},
    )

    now: Instant | None = Field(
        description="ISO 8601 with offset, years 2000–2099; null resets to real time"
    )


class ClockState(BaseModel):
    now: str
    real: bool


@api.route("/dev/users", summary="演示用户（仅本地环境）", public=True, response=DevUsers)
def dev_users(ctx: Ctx) -> DevUsers:
    """Every seeded user, to pick one and sign in as it."""
    items, cursor = user_store.page(100, None)
    while cursor:
        more, cursor = user_store.page(100, cursor)
        items.extend(more)
    return DevUsers(items=[DevUser.model_validate(u) for u in items if u.get("active", True)])


@api.route(
    "/dev/token",
    "POST",
    summary="签发本地令牌（仅本地环境）",
    public=True,
    request=TokenRequest,
    response=Token,
    errors=(404,),
)
def dev_token(ctx: Ctx, body: TokenRequest) -> Token:
    """A JWT from the local issuer for a seeded user; ``ttl_seconds`` and ``audience`` let
    tests prove expired and foreign tokens are refused."""
    cfg = settings()
    # off when the local stack trusts another issuer (infra/local/server.py): its tokens
    # would be refused anyway
    if not (cfg.local_issuer_key_file and cfg.auth_jwks_file):
        raise NotFound("local_issuer_off", issuer=cfg.auth_issuer)
    user = user_store.by_username(body.username)
    token = local_issuer.sign(
        cfg.local_issuer_key_file,
        cfg.auth_jwks_file,
        user["subject"],
        username=user["username"],
        ttl_seconds=body.ttl_seconds,
        audience=body.audience or cfg.auth_audience,
        issuer=user["issuer"],
    )
    return Token(token=token, expires_in=body.ttl_seconds)


@api.route(
    "/dev/clock",
    "POST",
    summary="设置业务时钟（仅本地环境）",
    public=True,
    request=ClockRequest,
    response=ClockState,
)
def dev_clock(ctx: Ctx, body: ClockRequest) -> ClockState:
    """Move the business clock (it keeps ticking from there); ``null`` resets it."""
    now = clock.set_now(body.now)
    return ClockState(now=clock.iso(now), real=body.now is None)


@api.route("/dev/clock", summary="业务时钟（仅本地环境）", public=True, response=ClockState)
def dev_clock_get(ctx: Ctx) -> ClockState:
    return ClockState(
        now=clock.iso(clock.now()), real=abs((clock.now() - clock.real_now()).total_seconds()) < 1
    )


class JobResult(BaseModel):
    """What a job did, and what its queue's consumer did with the messages it produced."""

    job: str
    result: dict[str, int | str]
    processed: int = Field(
        description="messages this call handled (the background poller may take others); "
        "either way the queue is empty when it answers"
    )
    failed: int = Field(description="messages that failed (retried, then dead-lettered)")


JOBS = (
    "deadline-sweep",
    "monthly-meeting",
    "outbox",
    "monthly-report",
    "reports",
    "jobs",
    "search-snapshot",
)


@api.route(
    "/dev/jobs/{name}",
    "POST",
    summary="立即运行定时任务（仅本地环境）",
    public=True,
    response=JobResult,
    errors=(404,),
)
def dev_job(ctx: Ctx, name: str) -> JobResult:
    """Run a scheduled job now on the business clock, then process the queue messages it
    produced before answering."""
    from chalicelib.jobs import (
        dispatch,
        escalations,
        meetings,
        outbox,
        reports,
        runner,
        search_snapshot,
        sweep,
    )

    if name not in JOBS:
        raise NotFound("job_not_found", name=name, jobs=", ".join(JOBS))
    if name == "jobs":  # long jobs queued (policy pushes, imports): run them now
        drained = runner.drain(settings().job_queue, dispatch.handler, timeout=120)
        return JobResult(job=name, result={}, **drained)
    if name in ("monthly-report", "reports"):  # reports: build what is queued now
        in_force = settings_store.rules()
        result = (
            reports.monthly(clock.now(), in_force, force=True) if name == "monthly-report" else {}
        )
        drained = runner.drain(
            settings().report_queue, lambda e: reports.handler(e, in_force), timeout=120
        )
        return JobResult(job=name, result=result, **drained)
    if name == "search-snapshot":  # the enterprise search's snapshot: fold (or build) it now
        done = search_snapshot.run(clock.now())
        shown = {k: v if type(v) is int else str(v) for k, v in done.items()}
        return JobResult(job=name, result=shown, processed=0, failed=0)
    if name == "monthly-meeting":  # run now whatever the day (the schedule waits for the 1st)
        result = meetings.run(clock.now(), settings_store.rules(), force=True)
    elif name == "outbox":
        result = outbox.run(clock.now())
    else:
        result = sweep.run(clock.now())
    in_force = settings_store.rules()  # a pause ended by the sweep counts working days
    drained = runner.drain(settings().escalation_queue, lambda e: escalations.handler(e, in_force))
    return JobResult(job=name, result=result, **drained)
