"""The public lookup's throttle in DynamoDB: failed tries per case number and per client
address, kept so that every Lambda instance sees the same counts.

Each subject's tries of one fixed hour window are one item holding a string set of their
times (``<epoch ms>.<random>``), grown by an atomic ``ADD`` and removed by TTL two windows
later; the tries of the last hour are in the current window's item and the one before, so
one ``BatchGetItem`` of four items reads both subjects (``domain/public.py`` counts them).
Subjects are digests: the table keeps no client address and no guessed case number.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.public import LIMITS, Limits, windows
from chalicelib.store import db, keys


@dataclass(frozen=True)
class Subjects:
    """What one lookup is counted against: the case number typed and the client address."""

    case: str
    client: str

    @classmethod
    def of(cls, case_number: str, client_address: str) -> Subjects:
        def digest(kind: str, value: str) -> str:
            return f"{kind}#{hashlib.sha256(value.encode()).hexdigest()[:32]}"

        return cls(digest("case", case_number), digest("client", client_address))


@dataclass(frozen=True)
class Failures:
    """Failed tries (epoch milliseconds) of the two subjects in the windows that matter."""

    case: list[int]
    client: list[int]


def _stamps(item: dict[str, Any] | None) -> list[int]:
    return [int(str(s).split(".", 1)[0]) for s in (item or {}).get("tries", [])]


def failures(subjects: Subjects, now_ms: int, limits: Limits = LIMITS) -> Failures:
    """Both subjects' failed tries of the current and the previous window (one request)."""
    starts = windows(now_ms, limits)
    wanted = {
        (subject, start): keys.lookup_failures(subject, start)
        for subject in (subjects.case, subjects.client)
        for start in starts
    }
    got = db.batch_get(list(wanted.values()))

    def of(subject: str) -> list[int]:
        out: list[int] = []
        for start in starts:
            key = wanted[(subject, start)]
            out += _stamps(got.get((key["pk"], key["sk"])))
        return out

    return Failures(case=of(subjects.case), client=of(subjects.client))


def record_failure(subjects: Subjects, now_ms: int, limits: Limits = LIMITS) -> None:
    """Add a failed try at ``now_ms`` to both subjects' current window (one transaction of
    two atomic ``ADD``s); the items expire two windows after theirs began."""
    start, _ = windows(now_ms, limits)
    stamp = f"{now_ms}.{secrets.token_hex(4)}"  # unique: a set keeps equal strings once
    expires = start + 3 * limits.window_seconds
    actions = [
        {
            "Update": {
                "Key": db.to_item(keys.lookup_failures(subject, start)),
                "UpdateExpression": "ADD tries :t SET expires_at = :e, item_type = :k",
                "ExpressionAttributeValues": {
                    ":t": {"SS": [stamp]},
                    ":e": {"N": str(expires)},
                    ":k": {"S": "lookup_failures"},
                },
            }
        }
        for subject in (subjects.case, subjects.client)
    ]
    db.transact(actions)
