"""The columns of a unit's progress ledger as XLSX (推进台账, issue 21 part 3), laid out to be
printed for the unit's meeting: what each row says of an item, in Chinese, Beijing time. No
phone numbers: the workbook leaves the platform."""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.clock import BEIJING
from chalicelib.domain.appeal.ledger import LedgerState
from chalicelib.domain.appeals import Appeal
from chalicelib.domain.codes import LABELS_ZH

#: (header, column width in characters): 277 mm of A4 landscape at the fit-to-width scale
COLUMNS: list[tuple[str, int]] = [
    ("序号", 5),
    ("受理编号", 19),
    ("诉求标题", 26),
    ("企业", 22),
    ("类别", 9),
    ("事项", 7),
    ("交办日期", 12),
    ("办理时限", 17),
    ("状态", 8),
    ("最新推进情况", 48),
    ("推进时间", 16),
]

KIND_ZH = {"part": "转办", "supervised": "督办"}
STATUS_ZH = {
    "open": "办理中",
    "due_today": "今日到期",
    "overdue": "已逾期",
    "replied": "已答复",
    "accepted": "已验收",
}


def _when(stamp: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone(BEIJING).strftime(fmt)


def title(unit_name: str, day: date) -> str:
    """The sheet's title row: 「{unit} 推进台账（截至 YYYY-MM-DD）」."""
    return f"{unit_name} 推进台账（截至 {day.isoformat()}）"


def row(number: int, appeal: Appeal, item: LedgerState, unit_id: str) -> list[str | int]:
    """One item as a row of ``COLUMNS`` (text as typed: the writer never makes formulas)."""
    note = appeal.unit_progress.get(unit_id)
    return [
        number,
        appeal.id,
        appeal.title,
        appeal.enterprise.name or "",
        LABELS_ZH[appeal.category],
        KIND_ZH[item.kind],
        _when(item.assigned_at, "%Y-%m-%d"),
        _when(item.due_at),
        STATUS_ZH[item.status],
        note.content if note else "",
        _when(note.at) if note else "",
    ]
