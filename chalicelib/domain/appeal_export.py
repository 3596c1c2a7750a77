"""The columns of an appeals export (a searched list as XLSX): what each row says of an
appeal, in Chinese, Beijing time. No phone numbers: the workbook leaves the platform."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import BEIJING
from chalicelib.domain.appeals import Appeal
from chalicelib.domain.codes import LABELS_ZH

#: (header, column width)
COLUMNS: list[tuple[str, int]] = [
    ("受理编号", 20),
    ("标题", 30),
    ("企业/来电人", 28),
    ("统一社会信用代码", 20),
    ("诉求类别", 14),
    ("来源渠道", 12),
    ("状态", 8),
    ("办结方式", 16),
    ("承办专员", 18),
    ("答复期限", 17),
    ("逾期", 6),
    ("提交时间", 17),
    ("答复时间", 17),
    ("办结时间", 17),
    ("重复来电", 8),
    ("12345工单号", 18),
]


def _when(stamp: str | None) -> str:
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def row(appeal: Appeal, *, overdue: bool) -> list[str | int]:
    """One appeal as a row of ``COLUMNS`` (text as typed: the writer never makes formulas)."""
    return [
        appeal.id,
        appeal.title,
        appeal.enterprise.name or "",
        appeal.enterprise.uscc or "",
        LABELS_ZH[appeal.category],
        LABELS_ZH[appeal.channel],
        LABELS_ZH[appeal.status],
        LABELS_ZH[appeal.closed_as] if appeal.closed_as else "",
        appeal.assignee.name or "服务中心分办",
        _when(appeal.reply_due_at),
        "是" if overdue else "",
        _when(appeal.created_at),
        _when(appeal.replied_at),
        _when(appeal.closed_at),
        appeal.repeat_calls,
        appeal.external_ref or "",
    ]
