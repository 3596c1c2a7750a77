"""Matching policies to enterprises (R1.3): a table of enterprise profiles × policies with
the expected verdict, the reasons it matched and the conditions it failed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.domain.models import Enterprise, Flags
from chalicelib.domain.policies import Conditions, Range, match, summary

STAMP = "2026-11-27T10:00:00+08:00"


def enterprise(**over):
    data = {
        "uscc": "91320623MAGBX6WJ1C",
        "name": "如东恒润机械制造有限公司",
        "size_class": "designated",
        "industry": "industry",
        "town": "掘港街道",
        "flags": Flags(),
        "employees": 120,
        "revenue": 8000.0,
        "version": 1,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    data.update(over)
    return Enterprise.model_validate(data)


HENGRUN = enterprise()  # 规上 工业, 掘港, 120 人, 8,000 万元
XINGHAI = enterprise(
    name="江苏星海新能源科技有限公司",
    size_class="above_100m",
    flags=Flags(key_tech=True, major_project=True),
    employees=900,
    revenue=150000.0,
)
FARM = enterprise(
    name="如东某水产养殖场",
    size_class="small_micro",
    industry="agriculture",
    town="洋口镇",
    employees=None,
    revenue=None,
)

TECH_UPGRADE = Conditions(industries=["industry"], size_classes=["designated", "above_100m"])
KEY_TECH = Conditions(key_tech=True)
SMALL_FARMS = Conditions(industries=["agriculture"], size_classes=["small_micro"], towns=["洋口镇"])
MID_SIZED = Conditions(employees=Range(min=50, max=300), revenue=Range(max=20000))
EVERYONE = Conditions()


@pytest.mark.parametrize(
    ("company", "conditions", "matched", "reasons", "failed"),
    [
        (HENGRUN, TECH_UPGRADE, True, ["行业:工业", "规模:规上"], []),
        (XINGHAI, TECH_UPGRADE, True, ["行业:工业", "规模:亿元以上"], []),
        (FARM, TECH_UPGRADE, False, [], ["行业须为工业", "规模须为规上、亿元以上"]),
        (HENGRUN, KEY_TECH, False, [], ["须为重点科技型企业"]),  # a near miss
        (XINGHAI, KEY_TECH, True, ["重点科技型企业"], []),
        (FARM, SMALL_FARMS, True, ["行业:农业", "规模:小微", "乡镇:洋口镇"], []),
        (HENGRUN, SMALL_FARMS, False, [], ["行业须为农业", "规模须为小微", "乡镇须为洋口镇"]),
        (HENGRUN, MID_SIZED, True, ["从业人数:50–300人", "营业收入:≤20000万元"], []),
        (XINGHAI, MID_SIZED, False, [], ["从业人数须为50–300人", "营业收入须为≤20000万元"]),
        # not kept in the register: unknown is not a match, and says so
        (
            FARM,
            MID_SIZED,
            False,
            [],
            ["从业人数须为50–300人(未登记)", "营业收入须为≤20000万元(未登记)"],
        ),
        (FARM, EVERYONE, True, [], []),
    ],
)
def test_the_matching_table(company, conditions, matched, reasons, failed):
    found = match(conditions, company)
    assert found.matched is matched
    assert [r.text for r in found.reasons] == reasons
    assert [r.text for r in found.failed] == failed
    assert found.near_miss is (not matched and len(failed) == 1)


def test_conditions_in_words():
    assert summary(TECH_UPGRADE) == "行业:工业;规模:规上、亿元以上"
    assert summary(EVERYONE) == "所有企业"
    assert summary(Conditions(key_tech=True, revenue=Range(min=500))) == (
        "重点科技型企业;营业收入:≥500万元"
    )


def test_a_range_must_be_in_order_and_conditions_are_strict():
    with pytest.raises(ValidationError):
        Range(min=300, max=50)
    with pytest.raises(ValidationError):
        Conditions.model_validate({"industries": ["mining"]})
    with pytest.raises(ValidationError):
        Conditions.model_validate({"sectors": []})
