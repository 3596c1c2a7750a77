"""Similar appeals (重复工单): which open appeals are likely about the same problem as a
given one, or as a call being typed. Candidates are drawn by index — the same enterprise's,
the same phone's, the same category's latest open appeals — never by scanning, and ranked
here: text similarity of title and content (character-level, which suits Chinese without
segmentation: the standard library's ``difflib`` — rapidfuzz measures the same, but Chalice's
packager compiles it from source for every Lambda package, minutes on this machine, for
≤ 250 short comparisons a lookup), raised when the enterprise, the phone or the category is
the same."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from chalicelib.domain.appeals import Appeal
from chalicelib.domain.codes import Category

#: Text this similar (0–1) makes a candidate worth showing without any other tie.
TEXT_ALONE = 0.55
#: What a shared enterprise, phone or category adds to the text's similarity.
BONUS = {"same_enterprise": 0.2, "same_phone": 0.2, "same_category": 0.1}
#: Characters of the text compared (the start says what the problem is).
COMPARED = 300


@dataclass(frozen=True)
class Probe:
    """What is compared: an appeal, or a call as the operator types it."""

    title: str
    content: str
    category: Category | None = None
    uscc: str | None = None
    phones: frozenset[str] = frozenset()
    appeal_id: str | None = None


@dataclass(frozen=True)
class Match:
    appeal: Appeal
    score: float  # 0–1
    reasons: tuple[tuple[str, int], ...]  # (code, the text similarity in % for "text")


def probe_of(appeal: Appeal) -> Probe:
    return Probe(
        title=appeal.title,
        content=appeal.content,
        category=appeal.category,
        uscc=appeal.enterprise.uscc,
        phones=phones_of(appeal),
        appeal_id=appeal.id,
    )


def phones_of(appeal: Appeal) -> frozenset[str]:
    return frozenset(p for p in (appeal.enterprise.caller_phone, appeal.contact_phone) if p)


def normalised(text: str) -> str:
    """Letters and digits only, case folded: punctuation, spaces and symbols say nothing of
    the problem (full-width forms folded by NFKC)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")[:COMPARED]


def text_similarity(a: str, b: str) -> float:
    """0–1: how much of the shorter text the longer one contains (the characters of their
    matching blocks over the shorter's length), tempered by how alike they are as wholes
    (``SequenceMatcher.ratio``)."""
    x, y = normalised(a), normalised(b)
    if not x or not y:
        return 0.0
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    contained = shared / min(len(x), len(y))
    return round(0.6 * contained + 0.4 * matcher.ratio(), 4)


def rank(probe: Probe, candidates: Iterable[Appeal], limit: int = 10) -> list[Match]:
    """The open candidates likely about the same problem, best first (each once; never the
    probe itself)."""
    seen: set[str] = set()
    out: list[Match] = []
    subject = f"{probe.title} {probe.content}"
    for appeal in candidates:
        if appeal.id in seen or appeal.id == probe.appeal_id or not appeal.is_open:
            continue
        seen.add(appeal.id)
        text = text_similarity(subject, f"{appeal.title} {appeal.content}")
        ties = []
        if probe.uscc and appeal.enterprise.uscc == probe.uscc:
            ties.append("same_enterprise")
        if probe.phones & phones_of(appeal):
            ties.append("same_phone")
        if probe.category is not None and appeal.category == probe.category:
            ties.append("same_category")
        personal = {"same_enterprise", "same_phone"} & set(ties)
        if text < TEXT_ALONE and not personal:
            continue
        score = min(1.0, text + sum(BONUS[t] for t in ties))
        reasons = (*((t, 0) for t in ties), ("text", round(text * 100)))
        out.append(Match(appeal, round(score, 4), reasons))
    out.sort(key=lambda m: (-m.score, m.appeal.created_at))
    return out[:limit]
