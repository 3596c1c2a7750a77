"""Notices (通报, R5.3): what a supervisor publishes from a finished report — its own words,
and the report's overdue items and rankings as they stood. Never edited: a correction is a
new notice naming the one it corrects."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chalicelib.domain.models import Actor, Timestamp
from chalicelib.domain.reports import DepartmentRow, Figures, Metrics, NoticeItem, Period

#: A notice names at most this many items, the most days late first (one DynamoDB item
#: holds it; the report's workbook lists them all).
NOTICE_ITEMS = 500


class Notice(BaseModel):
    """A published notice (通报): what it names stays as published."""

    id: str
    title: str
    text: str
    period: Period
    report_id: str
    items: list[NoticeItem] = Field(
        description="overdue and late items with their owners, the most days late first"
    )
    items_total: int = Field(description="items in the report (the notice names up to 500)")
    departments: list[DepartmentRow] = Field(description="departments, ranked")
    rankings: dict[str, list[dict[str, Any]]] = Field(
        description="commissioners, size classes, channels, categories: ranked units"
    )
    totals: Metrics
    published_by: Actor
    published_at: Timestamp
    corrects: str | None = None
    corrected_by: str | None = Field(None, description="the correction that follows it")


def compose(
    *,
    notice_id: str,
    title: str,
    text: str,
    report_id: str,
    figures: Figures,
    corrects: str | None,
    by: Actor,
    at: str,
) -> Notice:
    """The notice of a report's figures: its items (up to ``NOTICE_ITEMS``), departments
    and every ranked unit of each dimension."""
    return Notice(
        id=notice_id,
        title=title,
        text=text,
        period=figures.period,
        report_id=report_id,
        items=figures.notice[:NOTICE_ITEMS],
        items_total=len(figures.notice),
        departments=figures.departments,
        rankings={
            dim: [
                {"key": r.key, "name": r.name, "rank": r.rank, **r.metrics.model_dump()}
                for r in rows
                if r.rank is not None
            ]
            for dim, rows in figures.by.items()
        },
        totals=figures.totals,
        published_by=by,
        published_at=at,
        corrects=corrects,
    )
