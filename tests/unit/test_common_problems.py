"""Common problems (共性诉求, R4.3): which appeals group (domain/common_problems.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.clock import BEIJING, iso
from chalicelib.domain import common_problems as cp
from chalicelib.domain.appeals import Part
from chalicelib.domain.codes import Category, ClosedAs, PartStatus, Status
from tests.unit.test_lifecycle import file_appeal

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)
T = cp.Thresholds()

POWER = [
    ("园区电力容量不足", "工业园区变压器容量不够,新上生产线无法通电,请协调供电公司增容"),
    ("园区用电增容", "新增设备后园区变压器容量不足,生产线不能通电,希望协调供电部门增容"),
    ("变压器增容", "园区变压器容量不足,新生产线通不上电,请供电公司尽快增容"),
    ("用电容量", "我司在园区的变压器容量不足,新生产线无法通电,请协调增容"),
]
OTHER = [
    ("招聘困难", "急需招聘数控车工二十名,请人社局帮助对接"),
    ("道路破损", "厂区门口道路破损严重,货车进出困难"),
]


def appeal(n: int, text: tuple[str, str], uscc: str | None, **over):
    a = file_appeal(at=NOW - timedelta(days=20 - n), uscc=uscc)
    a.id = f"XQT-202611{10 + n:02d}-0001"
    a.title, a.content = text
    a.category = Category.PROJECT
    for k, v in over.items():
        setattr(a, k, v)
    return a


def power(uscc_of=("U1", "U2", "U3", "U4"), **over):
    return [appeal(i, t, u, **over) for i, (t, u) in enumerate(zip(POWER, uscc_of, strict=False))]


def test_the_same_problem_from_four_enterprises_is_one_group_and_other_problems_none():
    others = [appeal(10 + i, t, f"V{i}") for i, t in enumerate(OTHER)]
    groups = cp.group([*power(), *others], NOW, T)
    assert len(groups) == 1
    g = groups[0]
    assert g.appeal_ids == [a.id for a in power()]  # the lead (most linked, then earliest) first
    assert g.id == f"CP-{g.appeal_ids[0]}" and g.title == "园区电力容量不足"
    assert [e.uscc for e in g.enterprises] == ["U1", "U2", "U3", "U4"]
    assert g.category == Category.PROJECT and g.status == "proposed"
    assert 0.55 <= g.score <= 1 and g.appeals[0].similarity == 1.0


def test_the_same_enterprise_twice_counts_once():
    # three appeals, but two of them from U1: two enterprises, no group
    assert cp.group(power(("U1", "U1", "U2")), NOW, T) == []
    # with a third enterprise they group, all four appeals in it
    (g,) = cp.group(power(("U1", "U1", "U2", "U3")), NOW, T)
    assert len(g.appeal_ids) == 4  # both of U1's are about it
    assert len(g.enterprises) == 3


def test_unregistered_callers_count_by_their_phone():
    found = power((None, None, None))
    for i, a in enumerate(found):
        a.enterprise.caller_phone = f"1390000000{i}"
    assert len(cp.group(found, NOW, T)) == 1
    for a in found:
        a.enterprise.caller_phone = "13900000000"  # one caller three times
    assert cp.group(found, NOW, T) == []


def test_thresholds_are_settings():
    three = power(("U1", "U2", "U3"))
    assert len(cp.group(three, NOW, T)) == 1
    assert cp.group(three, NOW, cp.Thresholds(min_appeals=4, min_enterprises=3)) == []
    assert cp.group(three, NOW, cp.Thresholds(min_enterprises=4)) == []
    assert cp.group(three, NOW, cp.Thresholds(similarity=0.95)) == []
    assert len(cp.group(three[:2], NOW, cp.Thresholds(min_appeals=2, min_enterprises=2))) == 1


def test_another_category_does_not_group():
    three = power(("U1", "U2", "U3"))
    three[2].category = Category.LAND
    assert cp.group(three, NOW, T) == []


def test_closed_lately_counts_merged_void_and_long_closed_do_not():
    three = power(("U1", "U2", "U3"))
    late = three[2]
    late.status, late.closed_as = Status.CLOSED, ClosedAs.RESOLVED
    late.closed_at = iso(NOW - timedelta(days=29))
    assert len(cp.group(three, NOW, T)) == 1
    late.closed_at = iso(NOW - timedelta(days=31))
    assert cp.group(three, NOW, T) == []
    for how in (ClosedAs.MERGED, ClosedAs.VOID):
        late.closed_at, late.closed_as = iso(NOW - timedelta(days=1)), how
        assert cp.group(three, NOW, T) == []


def test_a_shared_department_raises_the_score():
    a, b, c = power(("U1", "U2", "U3"))[:3]
    cache = {x.id: cp._pairs(cp.normalised(cp.subject(x))) for x in (a, b)}
    plain = cp.link(a, b, T, cache)
    part = Part(id="power", name="供电公司", status=PartStatus.OPEN, due_at=a.reply_due_at,
                transferred_at=a.created_at)  # fmt: skip
    a.departments, b.departments = [part], [part.model_copy()]
    boosted = cp.link(a, b, T, cache)
    assert plain is not None and boosted is not None
    assert boosted == min(1.0, round(plain + cp.DEPARTMENT_BOOST, 4))
    g = cp.group([a, b, c], NOW, T)[0]
    assert g.departments == ["power"]


def test_each_appeal_in_one_group_in_a_deterministic_order():
    roads = [
        ("道路破损", "厂区门口道路破损严重,货车进出困难,请修复"),
        ("门口道路", "园区门口道路破损严重,大货车进出困难"),
        ("道路维修", "厂门口的道路破损严重,货车进出很困难,请尽快修复"),
    ]
    mixed = [*power(("U1", "U2", "U3")), *(appeal(5 + i, t, f"R{i}") for i, t in enumerate(roads))]
    first = cp.group(mixed, NOW, T)
    assert len(first) == 2
    assert cp.group(list(reversed(mixed)), NOW, T) == first  # the input's order says nothing
    ids = [i for g in first for i in g.appeal_ids]
    assert len(ids) == len(set(ids)) == 6
    # appeals of a group accepted already are left to it
    taken = frozenset(first[0].appeal_ids)
    assert [g.id for g in cp.group(mixed, NOW, T, taken)] == [first[1].id]


def test_regrouping_keeps_what_the_centre_settled():
    (g,) = cp.group(power(), NOW, T)
    dropped = g.model_copy(update={"status": "dropped"})
    assert cp.regroup([dropped], [g]) == [dropped]  # dropped stays dropped
    other = g.model_copy(update={"id": "CP-X", "status": "proposed"})
    assert cp.regroup([other], [g]) == [g]  # proposals only proposed are replaced
