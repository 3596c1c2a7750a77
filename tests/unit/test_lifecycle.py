"""The appeal lifecycle (chalicelib.domain.appeal) and who reads what of an appeal
(chalicelib.domain.appeals): pure, no AWS.

Dates are real 2026 dates against the official calendar: 2026-09-25 (Fri) is the Mid-Autumn
holiday, 10-01..10-07 National Day, 10-10 (Sat) a make-up working day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.clock import BEIJING, iso
from chalicelib.domain import appeals
from chalicelib.domain.appeal import sweep, transitions
from chalicelib.domain.appeal.decision import Decision, DepartmentInfo, Directory
from chalicelib.domain.appeal.events import COMMANDS, Accept, Command, parse_command
from chalicelib.domain.appeals import Appeal, Party, TimelineEvent
from chalicelib.domain.codes import (
    UNCOUNTED,
    Category,
    Channel,
    CommissionerKind,
    PartStatus,
    Role,
    Status,
    Urgency,
)
from chalicelib.domain.models import Actor, Coverage, User
from chalicelib.domain.routing import Candidate, Route, RouteReason
from chalicelib.domain.rules import Rules
from chalicelib.errors import (
    AppError,
    Forbidden,
    InvalidTransition,
    ValidationFailed,
    VersionConflict,
)

# -- the cast --------------------------------------------------------------------------------

STAMP = "2026-01-05T09:00:00+08:00"
USCC = "91320623MA1MXXXX0D"
OTHER_USCC = "91320623MA1MYYYY1E"
CALLER_PHONE = "13812345678"
MASKED_PHONE = "138****5678"

DEPT_A = "natural-resources"  # transferred to in most scenarios
DEPT_B = "market-regulation"  # another department
DEPT_C = "human-resources"
DEPT_OFF = "archives"  # inactive


def user(username: str, role: Role, **binding: Any) -> User:
    return User(
        username=username,
        display_name=f"用户 {username}",
        role=role,
        issuer="https://idp.example.test",
        subject=f"sub-{username}",
        version=1,
        created_at=STAMP,
        updated_at=STAMP,
        **binding,
    )


OWNER = user("zhang.owner", Role.COMMISSIONER, commissioner_id="c-owner")
OTHER_COMMISSIONER = user("li.other", Role.COMMISSIONER, commissioner_id="c-other")
ADMIN = user("centre.admin", Role.ADMIN)
SUPERVISOR = user("office.supervisor", Role.SUPERVISOR)
OPERATOR = user("op.wang", Role.OPERATOR)  # posted the hotline call
OTHER_OPERATOR = user("op.zhao", Role.OPERATOR)
ENTERPRISE = user("ent-hengrun", Role.ENTERPRISE, enterprise_uscc=USCC)
OTHER_ENTERPRISE = user("ent-other", Role.ENTERPRISE, enterprise_uscc=OTHER_USCC)
DEPT_USER = user("dept.natres", Role.DEPARTMENT, department_id=DEPT_A)
OTHER_DEPT_USER = user("dept.market", Role.DEPARTMENT, department_id=DEPT_B)

ALL_USERS = [
    OWNER,
    OTHER_COMMISSIONER,
    ADMIN,
    SUPERVISOR,
    OPERATOR,
    OTHER_OPERATOR,
    ENTERPRISE,
    OTHER_ENTERPRISE,
    DEPT_USER,
    OTHER_DEPT_USER,
]
#: One user per role who stands in the right relation to the appeals built below.
BY_ROLE = {
    Role.ENTERPRISE: ENTERPRISE,
    Role.OPERATOR: OPERATOR,
    Role.COMMISSIONER: OWNER,
    Role.DEPARTMENT: DEPT_USER,
    Role.ADMIN: ADMIN,
    Role.SUPERVISOR: SUPERVISOR,
}


def candidate(cid: str, name: str, active: bool = True) -> Candidate:
    return Candidate(
        id=cid, name=name, kind=CommissionerKind.SIZE_CLASS, coverage=Coverage(), active=active
    )


OWNER_CANDIDATE = candidate("c-owner", "张专员")
DIRECTORY = Directory(
    commissioners={
        "c-owner": OWNER_CANDIDATE,
        "c-other": candidate("c-other", "李专员"),
        "c-retired": candidate("c-retired", "王专员", active=False),
    },
    departments={
        DEPT_A: DepartmentInfo(DEPT_A, "县自然资源局"),
        DEPT_B: DepartmentInfo(DEPT_B, "县市场监管局"),
        DEPT_C: DepartmentInfo(DEPT_C, "县人社局"),
        DEPT_OFF: DepartmentInfo(DEPT_OFF, "县档案馆", active=False),
    },
)

# -- building and driving appeals ------------------------------------------------------------

#: The library's calendar and the default service levels (no year loaded, nothing changed).
RULES = Rules()
FILED_AT = datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING)  # Wednesday; 5 working days → 10-08
DUE_NORMAL = "2026-10-08T23:59:59+08:00"


def file_appeal(
    *,
    at: datetime = FILED_AT,
    urgency: Urgency = Urgency.NORMAL,
    owner: Candidate | None = OWNER_CANDIDATE,
    channel: Channel = Channel.HOTLINE_12345,
    uscc: str | None = USCC,
) -> Appeal:
    """A hotline call of the registered enterprise (unless ``uscc`` is None), posted by
    OPERATOR and routed to ``owner`` (None: the triage queue)."""
    hotline = channel != Channel.WEB
    if owner is not None:
        reason = RouteReason.COVERAGE
    else:
        reason = RouteReason.TRIAGE if uscc else RouteReason.UNKNOWN_CALLER
    appeal, _ = appeals.new_appeal(
        appeal_id=f"XQT-{at:%Y%m%d}-0001",
        channel=channel,
        party=Party(
            uscc=uscc, name="如东恒润机械有限公司", caller_phone=CALLER_PHONE if hotline else None
        ),
        category=Category.LAND,
        title="厂房扩建用地指标",
        content="扩建厂房需要新增用地指标,请协调。",
        urgency=urgency,
        route=Route(owner, reason),
        filed_by=OPERATOR if hotline else ENTERPRISE,
        now=at,
        rules=RULES,
        contact_name="陈经理",
        contact_phone="13900001111",
    )
    return appeal


class Clock:
    """Hands out strictly increasing business times, an hour apart, from after filing."""

    def __init__(self, start: datetime = FILED_AT) -> None:
        self.current = start

    def __call__(self) -> datetime:
        self.current += timedelta(hours=1)
        return self.current


def command(appeal: Appeal, type_: str, **fields: Any) -> Command:
    return parse_command({"type": type_, "version": appeal.version, **fields})


def run(
    appeal: Appeal, actor: User, type_: str, at: datetime | None = None, **fields: Any
) -> Decision:
    when = at if at is not None else datetime.fromisoformat(appeal.updated_at) + timedelta(hours=1)
    return transitions.decide(
        appeal, command(appeal, type_, **fields), actor, when, DIRECTORY, RULES
    )


def step(appeal: Appeal, actor: User, type_: str, at: datetime | None = None, **fields: Any):
    return run(appeal, actor, type_, at, **fields).appeal


#: A body that is valid for each event (the status table and the role table use these).
BODIES: dict[str, dict[str, Any]] = {
    "accept": {},
    "accept_part": {},
    "transfer": {"departments": [DEPT_B]},
    "department_reply": {"content": "经核实,可在年度指标中统筹安排。"},
    "return": {"reason": "不属于本部门职责"},
    "reply": {"content": "已协调自然资源局统筹安排用地指标。", "reason": "部门意见已口头确认"},
    "confirm": {"resolved": True, "satisfaction": 5},
    "callback": {"resolved": True, "satisfaction": 4},
    "reassign": {"commissioner_id": "c-other"},
    "set_urgency": {"urgency": "urgent", "reason": "企业停产待批"},
    "request_extension": {"working_days": 2, "reason": "需协调省级部门"},
    "approve_extension": {},
    "reject_extension": {},
    "escalate": {"reason": "multi_department"},
    "supervise": {"due_working_days": 5},
    "report_completion": {"content": "已办结"},
    "accept_completion": {},
    "reject_completion": {"reason": "材料不全"},
    "merge": {"into": "XQT-20261201-0099", "reason": "同一问题重复反映"},
    "void": {"reason": "测试来电"},
    "pause": {"reason": "awaiting_enterprise", "note": "请补充土地权属证明"},
    "resume": {},
    "supplement": {"content": "补充:用地红线图已上传。"},
    "withdraw": {"reason": "问题已自行解决"},
    "progress": {"content": "已约谈企业，正在核实地块权属"},
}


# -- appeals in each status, two flavours ----------------------------------------------------
# plain: no department involved; joint: DEPT_A has a part (open wherever the flow allows it).


def received() -> Appeal:
    return file_appeal()


def in_triage() -> Appeal:
    return file_appeal(owner=None)


def processing() -> Appeal:
    return step(received(), OWNER, "accept")


def replied() -> Appeal:
    return step(processing(), OWNER, "reply", content="已答复")


def closed() -> Appeal:
    return step(replied(), ENTERPRISE, "confirm", resolved=True, satisfaction=5)


def joint_processing() -> Appeal:
    """Processing, DEPT_A's part open."""
    return step(processing(), OWNER, "transfer", departments=[DEPT_A])


