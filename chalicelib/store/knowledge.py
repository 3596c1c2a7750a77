"""The knowledge base's articles (知识库): each as it is now, every version it had, and the
change token that tells a warm Lambda whether its copy of the base is current.

Keys (docs/data-model.md, ``keys.py``): every article in the partition ``KB``
(``ARTICLE#{id}``), read whole with one strongly consistent Query; ``KB`` / ``CHANGE`` holds
a random token rewritten by every write; ``KB#{id}`` / ``V#{version}`` what each version
said. A write is one ``TransactWriteItems``: the article under its version, its audit entry,
its version, the new token and the checks of what it references (its policy).
"""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.domain.knowledge import CONTENT_FIELDS, Article, content
from chalicelib.domain.models import Actor
from chalicelib.errors import AlreadyExists, NotFound, ReferenceMissing, VersionConflict
from chalicelib.store import audit, db, keys, records

KIND = "knowledge"
#: Tries of a write that lost only to another article's write (both rewrite the token).
_ATTEMPTS = 3
_SAFE_ID = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


def _not_found(article_id: str) -> NotFound:
    return NotFound("article_not_found", id=article_id[:64])


def _parse(item: dict[str, Any]) -> tuple[Article, dict[str, Any] | None]:
    terms = item.get("terms")
    return Article.model_validate(records.strip_keys(item)), terms


def get(article_id: str) -> tuple[Article, dict[str, Any] | None]:
    """An article as it is now (strongly consistent) and its stored terms."""
    if not 0 < len(article_id) <= 64 or not set(article_id) <= _SAFE_ID:
        raise _not_found(article_id)
    return _parse(records.load(keys.knowledge_article(article_id), _not_found(article_id)))


def change_token() -> str | None:
    """The knowledge base's change token (None until the first article is written)."""
    item = db.get(keys.KNOWLEDGE_CHANGE)
    return str(item["token"]) if item else None


def load_all() -> list[tuple[Article, dict[str, Any] | None]]:
    """Every article, drafts and retired ones too, with their stored terms: one strongly
    consistent Query on the ``KB`` partition, in as many 1 MB pages as it takes."""
    items = db.query_all(
        key_condition="pk = :pk AND begins_with(sk, :a)",
        values={":pk": keys.KNOWLEDGE, ":a": keys.KNOWLEDGE_ARTICLES_FROM},
        consistent=True,
    )
    return [_parse(i) for i in items]


def _changes(before: Article | None, after: Article) -> dict[str, Any]:
    new = content(after)
    if before is None:
        return {k: v for k, v in new.items() if v is not None and v != []}
    old = content(before)
    return {k: {"from": old[k], "to": new[k]} for k in CONTENT_FIELDS if old[k] != new[k]}


def save(
    before: Article | None,
    after: Article,
    terms: dict[str, Any],
    actor: Actor,
    action: str,
) -> Article:
    """Write ``after`` (a new article when ``before`` is None, else under ``before``'s
    version), with its audit entry and its version in the same transaction, and a check that
    its policy exists. A stale version is :class:`VersionConflict`; a policy gone
    :class:`ReferenceMissing`."""
    article_item = {
        **keys.knowledge_article(after.id),
        "item_type": "knowledge_article",
        **after.model_dump(mode="json", exclude={"expired"}),
        "terms": terms,
    }
    if before is None:
        put: dict[str, Any] = {
            "Item": db.to_item(article_item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    else:
        put = {
            "Item": db.to_item(article_item),
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": db.to_values({":v": before.version}),
        }
    version_item = {
        **keys.knowledge_version(after.id, after.version),
        "item_type": "knowledge_version",
        **content(after),
        "id": after.id,
        "version": after.version,
        "action": action,
        "at": after.updated_at,
        "actor": actor.model_dump(mode="json"),
    }
    actions: list[dict[str, Any]] = [
        {"Put": put},
        audit.entry_action(
            entity_type=KIND,
            entity_id=after.id,
            action=action,
            version=after.version,
            actor=actor,
            at=after.updated_at,
            changes=_changes(before, after),
        ),
        {"Put": {"Item": db.to_item(version_item)}},
        {"Put": {"Item": db.to_item({**keys.KNOWLEDGE_CHANGE, "token": uuid.uuid4().hex})}},
    ]
    policy_check = -1
    if after.policy_id and (before is None or before.policy_id != after.policy_id):
        policy_check = len(actions)
        actions.append(records.exists_check(keys.policy(after.policy_id)))
    for attempt in range(_ATTEMPTS):
        try:
            db.transact(actions)
            break
        except db.TransactionConflict:
            # another article's write took the token first: this one's condition still
            # holds or fails on its own, so it is tried again as it was
            if attempt == _ATTEMPTS - 1:
                raise VersionConflict("stale_version", given=after.version - 1) from None
        except db.ConditionFailed as exc:
            if exc.failed(0):
                if before is None:
                    raise AlreadyExists("already_exists", id=after.id) from None
                raise VersionConflict("stale_version", given=before.version) from None
            if exc.failed(policy_check):
                raise ReferenceMissing("policy", after.policy_id or "") from None
            raise
    return after


def versions(
    article_id: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """What each version of an article said, the newest first."""
    items, nxt = db.query_page(
        index=None,
        key_condition="pk = :pk",
        values={":pk": keys.knowledge_versions(article_id)},
        limit=limit,
        cursor=cursor,
        forward=False,
        consistent=True,
    )
    return [records.strip_keys(i) for i in items], nxt


def published_check(article_id: str) -> dict[str, Any]:
    """A ``ConditionCheck`` that an article exists and is published, for a caller's
    transaction (a hotline call answered on the spot cites only published articles)."""
    return {
        "ConditionCheck": {
            "Key": db.to_item(keys.knowledge_article(article_id)),
            "ConditionExpression": "#status = :published",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": db.to_values({":published": "published"}),
        }
    }
