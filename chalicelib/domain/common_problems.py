"""Common problems (共性诉求, R4.3): the same problem raised by several enterprises, found
among the open appeals and those closed lately, and proposed to the joint meeting as one
item. Pure: the store reads the candidates (docs/meetings.md says which lists, at what cost),
this module groups them.

Two appeals are *linked* when they are of the same category and their texts are alike
(:func:`similarity.text_similarity`, difflib, character-level) — a department that has a
part of both adds a little. A group is a *seed* and the appeals linked to it that no group
took yet; it is proposed when it holds at least ``min_appeals`` appeals from at least
``min_enterprises`` different enterprises (or callers): the same enterprise raising it twice
joins the group but counts once. Seeds are tried linked to the most other enterprises first
(then the earliest filed), so the groups, their order and their ids are the same for the
same appeals. An appeal belongs to at most one group."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.clock import iso
from chalicelib.domain.appeal.similarity import normalised, text_similarity
from chalicelib.domain.appeals import Appeal, default_title
from chalicelib.domain.codes import Category, ClosedAs, Status
from chalicelib.domain.models import Timestamp

#: How a closed appeal that says nothing of a problem ended: never grouped.
NOT_A_PROBLEM = frozenset({ClosedAs.MERGED, ClosedAs.VOID})
#: What a department with a part in both appeals adds to their texts' similarity.
DEPARTMENT_BOOST = 0.1
#: Character pairs two texts must share (as a share of the shorter's pairs) before difflib
#: compares them: a cheap bound that spares most of the pairs about other things.
PREFILTER = 0.2


@dataclass(frozen=True)
class Thresholds:
    """When appeals make a common problem (settings ``XQT_COMMON_*``, docs/meetings.md)."""

    min_appeals: int = 3
    min_enterprises: int = 3
    similarity: float = 0.55
    recent_days: int = 30


class EnterpriseRef(BaseModel):
    """An enterprise (or an unregistered caller) that raised the problem."""

    key: str = Field(description="credit code, or phone:…/appeal:… for a caller unregistered")
    uscc: str | None = None
    name: str | None = None


class MemberAppeal(BaseModel):
    """An appeal of a group as its page lists it."""

    id: str
    title: str
    status: Status
    enterprise: EnterpriseRef
    similarity: float = Field(description="its text's similarity to the lead appeal's, 0–1")


class Proposal(BaseModel):
    """A group proposed to the meeting as one 共性诉求 item."""

    id: str = Field(description="CP-{lead appeal id}: stable while its lead is")
    title: str
    category: Category
    departments: list[str] = Field(default_factory=list, description="departments with a part")
    appeal_ids: list[str] = Field(description="the lead appeal first")
    appeals: list[MemberAppeal] = Field(default_factory=list)
    enterprises: list[EnterpriseRef] = Field(default_factory=list)
    score: float = Field(description="the members' mean similarity to the lead, 0–1")
    status: Literal["proposed", "accepted", "dropped"] = "proposed"
    accepted_at: Timestamp | None = Field(None, description="when the centre accepted it")


def enterprise_key(a: Appeal) -> str:
    """Who raised it: the credit code, else the caller's phone, else the appeal alone."""
    if a.enterprise.uscc:
        return a.enterprise.uscc
    if a.enterprise.caller_phone:
        return f"phone:{a.enterprise.caller_phone}"
    return f"appeal:{a.id}"


def eligible(a: Appeal, now: datetime, t: Thresholds) -> bool:
    """Open, or closed within ``recent_days`` other than as merged or void."""
    if a.merged_into is not None or a.closed_as in NOT_A_PROBLEM:
        return False
    if a.status != Status.CLOSED:
        return True
    return a.closed_at is not None and a.closed_at >= iso(now - timedelta(days=t.recent_days))


def subject(a: Appeal) -> str:
    """The text compared: title and content, or the content alone when the title is only
    its start (a hotline call's default title: counted twice it would weigh double)."""
    return a.content if a.title == default_title(a.content) else f"{a.title} {a.content}"


