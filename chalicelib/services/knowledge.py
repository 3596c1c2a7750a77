"""The knowledge base's use cases: search (the base held in memory, checked current on every
search), read, draft (also from an appeal's reply), change, publish and retire an article, and
the check a hotline call answered on the spot makes of the articles it cites.

The base is read whole into this process (one Query) and kept while its change token is the
same: each search costs one GetItem (the token) and no Query while nobody changed an
article; after a change, the next search in each warm Lambda reads the base again. So a
change is found by the next search everywhere, and a county's few thousand articles are
ranked in memory (docs/knowledge.md has the figures).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from chalicelib import clock
from chalicelib.domain import knowledge as rules
from chalicelib.domain.codes import Role
from chalicelib.domain.knowledge import Article, Hit, KnowledgeIndex
from chalicelib.domain.models import User
from chalicelib.errors import (
    ArticlesUnavailable,
    Forbidden,
    NotFound,
    ReferenceMissing,
    VersionConflict,
)
from chalicelib.services import appeals as appeal_services
from chalicelib.store import enterprises as enterprise_store
from chalicelib.store import knowledge as store

#: Statuses each role's search may ask for; only the service centre sees drafts and retired.
SEARCHABLE: dict[Role, tuple[str, ...]] = {Role.ADMIN: ("published", "draft", "retired")}

_lock = threading.Lock()
_cached: tuple[str | None, KnowledgeIndex] | None = None


def index() -> KnowledgeIndex:
    """The whole knowledge base, scored in memory: this process's copy while the change
    token is the one it was read under, otherwise read again (one Query)."""
    global _cached
    token = store.change_token()  # read before the articles: a later write changes it again
    with _lock:
        if _cached is not None and _cached[0] == token:
            return _cached[1]
    built = KnowledgeIndex.build(store.load_all())
    with _lock:
        _cached = (token, built)
    return built


def forget() -> None:
    """Drop this process's copy (tests that switch tables)."""
    global _cached
    with _lock:
        _cached = None


def today() -> date:
    return clock.to_beijing(clock.now()).date()


def search(user: User, words: str | None, category: str | None, status: str | None) -> list[Hit]:
    """The articles ``user`` may search for ``words``: published ones (the service centre
    also asks for its drafts or the retired), ranked (``domain/knowledge.py``)."""
    wanted = status or "published"
    if wanted not in SEARCHABLE.get(user.role, ("published",)):
        raise Forbidden("knowledge_status_admin_only")
    return index().search(words, today=today(), statuses=(wanted,), category=category)


def read(user: User, article_id: str) -> Article:
    """An article: a published one for any staff role; a draft or a retired one only for
    the service centre (for anyone else it does not exist)."""
    article, _ = store.get(article_id)
    if article.status != "published" and user.role != Role.ADMIN:
        raise NotFound("article_not_found", id=article_id)
    return article.shown(today())


def _new_id(now: datetime) -> str:
    return f"KB-{clock.to_beijing(now):%Y%m%d}-{secrets.token_hex(3)}"


def draft_fields(user: User, appeal_id: str) -> dict[str, Any]:
    """What a draft from an appeal says: its title, its content as the question, its reply
    as the answer, its category; the enterprise's names (the appeal's, the register's, its
    short names), its people's (the appeal's contact, the register's contacts) and phone
    numbers left out. An appeal the
    user cannot read, or without a reply, is :class:`ReferenceMissing`."""
    try:
        appeal, _ = appeal_services.readable(user, appeal_id)
    except NotFound:
        raise ReferenceMissing("appeal", appeal_id) from None
    if appeal.reply is None:
        raise ReferenceMissing("appeal", appeal_id, "appeal_not_replied")
    names, people = [appeal.enterprise.name], [appeal.contact_name]
    if appeal.enterprise.uscc:
        try:
            record = enterprise_store.get(appeal.enterprise.uscc)
        except NotFound:
            record = {}
        names += [record.get("name"), *record.get("short_names", [])]
        people += [c.get("name") for c in record.get("contacts", [])]
    return {
        **rules.draft_from_reply(
            title=appeal.title,
            content=appeal.content,
            reply=appeal.reply.content,
            category=appeal.category,
            names=names,
            people=people,
        ),
        "source_appeal_id": appeal.id,
    }


def create(user: User, fields: dict[str, Any]) -> Article:
    """A new article (version 1) from its fields (``status`` among them)."""
    now = clock.now()
    at = clock.iso(now)
    article = Article.model_validate(
        {
            **fields,
            "id": _new_id(now),
            "version": 1,
            "created_at": at,
            "updated_at": at,
            "updated_by": user.actor(),
        }
    )
    return store.save(None, article, rules.terms_of(article), user.actor(), "create").shown(today())


def update(user: User, article_id: str, changes: dict[str, Any], version: int) -> Article:
    """Change an article under ``version``: its fields, or its status (draft ⇄ published).
    A retired article is kept as it was (409)."""
    before, _ = store.get(article_id)
    rules.ensure_changeable(before)
    at = clock.iso(clock.now())
    after = Article.model_validate(
        {
            **before.model_dump(mode="json"),
            **changes,
            "version": before.version + 1,
            "updated_at": at,
            "updated_by": user.actor().model_dump(mode="json"),
        }
    )
    VersionConflict.unless(before.version, version)
    action = "publish" if before.status == "draft" and after.status == "published" else "update"
    saved = store.save(before, after, rules.terms_of(after), user.actor(), action)
    return saved.shown(today())


def retire(user: User, article_id: str, version: int) -> Article:
    """下架: out of every search; the article, its versions and audit entries stay."""
    before, _ = store.get(article_id)
    VersionConflict.unless(before.version, version)
    after = rules.retire(before, clock.iso(clock.now()), user.actor())
    after = after.model_copy(update={"version": before.version + 1})
    return store.save(before, after, rules.terms_of(after), user.actor(), "retire").shown(today())


def versions(
    article_id: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """What each version of an article said, the newest first (the service centre's)."""
    store.get(article_id)  # an article that does not exist is a 404, not an empty list
    return store.versions(article_id, limit, cursor)


def check_published(ids: Sequence[str]) -> list[Article]:
    """The articles ``ids`` name, each published; otherwise :class:`ArticlesUnavailable`
    with the positions of those that are not (unknown, draft or retired). For a hotline call
    answered on the spot (``direct_answer.articles``), which also puts
    ``store.knowledge.published_check`` of each into its transaction."""
    idx = index()
    found: list[Article] = []
    missing: list[int] = []
    for i, article_id in enumerate(ids):
        article = idx.get(article_id)
        if article is None or article.status != "published":
            missing.append(i)
        else:
            found.append(article)
    if missing:
        raise ArticlesUnavailable(tuple(missing), tuple(ids[i] for i in missing))
    return found
