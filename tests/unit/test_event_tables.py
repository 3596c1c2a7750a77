"""Every table keyed by an appeal event says, for every :class:`EventType`, what it does
(an explicit nothing counts), and every event the lifecycle records is an ``EventType``:
adding a member without deciding who hears of it, what leaves by SMS or e-mail and what an
enterprise may not read fails here."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain import appeals, notifications, outbox, public, reports, webhooks
from chalicelib.domain.appeal import transitions
from chalicelib.domain.appeal.events import COMMANDS, EventType
from chalicelib.domain.appeals import TimelineEvent
from chalicelib.domain.codes import Status

DOMAIN = Path(__file__).resolve().parents[2] / "chalicelib" / "domain"

TABLES: dict[str, dict[EventType, Any]] = {
    "notifications.AUDIENCES": notifications.AUDIENCES,
    "outbox.SMS": outbox.SMS,
    "outbox.EMAILS": outbox.EMAILS,
    "appeals.HIDDEN_FROM_ENTERPRISE": appeals.HIDDEN_FROM_ENTERPRISE,
    "reports.COUNTS": reports.COUNTS,
    "public.PUBLIC_STEPS": public.PUBLIC_STEPS,
    "webhooks.HANDED_BACK": webhooks.HANDED_BACK,
}


@pytest.mark.parametrize("name", TABLES)
def test_every_event_table_says_what_each_event_type_does(name):
    table = TABLES[name]
    assert sorted(set(EventType) - set(table)) == [], f"{name} does not say"
    assert all(type(key) is EventType for key in table), f"{name} is keyed by strings"


def test_every_command_has_a_body_and_a_rule_and_records_an_event_type():
    assert set(COMMANDS) == set(transitions.RULES)
    for kind, rule in transitions.RULES.items():
        assert isinstance(rule.records or kind, EventType)


def test_mail_events_are_those_with_an_email_rule():
    assert {
        EventType.TRANSFER,
        EventType.ESCALATED,
        EventType.SUPERVISE,
        EventType.SUPERVISION_OVERDUE,
    } == outbox.MAIL_EVENTS


def test_a_timeline_event_of_an_unknown_type_cannot_be_made():
    with pytest.raises(ValidationError):
        TimelineEvent(
            type="supervised", at="2026-01-05T09:00:00+08:00", version=1, status=Status.RECEIVED
        )


def _event_literals() -> list[str]:
    """Where the domain names an event type by a bare string: ``TimelineEvent(type="…")``,
    ``x.type == "…"`` or ``x.type in ("…", …)``."""
    found = []
    for path in sorted(DOMAIN.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "TimelineEvent":
                for kw in node.keywords:
                    if kw.arg == "type" and isinstance(kw.value, ast.Constant):
                        found.append(f"{path.name}:{node.lineno}")
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Attribute)
                and node.left.attr == "type"
            ):
                for right in node.comparators:
                    parts = right.elts if isinstance(right, ast.Tuple | ast.Set) else [right]
                    if any(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts):
                        found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_domain_names_event_types_by_their_enum_members_only():
    assert _event_literals() == []
