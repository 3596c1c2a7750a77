"""The knowledge base (知识库): the service centre's articles — a question and its answer,
linked to a policy, valid until a day — and how a search by words ranks them.

What an article is and its life: drafted (a draft is the centre's only; every reply of an
appeal can become one), published (every staff role searches it), retired (out of every
search; its versions and audit entries stay). Each change is a new ``version``; every
version is kept readable.

How a search ranks (docs/knowledge.md): the words asked and each article are cut into terms
by :mod:`chalicelib.segmentation`; an article scores by BM25 over its fields (the title and
keywords count three times, the question twice, the answer once), multiplied by the square
of the share of the asked terms' weight it contains — so an article about all the words
asked comes before one that mentions a single one of them many times. Expired articles
(past ``valid_until``) come after every valid one.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from chalicelib import segmentation
from chalicelib.domain.codes import Category
from chalicelib.domain.models import Actor, Timestamp, _in_years
from chalicelib.domain.privacy import mask_phones_in_text
from chalicelib.errors import InvalidTransition

TITLE_MAX = 100
QUESTION_MAX = 2000
ANSWER_MAX = 5000
KEYWORD_MAX = 20
KEYWORDS_MAX = 20
#: What a search may ask: 1–50 characters (API.md "Bad input and limits").
QUERY_MAX = 50
#: A weak match is left out: below this share of the best score.
RELATIVE_FLOOR = 0.1

Status = Literal["draft", "published", "retired"]
Day = Annotated[date, AfterValidator(_in_years)]

#: How much each field counts in a score (title and keywords: what the article is about).
FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "keywords": 3.0, "question": 2.0, "answer": 1.0}
FIELDS = tuple(FIELD_WEIGHTS)
#: BM25's term saturation and length normalisation.
K1, B = 1.2, 0.5
#: A term found inside a field's text but not among its words (a word cut differently, a
#: single character) counts as half an occurrence.
SUBSTRING_WEIGHT = 0.5


class Article(BaseModel):
    """A knowledge base article (知识库条目) as stored and shown."""

    id: str = Field(description="e.g. KB-20260315-a1b2c3")
    title: str
    question: str = Field(description="the question as callers ask it")
    answer: str = Field(description="the answer an operator can give on the call")
    category: Category
    keywords: list[str] = Field(default_factory=list)
    policy_id: str | None = Field(None, description="the policy it explains")
    valid_until: date | None = Field(None, description="last day the answer holds; null: no end")
    status: Status = Field(
        description="draft (the service centre's only), published (searched by every staff "
        "role), retired（下架：out of every search; versions and audit kept）"
    )
    expired: bool = Field(False, description="past valid_until (still shown, ranked last)")
    source_appeal_id: str | None = Field(
        None, description="the appeal whose reply it was drafted from"
    )
    version: int
    created_at: Timestamp
    updated_at: Timestamp
    updated_by: Actor | None = None

    def is_expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    def shown(self, today: date) -> Article:
        """The article with ``expired`` as of ``today`` (Beijing)."""
        return self.model_copy(update={"expired": self.is_expired(today)})


#: Fields of an article that its versions and audit entries keep (not the derived ones).
CONTENT_FIELDS = (
    "title",
    "question",
    "answer",
    "category",
    "keywords",
    "policy_id",
    "valid_until",
    "status",
    "source_appeal_id",
)


def content(article: Article) -> dict[str, Any]:
    """What a version of the article says (JSON values)."""
    return article.model_dump(mode="json", include=set(CONTENT_FIELDS))


def ensure_changeable(article: Article) -> None:
    """A retired article is kept as it was: it is not edited or retired again (409)."""
    if article.status == "retired":
        raise InvalidTransition("article_retired", id=article.id)


def retire(article: Article, at: str, actor: Actor) -> Article:
    """下架: out of every search; its versions stay readable."""
    ensure_changeable(article)
    return article.model_copy(update={"status": "retired", "updated_at": at, "updated_by": actor})


# --- terms ----------------------------------------------------------------------------------


def field_texts(article: Article) -> dict[str, str]:
    """The text of each searched field."""
    return {
        "title": article.title,
        "keywords": " ".join(article.keywords),
        "question": article.question,
        "answer": article.answer,
    }


def terms_of(article: Article) -> dict[str, Any]:
    """The article's terms per field, as stored beside it (``v``: the segmentation's
    version; terms of another version are computed again when read)."""
    out: dict[str, Any] = {"v": segmentation.TERMS_VERSION}
    for name, text in field_texts(article).items():
        out[name] = " ".join(segmentation.terms(text))
    return out


@dataclass
class Entry:
    """An article ready to be scored: its terms counted per field, its searched text."""

    article: Article
    counts: dict[str, Counter[str]]
    texts: dict[str, str]
    length: int


def entry(article: Article, stored_terms: dict[str, Any] | None) -> Entry:
    """An article with its stored terms (computed now when missing or of another version)."""
    if not stored_terms or stored_terms.get("v") != segmentation.TERMS_VERSION:
        stored_terms = terms_of(article)
    counts = {name: Counter(str(stored_terms.get(name) or "").split()) for name in FIELD_WEIGHTS}
    texts = {name: segmentation.normalize(t) for name, t in field_texts(article).items()}
    return Entry(
        article=article,
        counts=counts,
        texts=texts,
        length=sum(counts["question"].values()) + sum(counts["answer"].values()),
    )


@dataclass
class Hit:
    """One article found: its score and the asked terms it contains."""

    article: Article
    score: float
    matched: list[str] = field(default_factory=list)


#: Where a term occurs: entry number → field → occurrences (a substring: half of one).
Occurrences = dict[int, dict[str, float]]


class KnowledgeIndex:
    """Every article of the knowledge base, scored in memory (a county's base is hundreds to
    a few thousand articles: docs/knowledge.md has the figures). Built once per copy of the
    base: each term's postings (which articles have it, in which field, how often), and
    each field's text of every article joined into one string, so that a substring is
    looked for once per field, not once per article."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.articles = [e.article for e in entries]
        self.lengths = [e.length for e in entries]
        self.by_id = {a.id: a for a in self.articles}
        # term → entry number → its count in each field, packed into one int (a byte per
        # field, in FIELDS' order; BM25 saturates long before 255): a few thousand articles
        # have a few hundred thousand postings
        self.postings: dict[str, dict[int, int]] = {}
        for i, e in enumerate(entries):
            for f, name in enumerate(FIELDS):
                shift = 8 * f
                for term, n in e.counts[name].items():
                    where = self.postings.setdefault(term, {})
                    where[i] = where.get(i, 0) | (min(n, 255) << shift)
        self.joined: dict[str, str] = {}
        self.starts: dict[str, list[int]] = {}
        for name in FIELD_WEIGHTS:
            starts, at = [], 0
            for e in entries:
                starts.append(at)
                at += len(e.texts[name]) + 1
            self.starts[name] = starts
            self.joined[name] = "\x00".join(e.texts[name] for e in entries)

    @classmethod
    def build(cls, items: Iterable[tuple[Article, dict[str, Any] | None]]) -> KnowledgeIndex:
        return cls([entry(a, t) for a, t in items])

    def get(self, article_id: str) -> Article | None:
        return self.by_id.get(article_id)

    def search(
        self,
        words: str | None,
        *,
        today: date,
        statuses: Sequence[str] = ("published",),
        category: str | None = None,
    ) -> list[Hit]:
        """The articles of ``statuses`` (and ``category``) for ``words``, best first, the
        expired after every valid one; without words, every one, the last changed first
        (expired last). Words that leave no term (only punctuation or question words) find
        nothing."""
        pool = {
            i
            for i, a in enumerate(self.articles)
            if a.status in statuses and (category is None or a.category == category)
        }
        if words is None:
            hits = [Hit(self.articles[i], 0.0) for i in pool]
            hits.sort(key=lambda h: (h.article.updated_at, h.article.id), reverse=True)
        else:
            hits = self.rank(pool, segmentation.query_terms(words))
        hits.sort(key=lambda h: h.article.is_expired(today))  # stable: keeps the order within
        return [Hit(h.article.shown(today), h.score, h.matched) for h in hits]

    def occurrences(self, term: str, pool: set[int]) -> Occurrences:
        """Where ``term`` occurs among the entries of ``pool``: as a word (its count), or
        else inside a field's text (:data:`SUBSTRING_WEIGHT`)."""
        found: Occurrences = {}
        for i, packed in self.postings.get(term, {}).items():
            if i in pool:
                found[i] = {
                    name: float(n) for f, name in enumerate(FIELDS) if (n := packed >> 8 * f & 255)
                }
        for name in FIELD_WEIGHTS:
            text, starts = self.joined[name], self.starts[name]
            at = text.find(term)
            while at != -1:
                i = bisect_right(starts, at) - 1
                if i in pool:
                    found.setdefault(i, {}).setdefault(name, SUBSTRING_WEIGHT)
                at = text.find(term, starts[i + 1]) if i + 1 < len(starts) else -1
        return found

    def rank(self, pool: set[int], terms: Sequence[str]) -> list[Hit]:
        """Score the entries of ``pool`` for the distinct ``terms`` asked (see the module's
        docstring); only entries that contain one, and none below :data:`RELATIVE_FLOOR` of
        the best, best first (ties: the last changed first)."""
        if not terms or not pool:
            return []
        found: dict[str, Occurrences] = {}
        for t in terms:
            where = self.occurrences(t, pool)
            if where or len(t) < 3:
                found[t] = where
                continue
            # a word no article contains (often one cut out of a run of unknown words, 接水接
            # of 接水接电): its two-character pieces instead
            for piece in (t[i : i + 2] for i in range(len(t) - 1)):
                if piece not in found and piece not in segmentation.STOPWORDS:
                    found[piece] = self.occurrences(piece, pool)
        n = len(pool)
        idf = {t: math.log(1 + (n - len(w) + 0.5) / (len(w) + 0.5)) for t, w in found.items()}
        total_idf = sum(idf.values())
        avg_length = sum(self.lengths[i] for i in pool) / n or 1.0
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        matched: dict[int, list[str]] = {}
        for t, where in found.items():
            for i, fields in where.items():
                weighted = sum(FIELD_WEIGHTS[name] * k for name, k in fields.items())
                norm = K1 * (1 - B + B * self.lengths[i] / avg_length)
                scores[i] = scores.get(i, 0.0) + idf[t] * weighted * (K1 + 1) / (weighted + norm)
                covered[i] = covered.get(i, 0.0) + idf[t]
                matched.setdefault(i, []).append(t)
        hits = []
        for i, score in scores.items():
            coverage = covered[i] / total_idf if total_idf else 1.0
            hits.append(Hit(self.articles[i], score * coverage * coverage, matched[i]))
        if not hits:
            return []
        best = max(h.score for h in hits)
        hits = [h for h in hits if h.score >= RELATIVE_FLOOR * best]
        hits.sort(key=lambda h: (h.score, h.article.updated_at, h.article.id), reverse=True)
        return hits


