"""Policies: the document (versioned, audited) and, once published, its catalogue copy —
what the public list shows and searches, without the body — kept in the same transactions.

Keys (docs/data-model.md): ``POLICY#{id}`` / ``POLICY``, listed for admins on gsi2
``POLICYALL`` by last change; the catalogue copy ``POLICY#{id}`` / ``L#catalog`` on gsi1
``POLICIES``, newest published first. Publishing writes the policy, its copy and its push
job in one transaction; withdrawing writes the policy and deletes its copy in one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib import clock
from chalicelib.domain.models import Actor
from chalicelib.domain.policies import Policy, search_text
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict
from chalicelib.store import audit, db, keys, records

KIND = "policy"
CATALOG = keys.POLICY_CATALOG


def _key(policy_id: str) -> dict[str, str]:
    return keys.policy(policy_id)


def _indexes(updated_at: str, policy_id: str) -> dict[str, str]:
    return {"gsi2pk": keys.POLICIES_ALL, "gsi2sk": f"{updated_at}#{policy_id}"}


def _not_found(policy_id: str) -> NotFound:
    return NotFound("policy_not_found", id=policy_id)


def get(policy_id: str) -> Policy:
    if len(policy_id) > 64:
        raise _not_found(policy_id)
    return Policy.model_validate(records.load(_key(policy_id), _not_found(policy_id)))


def _data(p: Policy) -> dict[str, Any]:
    return p.model_dump(mode="json", exclude={"version", "created_at", "updated_at", "expired"})


def catalog_put(p: Policy) -> dict[str, Any]:
    """The catalogue copy of a published policy: everything the list shows and filters."""
    item = {
        **keys.policy_catalog_copy(p.id),
        "gsi1pk": CATALOG,
        "gsi1sk": f"{p.published_at}#{p.id}",
        "item_type": "policy_listing",
        "id": p.id,
        "title": p.title,
        "issuer": p.issuer,
        "doc_number": p.doc_number,
        "summary": p.summary,
        "effective_from": p.effective_from.isoformat(),
        "expires_on": p.expires_on.isoformat() if p.expires_on else "9999-12-31",
        "conditions": p.conditions.model_dump(mode="json"),
        "conditions_text": p.conditions_text,
        # the filters' attributes: an empty list of the conditions means "any"
        "industries": [i.value for i in p.conditions.industries] or ["*"],
        "size_classes": [s.value for s in p.conditions.size_classes] or ["*"],
        "interpretations": len(p.interpretations),
        "published_at": p.published_at,
        "search": search_text(p),
        # the application window, for the list's 申报中 and its filter (Beijing ISO strings
        # compare in time order)
        "application_opens_at": p.application.opens_at if p.application else None,
        "application_closes_at": p.application.closes_at if p.application else None,
    }
    return {"Put": {"Item": db.to_item(item)}}


def catalog_delete(policy_id: str) -> dict[str, Any]:
    """Take a policy's copy out of the catalogue (withdrawn: out of the list and matching)."""
    return {"Delete": {"Key": db.to_item(keys.policy_catalog_copy(policy_id))}}


def create(p: Policy, actor: Actor) -> Policy:
    record = records.create(
        kind=KIND,
        key=_key(p.id),
        indexes=_indexes(p.updated_at, p.id),
        data=_data(p),
        actor=actor,
        entity_id=p.id,
        exists_error=AlreadyExists("already_exists", id=p.id),
    )
    return Policy.model_validate(record)


def replace(
    before: Policy,
    after: Policy,
    actor: Actor,
    extra: list[dict[str, Any]] | None = None,
    at: str | None = None,
    action: str = "update",
) -> Policy:
    """Write ``after`` over ``before`` under its version; a published policy's catalogue
    copy is rewritten in the same transaction — deleted when it stops being published —
    (and ``extra`` actions join it). ``action`` names the change in the audit trail."""
    current = _data(before) | {
        "version": before.version,
        "created_at": before.created_at,
        "updated_at": before.updated_at,
    }
    changes = _data(after)
    actions = list(extra or [])
    if after.status == "published":
        actions.insert(0, catalog_put(after))
    elif before.status == "published":
        actions.insert(0, catalog_delete(before.id))
    record = records.replace(
        kind=KIND,
        key=_key(before.id),
        indexes=_indexes(at or after.updated_at, before.id),
        current=current,
        changes=changes,
        expected_version=before.version,
        actor=actor,
        entity_id=before.id,
        extra=actions,
        action=action,
    )
    return Policy.model_validate(record)


def delete(before: Policy, actor: Actor) -> None:
    """Delete a draft under its version, with its audit entry (what it said) in the same
    transaction; a draft has no catalogue copy and no push job."""
    at = clock.iso(clock.now())
    actions = [
        {
            "Delete": {
                "Key": db.to_item(_key(before.id)),
                "ConditionExpression": "version = :v AND #status = :draft",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": db.to_values(
                    {":v": before.version, ":draft": "draft"}
                ),
            }
        },
        audit.entry_action(
            entity_type=KIND,
            entity_id=before.id,
            action="delete",
            version=before.version + 1,
            actor=actor,
            at=at,
            changes={"deleted": _data(before)},
        ),
    ]
    try:
        db.transact(actions)
    except db.ConditionFailed as exc:
        if exc.failed(0):
            raise VersionConflict("stale_version", given=before.version) from None
        raise


def page_all(limit: int, cursor: str | None) -> tuple[list[Policy], str | None]:
    """Every policy, drafts included, the last changed first (admins)."""
    items, nxt = db.query_page(
        index=keys.GSI2,
        key_condition="gsi2pk = :k",
        values={":k": keys.POLICIES_ALL},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    return [Policy.model_validate(records.strip_keys(i)) for i in items], nxt


def catalog_page(
    *,
    words: list[str],
    industry: str | None,
    size_class: str | None,
    current_on: date | None,
    limit: int,
    cursor: str | None,
    applying_at: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the published catalogue, newest first, filtered in DynamoDB: every keyword
    in the searched text (substring: Chinese needs no word breaks), the industry and size
    class among the conditions' (or the policy is for any), and — ``current_on`` — not
    expired on that day; ``applying_at`` (a Beijing ISO time) — taking applications then.
    Reads the catalogue's copies only, never the bodies."""
    clauses: list[str] = []
    values: dict[str, Any] = {":k": CATALOG}
    for i, word in enumerate(words):
        clauses.append(f"contains(#search, :w{i})")
        values[f":w{i}"] = word.lower()
    if industry:
        clauses.append("(contains(industries, :ind) OR contains(industries, :any))")
        values[":ind"], values[":any"] = industry, "*"
    if size_class:
        clauses.append("(contains(size_classes, :size) OR contains(size_classes, :any))")
        values[":size"], values[":any"] = size_class, "*"
    if current_on:
        clauses.append("expires_on >= :today")
        values[":today"] = current_on.isoformat()
    if applying_at:
        clauses.append("application_opens_at <= :at AND application_closes_at > :at")
        values[":at"] = applying_at
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values=values,
        limit=limit,
        cursor=cursor,
        forward=False,
        names={"#search": "search"} if words else None,
        filter_expression=" AND ".join(clauses) or None,
    )
    return [records.strip_keys(i) for i in items], nxt


def published(current_on: date) -> list[dict[str, Any]]:
    """Every published policy in force on a day (catalogue copies: the matching page reads
    these; a county publishes hundreds, one or two pages)."""
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        items, cursor = catalog_page(
            words=[],
            industry=None,
            size_class=None,
            current_on=current_on,
            limit=100,
            cursor=cursor,
        )
        out += items
        if cursor is None:
            return out
