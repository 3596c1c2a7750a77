"""The knowledge base (知识库, API.md "The hotline desk and 12345 practice"): every staff role
searches the published articles by words; the service centre drafts (also from any appeal's
reply, in one step), changes under ``version``, publishes and retires them, and reads every
version. The rules are in ``domain/knowledge.py``, the use cases in ``services/knowledge.py``."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.contract import Api, Created, Ctx, Page, PageQuery
from chalicelib.api.schemas import PatchBody
from chalicelib.domain.codes import Category, Role
from chalicelib.domain.knowledge import (
    ANSWER_MAX,
    KEYWORD_MAX,
    KEYWORDS_MAX,
    QUERY_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    Article,
    Day,
)
from chalicelib.domain.models import Actor, SingleLine, Strict, Timestamp
from chalicelib.errors import (
    ArticlesUnavailable,
    FieldError,
    ReferenceMissing,
    ValidationFailed,
)
from chalicelib.services import knowledge as services

api = Api(__name__, "knowledge")
STAFF = [Role.OPERATOR, Role.COMMISSIONER, Role.DEPARTMENT, Role.ADMIN, Role.SUPERVISOR]
ADMINS = [Role.ADMIN]

Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX), SingleLine]
Question = Annotated[str, Field(min_length=1, max_length=QUESTION_MAX)]
Answer = Annotated[str, Field(min_length=1, max_length=ANSWER_MAX)]
Keyword = Annotated[str, Field(min_length=1, max_length=KEYWORD_MAX), SingleLine]
Keywords = Annotated[list[Keyword], Field(max_length=KEYWORDS_MAX)]
PolicyId = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9-]{1,64}$", description="a policy's id (it must exist)")
]
CaseNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,40}$")]
#: What a reference a request names is, as the request names it.
REFERENCE_FIELDS = {"policy": "policy_id", "appeal": "from_appeal"}


class KnowledgeQuery(PageQuery):
    q: str | None = Field(
        None,
        min_length=1,
        max_length=QUERY_MAX,
        description="words asked（分词：matched word by word, not as one string）",
    )
    category: Category | None = None
    status: Literal["published", "draft", "retired"] | None = Field(
        None, description="published by default; drafts and retired ones: the service centre"
    )


class KnowledgeItem(Article):
    """An article found, with the asked words it contains (for highlighting)."""

    matched: list[str] = Field(default_factory=list, description="the asked terms it contains")


class KnowledgePage(Page[KnowledgeItem]):
    pass


class ArticleCreate(Strict):
    """A new article; or, with ``from_appeal``, a draft prefilled from that appeal's reply
    (fields sent here take the place of the prefilled ones)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "企业招用高校毕业生社保补贴",
                    "question": "企业招了应届高校毕业生，有什么社保补贴？",
                    "answer": "企业招用离校 2 年内未就业高校毕业生，签订 1 年以上劳动合同并"
                    "缴纳社保的，按实际缴纳的单位部分给予社保补贴，最长 1 年。",
                    "category": "labor",
                    "keywords": ["毕业生", "社保补贴"],
                    "valid_until": "2026-12-31",
                    "status": "published",
                },
                {"from_appeal": "XQT-20260315-0001"},
            ]
        }
    )

    title: Title | None = None
    question: Question | None = None
    answer: Answer | None = None
    category: Category | None = None
    keywords: Keywords = Field(default_factory=list)
    policy_id: PolicyId | None = None
    valid_until: Day | None = Field(None, description="last day the answer holds")
    status: Literal["draft", "published"] | None = Field(
        None, description="published by default; always draft with from_appeal"
    )
    from_appeal: CaseNumber | None = Field(
        None, description="an appeal with a reply: a draft from its content and reply"
    )


class ArticlePatch(PatchBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"version": 2, "valid_until": "2027-06-30"},
                {"version": 1, "status": "published"},
            ]
        }
    )
    nullable = frozenset({"policy_id", "valid_until"})

    title: Title | None = None
    question: Question | None = None
    answer: Answer | None = None
    category: Category | None = None
    keywords: Keywords | None = None
    policy_id: PolicyId | None = None
    valid_until: Day | None = None
    status: Literal["draft", "published"] | None = Field(
        None, description="publish a draft, or take an article back to draft"
    )


class VersionQuery(BaseModel):
    """``?version=N``: the version a retirement is based on (DELETE takes no body)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="the article's version read")


class ArticleVersion(BaseModel):
    """What one version of an article said, who made it and when."""

    id: str
    version: int
    action: str = Field(description="create, update, publish or retire")
    at: Timestamp
    actor: Actor | None = None
    title: str
    question: str
    answer: str
    category: Category
    keywords: list[str] = Field(default_factory=list)
    policy_id: str | None = None
    valid_until: date | None = None
    status: str
    source_appeal_id: str | None = None


class ArticleVersionPage(Page[ArticleVersion]):
    pass


# --- in-memory pages --------------------------------------------------------------------------


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    """The position a cursor of a ranked list points at; a malformed one is a 400."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed.one("cursor", "cursor_invalid") from None
    if not (raw.startswith("o") and raw[1:].isdigit() and len(raw) <= 8):
        raise ValidationFailed.one("cursor", "cursor_invalid")
    return int(raw[1:])


