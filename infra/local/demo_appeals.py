"""A believable demo month of appeals for ``make run`` (issue 21): three dozen calls from the
demo enterprises across the towns, handled by the commissioners, many transferred to the
enterprises' towns (用地, 项目推进, 用工) and to the departments with a demo user, signed for
and answered — a few late, a few left open past their deadline — with the deadline sweep
run through the month as the scheduler would. Every step goes through the services the API
uses (``intake.take_call``, ``appeals.post_event``, ``appeals.act_on_finding``) with the
business clock set to its moment, so the month's events, listings, ledgers and report
figures are what the platform itself would have made; nothing is written by hand.

The month is the one before the data folder's first start (its report can be built at
once: 报告统计 → 生成). Seeded only with ``XQT_DEMO_CONTENT=1`` on a new data folder.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from infra.local.seed import TOWN_IDS, enterprise_records, user_records

#: Stands for the appeal's owner commissioner when a step runs (routing chose it at filing).
OWNER = "<owner>"

#: The commissioner's own answer to a question no unit need handle.
DIRECT = "已与企业电话沟通并书面答复，政策口径已说明。"

#: A unit's progress entries (推进情况) on a part it has not yet answered.
_PROGRESS = [
    "已召开现场协调会，明确由镇村两级牵头，方案报镇主要负责同志。",
    "补偿方案已经镇党委会审议通过，正在逐户签约。",
    "已签约过半，剩余户正在做工作，预计下周完成交地。",
]

#: A unit's answer (部门答复).
ANSWER = "已现场办理：与企业和相关村组当面协调，明确了办理时间节点，企业认可。"

#: How many appeals the demo month holds.
COUNT = 36

#: Units with a demo user that answer for a category besides the towns (docs/departments.md).
_DEPARTMENT_FOR = {
    "policy": "tax",
    "financing": "tax",
    "talent": "hr-social",
    "land": "natural-resources",
}

#: (title, content) by category: what enterprises of the county call about.
_TEXTS: dict[str, list[tuple[str, str]]] = {
    "land": [
        ("扩建项目用地征收进度", "二期扩建用地尚有两户未签征收协议，影响按期交地，请协调。"),
        ("厂区边角地块权属纠纷", "厂区东侧边角地与村组存在权属争议，围墙无法施工，请调处。"),
        ("新增用地指标申请", "技改项目需新增工业用地约 15 亩，请指导用地指标申报。"),
    ],
    "project": [
        ("项目配套道路未通", "新厂房已封顶，进厂道路和雨污管网尚未接通，影响设备进场。"),
        ("施工环境受阻", "项目施工期间周边群众多次阻工，请属地协调施工环境。"),
        ("项目供电接入", "新上生产线需 10 千伏专线接入，请协调供电配套时间。"),
    ],
    "labor": [
        ("旺季普工招聘困难", "订单增加，急需普工 80 人，请协助对接劳务资源。"),
        ("技能工人培训补贴", "新招员工岗前培训，咨询技能培训补贴申领流程。"),
    ],
    "policy": [
        ("研发费用加计扣除咨询", "咨询今年研发费用加计扣除的口径和申报时间。"),
        ("小微企业税费优惠", "咨询小微企业“六税两费”减免政策是否适用。"),
    ],
    "financing": [
        ("流动资金贷款需求", "原材料集中采购，需流动资金贷款 500 万元，请对接银行。"),
        ("银税互动信用贷款", "纳税信用 A 级，咨询银税互动信用贷款办理渠道。"),
    ],
    "approval": [("排污许可证变更", "新增一条生产线，咨询排污许可证变更所需材料。")],
    "technology": [("生产线智能化改造", "计划实施智能化改造，希望对接省级智改数转服务商。")],
    "talent": [("高层次人才认定", "引进博士一名，咨询县级高层次人才认定和安家补贴。")],
    "other": [("企业门前路灯损坏", "企业门前道路路灯损坏多日，夜间通勤存在安全隐患。")],
}

#: The month's mix of categories, in filing order (towns get 用地, 项目推进 and half of 用工).
_CATEGORIES = [
    "land", "project", "labor", "policy", "land", "financing", "project", "approval",
    "labor", "land", "technology", "project", "talent", "land", "policy", "other",
    "project", "labor",
]  # fmt: skip


def previous_month(today: date) -> str:
    """The month before ``today``'s (YYYY-MM)."""
    first = today.replace(day=1) - timedelta(days=1)
    return first.strftime("%Y-%m")


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    from chalicelib.clock import BEIJING

    return datetime.combine(day, time(hour, minute), BEIJING)