def _pairs(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def _departments(a: Appeal) -> frozenset[str]:
    return frozenset(p.id for p in a.departments)


def link(a: Appeal, b: Appeal, t: Thresholds, cache: dict[str, frozenset[str]]) -> float | None:
    """How alike two appeals are (0–1), or ``None`` when they do not link: another
    category, or texts less alike than ``t.similarity``."""
    if a.category != b.category:
        return None
    x, y = cache[a.id], cache[b.id]
    if len(x & y) < PREFILTER * min(len(x), len(y)):
        return None
    text = text_similarity(subject(a), subject(b))
    boost = DEPARTMENT_BOOST if _departments(a) & _departments(b) else 0.0
    score = min(1.0, text + boost)
    return round(score, 4) if score >= t.similarity else None


def group(
    candidates: Iterable[Appeal],
    now: datetime,
    t: Thresholds,
    exclude: frozenset[str] = frozenset(),
) -> list[Proposal]:
    """The common problems among ``candidates`` (each appeal once, whatever lists it came
    from; none of ``exclude``, the appeals of groups already accepted), the largest first."""
    unique = {a.id: a for a in candidates if a.id not in exclude and eligible(a, now, t)}
    ordered = sorted(unique.values(), key=lambda a: (a.created_at, a.id))
    cache = {a.id: _pairs(normalised(subject(a))) for a in ordered}
    links: dict[str, dict[str, float]] = defaultdict(dict)
    by_category: dict[Category, list[Appeal]] = defaultdict(list)
    for a in ordered:
        by_category[a.category].append(a)
    for members in by_category.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                score = link(a, b, t, cache)
                if score is not None:
                    links[a.id][b.id] = links[b.id][a.id] = score
    position = {a.id: i for i, a in enumerate(ordered)}

    def reach(i: str) -> int:  # the other enterprises an appeal is linked to
        own = enterprise_key(unique[i])
        return len({enterprise_key(unique[j]) for j in links[i]} - {own})

    seeds = sorted(links, key=lambda i: (-reach(i), position[i]))
    taken: set[str] = set()
    out: list[Proposal] = []
    for seed in seeds:
        if seed in taken:
            continue
        near = sorted((i for i in links[seed] if i not in taken), key=position.__getitem__)
        members = [unique[seed], *(unique[i] for i in near)]
        enterprises = {enterprise_key(a) for a in members}
        if len(members) < t.min_appeals or len(enterprises) < t.min_enterprises:
            continue
        taken.update(a.id for a in members)
        out.append(_proposal(members, links[seed]))
    out.sort(key=lambda p: (-len(p.appeal_ids), -p.score, p.id))
    return out


def _proposal(members: list[Appeal], to_lead: dict[str, float]) -> Proposal:
    lead = members[0]
    others = sorted(members[1:], key=lambda a: (a.created_at, a.id))
    members = [lead, *others]
    departments: dict[str, None] = {}
    for a in members:
        departments.update(dict.fromkeys(p.id for p in a.departments))
    appeals = [
        MemberAppeal(
            id=a.id,
            title=a.title,
            status=a.status,
            enterprise=EnterpriseRef(
                key=enterprise_key(a), uscc=a.enterprise.uscc, name=a.enterprise.name
            ),
            similarity=1.0 if a is lead else to_lead[a.id],
        )
        for a in members
    ]
    scores = [to_lead[a.id] for a in others]
    return Proposal(
        id=f"CP-{lead.id}",
        title=lead.title,
        category=lead.category,
        departments=list(departments),
        appeal_ids=[a.id for a in members],
        appeals=appeals,
        enterprises=enterprises_of(appeals),
        score=round(sum(scores) / len(scores), 4),
    )


def enterprises_of(appeals: list[MemberAppeal]) -> list[EnterpriseRef]:
    """Each enterprise once, in the order of its first appeal."""
    return list({m.enterprise.key: m.enterprise for m in appeals}.values())


def accepted_appeals(proposals: list[Proposal]) -> frozenset[str]:
    """The appeals of the groups the centre accepted (no other group may take them)."""
    return frozenset(i for p in proposals if p.status == "accepted" for i in p.appeal_ids)


def regroup(kept: list[Proposal], fresh: list[Proposal]) -> list[Proposal]:
    """The meeting's proposals after a new grouping (made without the accepted groups'
    appeals): those the centre accepted or dropped stay as they are; the fresh groups
    replace the ones still only proposed, less any the centre dropped (by its id)."""
    settled = [p for p in kept if p.status != "proposed"]
    dropped = {p.id for p in settled if p.status == "dropped"}
    return [*settled, *(p for p in fresh if p.id not in dropped)]
