"""What the lifecycle reads besides the appeal (the directory of commissioners and
departments) and what it returns (a :class:`Decision`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.models import User
from chalicelib.domain.routing import Candidate
from chalicelib.domain.rules import Rules
from chalicelib.domain.uploads import Attachment


@dataclass(frozen=True)
class DepartmentInfo:
    id: str
    name: str
    active: bool = True
    email: str | None = None


@dataclass(frozen=True)
class Directory:
    """Commissioners and departments by id, as the lifecycle needs them."""

    commissioners: Mapping[str, Candidate]
    departments: Mapping[str, DepartmentInfo]


@dataclass(frozen=True)
class Step:
    """What every event's handler decides with besides the appeal and the command: who
    posted it, when, the directory read for it, the county's rules in force, and the files
    it attaches (a supplement's uploads, checked in the bucket by the service first)."""

    user: User
    now: datetime
    directory: Directory
    rules: Rules
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What an event's handler did to the appeal (changed in place): the timeline event's
    fields, and the commissioners and departments it relied on."""

    fields: dict[str, Any] = field(default_factory=dict)
    commissioners_used: tuple[str, ...] = ()
    departments_used: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The appeal after an event, the event itself, and the references it relies on (the
    store checks them again inside the write)."""

    appeal: Appeal
    event: TimelineEvent
    commissioners_used: tuple[str, ...] = ()
    departments_used: tuple[str, ...] = ()