def seed_demo_appeals(month: str | None = None) -> dict[str, int]:
    """File and handle the demo month's appeals (``month``: YYYY-MM, default the month before
    now, Beijing); returns how many were filed, transferred, answered late and left open."""
    from chalicelib import clock
    from chalicelib.domain.appeal.events import parse_command
    from chalicelib.domain.codes import Category, Channel, Urgency
    from chalicelib.domain.models import User
    from chalicelib.services import appeals as appeal_service
    from chalicelib.services import intake
    from chalicelib.store import appeals as appeal_store
    from chalicelib.store import settings as settings_store
    from chalicelib.store import users as user_store

    rules = settings_store.rules()
    if month is None:
        month = previous_month(clock.to_beijing(clock.now()).date())
    year, mon = (int(x) for x in month.split("-"))
    first = date(year, mon, 1)
    days = [
        first + timedelta(days=n)
        for n in range(31)
        if (first + timedelta(days=n)).month == mon
        and rules.calendar.is_working_day(first + timedelta(days=n))
    ]
    users: dict[str, User] = {}

    def user(username: str) -> User:
        if username not in users:
            users[username] = User.model_validate(user_store.by_username(username))
        return users[username]

    people = user_records("")
    commissioner_users = {
        str(u["commissioner_id"]): str(u["username"]) for u in people if u["role"] == "commissioner"
    }
    unit_users = {
        str(u["department_id"]): str(u["username"]) for u in people if u["role"] == "department"
    }
    queue: list[_Step] = []
    order = 0

    def later(at: datetime, run: Callable[[], None]) -> None:
        nonlocal order
        order += 1
        heapq.heappush(queue, _Step(at, order, run))

    ids: dict[int, str] = {}
    counts = {
        "filed": 0,
        "transferred": 0,
        "answered_late": 0,
        "left_open": 0,
        "supervised": 0,
        "skipped": 0,
    }

    def post(i: int, username: str, body: dict[str, Any]) -> None:
        appeal, _ = appeal_store.load(ids[i])
        if username == OWNER:
            owner = appeal.assignee.commissioner_id
            if owner not in commissioner_users:  # in triage: the demo leaves it there
                counts["skipped"] += 1
                return
            username = commissioner_users[owner]
        username = unit_users.get(username, username)  # a unit's step: its demo user
        command = parse_command({**body, "version": appeal.version})
        appeal_service.post_event(user(username), ids[i], command, clock.now(), rules)

    ents = enterprise_records()
    # the filing days: the month's first 80 % of working days, so most deadlines fall in it
    filing_days = days[: max(1, len(days) * 4 // 5)]
    for i in range(COUNT):
        ent = ents[(i * 7) % len(ents)]
        category = _CATEGORIES[i % len(_CATEGORIES)]
        title, content = _TEXTS[category][i % len(_TEXTS[category])]
        day_index = (i * len(filing_days)) // COUNT
        filed_at = _at(filing_days[day_index], 9 + i % 7, (i * 13) % 60)
        town_unit = TOWN_IDS[ent["town"]]
        units: list[str] = []
        if category in ("land", "project") or (category == "labor" and i % 2 == 0):
            units = [town_unit]
            if category == "land" and i % 3 == 0:
                units.append(_DEPARTMENT_FOR["land"])
        elif category == "labor":
            units = ["hr-social"]
        elif category in _DEPARTMENT_FOR:
            units = [_DEPARTMENT_FOR[category]]

        def file(
            i: int = i,
            ent: dict[str, Any] = ent,
            category: str = category,
            title: str = title,
            content: str = content,
        ) -> None:
            filing = intake.Filing(
                channel=Channel.HOTLINE_CENTER,
                category=Category(category),
                title=title if i < len(_CATEGORIES) else f"{title}（续）",
                content=content,
                urgency=Urgency.URGENT if i % 11 == 5 else Urgency.NORMAL,
                caller_phone=ent["contacts"][0]["phone"],
                contact_name=ent["contacts"][0]["name"],
                contact_phone=ent["contacts"][0]["phone"],
            )
            claim = appeal_store.IdempotencyClaim.of("operator-center", f"demo-{month}-{i}", {})
            filed = intake.take_call(
                user("operator-center"), filing, ent["uscc"], claim, clock.now(), rules
            )
            ids[i] = filed.appeal.id
            counts["filed"] += 1

        later(filed_at, file)
        commissioner = OWNER
        accepted_at = filed_at + timedelta(minutes=40)
        later(accepted_at, partial(post, i, commissioner, {"type": "accept"}))
        if not units:  # answered by the commissioner on the next working day
            reply_day = _next(days, filed_at.date(), 1)
            if reply_day is not None:
                later(
                    _at(reply_day, 15, i % 50),
                    partial(post, i, commissioner, {"type": "reply", "content": DIRECT}),
                )
            continue
        transfer_at = accepted_at + timedelta(hours=1)
        later(
            transfer_at,
            partial(post, i, commissioner, {"type": "transfer", "departments": units}),
        )
        counts["transferred"] += 1
        left_open = i % 7 == 6
        late = i % 4 == 3 and not left_open
        counts["left_open"] += left_open
        counts["answered_late"] += late
        answered_day = None
        sign_after = 2 if i % 5 == 0 else 0  # a few signed for late
        for n, unit in enumerate(units):
            sign_day = _next(days, filed_at.date(), sign_after)
            if sign_day is not None:
                sign_at = max(_at(sign_day, 16, n * 5), transfer_at + timedelta(minutes=30 + n))
                later(sign_at, partial(post, i, unit, {"type": "accept_part"}))
            if left_open:  # still open: the unit reports its progress, and is supervised
                for k, note in enumerate(_PROGRESS):
                    day = _next(days, filed_at.date(), sign_after + 1 + 2 * k)
                    if day is not None:
                        later(
                            _at(day, 17, 10 + n),
                            partial(post, i, unit, {"type": "progress", "content": note}),
                        )
                continue
            answered_day = _next(days, filed_at.date(), 6 if late else sign_after + 2)
            if answered_day is None:
                continue
            later(
                _at(answered_day, 11, 10 + n * 5),
                partial(
                    post,
                    i,
                    unit,
                    {
                        "type": "department_reply",
                        "content": ANSWER,
                    },
                ),
            )
            if i % 6 == 1:  # a progress entry on the ledger before the answer
                later(
                    _at(_next(days, filed_at.date(), 1) or filed_at.date(), 17, n),
                    partial(
                        post,
                        i,
                        unit,
                        {"type": "progress", "content": "已召开协调会，方案已报镇主要负责同志。"},
                    ),
                )
        if left_open:  # 督办 by the supervisors on the month's last working day, to the town
            counts["supervised"] += 1
            later(
                _at(days[-1], 10, i % 50),
                partial(
                    post,
                    i,
                    "supervisor",
                    {"type": "supervise", "due_working_days": 10, "departments": units[:1]},
                ),
            )
        if answered_day is not None:
            later(
                _at(answered_day, 16, 30),
                partial(
                    post,
                    i,
                    commissioner,
                    {"type": "reply", "content": "经承办单位办理，已答复企业，请企业确认。"},
                ),
            )
    # the deadline sweep, as the scheduler runs it, twice each working day
    for day in days:
        for hour in (9, 18):
            later(_at(day, hour, 30), partial(_sweep, rules))
    try:
        while queue:
            step = heapq.heappop(queue)
            clock.set_now(step.at)
            step.run()
    finally:
        clock.set_now(None)
    return counts


def _next(days: list[date], after: date, n: int) -> date | None:
    """The ``n``th working day of the month after ``after`` (0: that day), or None."""
    later = [d for d in days if d >= after]
    return later[n] if n < len(later) else None


def _sweep(rules: Any) -> None:
    from chalicelib import clock
    from chalicelib.services import appeals as appeal_service
    from chalicelib.store import appeals as appeal_store

    now = clock.now()
    findings, _ = appeal_store.due_for_sweep(now)
    for f in findings:
        appeal_service.act_on_finding(f.appeal_id, f.finding, f.deadline, now, rules)