# --- a draft from an appeal's reply -----------------------------------------------------------

_CREDIT_CODE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-Z]{10}(?![0-9A-Za-z])"
)


def _replace(text: str, found: Iterable[str | None], by: str) -> str:
    for name in sorted({n for n in found if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, by)
    return text


def anonymise(text: str, names: Iterable[str | None], people: Iterable[str | None] = ()) -> str:
    """Text of an appeal as a draft article may keep it: the enterprise's names as 「某企业」,
    its people's as 「某某」, phone numbers masked, credit codes left out. The centre reads
    the draft before publishing it; this only spares it the obvious."""
    text = _replace(_replace(text, names, "某企业"), people, "某某")
    text = _CREDIT_CODE_IN_TEXT.sub("[统一社会信用代码]", text)
    return mask_phones_in_text(text)


def draft_from_reply(
    *,
    title: str,
    content: str,
    reply: str,
    category: Category,
    names: Iterable[str | None],
    people: Iterable[str | None] = (),
) -> dict[str, Any]:
    """The fields of a draft article prefilled from an appeal: its title, its content as the
    question, its reply as the answer (each anonymised and cut to the article's
    limits)."""
    names, people = list(names), list(people)
    return {
        "title": anonymise(title, names, people)[:TITLE_MAX],
        "question": anonymise(content, names, people)[:QUESTION_MAX],
        "answer": anonymise(reply, names, people)[:ANSWER_MAX],
        "category": category,
    }