def _references(exc: ReferenceMissing) -> ValidationFailed:
    field = REFERENCE_FIELDS.get(exc.attribute, exc.attribute)
    return ValidationFailed.one(field, exc.code, id=(exc.ref or "")[:64])


def article_errors(exc: ArticlesUnavailable, prefix: str) -> list[FieldError]:
    """Field errors naming each article a request cited that is not published
    (``{prefix}.{i}``, e.g. ``direct_answer.articles.0``) — for the hotline call that is
    answered on the spot."""
    return [
        FieldError(f"{prefix}.{i}", "article_not_published", {"id": article_id[:64]})
        for i, article_id in zip(exc.positions, exc.ids, strict=True)
    ]


# --- routes -----------------------------------------------------------------------------------


@api.route(
    "/knowledge",
    summary="搜索知识库",
    query=KnowledgeQuery,
    response=KnowledgePage,
    roles=STAFF,
    errors=(403,),
)
def search(ctx: Ctx, query: KnowledgeQuery) -> KnowledgePage:
    """Published articles for the words asked, the most relevant first (expired ones after
    every valid one, marked ``expired``); without ``q``, every one, the last changed first.
    ``q`` is cut into words (「招高校毕业生有什么补贴」 finds 「企业招用高校毕业生社保补贴」).
    The service centre also lists its drafts and the retired articles (``status``)."""
    hits = services.search(
        ctx.user,
        query.q,
        query.category.value if query.category else None,
        query.status,
    )
    start = _offset(query.cursor)
    shown = hits[start : start + query.limit]
    nxt = _cursor(start + query.limit) if start + query.limit < len(hits) else None
    return KnowledgePage(
        items=[
            KnowledgeItem.model_validate({**h.article.model_dump(), "matched": h.matched})
            for h in shown
        ],
        next_cursor=nxt,
    )


@api.route(
    "/knowledge/{article_id}",
    summary="知识库条目",
    response=Article,
    roles=STAFF,
    errors=(404,),
)
def get_article(ctx: Ctx, article_id: str) -> Article:
    """A published article (a draft or a retired one: the service centre only)."""
    return services.read(ctx.user, article_id)


@api.route(
    "/knowledge",
    "POST",
    summary="新增知识库条目（或由诉求答复生成草稿）",
    request=ArticleCreate,
    response=Article,
    status=201,
    roles=ADMINS,
)
def create_article(ctx: Ctx, body: ArticleCreate) -> Created:
    """A new article, published unless ``status: draft``. With ``from_appeal``, a draft in
    one step from an appeal's reply: its title, content (the question) and reply (the
    answer), the enterprise's names, phones and credit codes left out; fields sent take the
    place of those. An unknown policy or appeal, or an appeal without a reply, is a 400
    naming the field."""
    fields = body.model_dump(mode="json", exclude_unset=True)
    fields["keywords"] = list(dict.fromkeys(body.keywords))
    appeal_id = fields.pop("from_appeal", None)
    if appeal_id is not None and body.status == "published":
        raise ValidationFailed.one("status", "draft_from_appeal")
    try:
        if appeal_id is not None:
            fields = {**services.draft_fields(ctx.user, appeal_id), **fields, "status": "draft"}
        missing = [f for f in ("title", "question", "answer", "category") if not fields.get(f)]
        if missing:
            raise ValidationFailed([FieldError(f, "missing") for f in missing])
        fields.setdefault("status", "published")
        article = services.create(ctx.user, fields)
    except ReferenceMissing as exc:
        raise _references(exc) from None
    return Created(article, f"/api/v1/knowledge/{article.id}")


@api.route(
    "/knowledge/{article_id}",
    "PATCH",
    summary="修改、发布知识库条目",
    request=ArticlePatch,
    response=Article,
    roles=ADMINS,
    errors=(404, 409),
)
def update_article(ctx: Ctx, article_id: str, body: ArticlePatch) -> Article:
    """Change an article under ``version`` (a stale one is 409 ``version_conflict``); each
    change is a new version, the previous ones stay readable. ``status`` publishes a draft
    or takes an article back to draft. A retired article is 409."""
    changes = body.changes()
    if "keywords" in changes and body.keywords is not None:
        changes["keywords"] = list(dict.fromkeys(body.keywords))
    try:
        return services.update(ctx.user, article_id, changes, body.version)
    except ReferenceMissing as exc:
        raise _references(exc) from None


@api.route(
    "/knowledge/{article_id}",
    "DELETE",
    summary="下架知识库条目",
    query=VersionQuery,
    response=Article,
    roles=ADMINS,
    errors=(404, 409),
)
def retire_article(ctx: Ctx, article_id: str, query: VersionQuery) -> Article:
    """Retire (下架, ``?version=``): out of every search at once; the article, its versions
    and its audit entries are kept (``GET /audit?entity_type=knowledge&entity_id=…``)."""
    return services.retire(ctx.user, article_id, query.version)


@api.route(
    "/knowledge/{article_id}/versions",
    summary="知识库条目的历史版本",
    query=PageQuery,
    response=ArticleVersionPage,
    roles=ADMINS,
    errors=(404,),
)
def article_versions(ctx: Ctx, article_id: str, query: PageQuery) -> ArticleVersionPage:
    """What each version said, who made it and when, the newest first."""
    items, nxt = services.versions(article_id, query.limit, query.cursor)
    return ArticleVersionPage(
        items=[ArticleVersion.model_validate(i) for i in items], next_cursor=nxt
    )
