"""Handling units (issue 21): a responsibility list covering a category, units ordered for
a category (never filtered), and the refusal to deactivate a unit holding open parts."""

from __future__ import annotations

import pytest

from chalicelib.domain import units
from chalicelib.domain.codes import Category
from chalicelib.domain.models import RESPONSIBILITIES_MAX, Department, Responsibility
from chalicelib.errors import UnitBusy


def unit(uid: str, *categories: str) -> dict:
    return {"id": uid, "responsibilities": [{"category": c, "matters": "事项"} for c in categories]}


def test_a_list_covers_the_categories_it_names():
    duties = unit("x", "land", "project")["responsibilities"]
    assert units.covers(duties, Category.LAND) and units.covers(duties, "project")
    assert not units.covers(duties, Category.LABOR) and not units.covers([], "land")


def test_units_covering_the_category_come_first_each_group_in_id_order():
    listed = [unit("tax", "policy"), unit("town-b", "land"), unit("approval"), unit("nr", "land")]
    ordered = units.ordered_for(listed, Category.LAND)
    assert [u["id"] for u in ordered] == ["nr", "town-b", "approval", "tax"]
    assert len(ordered) == len(listed)  # ordered, not filtered
    assert [u["id"] for u in units.ordered_for(listed, "talent")] == sorted(u["id"] for u in listed)


def test_a_unit_holding_open_parts_is_not_deactivated():
    units.refuse_deactivation(0)
    with pytest.raises(UnitBusy) as refused:
        units.refuse_deactivation(3)
    assert refused.value.status == 409 and refused.value.params == {"count": 3}


def test_a_unit_is_a_department_unless_made_a_town_and_its_list_is_checked():
    stored = {
        "id": "tax",
        "name": "县税务局",
        "version": 1,
        "created_at": "2026-12-07T09:00:00+08:00",
        "updated_at": "2026-12-07T09:00:00+08:00",
    }
    d = Department.model_validate(stored)  # written before units had a kind or a list
    assert d.kind == "department" and d.responsibilities == []
    assert RESPONSIBILITIES_MAX == 30
    with pytest.raises(ValueError):
        Responsibility.model_validate({"category": "roads", "matters": "道路"})
    with pytest.raises(ValueError):
        Responsibility.model_validate({"category": "land", "matters": "地" * 501})


# -- progress entries (推进台账) ---------------------------------------------------------------


def test_progress_needs_an_open_part_of_an_appeal_not_closed_or_an_owned_open_supervision():
    from chalicelib.errors import Forbidden
    from tests.unit.test_lifecycle import (
        ADMIN,
        DEPT_A,
        DEPT_USER,
        OTHER_DEPT_USER,
        joint_closed,
        joint_processing,
        joint_received,
        joint_replied,
        run,
        step,
    )

    for build in (joint_processing, joint_replied):  # its part open
        d = run(build(), DEPT_USER, "progress", content="正在核实")
        assert d.appeal.unit_progress[DEPT_A].content == "正在核实"
        assert d.event.department is not None and d.event.department.id == DEPT_A
    for build in (joint_received, joint_closed):  # answered; or open, but the appeal closed
        with pytest.raises(Forbidden) as refused:
            run(build(), DEPT_USER, "progress", content="正在核实")
        assert refused.value.detail_code == "no_open_work"
    owned = step(joint_closed(), ADMIN, "supervise", due_working_days=5, departments=[DEPT_A])
    assert run(owned, DEPT_USER, "progress", content="督办推进中").appeal.unit_progress
    with pytest.raises(Forbidden):  # reads nothing of it: not transferred, not its item
        run(joint_processing(), OTHER_DEPT_USER, "progress", content="x")
