"""The rules of project applications without storage: when a window takes applications,
which materials are missing, who may take which step, and who hears of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.clock import BEIJING
from chalicelib.domain.applications import (
    Application,
    ApplicationForm,
    Eligibility,
    Status,
    Step,
    allowed_actions,
    audiences,
    material_problems,
    missing_materials,
    move,
)
from chalicelib.domain.codes import Role
from chalicelib.domain.models import User
from chalicelib.domain.windows import Material, Window, window_state
from chalicelib.errors import Forbidden, InvalidTransition, ValidationFailed

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)
CLOSES = datetime(2026, 12, 31, 17, 0, tzinfo=BEIJING)
WINDOW = Window(
    opens_at=OPENS.isoformat(),
    closes_at=CLOSES.isoformat(),
    materials=[
        Material(id="plan", name="可研报告"),
        Material(id="license", name="营业执照"),
        Material(id="other", name="其他", required=False),
    ],
    reviewer_department_id="tax",
    reviewer_name="县税务局",
)


def user(username: str, role: Role, **binding: Any) -> User:
    stamp = OPENS.isoformat()
    return User(
        username=username,
        display_name=f"用户 {username}",
        role=role,
        issuer="https://idp.example.test",
        subject=f"sub-{username}",
        version=1,
        created_at=stamp,
        updated_at=stamp,
        **binding,
    )


ENT = user("e", Role.ENTERPRISE, enterprise_uscc="X")
OTHER_ENT = user("o", Role.ENTERPRISE, enterprise_uscc="Y")
TAX = user("t", Role.DEPARTMENT, department_id="tax")
HR = user("h", Role.DEPARTMENT, department_id="hr-social")
ADMIN = user("a", Role.ADMIN)
SUPERVISOR = user("s", Role.SUPERVISOR)


def application(status: Status = Status.SUBMITTED, reviewer: str | None = "tax") -> Application:
    at = OPENS.isoformat()
    return Application(
        id="SB-1",
        policy_id="P-1",
        policy_title="政策",
        uscc="X",
        enterprise_name="企业",
        form=ApplicationForm(
            project_name="项目", summary="简介", contact_name="张伟", contact_phone="13812345678"
        ),
        materials=[],
        eligibility=Eligibility(matched=True, reasons=[]),
        reviewer_department_id=reviewer,
        reviewer_name="县税务局",
        status=status,
        history=[Step(status=Status.SUBMITTED, at=at, by=ENT.actor())],
        submitted_at=at,
        filed_by="e",
        version=1,
        created_at=at,
        updated_at=at,
    )


@pytest.mark.parametrize(
    ("when", "state"),
    [
        (OPENS - timedelta(seconds=1), "not_open"),
        (OPENS, "open"),
        (CLOSES - timedelta(seconds=1), "open"),
        (CLOSES, "closed"),  # the closing moment itself is too late
        (CLOSES + timedelta(days=1), "closed"),
    ],
)
def test_a_window_takes_applications_from_its_opening_until_before_its_close(when, state):
    assert window_state(WINDOW, when) == state


def test_missing_and_unknown_materials():
    assert missing_materials(WINDOW, ["plan", "license"]) == []
    assert missing_materials(WINDOW, ["plan"]) == [("materials.license", "material_required")]
    # named by its place in the request, a material named twice included
    assert missing_materials(WINDOW, ["plan", "plan", "photo", "license"]) == [
        ("materials.2.material_id", "material_unknown")
    ]
    assert material_problems(WINDOW, ["plan", "plan", "photo", "license"]) == [
        ("materials.1.material_id", "material_duplicate"),
        ("materials.2.material_id", "material_unknown"),
    ]


@pytest.mark.parametrize(
    ("status", "user", "actions"),
    [
        (Status.SUBMITTED, ENT, ["withdraw"]),
        (Status.SUBMITTED, OTHER_ENT, []),
        (Status.SUBMITTED, TAX, ["review"]),
        (Status.SUBMITTED, HR, []),
        (Status.SUBMITTED, ADMIN, ["review"]),
        (Status.SUBMITTED, SUPERVISOR, []),
        (Status.UNDER_REVIEW, ENT, []),
        (Status.UNDER_REVIEW, TAX, ["approve", "reject"]),
        (Status.APPROVED, TAX, []),
        (Status.REJECTED, ADMIN, []),
        (Status.WITHDRAWN, ENT, []),
    ],
)
def test_who_may_take_which_step(status, user, actions):
    assert allowed_actions(user, application(status)) == actions


def test_a_step_out_of_order_a_stranger_and_a_rejection_without_reason():
    now = OPENS + timedelta(days=1)
    with pytest.raises(InvalidTransition):
        move(application(Status.SUBMITTED), "approve", TAX, None, now)
    with pytest.raises(Forbidden):
        move(application(Status.SUBMITTED), "review", HR, None, now)
    with pytest.raises(ValidationFailed) as err:
        move(application(Status.UNDER_REVIEW), "reject", TAX, " ", now)
    assert err.value.errors[0].field == "note"
    done = move(application(Status.UNDER_REVIEW), "reject", TAX, " 材料不全 ", now)
    assert (done.status, done.reason, done.decided_at) == (
        Status.REJECTED,
        "材料不全",
        now.isoformat(),
    )
    assert [s.status for s in done.history] == [Status.SUBMITTED, Status.REJECTED]


def test_who_hears_of_each_step():
    a = application()
    assert audiences(a, Status.SUBMITTED) == ["department:tax"]  # not the enterprise itself
    assert audiences(a, Status.UNDER_REVIEW) == ["enterprise:X"]
    assert audiences(a, Status.APPROVED) == ["enterprise:X"]
    assert audiences(a, Status.REJECTED) == ["enterprise:X"]
    assert audiences(a, Status.WITHDRAWN) == ["department:tax"]
    assert audiences(application(reviewer=None), Status.SUBMITTED) == ["role:admin"]


def test_a_decision_is_texted_to_a_mobile_contact_only():
    from chalicelib.domain.outbox import application_messages

    now = OPENS + timedelta(days=2)
    approved = move(application(Status.UNDER_REVIEW), "approve", TAX, None, now)
    rejected = move(application(Status.UNDER_REVIEW), "reject", TAX, "投资额不足", now)
    assert [m.to for m in application_messages(approved)] == ["13812345678"]
    assert "未通过审核：投资额不足" in application_messages(rejected)[0].text
    assert application_messages(application(Status.UNDER_REVIEW)) == []
    landline = approved.model_copy(
        update={"form": approved.form.model_copy(update={"contact_phone": "051384123456"})}
    )
    assert application_messages(landline) == []