def joint_received() -> Appeal:
    """Back in received with the owner (via triage and reassignment); DEPT_A's part replied."""
    a = step(joint_processing(), DEPT_USER, "department_reply", content="已办")
    a = step(a, OWNER, "return", reason="属其他专员联系企业")
    return step(a, ADMIN, "reassign", commissioner_id="c-owner")


def joint_replied() -> Appeal:
    """Replied while DEPT_A's part is still open."""
    return step(joint_processing(), OWNER, "reply", content="先行答复", reason="部门仍在核实")


def joint_closed() -> Appeal:
    """Closed; DEPT_A's part was left open when the reply went out."""
    return step(joint_replied(), ENTERPRISE, "confirm", resolved=True, satisfaction=5)


PLAIN: dict[Status, Callable[[], Appeal]] = {
    Status.RECEIVED: received,
    Status.PROCESSING: processing,
    Status.REPLIED: replied,
    Status.CLOSED: closed,
}


def pending(build: Callable[[], Appeal]) -> Callable[[], Appeal]:
    """``build``'s appeal with an extension asked for by the owner."""
    return lambda: step(
        build(), OWNER, "request_extension", working_days=2, reason="需协调省级部门"
    )


def pending_replied() -> Appeal:
    return step(pending(processing)(), OWNER, "reply", content="已答复")


PENDING: dict[Status, Callable[[], Appeal]] = {
    Status.RECEIVED: pending(received),
    Status.PROCESSING: pending(processing),
    Status.REPLIED: pending_replied,
    Status.CLOSED: lambda: step(
        pending_replied(), ENTERPRISE, "confirm", resolved=True, satisfaction=5
    ),
}


def supervised(build: Callable[[], Appeal]) -> Callable[[], Appeal]:
    """``build``'s appeal under supervision owned by the owner commissioner (no departments)."""
    return lambda: step(build(), ADMIN, "supervise", due_working_days=5)


def reported(build: Callable[[], Appeal]) -> Callable[[], Appeal]:
    return lambda: step(supervised(build)(), OWNER, "report_completion", content="已办结")


def paused(build: Callable[[], Appeal]) -> Callable[[], Appeal]:
    """``build``'s appeal paused by its owner while it was open (a reply ends the pause)."""

    def made() -> Appeal:
        if build in (received, processing):
            return step(build(), OWNER, "pause", reason="third_party", note="等待评估报告")
        return build()

    return made


PAUSED: dict[Status, Callable[[], Appeal]] = {
    Status.RECEIVED: paused(received),
    Status.PROCESSING: paused(processing),
    Status.REPLIED: lambda: step(paused(processing)(), OWNER, "reply", content="已答复"),
    Status.CLOSED: lambda: step(
        step(paused(processing)(), OWNER, "reply", content="已答复"),
        ENTERPRISE,
        "confirm",
        resolved=True,
        satisfaction=5,
    ),
}
SUPERVISED: dict[Status, Callable[[], Appeal]] = {s: supervised(b) for s, b in PLAIN.items()}
REPORTED: dict[Status, Callable[[], Appeal]] = {s: reported(b) for s, b in PLAIN.items()}
EVERY = {s: s for s in Status}
#: Under supervision owned by DEPT_A, in each status (a unit's ledger item in every status).
UNIT_SUPERVISED: dict[Status, Callable[[], Appeal]] = {
    s: (lambda b=b: step(b(), ADMIN, "supervise", due_working_days=5, departments=[DEPT_A]))
    for s, b in PLAIN.items()
}
JOINT: dict[Status, Callable[[], Appeal]] = {
    Status.RECEIVED: joint_received,
    Status.PROCESSING: joint_processing,
    Status.REPLIED: joint_replied,
    Status.CLOSED: joint_closed,
}


def test_the_fixtures_are_in_the_status_they_claim():
    for status, build in [*PLAIN.items(), *JOINT.items()]:
        assert build().status == status
    assert joint_received().assignee.commissioner_id == "c-owner"
    assert joint_received().part(DEPT_A).status == PartStatus.REPLIED
    assert joint_replied().part(DEPT_A).status == PartStatus.OPEN


def fields_of(error: ValidationFailed) -> list[str]:
    return [e.field for e in error.errors]


def codes_of(error: ValidationFailed) -> list[str]:
    return [e.code for e in error.errors]


# == every event × every status ===============================================================

