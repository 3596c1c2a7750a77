"""A report's outputs: an XLSX workbook a person can print (Chinese headers, one sheet per
table, widths and number formats set, the header row repeated on every printed page), a CSV
of the unit table, and the JSON of every figure with the appeals behind them."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from chalicelib.domain.reports import DIMENSIONS, Figures, Metrics
from chalicelib.domain.spreadsheets import WORKBOOK_OPTIONS, csv_row

#: Appeal figures in the order the sheets show them: (field, header, kind).
METRIC_COLUMNS: list[tuple[str, str, str]] = [
    ("received", "受理", "int"),
    ("replied", "答复", "int"),
    ("due", "应答复", "int"),
    ("on_time", "按时答复", "int"),
    ("missed", "超期", "int"),
    ("on_time_rate", "按时答复率", "rate"),
    ("open_overdue", "超期未答复", "int"),
    ("replied_late", "超期答复", "int"),
    ("escalated_1", "升级服务中心", "int"),
    ("escalated_2", "提交会办", "int"),
    ("confirmed", "评价", "int"),
    ("resolved", "已解决", "int"),
    ("resolved_rate", "解决率", "rate"),
    ("rated", "评分", "int"),
    ("satisfied", "满意", "int"),
    ("satisfaction_rate", "满意率", "rate"),
    ("reopened", "重办", "int"),
    ("reopened_rate", "重办率", "rate"),
    ("auto_closed", "自动办结", "int"),
    ("answered_on_call", "直接答复", "int"),
    ("direct_rate", "直办率", "rate"),
    ("repeat_calls", "重复来电", "int"),
    ("merged", "合并重复", "int"),
    ("voided", "无效工单", "int"),
    ("avg_working_days", "平均答复用时（工作日）", "days"),
    ("sign_due", "应签收", "int"),
    ("signed_in_time", "按时签收", "int"),
    ("sign_rate", "签收及时率", "rate"),
    ("paused", "挂起诉求", "int"),
    ("pauses_ended", "挂起结束", "int"),
    ("paused_working_days", "挂起工作日", "int"),
    ("avg_paused_working_days", "平均挂起（工作日）", "days"),
    ("pause_expired", "挂起到期恢复", "int"),
    ("withdrawn", "企业撤回", "int"),
    ("supplements", "补充材料", "int"),
]

DEPARTMENT_COLUMNS: list[tuple[str, str, str]] = [
    ("transferred", "转办", "int"),
    ("replied", "部门答复", "int"),
    ("on_time", "按时", "int"),
    ("late", "超期答复", "int"),
    ("on_time_rate", "按时答复率", "rate"),
    ("returned", "退回", "int"),
    ("open_overdue", "当前超期未办", "int"),
    ("supervised", "督办事项", "int"),
    ("supervision_closed", "督办办结", "int"),
    ("supervision_on_time", "按期办结", "int"),
    ("sign_due", "应签收", "int"),
    ("signed_in_time", "按时签收", "int"),
    ("sign_rate", "签收及时率", "rate"),
    ("parts_overdue", "超期件", "int"),
]

DIMENSION_SHEETS = {
    "commissioner": ("按专员", "服务专员/专班"),
    "size_class": ("按企业规模", "企业规模"),
    "channel": ("按渠道", "受理渠道"),
    "category": ("按诉求类别", "诉求类别"),
    "town": ("区镇", "企业所在区镇"),  # on the 区镇 sheet, below the towns as units
}


def _columns(
    table: list[tuple[str, str, str]], names: tuple[str, ...], **heads: str
) -> list[tuple[str, str, str]]:
    """The columns ``names`` of ``table`` in that order, each with the table's heading unless
    ``heads`` gives the sheet its own (a figure's heading and kind have one home)."""
    by_name = {c[0]: c for c in table}
    return [(n, heads.get(n, by_name[n][1]), by_name[n][2]) for n in names]


#: The towns as units (区镇承办) on the 区镇 sheet: their parts, sign-for, supervision.
TOWN_UNIT_COLUMNS = _columns(
    DEPARTMENT_COLUMNS,
    (
        "transferred",
        "replied",
        "on_time",
        "on_time_rate",
        "parts_overdue",
        "open_overdue",
        "sign_due",
        "signed_in_time",
        "sign_rate",
        "supervised",
        "supervision_closed",
        "returned",
    ),
    transferred="转办件数",
    replied="区镇答复",
)

#: The appeals by the filing enterprise's town (企业所在区镇) on the 区镇 sheet.
TOWN_FILER_COLUMNS = _columns(
    METRIC_COLUMNS,
    (
        "received",
        "replied",
        "due",
        "on_time",
        "on_time_rate",
        "open_overdue",
        "confirmed",
        "resolved",
        "resolved_rate",
        "rated",
        "satisfied",
        "satisfaction_rate",
    ),
)

UNIT_KINDS = {"department": "部门", "town": "区镇"}

NOTICE_KINDS = {
    "open_overdue": "超期未答复",
    "replied_late": "超期答复",
    "part_overdue": "部门超期未办",
}

#: The definitions printed on the last sheet (docs/reports.md says the same at length).
DEFINITIONS: list[tuple[str, str]] = [
    (
        "统计口径",
        "按事件发生时间统计：本期内发生的受理、答复、超期、评价、升级、督办事件计入本期。",
    ),
    ("受理", "本期受理（filed）的诉求数。"),
    ("应答复", "本期到期并已定结果的答复期限数 = 按时答复 + 超期；每个期限只计一次。"),
    ("按时答复", "答复时间不晚于当时有效的答复期限（含已批准延期）。"),
    ("超期", "答复期限届满仍未答复（系统于期限届满时标记），或期限在本期内而答复晚于期限。"),
    ("按时答复率", "按时答复 ÷ 应答复。"),
    ("超期未答复", "本期超期且截至统计截止时间仍未答复的诉求。"),
    ("超期答复", "本期内晚于期限作出的答复。"),
    ("解决率", "评价为“已解决”的次数 ÷ 评价次数（企业确认与热线回访）。"),
    ("满意率", "满意度 4–5 分的次数 ÷ 评分次数。"),
    ("重办率", "评价为“未解决”而重办的次数 ÷ 评价次数。"),
    ("自动办结", "答复后无人评价、到期由系统办结的诉求，单列，不计入解决率与满意率。"),
    ("平均答复用时", "自受理（或重办）次日起至答复日的工作日数的平均值。"),
    ("部门按时答复率", "部门答复中不晚于该部门办理期限的比例。"),
    ("当前超期未办", "报告生成时仍未办结且已过期限的部门转办件。"),
    ("排名", "按按时答复率排名，仅对应答复（部门为答复）数不少于最低件数的单位排名。"),
    (
        "区镇承办",
        "承办单位中的区镇（镇、街道）与部门同样统计：转办件数、超期件、签收及时率、督办事项等。",
    ),
    (
        "企业所在区镇",
        "按提出诉求企业登记的所在区镇（报告生成时）汇总受理、按时答复率、解决率、满意率；"
        "未填写区镇的企业与未登记来电人单列。",
    ),
]


def _cell(metrics: Any, name: str) -> Any:
    value = getattr(metrics, name)
    return "" if value is None else value


def workbook(figures: Figures) -> bytes:
    import xlsxwriter  # loaded by the report job only

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "remove_timezone": True, **WORKBOOK_OPTIONS}
    )
    book.set_properties({"title": f"兴企通诉求办理情况报告 {figures.period.label}"})
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    title = book.add_format({**base, "bold": True, "font_size": 14})
    head = book.add_format(
        {**base, "bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True}
    )
    # quote_prefix: a cell that reads like a formula stays text even after it is edited
    text = book.add_format({**base, "border": 1, "text_wrap": True, "quote_prefix": True})
    count = book.add_format({**base, "border": 1, "num_format": "0"})
    rate = book.add_format({**base, "border": 1, "num_format": "0.0%"})
    days = book.add_format({**base, "border": 1, "num_format": "0.00"})
    signed = book.add_format({**base, "border": 1, "num_format": "+0;-0;0"})
    signed_rate = book.add_format({**base, "border": 1, "num_format": "+0.0%;-0.0%;0.0%"})
    formats = {"int": count, "rate": rate, "days": days}
    muted = book.add_format({**base, "font_color": "#555555"})

    def sheet(name: str, heading: str, headers: list[str], widths: list[int]) -> Any:
        ws = book.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.write(0, 0, heading, title)
        ws.write(
            1, 0, f"统计期间：{figures.period.label}    统计截止：{_when(figures.as_of)}", muted
        )
        ws.write_row(3, 0, headers, head)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.set_row(3, 30)
        ws.freeze_panes(4, 1)
        ws.repeat_rows(3)
        return ws

    # 总览
    ws = sheet(
        "总览",
        f"兴企通诉求办理情况报告（{figures.period.label}）",
        ["指标", "本期", "上期", "变化"],
        [22, 12, 12, 12],
    )
    for r, (name, header, kind) in enumerate(METRIC_COLUMNS, start=4):
        ws.write(r, 0, header, text)
        ws.write(r, 1, _cell(figures.totals, name), formats[kind])
        ws.write(r, 2, _cell(figures.previous, name) if figures.previous else "", formats[kind])
        delta = figures.change.get(name)
        ws.write(r, 3, "" if delta is None else delta, signed_rate if kind == "rate" else signed)
    r = 4 + len(METRIC_COLUMNS) + 1
    sup = figures.supervision
    for label, value, fmt in (
        ("督办事项（本期列入）", sup.started, count),
        ("督办办结", sup.closed, count),
        ("按期办结", sup.closed_on_time, count),
        ("督办按期办结率", "" if sup.on_time_rate is None else sup.on_time_rate, rate),
        ("督办逾期", sup.overdue, count),
        ("集中会办（已召开月份）", "、".join(figures.meetings.held) or "无", text),
        ("未召开会办的月份", "、".join(figures.meetings.missed) or "无", text),
        ("会办议定事项", figures.meetings.decided_items, count),
        ("采纳的共性诉求议题", len(figures.meetings.common_items), count),
        ("共性诉求议题涉及诉求", figures.meetings.common_appeals, count),
    ):
        ws.write(r, 0, label, text)
        ws.write(r, 1, value, fmt)
        r += 1
    if figures.previous_period:
        ws.write(r + 1, 0, f"上期：{figures.previous_period.label}", muted)

    # 通报事项
    ws = sheet(
        "通报事项",
        "超期及超期答复事项",
        ["诉求编号", "标题", "企业", "情形", "承办", "相关部门", "期限", "答复时间", "超期工作日"],
        [20, 30, 24, 12, 20, 24, 17, 17, 10],
    )
    for r, n in enumerate(figures.notice, start=4):
        ws.write_row(
            r,
            0,
            [
                n.appeal_id,
                n.title,
                n.enterprise,
                NOTICE_KINDS[n.kind],
                n.owner,
                "、".join(n.departments),
                _when(n.due_at),
                _when(n.replied_at) if n.replied_at else "未答复",
            ],
            text,
        )
        ws.write(r, 8, n.working_days_late, count)

    # 按部门 (towns handle parts too: marked 区镇)
    ws = sheet(
        "按部门",
        "部门及区镇办理情况",
        ["单位", "类型", *(h for _, h, _ in DEPARTMENT_COLUMNS), "排名"],
        [24, 6] + [10] * len(DEPARTMENT_COLUMNS) + [8],
    )
    for r, dept in enumerate(figures.departments, start=4):
        ws.write(r, 0, dept.name, text)
        ws.write(r, 1, UNIT_KINDS[dept.kind], text)
        for c, (name, _, kind) in enumerate(DEPARTMENT_COLUMNS, start=2):
            ws.write(r, c, _cell(dept.metrics, name), formats[kind])
        ws.write(r, len(DEPARTMENT_COLUMNS) + 2, dept.rank if dept.rank else "—", text)

    # one sheet per dimension (the filers' towns: on the 区镇 sheet)
    for dim in DIMENSIONS:
        if dim == "town":
            continue
        sheet_name, unit = DIMENSION_SHEETS[dim]
        ws = sheet(
            sheet_name,
            f"{sheet_name}统计",
            [unit, *(h for _, h, _ in METRIC_COLUMNS), "排名"],
            [24] + [9] * len(METRIC_COLUMNS) + [7],
        )
        for r, row in enumerate(figures.by[dim], start=4):
            ws.write(r, 0, row.name, text)
            for c, (name, _, kind) in enumerate(METRIC_COLUMNS, start=1):
                ws.write(r, c, _cell(row.metrics, name), formats[kind])
            ws.write(r, len(METRIC_COLUMNS) + 1, row.rank if row.rank else "—", text)

    # 区镇: the towns as units, then the appeals by the filing enterprise's town
    width = max(len(TOWN_UNIT_COLUMNS), len(TOWN_FILER_COLUMNS))
    ws = sheet(
        "区镇",
        "区镇统计：区镇承办情况与企业所在区镇",
        ["区镇（承办单位）", *(h for _, h, _ in TOWN_UNIT_COLUMNS), "排名"],
        [24] + [10] * width + [8],
    )
    r = 4
    for unit_row in (d for d in figures.departments if d.kind == "town"):
        ws.write(r, 0, unit_row.name, text)
        for c, (name, _, kind) in enumerate(TOWN_UNIT_COLUMNS, start=1):
            ws.write(r, c, _cell(unit_row.metrics, name), formats[kind])
        ws.write(r, len(TOWN_UNIT_COLUMNS) + 1, unit_row.rank if unit_row.rank else "—", text)
        r += 1
    if r == 4:
        ws.write(r, 0, "本期没有转办区镇的诉求", muted)
        r += 1
    r += 1
    ws.write_row(r, 0, ["企业所在区镇", *(h for _, h, _ in TOWN_FILER_COLUMNS), "排名"], head)
    ws.set_row(r, 30)
    for filer_row in figures.by["town"]:
        r += 1
        ws.write(r, 0, filer_row.name, text)
        for c, (name, _, kind) in enumerate(TOWN_FILER_COLUMNS, start=1):
            ws.write(r, c, _cell(filer_row.metrics, name), formats[kind])
        ws.write(r, len(TOWN_FILER_COLUMNS) + 1, filer_row.rank if filer_row.rank else "—", text)

    # 共性诉求
    ws = sheet(
        "共性诉求",
        "共性诉求与反复诉求",
        ["诉求类别", "本期受理", "上期受理", "变化"],
        [24, 12, 12, 12],
    )
    r = 4
    for trend in figures.recurring.categories:
        ws.write(r, 0, trend.name, text)
        ws.write(r, 1, trend.received, count)
        ws.write(r, 2, "" if trend.previous is None else trend.previous, count)
        ws.write(r, 3, "" if trend.change is None else trend.change, signed)
        r += 1
    r += 1
    ws.write_row(r, 0, ["反复诉求企业", "本期件数", "类别", "诉求编号"], head)
    for e in figures.recurring.enterprises:
        r += 1
        ws.write(r, 0, e.name, text)
        ws.write(r, 1, e.received, count)
        ws.write(r, 2, "、".join(e.categories), text)
        ws.write(r, 3, "、".join(e.appeal_ids), text)
    r += 2
    ws.write_row(r, 0, ["作为共性诉求升级", "企业", "类别", "诉求编号"], head)
    for item in figures.recurring.common:
        r += 1
        ws.write_row(r, 0, [item.title, item.enterprise, item.category, item.appeal_id], text)

    # 明细
    columns = [
        ("appeal_id", "诉求编号", 20),
        ("title", "标题", 28),
        ("enterprise", "企业", 22),
        ("channel", "渠道", 12),
        ("category", "类别", 12),
        ("size_class", "规模", 10),
        ("town", "企业所在区镇", 12),
        ("owner", "承办", 18),
        ("received_in_period", "本期受理", 8),
        ("replies", "答复", 6),
        ("on_time", "按时", 6),
        ("missed", "超期", 6),
        ("open_overdue", "超期未答复", 8),
        ("escalated_to", "升级级别", 8),
        ("verdicts", "评价", 6),
        ("resolved", "已解决", 8),
        ("satisfaction", "满意度", 8),
        ("events", "本期事件", 40),
    ]
    ws = sheet(
        "明细",
        "本期涉及的诉求（各项数字可据此核对）",
        [c[1] for c in columns],
        [c[2] for c in columns],
    )
    from chalicelib.domain.codes import LABELS_ZH

    for r, fact in enumerate(figures.appeals, start=4):
        for c, (name, _, _) in enumerate(columns):
            value = getattr(fact, name)
            if isinstance(value, bool):
                value = "是" if value else "否"
            elif name in ("channel", "category", "size_class", "town"):
                value = LABELS_ZH.get(value, "未登记" if value == "unregistered" else value)
                value = "未填写" if value == "no_town" else value
            ws.write(
                r, c, "" if value is None else value, text if isinstance(value, str) else count
            )

    # 指标说明
    ws = sheet("指标说明", "指标定义", ["指标", "定义"], [18, 100])
    for r, (name, meaning) in enumerate(DEFINITIONS, start=4):
        ws.write(r, 0, name, text)
        ws.write(r, 1, meaning, text)
    book.close()
    return out.getvalue()


def table_csv(figures: Figures) -> bytes:
    """The unit table (every dimension, and the total) as CSV, UTF-8 with a BOM so that
    spreadsheet programs read the Chinese."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["维度", "单位编号", "单位", *(h for _, h, _ in METRIC_COLUMNS), "排名"])

    def row(dimension: str, key: str, name: str, metrics: Metrics, rank: int | None) -> None:
        writer.writerow(
            csv_row(
                [
                    dimension,
                    key,
                    name,
                    *(_cell(metrics, n) for n, _, _ in METRIC_COLUMNS),
                    rank or "",
                ]
            )
        )

    row("合计", "total", "全部", figures.totals, None)
    for dim in DIMENSIONS:
        for r in figures.by[dim]:
            row(DIMENSION_SHEETS[dim][1], r.key, r.name, r.metrics, r.rank)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def document(figures: Figures) -> bytes:
    return figures.model_dump_json(by_alias=True, indent=1).encode("utf-8")


def _when(stamp: str | None) -> str:
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")
