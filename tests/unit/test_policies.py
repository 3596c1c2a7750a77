"""Matching policies to enterprises (R1.3): a table of enterprise profiles × policies with
the expected verdict, the reasons it matched and the conditions it failed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.domain import policies as rules
from chalicelib.domain.models import Actor, Enterprise, Flags
from chalicelib.domain.policies import Conditions, Range, match, summary
from chalicelib.domain.uploads import Attachment
from chalicelib.errors import InvalidTransition, NotFound, ValidationFailed

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
        (HENGRUN, TECH_UPGRADE, True, ["行业：工业", "规模：规上"], []),
        (XINGHAI, TECH_UPGRADE, True, ["行业：工业", "规模：亿元以上"], []),
        (FARM, TECH_UPGRADE, False, [], ["行业须为工业", "规模须为规上、亿元以上"]),
        (HENGRUN, KEY_TECH, False, [], ["须为重点科技型企业"]),  # a near miss
        (XINGHAI, KEY_TECH, True, ["重点科技型企业"], []),
        (FARM, SMALL_FARMS, True, ["行业：农业", "规模：小微", "乡镇：洋口镇"], []),
        (HENGRUN, SMALL_FARMS, False, [], ["行业须为农业", "规模须为小微", "乡镇须为洋口镇"]),
        (HENGRUN, MID_SIZED, True, ["从业人数：50–300人", "营业收入：≤20000万元"], []),
        (XINGHAI, MID_SIZED, False, [], ["从业人数须为50–300人", "营业收入须为≤20000万元"]),
        # not kept in the register: unknown is not a match, and says so
        (
            FARM,
            MID_SIZED,
            False,
            [],
            ["从业人数须为50–300人（未登记）", "营业收入须为≤20000万元（未登记）"],
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
    assert summary(TECH_UPGRADE) == "行业：工业；规模：规上、亿元以上"
    assert summary(EVERYONE) == "所有企业"
    assert summary(Conditions(key_tech=True, revenue=Range(min=500))) == (
        "重点科技型企业；营业收入：≥500万元"
    )


def test_a_range_must_be_in_order_and_conditions_are_strict():
    with pytest.raises(ValidationError):
        Range(min=300, max=50)
    with pytest.raises(ValidationError):
        Conditions.model_validate({"industries": ["mining"]})
    with pytest.raises(ValidationError):
        Conditions.model_validate({"sectors": []})


# --- a policy's life: publish, withdraw, attachments, interpretations -----------------------


ADMIN = Actor(username="admin", role="admin", display_name="服务中心")
LATER = "2026-12-01T09:30:00+08:00"


def policy(**over):
    data = {
        "id": "P-20261127-abcdef",
        "title": "技改补助",
        "issuer": "县工业和信息化局",
        "body": "第一条",
        "effective_from": "2026-01-01",
        "conditions": {},
        "conditions_text": "所有企业",
        "status": "published",
        "published_at": STAMP,
        "version": 3,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    return rules.Policy.model_validate({**data, **over})


def file(n: int) -> Attachment:
    return Attachment(
        id=f"U{n:016x}",
        filename=f"附件{n}.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_at=STAMP,
    )


def reading(n: int) -> rules.Interpretation:
    return rules.Interpretation(
        id=f"I-{n}",
        title=f"解读{n}",
        body="正文",
        author="县民营企业服务中心",
        published_at=STAMP,
        published_by=ADMIN,
    )


def test_only_a_published_policy_is_withdrawn_with_its_reason_and_that_is_final():
    w = rules.withdraw(policy(), "  已被新政策替代 ", ADMIN, LATER)
    assert w.status == "withdrawn" and w.updated_at == LATER
    assert w.withdrawal == rules.Withdrawal(at=LATER, by=ADMIN, reason="已被新政策替代")
    assert rules.is_public(w)  # its page still answers
    with pytest.raises(InvalidTransition) as again:
        rules.withdraw(w, "再撤回", ADMIN, LATER)
    assert again.value.detail_code == "policy_already_withdrawn"
    with pytest.raises(InvalidTransition) as drafted:
        rules.withdraw(policy(status="draft", published_at=None), "x", ADMIN, LATER)
    assert drafted.value.detail_code == "policy_not_published"
    with pytest.raises(ValidationFailed) as blank:
        rules.withdraw(policy(), "   ", ADMIN, LATER)
    assert blank.value.errors[0].field == "reason"
    # not republished, not changed
    with pytest.raises(InvalidTransition) as republished:
        rules.publish(w, "J-1", LATER)
    assert republished.value.detail_code == "policy_withdrawn"
    for change in (
        lambda: rules.add_attachments(w, [file(1)], LATER),
        lambda: rules.add_interpretation(w, reading(1), LATER),
        lambda: rules.ensure_changeable(w),
    ):
        with pytest.raises(InvalidTransition):
            change()


def test_publishing_once_and_who_reads_what():
    d = policy(status="draft", published_at=None)
    assert not rules.is_public(d)
    p = rules.publish(d, "J-1", LATER)
    assert (p.status, p.published_at, p.push_job_id) == ("published", LATER, "J-1")
    assert rules.is_public(p)
    with pytest.raises(InvalidTransition):
        rules.publish(p, "J-2", LATER)
    rules.ensure_deletable(d)
    with pytest.raises(InvalidTransition) as kept:
        rules.ensure_deletable(p)
    assert kept.value.detail_code == "policy_not_draft"


def test_at_most_twenty_files_none_twice():
    p = policy(attachments=[file(i) for i in range(19)])
    p = rules.add_attachments(p, [file(19)], LATER)
    assert len(p.attachments) == rules.MAX_ATTACHMENTS == 20
    with pytest.raises(ValidationFailed) as full:
        rules.check_new_attachments(p, [file(20).id])
    assert [(e.field, e.code) for e in full.value.errors] == [
        ("attachments", "too_many_attachments")
    ]
    few = policy(attachments=[file(1)])
    with pytest.raises(ValidationFailed) as twice:
        rules.check_new_attachments(few, [file(2).id, file(1).id])
    assert [(e.field, e.code) for e in twice.value.errors] == [
        ("attachments.1", "attachment_duplicate")
    ]
    gone = rules.remove_attachment(policy(attachments=[file(1), file(2)]), file(1).id, LATER)
    assert [a.id for a in gone.attachments] == [file(2).id]
    with pytest.raises(NotFound):
        rules.remove_attachment(gone, file(1).id, LATER)
    assert rules.attachment(gone, file(2).id) == file(2)


def test_interpretations_are_edited_marked_and_removed():
    p = policy(interpretations=[reading(1), reading(2)])
    edited = rules.edit_interpretation(p, "I-2", {"title": "修订"}, ADMIN, LATER)
    first, second = edited.interpretations
    assert first == reading(1)
    assert (second.title, second.body, second.published_at) == ("修订", "正文", STAMP)
    assert (second.updated_at, second.updated_by) == (LATER, ADMIN)
    assert "修订" in rules.search_text(edited)
    removed = rules.remove_interpretation(edited, "I-1", LATER)
    assert [i.id for i in removed.interpretations] == ["I-2"]
    with pytest.raises(NotFound):
        rules.edit_interpretation(removed, "I-1", {"title": "x"}, ADMIN, LATER)
    full = policy(interpretations=[reading(i) for i in range(rules.MAX_INTERPRETATIONS)])
    with pytest.raises(ValidationFailed):
        rules.add_interpretation(full, reading(99), LATER)