# (event, actor, flavour, {status it is allowed in: the status after})
STATUS_TABLE: list[tuple[str, User, dict[Status, Callable[[], Appeal]], dict[Status, Status]]] = [
    ("accept", OWNER, PLAIN, {Status.RECEIVED: Status.PROCESSING}),
    (
        "accept_part",
        DEPT_USER,
        JOINT,
        {Status.PROCESSING: Status.PROCESSING, Status.REPLIED: Status.REPLIED},
    ),
    ("transfer", OWNER, PLAIN, {Status.PROCESSING: Status.PROCESSING}),
    (
        "department_reply",
        DEPT_USER,
        JOINT,
        {Status.PROCESSING: Status.PROCESSING, Status.REPLIED: Status.REPLIED},
    ),
    # a department's return (退单) keeps the appeal where it is
    ("return", DEPT_USER, JOINT, {Status.PROCESSING: Status.PROCESSING}),
    # the owner's return sends it to triage
    (
        "return",
        OWNER,
        PLAIN,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.RECEIVED},
    ),
    ("reply", OWNER, PLAIN, {Status.PROCESSING: Status.REPLIED}),
    (
        "request_extension",
        OWNER,
        PLAIN,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    ("supervise", ADMIN, PLAIN, EVERY),
    ("report_completion", OWNER, SUPERVISED, EVERY),
    ("accept_completion", ADMIN, REPORTED, EVERY),
    ("reject_completion", ADMIN, REPORTED, EVERY),
    (
        "escalate",
        OWNER,
        PLAIN,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    (
        "approve_extension",
        ADMIN,
        PENDING,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    (
        "reject_extension",
        ADMIN,
        PENDING,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    ("confirm", ENTERPRISE, PLAIN, {Status.REPLIED: Status.CLOSED}),
    ("callback", OPERATOR, PLAIN, {Status.REPLIED: Status.CLOSED}),
    (
        "reassign",
        ADMIN,
        PLAIN,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    (
        "set_urgency",
        OWNER,
        PLAIN,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    # a duplicate or an invalid order is closed before a reply, never after
    ("merge", OWNER, PLAIN, {Status.RECEIVED: Status.CLOSED, Status.PROCESSING: Status.CLOSED}),
    ("void", ADMIN, PLAIN, {Status.RECEIVED: Status.CLOSED, Status.PROCESSING: Status.CLOSED}),
    # 挂起/恢复: only while open and not replied; neither changes the status
    (
        "pause",
        OWNER,
        PLAIN,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    (
        "resume",
        OWNER,
        PAUSED,
        {Status.RECEIVED: Status.RECEIVED, Status.PROCESSING: Status.PROCESSING},
    ),
    # the enterprise's own steps: a supplement until it is closed, a withdrawal before a reply
    (
        "supplement",
        ENTERPRISE,
        PLAIN,
        {
            Status.RECEIVED: Status.RECEIVED,
            Status.PROCESSING: Status.PROCESSING,
            Status.REPLIED: Status.REPLIED,
        },
    ),
    (
        "withdraw",
        ENTERPRISE,
        PLAIN,
        {Status.RECEIVED: Status.CLOSED, Status.PROCESSING: Status.CLOSED},
    ),
    # a unit's progress entry (推进台账) on a supervised item it owns: in every status
    ("progress", DEPT_USER, UNIT_SUPERVISED, EVERY),
]


def test_the_status_table_names_every_event():
    assert {row[0] for row in STATUS_TABLE} == set(COMMANDS) == set(transitions.RULES)


@pytest.mark.parametrize("status", list(Status), ids=str)
@pytest.mark.parametrize(
    "event, actor, flavour, allowed",
    STATUS_TABLE,
    ids=[f"{row[0]}-by-{row[1].role}" for row in STATUS_TABLE],
)
def test_each_event_is_allowed_only_in_its_statuses(event, actor, flavour, allowed, status):
    appeal = flavour[status]()
    if status in allowed:
        decision = run(appeal, actor, event, **BODIES[event])
        assert decision.appeal.status == allowed[status]
        assert decision.event.status == allowed[status]
    else:
        with pytest.raises(InvalidTransition) as info:
            run(appeal, actor, event, **BODIES[event])
        assert info.value.status == 409
        assert info.value.code == "invalid_transition"


# == every event × every role =================================================================

#: Who may post what, as API.md's events table says.
ROLES_OF_EVENT: dict[str, set[Role]] = {
    "accept": {Role.COMMISSIONER, Role.ADMIN},
    "accept_part": {Role.DEPARTMENT},
    "transfer": {Role.COMMISSIONER, Role.ADMIN},
    "department_reply": {Role.DEPARTMENT},
    "return": {Role.DEPARTMENT, Role.COMMISSIONER},
    "reply": {Role.COMMISSIONER, Role.ADMIN},
    "confirm": {Role.ENTERPRISE},
    "callback": {Role.OPERATOR, Role.ADMIN},
    "reassign": {Role.ADMIN},
    "set_urgency": {Role.COMMISSIONER, Role.ADMIN},
    "request_extension": {Role.COMMISSIONER},
    "approve_extension": {Role.ADMIN},
    "reject_extension": {Role.ADMIN},
    "escalate": {Role.COMMISSIONER, Role.ADMIN},
    "supervise": {Role.ADMIN, Role.SUPERVISOR},
    "report_completion": {Role.DEPARTMENT, Role.COMMISSIONER},
    "accept_completion": {Role.ADMIN, Role.SUPERVISOR},
    "reject_completion": {Role.ADMIN, Role.SUPERVISOR},
    "merge": {Role.COMMISSIONER, Role.ADMIN},
    "void": {Role.ADMIN},
    "pause": {Role.COMMISSIONER},
    "resume": {Role.COMMISSIONER, Role.ADMIN},
    "supplement": {Role.ENTERPRISE},
    "withdraw": {Role.ENTERPRISE},
    "progress": {Role.DEPARTMENT},
}
#: For each event, an appeal in which its rightful actors may post it.
STATE_FOR_EVENT: dict[str, Callable[[], Appeal]] = {
    "accept": received,
    "accept_part": joint_processing,
    "transfer": joint_processing,
    "department_reply": joint_processing,
    "return": joint_processing,
    "reply": joint_processing,
    "confirm": joint_replied,
    "callback": joint_replied,
    "reassign": joint_processing,
    "set_urgency": joint_processing,
    "request_extension": joint_processing,
    "approve_extension": pending(joint_processing),
    "reject_extension": pending(joint_processing),
    "escalate": joint_processing,
    "supervise": joint_processing,
    "report_completion": supervised(joint_processing),
    "accept_completion": reported(joint_processing),
    "reject_completion": reported(joint_processing),
    "merge": joint_processing,
    "void": joint_processing,
    "pause": joint_processing,
    "resume": paused(processing),
    "supplement": joint_processing,
    "withdraw": joint_processing,
    "progress": joint_processing,
}


def test_the_rules_match_the_api_events_table():
    assert {name: set(rule.roles) for name, rule in transitions.RULES.items()} == ROLES_OF_EVENT


FORBIDDEN_PAIRS = [
    (event, role) for event, roles in ROLES_OF_EVENT.items() for role in Role if role not in roles
]


@pytest.mark.parametrize(
    "event, role", FORBIDDEN_PAIRS, ids=[f"{e}-by-{r}" for e, r in FORBIDDEN_PAIRS]
)
def test_roles_not_in_the_rule_are_forbidden(event, role):
    # the actor of each role stands in the right relation (owner, transferred department, the
    # appeal's enterprise, the poster): only the role is wrong
    with pytest.raises(Forbidden) as info:
        run(STATE_FOR_EVENT[event](), BY_ROLE[role], event, **BODIES[event])
    assert info.value.status == 403
    assert info.value.detail_code == "event_role"


@pytest.mark.parametrize(
    "event", ["accept", "transfer", "reply", "callback", "reassign", "set_urgency"]
)
def test_an_admin_may_post_the_service_centre_events(event):
    appeal = STATE_FOR_EVENT[event]()
    body = dict(BODIES[event])
    if event == "transfer":
        body["departments"] = [DEPT_C]

    decision = run(appeal, ADMIN, event, **body)

    assert decision.event.actor == ADMIN.actor()


def test_a_supervisor_may_post_only_the_supervision_events():
    for event, rule in transitions.RULES.items():
        if Role.SUPERVISOR in rule.roles:
            assert event in ("supervise", "accept_completion", "reject_completion")
            continue
        with pytest.raises(Forbidden):
            run(STATE_FOR_EVENT[event](), SUPERVISOR, event, **BODIES[event])


@pytest.mark.parametrize("event", ["accept", "transfer", "return", "reply", "set_urgency"])
def test_a_commissioner_who_is_not_the_owner_is_forbidden(event):
    appeal = STATE_FOR_EVENT[event]()
    if event == "return":
        appeal = processing()

    with pytest.raises(Forbidden) as info:
        run(appeal, OTHER_COMMISSIONER, event, **BODIES[event])
    assert info.value.detail_code == "not_owner"
    # the owner may
    run(appeal, OWNER, event, **BODIES[event])


def test_no_commissioner_may_act_on_an_appeal_in_triage():
    appeal = in_triage()
    for actor in (OWNER, OTHER_COMMISSIONER):
        for event in ("accept", "return", "set_urgency"):
            with pytest.raises(Forbidden):
                run(appeal, actor, event, **BODIES[event])


def test_another_enterprise_may_not_confirm():
    with pytest.raises(Forbidden) as info:
        run(replied(), OTHER_ENTERPRISE, "confirm", **BODIES["confirm"])
    assert info.value.detail_code == "not_own_appeal"


def test_no_enterprise_may_confirm_an_unknown_callers_appeal():
    appeal = file_appeal(owner=None, uscc=None)
    appeal = step(appeal, ADMIN, "reassign", commissioner_id="c-owner")
    appeal = step(appeal, OWNER, "accept")
    appeal = step(appeal, OWNER, "reply", content="已答复来电人")

    with pytest.raises(Forbidden):
        run(appeal, ENTERPRISE, "confirm", **BODIES["confirm"])
    # the caller's verdict comes by call-back
    assert run(appeal, OPERATOR, "callback", **BODIES["callback"]).appeal.status == Status.CLOSED


@pytest.mark.parametrize("event", ["department_reply", "return"])
def test_a_department_without_a_part_is_forbidden(event):
    with pytest.raises(Forbidden) as info:
        run(joint_processing(), OTHER_DEPT_USER, event, **BODIES[event])
    assert info.value.detail_code == "not_transferred"


def test_any_operator_may_record_a_callback_not_only_the_poster():
    decision = run(replied(), OTHER_OPERATOR, "callback", **BODIES["callback"])

    assert decision.appeal.status == Status.CLOSED
    assert decision.event.actor.username == OTHER_OPERATOR.username


# == order of the checks: role, relation, version, status, fields =============================


def test_a_stale_version_is_a_version_conflict():
    appeal = received()
    stale = Accept(type="accept", version=appeal.version + 1)

    with pytest.raises(VersionConflict) as info:
        transitions.decide(appeal, stale, OWNER, FILED_AT + timedelta(hours=1), DIRECTORY, RULES)
    assert info.value.status == 409
    assert info.value.code == "version_conflict"


def test_an_old_version_is_a_version_conflict():
    appeal = processing()  # version 2
    old = parse_command({"type": "set_urgency", "version": 1, **BODIES["set_urgency"]})

    with pytest.raises(VersionConflict):
        transitions.decide(appeal, old, OWNER, FILED_AT + timedelta(days=1), DIRECTORY, RULES)


def test_the_role_is_checked_before_the_version():
    appeal = processing()
    stale = parse_command({"type": "reply", "version": 1, "content": "x"})

    with pytest.raises(Forbidden):
        transitions.decide(
            appeal, stale, SUPERVISOR, FILED_AT + timedelta(days=1), DIRECTORY, RULES
        )


def test_the_relation_is_checked_before_the_version():
    appeal = processing()
    stale = parse_command({"type": "reply", "version": 1, "content": "x"})

    with pytest.raises(Forbidden):
        transitions.decide(
            appeal, stale, OTHER_COMMISSIONER, FILED_AT + timedelta(days=1), DIRECTORY, RULES
        )


def test_the_version_is_checked_before_the_status():
    appeal = processing()  # accept is not allowed in processing
    stale = Accept(type="accept", version=1)
    current = Accept(type="accept", version=appeal.version)
    at = FILED_AT + timedelta(days=1)

    with pytest.raises(VersionConflict):
        transitions.decide(appeal, stale, OWNER, at, DIRECTORY, RULES)
    with pytest.raises(InvalidTransition):
        transitions.decide(appeal, current, OWNER, at, DIRECTORY, RULES)


def test_the_role_is_checked_before_the_status():
    with pytest.raises(Forbidden):
        run(closed(), SUPERVISOR, "accept")


def test_the_version_is_checked_before_the_fields():
    appeal = processing()
    stale = parse_command({"type": "reassign", "version": 1, "commissioner_id": "c-nobody"})

    with pytest.raises(VersionConflict):
        transitions.decide(appeal, stale, ADMIN, FILED_AT + timedelta(days=1), DIRECTORY, RULES)


def test_the_status_is_checked_before_the_fields():
    with pytest.raises(InvalidTransition):
        run(received(), OWNER, "transfer", departments=["no-such-department"])


# == accept ===================================================================================


def test_accept_moves_received_to_processing_keeping_the_owner():
    decision = run(received(), OWNER, "accept")

    assert decision.appeal.status == Status.PROCESSING
    assert decision.appeal.assignee.commissioner_id == "c-owner"


def test_accept_in_triage_is_refused_for_want_of_an_owner():
    with pytest.raises(InvalidTransition) as info:
        run(in_triage(), ADMIN, "accept")
    assert info.value.detail_code == "needs_assignee"


def test_a_triage_appeal_reassigned_can_then_be_accepted_by_its_new_owner():
    appeal = step(in_triage(), ADMIN, "reassign", commissioner_id="c-owner")

    assert step(appeal, OWNER, "accept").status == Status.PROCESSING


# == transfer (转, 联办) =======================================================================

TRANSFER_AT = datetime(2026, 9, 24, 10, 0, tzinfo=BEIJING)  # Thursday


def test_transfer_makes_one_part_per_department_due_three_working_days_later():
    decision = run(processing(), OWNER, "transfer", at=TRANSFER_AT, departments=[DEPT_A, DEPT_B])
    after = decision.appeal

    # 09-25 is Mid-Autumn: 09-28, 09-29, 09-30
    due = "2026-09-30T23:59:59+08:00"
    assert [(p.id, p.name, p.status, p.due_at) for p in after.departments] == [
        (DEPT_A, "县自然资源局", PartStatus.OPEN, due),
        (DEPT_B, "县市场监管局", PartStatus.OPEN, due),
    ]
    assert all(p.transferred_at == iso(TRANSFER_AT) for p in after.departments)
    assert after.status == Status.PROCESSING
    assert after.reply_due_at == DUE_NORMAL  # the appeal's own deadline does not move
    assert [(d.id, d.due_at) for d in decision.event.departments] == [(DEPT_A, due), (DEPT_B, due)]
    assert decision.departments_used == (DEPT_A, DEPT_B)


def test_transfer_honours_due_working_days():
    after = step(
        processing(), OWNER, "transfer", at=TRANSFER_AT, departments=[DEPT_A], due_working_days=1
    )

    assert after.part(DEPT_A).due_at == "2026-09-28T23:59:59+08:00"  # the holiday is skipped


def test_a_part_is_never_due_after_the_appeal():
    after = step(
        processing(), OWNER, "transfer", at=TRANSFER_AT, departments=[DEPT_A], due_working_days=10
    )

    assert after.part(DEPT_A).due_at == DUE_NORMAL


def test_an_urgent_appeals_parts_are_capped_at_its_reply_deadline():
    appeal = step(file_appeal(urgency=Urgency.URGENT), OWNER, "accept")
    assert appeal.reply_due_at == "2026-09-24T23:59:59+08:00"

    after = step(appeal, OWNER, "transfer", at=FILED_AT + timedelta(hours=2), departments=[DEPT_A])

    assert after.part(DEPT_A).due_at == "2026-09-24T23:59:59+08:00"


@pytest.mark.parametrize(
    "departments, errors",
    [
        ([DEPT_A, DEPT_A], [("departments.1", "duplicate")]),
        (["no-such-department"], [("departments.0", "reference_not_found")]),
        ([DEPT_A, DEPT_OFF], [("departments.1", "reference_not_found")]),
        (
            ["no-such-department", DEPT_B, DEPT_B, DEPT_OFF],
            [
                ("departments.0", "reference_not_found"),
                ("departments.2", "duplicate"),
                ("departments.3", "reference_not_found"),
            ],
        ),
    ],
    ids=["duplicate", "unknown", "inactive", "several"],
)
def test_bad_departments_are_a_validation_error_naming_each(departments, errors):
    appeal = processing()

    with pytest.raises(ValidationFailed) as info:
        run(appeal, OWNER, "transfer", departments=departments)

    assert info.value.status == 400
    assert list(zip(fields_of(info.value), codes_of(info.value), strict=True)) == errors


def test_a_department_whose_part_is_open_cannot_be_transferred_to_again():
    with pytest.raises(ValidationFailed) as info:
        run(joint_processing(), OWNER, "transfer", departments=[DEPT_B, DEPT_A])

    assert fields_of(info.value) == ["departments.1"]
    assert codes_of(info.value) == ["part_already_open"]


def test_a_department_whose_part_was_returned_can_be_transferred_to_again():
    returned = step(joint_processing(), DEPT_USER, "return", reason="非本部门职责")
    at = datetime.fromisoformat(returned.updated_at) + timedelta(hours=1)

    after = step(returned, OWNER, "transfer", at=at, departments=[DEPT_A])

    parts = [p for p in after.departments if p.id == DEPT_A]
    assert len(parts) == 1
    part = parts[0]
    assert part.status == PartStatus.OPEN
    assert part.return_reason is None
    assert part.returned_at is None
    assert part.transferred_at == iso(at)


# == department_reply and a department's return =================================================


def test_a_department_with_an_open_part_answers_it():
    decision = run(joint_processing(), DEPT_USER, "department_reply", content="同意安排指标")
    part = decision.appeal.part(DEPT_A)

    assert part.status == PartStatus.REPLIED
    assert part.content == "同意安排指标"
    assert part.replied_at == decision.event.at
    assert decision.appeal.status == Status.PROCESSING
    assert decision.event.department.id == DEPT_A
    assert decision.event.content == "同意安排指标"


def test_a_department_may_still_answer_after_the_reply_went_out_while_its_part_was_open():
    decision = run(joint_replied(), DEPT_USER, "department_reply", content="补充意见")

    assert decision.appeal.status == Status.REPLIED
    assert decision.appeal.part(DEPT_A).status == PartStatus.REPLIED


@pytest.mark.parametrize("how", ["department_reply", "return"])
def test_a_department_whose_part_is_done_cannot_answer_again(how):
    done = step(joint_processing(), DEPT_USER, how, **BODIES[how])

    with pytest.raises(InvalidTransition) as info:
        run(done, DEPT_USER, "department_reply", content="再次答复")
    assert info.value.detail_code == "part_not_open"


def test_a_departments_return_marks_its_part_returned_with_the_reason():
    decision = run(joint_processing(), DEPT_USER, "return", reason="不属于本部门职责")
    after = decision.appeal
    part = after.part(DEPT_A)

    assert part.status == PartStatus.RETURNED
    assert part.return_reason == "不属于本部门职责"
    assert part.returned_at == decision.event.at
    assert after.status == Status.PROCESSING
    assert after.assignee.commissioner_id == "c-owner"  # the owner keeps it
    assert decision.event.reason == "不属于本部门职责"
    assert decision.event.department.id == DEPT_A


def test_a_department_cannot_return_a_part_it_already_returned():
    returned = step(joint_processing(), DEPT_USER, "return", reason="非本部门职责")

    with pytest.raises(InvalidTransition):
        run(returned, DEPT_USER, "return", reason="再退")


def test_only_the_departments_own_part_changes():
    two = step(processing(), OWNER, "transfer", departments=[DEPT_A, DEPT_B])

    after = step(two, OTHER_DEPT_USER, "department_reply", content="市场监管局意见")

    assert after.part(DEPT_B).status == PartStatus.REPLIED
    assert after.part(DEPT_A).status == PartStatus.OPEN


# == the owner's return (to triage) ============================================================


@pytest.mark.parametrize("build", [received, processing], ids=["received", "processing"])
def test_the_owners_return_sends_the_appeal_to_triage(build):
    decision = run(build(), OWNER, "return", reason="企业属小微,应由小微专员联系")
    after = decision.appeal

    assert after.status == Status.RECEIVED
    assert after.assignee.commissioner_id is None
    assert after.assignee.name is None
    assert decision.event.previous_assignee.commissioner_id == "c-owner"
    assert decision.event.assignee.commissioner_id is None
    assert decision.event.reason == "企业属小微,应由小微专员联系"
    # and the former owner can do nothing more with it
    with pytest.raises(Forbidden):
        run(after, OWNER, "accept")


def test_the_owner_cannot_return_while_a_part_is_open():
    with pytest.raises(InvalidTransition) as info:
        run(joint_processing(), OWNER, "return", reason="转错了")
    assert info.value.detail_code == "parts_open"


def test_the_owner_may_return_once_every_part_is_done():
    done = step(joint_processing(), DEPT_USER, "department_reply", content="已办")

    assert step(done, OWNER, "return", reason="转错了").status == Status.RECEIVED


# == reply (交) ================================================================================


def test_reply_while_a_part_is_open_needs_a_reason():
    with pytest.raises(ValidationFailed) as info:
        run(joint_processing(), OWNER, "reply", content="先行答复")

    assert fields_of(info.value) == ["reason"]
    assert codes_of(info.value) == ["reason_required_parts_open"]


def test_reply_while_a_part_is_open_with_a_reason_goes_out():
    decision = run(joint_processing(), OWNER, "reply", content="先行答复", reason="企业急需")
    after = decision.appeal

    assert after.status == Status.REPLIED
    assert after.reply.content == "先行答复"
    assert after.reply.reason == "企业急需"
    assert after.part(DEPT_A).status == PartStatus.OPEN


def test_reply_without_open_parts_needs_no_reason():
    decision = run(processing(), OWNER, "reply", content="已答复")
    after = decision.appeal

    assert after.status == Status.REPLIED
    assert after.reply.content == "已答复"
    assert after.reply.at == decision.event.at == after.replied_at
    assert after.reply.reason is None


def test_reply_after_every_part_answered_needs_no_reason():
    done = step(joint_processing(), DEPT_USER, "department_reply", content="已办")

    assert step(done, OWNER, "reply", content="已答复").status == Status.REPLIED


# == confirm and callback (结 or 重办) ==========================================================

# filed Mon 11-09 (due 11-16), replied late on 11-20, verdict Fri 11-27 15:00
NOV_FILED = datetime(2026, 11, 9, 10, 0, tzinfo=BEIJING)
NOV_REPLIED = datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING)
VERDICT_AT = datetime(2026, 11, 27, 15, 0, tzinfo=BEIJING)


def replied_late() -> Appeal:
    appeal = file_appeal(at=NOV_FILED)
    assert appeal.reply_due_at == "2026-11-16T23:59:59+08:00"
    appeal = step(appeal, OWNER, "accept", at=NOV_FILED + timedelta(hours=1))
    return step(appeal, OWNER, "reply", at=NOV_REPLIED, content="已答复")


def test_confirm_resolved_closes_with_a_rating_via_confirm():
    decision = run(replied(), ENTERPRISE, "confirm", resolved=True, satisfaction=4, comment="满意")
    after = decision.appeal

    assert after.status == Status.CLOSED
    assert after.closed_at == decision.event.at
    assert after.rating.model_dump() == {
        "resolved": True,
        "satisfaction": 4,
        "comment": "满意",
        "via": "confirm",
        "at": decision.event.at,
    }
    assert after.reply is not None  # the reply it closed on stays
    assert (decision.event.resolved, decision.event.satisfaction) == (True, 4)


@pytest.mark.parametrize("event, actor", [("confirm", ENTERPRISE), ("callback", OPERATOR)])
def test_not_resolved_reopens_with_a_new_period_from_the_verdict(event, actor):
    decision = run(replied_late(), actor, event, at=VERDICT_AT, resolved=False, satisfaction=2)
    after = decision.appeal

    assert after.status == Status.PROCESSING
    assert after.reply is None
    assert after.replied_at is None
    assert after.reopened == 1
    assert after.period_started_at == iso(VERDICT_AT)
    # Fri 11-27 + 5 working days: 11-30, 12-01, 12-02, 12-03, 12-04
    assert after.reply_due_at == "2026-12-04T23:59:59+08:00"
    assert after.deadline_provisional is False
    assert decision.event.reply_due_at == after.reply_due_at
    assert after.rating.via == event
    assert after.rating.resolved is False
    # a new period starts not overdue, although the first deadline (11-16) is long past
    assert appeals.is_overdue(after, VERDICT_AT) is False
    assert appeals.is_overdue(after, datetime(2026, 12, 4, 23, 59, 59, tzinfo=BEIJING)) is False
    assert appeals.is_overdue(after, datetime(2026, 12, 5, 0, 0, 0, tzinfo=BEIJING)) is True


def test_an_urgent_appeal_reopens_with_one_working_day():
    appeal = file_appeal(at=NOV_FILED, urgency=Urgency.URGENT)
    appeal = step(appeal, OWNER, "accept", at=NOV_FILED + timedelta(hours=1))
    appeal = step(appeal, OWNER, "reply", at=NOV_REPLIED, content="已答复")

    after = step(appeal, ENTERPRISE, "confirm", at=VERDICT_AT, resolved=False, satisfaction=1)

    assert after.reply_due_at == "2026-11-30T23:59:59+08:00"


def test_each_reopening_counts():
    first = step(
        replied_late(), ENTERPRISE, "confirm", at=VERDICT_AT, resolved=False, satisfaction=2
    )
    again = step(first, OWNER, "reply", content="再次答复")
    second = step(again, ENTERPRISE, "confirm", resolved=False, satisfaction=1)

    assert second.reopened == 2
    assert second.status == Status.PROCESSING


def test_callback_resolved_closes_with_a_rating_via_callback():
    decision = run(replied(), OPERATOR, "callback", resolved=True, satisfaction=5)

    assert decision.appeal.status == Status.CLOSED
    assert decision.appeal.rating.via == "callback"
    assert decision.appeal.closed_at == decision.event.at


STATE_BUILDERS_BEFORE_REPLY: dict[str, Callable[[], Appeal]] = {
    "received": received,
    "triage": in_triage,
    "unknown-caller": lambda: file_appeal(owner=None, uscc=None),
    "processing": processing,
    "joint-received": joint_received,
    "joint-processing": joint_processing,
    "reopened": lambda: step(replied(), ENTERPRISE, "confirm", resolved=False, satisfaction=1),
}


@pytest.mark.parametrize(
    "build", STATE_BUILDERS_BEFORE_REPLY.values(), ids=list(STATE_BUILDERS_BEFORE_REPLY)
)
def test_nothing_closes_without_a_reply(build):
    appeal = build()
    assert appeal.status in (Status.RECEIVED, Status.PROCESSING)
    for event, body in BODIES.items():
        for actor in ALL_USERS:
            try:
                decision = run(appeal, actor, event, **body)
            except AppError:
                continue
            if event in ("merge", "void", "withdraw"):  # nothing left to answer (in no rate)
                assert decision.appeal.closed_as in UNCOUNTED, (event, actor.username)
                continue
            assert decision.appeal.status != Status.CLOSED, (event, actor.username)
    for event, actor in [("confirm", ENTERPRISE), ("callback", OPERATOR), ("callback", ADMIN)]:
        for resolved in (True, False):
            body = {"resolved": resolved, "satisfaction": 5}
            if appeal.enterprise.uscc is None and actor is ENTERPRISE:
                continue  # not its appeal: Forbidden, checked elsewhere
            with pytest.raises(InvalidTransition):
                run(appeal, actor, event, **body)


# == reassign ==================================================================================


@pytest.mark.parametrize("target", ["c-nobody", "c-retired"], ids=["unknown", "inactive"])
def test_reassign_to_an_unknown_or_inactive_commissioner_is_refused(target):
    with pytest.raises(ValidationFailed) as info:
        run(processing(), ADMIN, "reassign", commissioner_id=target)

    assert fields_of(info.value) == ["commissioner_id"]
    assert codes_of(info.value) == ["reference_not_found"]


def test_reassign_to_the_current_owner_is_refused():
    with pytest.raises(ValidationFailed) as info:
        run(processing(), ADMIN, "reassign", commissioner_id="c-owner")

    assert fields_of(info.value) == ["commissioner_id"]
    assert codes_of(info.value) == ["already_assigned"]


def test_reassign_gives_the_appeal_a_new_owner():
    decision = run(joint_processing(), ADMIN, "reassign", commissioner_id="c-other")
    after = decision.appeal

    assert after.assignee.model_dump() == {"commissioner_id": "c-other", "name": "李专员"}
    assert after.status == Status.PROCESSING
    assert after.part(DEPT_A).status == PartStatus.OPEN  # parts stay as they are
    assert decision.event.previous_assignee.commissioner_id == "c-owner"
    assert decision.event.assignee.commissioner_id == "c-other"
    assert decision.commissioners_used == ("c-other",)
    # the new owner acts; the former owner no longer may
    run(after, OTHER_COMMISSIONER, "reply", content="已答复", reason="部门仍在核实")
    with pytest.raises(Forbidden):
        run(after, OWNER, "reply", content="已答复", reason="部门仍在核实")


# == set_urgency (急事急办) =====================================================================

FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)


def test_set_urgency_to_urgent_recomputes_the_deadline_from_the_period_start():
    appeal = file_appeal(at=FRIDAY)
    assert appeal.reply_due_at == "2026-12-04T23:59:59+08:00"

    decision = run(
        appeal,
        OWNER,
        "set_urgency",
        at=FRIDAY + timedelta(hours=6),
        urgency="urgent",
        reason="停产",
    )
    after = decision.appeal

    assert after.urgency == Urgency.URGENT
    assert after.reply_due_at == "2026-11-30T23:59:59+08:00"  # Monday
    assert after.period_started_at == appeal.period_started_at
    assert decision.event.urgency == Urgency.URGENT
    assert decision.event.previous_urgency == Urgency.NORMAL
    assert decision.event.reason == "停产"
    assert decision.event.reply_due_at == after.reply_due_at


def test_set_urgency_is_computed_from_the_period_start_not_from_now():
    appeal = file_appeal(at=FRIDAY)

    # set on Tuesday 12-01: urgent from Friday's receipt is Monday 11-30, already past
    after = step(
        appeal, OWNER, "set_urgency", at=FRIDAY + timedelta(days=4), urgency="urgent", reason="停产"
    )

    assert after.reply_due_at == "2026-11-30T23:59:59+08:00"


def test_set_urgency_caps_open_parts_due_dates():
    appeal = step(file_appeal(at=FRIDAY), OWNER, "accept", at=FRIDAY + timedelta(minutes=30))
    appeal = step(
        appeal, OWNER, "transfer", at=FRIDAY + timedelta(hours=1), departments=[DEPT_A, DEPT_B]
    )
    appeal = step(appeal, OTHER_DEPT_USER, "department_reply", content="已办")
    assert appeal.part(DEPT_A).due_at == "2026-12-02T23:59:59+08:00"

    after = step(appeal, OWNER, "set_urgency", urgency="urgent", reason="停产")

    assert after.part(DEPT_A).due_at == "2026-11-30T23:59:59+08:00"
    assert after.part(DEPT_B).due_at == "2026-12-02T23:59:59+08:00"  # answered: left alone


def test_set_urgency_back_to_normal_restores_five_working_days():
    urgent = file_appeal(at=FRIDAY, urgency=Urgency.URGENT)

    after = step(urgent, ADMIN, "set_urgency", urgency="normal", reason="企业说明不急")

    assert after.reply_due_at == "2026-12-04T23:59:59+08:00"


def test_set_urgency_to_the_same_urgency_is_refused():
    with pytest.raises(ValidationFailed) as info:
        run(received(), OWNER, "set_urgency", urgency="normal", reason="无变化")

    assert fields_of(info.value) == ["urgency"]


# == the event, and the input left alone ======================================================


@pytest.mark.parametrize(
    "build, actor, event",
    [
        (received, OWNER, "accept"),
        (processing, OWNER, "transfer"),
        (joint_processing, DEPT_USER, "department_reply"),
        (joint_processing, DEPT_USER, "return"),
        (processing, OWNER, "return"),
        (joint_processing, OWNER, "reply"),
        (replied, ENTERPRISE, "confirm"),
        (replied, OPERATOR, "callback"),
        (processing, ADMIN, "reassign"),
        (received, OWNER, "set_urgency"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_the_event_records_type_actor_version_and_status(build, actor, event):
    appeal = build()
    at = datetime.fromisoformat(appeal.updated_at) + timedelta(minutes=7)
    before = appeal.model_dump()

    decision = run(appeal, actor, event, at=at, **BODIES[event])

    assert decision.event.type == event
    assert decision.event.actor == Actor(
        username=actor.username, role=actor.role, display_name=actor.display_name
    )
    assert decision.event.at == iso(at)
    assert decision.appeal.version == appeal.version + 1
    assert decision.event.version == decision.appeal.version
    assert decision.event.status == decision.appeal.status
    assert decision.appeal.updated_at == iso(at)
    assert decision.appeal.created_at == appeal.created_at
    # decide works on a copy
    assert appeal.model_dump() == before
    assert decision.appeal is not appeal


@pytest.mark.parametrize(
    "build, actor, event, body",
    [
        (processing, OWNER, "transfer", {"departments": [DEPT_A, DEPT_A]}),
        (joint_processing, OWNER, "reply", {"content": "先行答复"}),
        (joint_processing, OWNER, "return", {"reason": "转错了"}),
        (processing, ADMIN, "reassign", {"commissioner_id": "c-owner"}),
        (received, OWNER, "set_urgency", {"urgency": "normal", "reason": "无变化"}),
        (in_triage, ADMIN, "accept", {}),
    ],
    ids=["transfer", "reply", "return", "reassign", "set_urgency", "accept"],
)
def test_a_refused_event_leaves_the_appeal_untouched(build, actor, event, body):
    appeal = build()
    before = appeal.model_dump()

    with pytest.raises(AppError):
        run(appeal, actor, event, **body)

    assert appeal.model_dump() == before


def test_decide_does_not_mutate_nested_parts_of_the_input():
    appeal = joint_processing()
    part_before = appeal.part(DEPT_A).model_dump()

    after = step(appeal, DEPT_USER, "department_reply", content="已办")

    assert after.part(DEPT_A).status == PartStatus.REPLIED
    assert appeal.part(DEPT_A).model_dump() == part_before


# == parse_command ============================================================================


def test_parse_command_returns_the_model_of_the_type():
    for name, model in COMMANDS.items():
        parsed = parse_command({"type": name, "version": 3, **BODIES[name]})
        assert isinstance(parsed, model)
        assert parsed.version == 3


def test_a_missing_type_names_type():
    with pytest.raises(ValidationFailed) as info:
        parse_command({"version": 1})

    assert fields_of(info.value) == ["type"]
    assert codes_of(info.value) == ["missing"]


@pytest.mark.parametrize("kind", ["close", "ACCEPT", 3, ""])
def test_an_unknown_type_names_type(kind):
    with pytest.raises(ValidationFailed) as info:
        parse_command({"type": kind, "version": 1})

    assert fields_of(info.value) == ["type"]
    assert codes_of(info.value) == ["enum"]


def test_an_unknown_field_is_named():
    with pytest.raises(ValidationFailed) as info:
        parse_command({"type": "accept", "version": 1, "assignee": "c-owner"})

    assert fields_of(info.value) == ["assignee"]
    assert codes_of(info.value) == ["extra_forbidden"]


def test_a_bad_department_slug_is_named_by_its_position():
    with pytest.raises(ValidationFailed) as info:
        parse_command(
            {"type": "transfer", "version": 1, "departments": ["Natural Resources", DEPT_A]}
        )

    assert fields_of(info.value) == ["departments.0"]


@pytest.mark.parametrize("version", [0, -1])
def test_version_must_be_at_least_one(version):
    with pytest.raises(ValidationFailed) as info:
        parse_command({"type": "accept", "version": version})

    assert fields_of(info.value) == ["version"]


def test_a_missing_version_is_named():
    with pytest.raises(ValidationFailed) as info:
        parse_command({"type": "accept"})

    assert fields_of(info.value) == ["version"]


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_satisfaction_is_one_to_five(satisfaction):
    with pytest.raises(ValidationFailed) as info:
        parse_command(
            {"type": "confirm", "version": 1, "resolved": True, "satisfaction": satisfaction}
        )

    assert fields_of(info.value) == ["satisfaction"]


def test_a_blank_reason_is_no_reason():
    with pytest.raises(ValidationFailed) as info:
        parse_command({"type": "return", "version": 1, "reason": "   "})

    assert fields_of(info.value) == ["reason"]


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(ValidationFailed) as info:
        parse_command(["accept"])

    assert fields_of(info.value) == ["body"]


# == who reads what ===========================================================================


def test_the_enterprise_reads_its_own_appeals_only():
    appeal = received()

    assert appeals.can_read(ENTERPRISE, appeal)
    assert not appeals.can_read(OTHER_ENTERPRISE, appeal)
    assert not appeals.can_read(ENTERPRISE, file_appeal(owner=None, uscc=None))


def test_staff_who_read_everything():
    appeal = received()

    for reader in (OWNER, OTHER_COMMISSIONER, ADMIN, SUPERVISOR):
        assert appeals.can_read(reader, appeal)


def test_an_operator_reads_what_it_posted_and_hotline_appeals_awaiting_a_callback():
    assert appeals.can_read(OPERATOR, received())
    assert not appeals.can_read(OTHER_OPERATOR, received())
    assert appeals.can_read(OTHER_OPERATOR, replied())  # awaiting 回访
    assert not appeals.can_read(OTHER_OPERATOR, closed())


def test_an_operator_does_not_read_a_web_appeal_even_when_replied():
    web = step(
        step(file_appeal(channel=Channel.WEB), OWNER, "accept"), OWNER, "reply", content="已答复"
    )

    assert not appeals.can_read(OPERATOR, web)


def test_a_department_reads_appeals_ever_transferred_to_it():
    assert not appeals.can_read(DEPT_USER, processing())
    assert appeals.can_read(DEPT_USER, joint_processing())
    assert not appeals.can_read(OTHER_DEPT_USER, joint_processing())
    returned = step(joint_processing(), DEPT_USER, "return", reason="非本部门职责")
    assert appeals.can_read(DEPT_USER, returned)
    assert appeals.can_read(DEPT_USER, joint_closed())


SEEN_AT = datetime(2026, 9, 30, 9, 0, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "reader, sees",
    [
        (ADMIN, True),
        (OPERATOR, True),
        (OWNER, True),
        (ENTERPRISE, True),
        (OTHER_OPERATOR, False),
        (OTHER_COMMISSIONER, False),
        (DEPT_USER, False),
        (SUPERVISOR, False),
    ],
    ids=lambda v: v.username if isinstance(v, User) else None,
)
def test_the_callers_phone_is_masked_for_all_but_admin_poster_owner_and_enterprise(reader, sees):
    appeal = joint_processing()

    shown = appeals.present(appeal, reader, SEEN_AT, RULES)

    assert shown.enterprise.caller_phone == (CALLER_PHONE if sees else MASKED_PHONE)
    assert appeal.enterprise.caller_phone == CALLER_PHONE  # the stored appeal is untouched


def test_the_enterprise_view_hides_department_replies_and_return_reasons():
    appeal = step(processing(), OWNER, "transfer", departments=[DEPT_A, DEPT_B])
    appeal = step(appeal, DEPT_USER, "department_reply", content="内部意见:指标紧张")
    appeal = step(appeal, OTHER_DEPT_USER, "return", reason="内部原因:非我局职责")

    for_enterprise = appeals.present(appeal, ENTERPRISE, SEEN_AT, RULES)
    for_owner = appeals.present(appeal, OWNER, SEEN_AT, RULES)

    assert [(p.id, p.status, p.content, p.return_reason) for p in for_enterprise.departments] == [
        (DEPT_A, PartStatus.REPLIED, None, None),
        (DEPT_B, PartStatus.RETURNED, None, None),
    ]
    assert for_owner.part(DEPT_A).content == "内部意见:指标紧张"
    assert for_owner.part(DEPT_B).return_reason == "内部原因:非我局职责"
    # the stored appeal keeps them
    assert appeal.part(DEPT_A).content == "内部意见:指标紧张"


def test_present_reports_overdue_as_of_now():
    appeal = received()  # due 2026-10-08 23:59:59

    assert (
        appeals.present(appeal, ADMIN, datetime(2026, 10, 8, 23, 0, tzinfo=BEIJING), RULES).overdue
        is False
    )
    assert (
        appeals.present(appeal, ADMIN, datetime(2026, 10, 9, 0, 1, tzinfo=BEIJING), RULES).overdue
        is True
    )
    late_reply = step(appeal, OWNER, "accept")
    late_reply = step(
        late_reply, OWNER, "reply", at=datetime(2026, 10, 12, 9, 0, tzinfo=BEIJING), content="迟复"
    )
    assert (
        appeals.present(
            late_reply, ADMIN, datetime(2026, 10, 12, 10, 0, tzinfo=BEIJING), RULES
        ).overdue
        is False
    )


def timeline() -> list[TimelineEvent]:
    """A joint appeal's timeline: filed, accepted, transferred, answered, returned, replied."""
    appeal, filed = appeals.new_appeal(
        appeal_id="XQT-20260923-0002",
        channel=Channel.WEB,
        party=Party(uscc=USCC, name="如东恒润机械有限公司"),
        category=Category.LAND,
        title="用地",
        content="用地指标",
        urgency=Urgency.NORMAL,
        route=Route(OWNER_CANDIDATE, RouteReason.COVERAGE),
        filed_by=ENTERPRISE,
        now=FILED_AT,
        rules=RULES,
    )
    events = [filed]
    for actor, event, body in [
        (OWNER, "accept", {}),
        (OWNER, "transfer", {"departments": [DEPT_A, DEPT_B]}),
        (DEPT_USER, "department_reply", {"content": "内部意见"}),
        (OTHER_DEPT_USER, "return", {"reason": "内部退单原因"}),
        (OWNER, "reply", {"content": "给企业的答复"}),
    ]:
        decision = run(appeal, actor, event, **body)
        appeal = decision.appeal
        events.append(decision.event)
    return events


def test_the_enterprise_timeline_hides_department_reply_content_and_return_reasons():
    events = timeline()
    events.append(events[-1].model_copy(update={"type": "supervise", "note": "内部批示"}))

    shown = appeals.present_timeline(events, ENTERPRISE)

    by_type = {e.type: e for e in shown}
    assert by_type["department_reply"].content is None
    assert by_type["department_reply"].department.id == DEPT_A  # the step itself is visible
    assert by_type["return"].reason is None
    assert by_type["reply"].content == "给企业的答复"
    assert by_type["supervise"].note is None
    assert [e.type for e in shown] == [e.type for e in events]
    # the originals are untouched
    assert events[3].content == "内部意见"
    assert events[4].reason == "内部退单原因"


def test_staff_timelines_show_everything():
    events = timeline()

    for reader in (OWNER, ADMIN, DEPT_USER, SUPERVISOR):
        shown = appeals.present_timeline(events, reader)
        assert shown[3].content == "内部意见"
        assert shown[4].reason == "内部退单原因"


# == allowed_events (the SPA's actions) =======================================================


def test_allowed_events_offers_what_the_owner_may_do():
    assert transitions.allowed_events(received(), OWNER) == [
        "accept",
        "return",
        "set_urgency",
        "request_extension",
        "escalate",
        "merge",  # a duplicate, before anyone answers it
        "pause",  # 挂起, while open
    ]
    assert "void" in transitions.allowed_events(received(), ADMIN)
    assert "void" not in transitions.allowed_events(replied(), ADMIN)  # not after a reply
    assert transitions.allowed_events(received(), OTHER_COMMISSIONER) == []
    # after a reply the enterprise rates it, and may still add material; before one it may
    # add material or withdraw
    assert transitions.allowed_events(replied(), ENTERPRISE) == ["confirm", "supplement"]
    assert transitions.allowed_events(processing(), ENTERPRISE) == ["supplement", "withdraw"]
    assert transitions.allowed_events(closed(), ENTERPRISE) == []
    assert transitions.allowed_events(replied(), OTHER_ENTERPRISE) == []
    assert transitions.allowed_events(closed(), ADMIN) == ["supervise"]  # 督办 is for any appeal


def test_allowed_events_offers_nothing_to_a_department_whose_part_is_done():
    done = step(joint_processing(), DEPT_USER, "department_reply", content="已办")

    assert transitions.allowed_events(done, DEPT_USER) == []


def test_allowed_events_does_not_offer_accept_in_triage():
    assert "accept" not in transitions.allowed_events(in_triage(), ADMIN)


def test_allowed_events_does_not_offer_the_owner_a_return_while_parts_are_open():
    assert "return" not in transitions.allowed_events(joint_processing(), OWNER)


def test_an_enterprise_user_without_an_enterprise_cannot_confirm_an_unknown_callers_appeal():
    unbound = ENTERPRISE.model_copy(update={"enterprise_uscc": None})
    unknown = step(file_appeal(uscc=None), OWNER, "accept")
    unknown = step(unknown, OWNER, "reply", content="已答复")
    assert transitions.allowed_events(unknown, unbound) == []
    with pytest.raises(Forbidden):
        step(unknown, unbound, "confirm", resolved=True, satisfaction=5)


# == extensions and recomputed deadlines (issue 5) ===========================================


def test_an_approved_extension_counts_from_the_deadline_in_force():
    a = pending(processing)()  # filed 2026-09-23, due 2026-10-08
    assert a.reply_due_at == DUE_NORMAL and a.pending_extension is not None
    d = run(a, ADMIN, "approve_extension", note="同意")
    # 10-08 not counted: 10-09 (Fri), 10-10 (a Saturday made a working day)
    assert d.appeal.reply_due_at == "2026-10-10T23:59:59+08:00"
    assert d.appeal.pending_extension is None
    assert [e.working_days for e in d.appeal.extensions] == [2]
    assert d.appeal.extensions[0].from_due_at == DUE_NORMAL
    assert d.event.previous_reply_due_at == DUE_NORMAL and d.event.reason == "需协调省级部门"
    assert d.appeal.deadline_explanation.startswith("自原期限10月8日起延期")


def test_a_rejected_extension_leaves_the_deadline():
    d = run(pending(processing)(), ADMIN, "reject_extension", note="理由不充分")
    assert d.appeal.reply_due_at == DUE_NORMAL and d.appeal.pending_extension is None
    assert d.appeal.extensions == []


def test_an_extension_is_asked_for_before_the_deadline_and_once_at_a_time():
    a = processing()
    late = datetime(2026, 10, 9, 9, 0, tzinfo=BEIJING)
    with pytest.raises(InvalidTransition) as info:
        run(a, OWNER, "request_extension", at=late, **BODIES["request_extension"])
    assert info.value.detail_code == "extension_after_deadline"
    with pytest.raises(InvalidTransition) as info:
        run(pending(processing)(), OWNER, "request_extension", **BODIES["request_extension"])
    assert info.value.detail_code == "extension_pending"
    assert "request_extension" not in transitions.allowed_events(pending(processing)(), OWNER)
    assert "approve_extension" in transitions.allowed_events(pending(processing)(), ADMIN)


def test_the_deadline_explains_itself():
    a = received()
    assert (
        a.deadline_explanation == "9月23日受理，不计受理当日，"
        "扣除中秋、国庆假期，第5个工作日为10月8日"
    )
    assert a.deadline_counted == [
        "2026-09-24",
        "2026-09-28",
        "2026-09-29",
        "2026-09-30",
        "2026-10-08",
    ]
    assert a.warn_at == "2026-10-08T00:00:00+08:00"  # the start of the last working day


def test_recompute_changes_nothing_on_an_official_year():
    assert sweep.recompute(processing(), FILED_AT + timedelta(days=1), RULES) is None


def test_recompute_makes_a_provisional_deadline_final_with_a_system_event():
    from chalicelib.domain import calendar

    late = file_appeal(at=datetime(2026, 12, 28, 10, 0, tzinfo=BEIJING))
    assert late.deadline_provisional and late.reply_due_at == "2027-01-05T23:59:59+08:00"
    notice = calendar.YearSchedule(
        2027,
        holidays=frozenset({date(2027, 1, 1), date(2027, 1, 4)}),  # a made-up notice
        working_weekends=frozenset(),
        official=True,
        source="admin",
        names={date(2027, 1, 1): "元旦", date(2027, 1, 4): "元旦"},
    )
    loaded = Rules(calendar=calendar.WorkCalendar({2027: notice}))
    d = sweep.recompute(late, datetime(2027, 1, 2, 9, 0, tzinfo=BEIJING), loaded)
    assert d is not None
    assert d.appeal.reply_due_at == "2027-01-06T23:59:59+08:00"
    assert d.appeal.deadline_provisional is False and d.appeal.version == late.version + 1
    assert d.event.type == "deadline_recomputed" and d.event.actor is None
    assert d.event.previous_reply_due_at == "2027-01-05T23:59:59+08:00"


# == the sweep's findings (issue 6) ============================================================


def test_the_sweep_warns_once_then_escalates_once_per_deadline():
    a = processing()  # due 2026-10-08, warning from 00:00 that day
    assert sweep.watch(a) == ("warn", "2026-10-08T00:00:00+08:00")
    assert sweep.act_on(a, "warn", a.reply_due_at, datetime(2026, 10, 7, 9, tzinfo=BEIJING)) is None
    warned = sweep.act_on(a, "warn", a.reply_due_at, datetime(2026, 10, 8, 9, tzinfo=BEIJING))
    assert warned is not None and warned.event.type == "warned" and warned.event.actor is None
    a = warned.appeal
    assert (
        sweep.act_on(a, "warn", a.reply_due_at, datetime(2026, 10, 8, 10, tzinfo=BEIJING)) is None
    )
    assert sweep.watch(a) == ("overdue", DUE_NORMAL)
    late = datetime(2026, 10, 9, 0, 0, 1, tzinfo=BEIJING)
    escalated = sweep.act_on(a, "overdue", a.reply_due_at, late)
    assert escalated is not None and escalated.event.type == "escalated"
    assert escalated.event.level == 1 and escalated.appeal.escalation_level == 1
    assert sweep.watch(escalated.appeal) is None
    assert sweep.act_on(escalated.appeal, "overdue", DUE_NORMAL, late) is None


def test_a_finding_for_a_deadline_no_longer_in_force_does_nothing():
    a = processing()
    moved = run(pending(processing)(), ADMIN, "approve_extension").appeal
    late = datetime(2026, 10, 9, 9, tzinfo=BEIJING)
    assert sweep.act_on(moved, "overdue", DUE_NORMAL, late) is None  # extended meanwhile
    replied = step(a, OWNER, "reply", content="已答复")
    assert sweep.act_on(replied, "overdue", DUE_NORMAL, late) is None


def test_an_overdue_appeal_already_escalated_by_a_person_is_only_marked():
    a = step(processing(), OWNER, "escalate", reason="common")
    d = sweep.act_on(a, "overdue", DUE_NORMAL, datetime(2026, 10, 9, 9, tzinfo=BEIJING))
    assert d is not None and d.event.type == "marked_overdue" and d.appeal.escalation_level == 1


def test_a_reply_settles_a_pending_extension():
    a = step(pending(processing)(), OWNER, "reply", content="已答复")
    assert a.pending_extension is None
    assert "approve_extension" not in transitions.allowed_events(a, ADMIN)


def test_an_appeal_has_at_most_twelve_department_parts():
    directory = Directory(
        commissioners=DIRECTORY.commissioners,
        departments={f"d{i:02d}": DepartmentInfo(f"d{i:02d}", f"部门{i}") for i in range(20)},
    )
    a = processing()
    first = parse_command(
        {"type": "transfer", "version": a.version, "departments": [f"d{i:02d}" for i in range(10)]}
    )
    a = transitions.decide(a, first, OWNER, FILED_AT + timedelta(hours=1), directory, RULES).appeal
    more = parse_command(
        {"type": "transfer", "version": a.version, "departments": ["d10", "d11", "d12"]}
    )
    with pytest.raises(ValidationFailed) as info:
        transitions.decide(a, more, OWNER, FILED_AT + timedelta(hours=2), directory, RULES)
    assert codes_of(info.value) == ["too_many_parts"]


# -- who is told by e-mail (domain/outbox.py) -------------------------------------------------

MAILBOXES = Directory(
    commissioners={
        "c-owner": Candidate(
            id="c-owner",
            name="张专员",
            kind=CommissionerKind.SIZE_CLASS,
            coverage=Coverage(),
            email="owner@rudong.gov.cn",
        ),
        "c-other": candidate("c-other", "李专员"),
    },
    departments={
        DEPT_A: DepartmentInfo(DEPT_A, "县自然资源局", email="zrzy@rudong.gov.cn"),
        DEPT_B: DepartmentInfo(DEPT_B, "县市场监管局"),  # no mailbox
        DEPT_C: DepartmentInfo(DEPT_C, "县人社局", email="rs@rudong.gov.cn"),
    },
)
CENTRE = "centre@rudong.gov.cn"


def mails(decision: Decision) -> list[tuple[str, str]]:
    from chalicelib.domain.outbox import messages

    found = messages(decision.appeal, decision.event, MAILBOXES, CENTRE)
    return sorted((m.to, m.subject.split(" ")[0]) for m in found if m.channel == "email")


@pytest.mark.parametrize(
    ("build", "actor", "event", "fields", "expected"),
    [
        (
            processing,
            OWNER,
            "transfer",
            {"departments": [DEPT_A, DEPT_B]},
            [("zrzy@rudong.gov.cn", "【兴企通】转办诉求")],
        ),
        (
            processing,
            OWNER,
            "escalate",
            {"reason": "common"},
            [
                ("centre@rudong.gov.cn", "【兴企通】诉求升级至服务中心"),
                ("owner@rudong.gov.cn", "【兴企通】诉求升级至服务中心"),
            ],
        ),
        (processing, OWNER, "reply", {"content": "已答复"}, []),  # SMS only
        (
            processing,
            ADMIN,
            "supervise",
            {"due_working_days": 5},
            [("owner@rudong.gov.cn", "【兴企通】督办事项")],
        ),
        (
            processing,
            ADMIN,
            "supervise",
            {"due_working_days": 5, "departments": [DEPT_B, DEPT_C]},
            [("rs@rudong.gov.cn", "【兴企通】督办事项")],
        ),
    ],
)
def test_who_is_told_by_email(build, actor, event, fields, expected):
    assert mails(run(build(), actor, event, None, **fields)) == expected


def test_level_two_mails_the_centre_and_an_overdue_supervision_its_owners():
    level_one = step(processing(), OWNER, "escalate", reason="multi_department")
    assert mails(run(level_one, ADMIN, "escalate", None, reason="common")) == [
        ("centre@rudong.gov.cn", "【兴企通】诉求提交县政府集中会办")
    ]
    under = step(processing(), ADMIN, "supervise", due_working_days=1, departments=[DEPT_A])
    late = datetime.fromisoformat(under.supervision.due_at) + timedelta(minutes=1)
    overdue = sweep.act_on(under, "supervision_overdue", under.supervision.due_at, late)
    assert overdue is not None
    assert mails(overdue) == [("zrzy@rudong.gov.cn", "【兴企通】督办事项逾期")]


def test_only_mobiles_get_text_messages():
    from chalicelib.domain.outbox import messages

    for phone, texts in (("13912345678", 1), ("051384123456", 0)):
        reply = run(processing(), OWNER, "reply", None, content="已答复")
        reply.appeal.contact_phone = phone
        reply.appeal.enterprise.caller_phone = None
        sms = [m for m in messages(reply.appeal, reply.event) if m.channel == "sms"]
        assert [m.to for m in sms] == [phone] * texts
