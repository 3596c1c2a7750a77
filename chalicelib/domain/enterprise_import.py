"""Importing the county's enterprise register (企业名录导入): the template's columns, each
row read and checked into the values it gives, and what those values change on an
enterprise that is registered already.

Rules (docs/imports.md):

- The first row names the columns, in Chinese as the template has them (or the API's field
  names); columns may come in any order; others are ignored. 统一社会信用代码, 企业名称, 企业规模
  and 行业 must be there, and filled on every row.
- An empty optional cell changes nothing (it never clears a value kept on the platform).
- 简称 (short names) holds one or more names separated by 、 or , (full- or half-width): a
  filled cell replaces the enterprise's short names.
- 联系人 and 联系电话 go together: the named person's phone is set (added first when the
  enterprise does not list that person yet; at most 10 contacts are kept).
- A row is rejected with every reason it has, each naming its column, in Chinese.
- Only what differs is written: a row equal to the enterprise as registered writes nothing,
  so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError

from chalicelib import i18n
from chalicelib.domain.codes import LABELS_ZH, Industry, SizeClass
from chalicelib.domain.enterprise import InvalidCreditCode, normalize_uscc
from chalicelib.domain.models import Phone
from chalicelib.domain.search import SHORT_NAME_MAX_LENGTH, SHORT_NAMES_MAX, split_short_names

#: Rows a file may hold (a county's register has about ten thousand enterprises).
MAX_ROWS = 50_000
#: Contacts an enterprise keeps (the API's limit).
MAX_CONTACTS = 10
NAME_MAX = 100
TOWN_MAX = 50
EMPLOYEES_MAX = 10_000_000
REVENUE_MAX = 1e10

YES = frozenset({"是", "y", "yes", "true", "1", "√"})
NO = frozenset({"否", "n", "no", "false", "0", "×"})


@dataclass(frozen=True)
class Column:
    """One column of the template."""

    key: str
    header: str
    required: bool
    note: str
    aliases: tuple[str, ...] = ()


def _choices(codes: Iterable[str]) -> str:
    return "、".join(LABELS_ZH[c] for c in codes)


COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码", True, "18 位，按 GB 32100-2015 校验；请设为文本格式"),
    Column("name", "企业名称", True, f"1–{NAME_MAX} 个字符"),
    Column("size_class", "企业规模", True, _choices(SizeClass), ("规模",)),
    Column("industry", "行业", True, _choices(Industry), ("所属行业",)),
    Column(
        "short_names",
        "简称",
        False,
        f"来电常用的名称，多个以 、 或 , 分隔（至多 {SHORT_NAMES_MAX} 个，每个至多 "
        f"{SHORT_NAME_MAX_LENGTH} 个字符）",
        ("企业简称",),
    ),
    Column("town", "乡镇", False, f"镇/街道，至多 {TOWN_MAX} 个字符", ("镇/街道", "镇街道")),
    Column("key_tech", "重点科技型企业", False, "是 / 否"),
    Column("major_project", "省市重大项目", False, "是 / 否"),
    Column("employees", "从业人数", False, f"0–{EMPLOYEES_MAX:,} 的整数"),
    Column("revenue", "营业收入（万元）", False, "上年营业收入，万元，不小于 0", ("营业收入",)),
    Column("contact_name", "联系人", False, "与联系电话同填"),
    Column("contact_phone", "联系电话", False, "手机或固定电话（如 0513-84123456）"),
)
COLUMN_OF = {c.key: c for c in COLUMNS}

SIZE_CLASS_OF: dict[str, str] = {
    **{LABELS_ZH[s]: s.value for s in SizeClass},
    **{s.value: s.value for s in SizeClass},
}
INDUSTRY_OF: dict[str, str] = {
    **{LABELS_ZH[i]: i.value for i in Industry},
    **{i.value: i.value for i in Industry},
}


# --- headers ------------------------------------------------------------------------------


def _header_text(value: object) -> str:
    """A header cell compared loosely: no spaces, half-width brackets, lower case."""
    text = "" if value is None else str(value)
    text = text.replace("（", "(").replace("）", ")").replace("\ufeff", "")
    return re.sub(r"\s+", "", text).lower()


_HEADERS: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.header, _c.key, *_c.aliases):
        _HEADERS[_header_text(_name)] = _c.key


class FileProblem(Exception):
    """Something about the whole file (its header, its size) that stops the import before
    any row is written; ``code`` and ``params`` render as an i18n message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = "zh") -> str:
        return i18n.message(self.code, lang, **self.params)


def map_header(cells: Sequence[object]) -> dict[str, int]:
    """The position of each known column in the header row; a required column missing or a
    column named twice is a :class:`FileProblem`."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _HEADERS.get(_header_text(cell))
        if key is None:
            continue
        if key in found:
            raise FileProblem("import_header_duplicate", column=COLUMN_OF[key].header)
        found[key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in found]
    if missing:
        raise FileProblem("import_header_missing", columns="、".join(missing))
    return found


# --- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a row is rejected: the column's header, an i18n code and its parameters."""

    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        """「列：原因」 in Chinese (official full-width punctuation), ``Column: reason`` in
        English."""
        colon = "：" if lang == "zh" else ": "
        return f"{self.column}{colon}{i18n.message(self.code, lang, **self.params)}"


@dataclass
class Row:
    """One data row as read: the values of its filled cells, checked, and the reasons it is
    rejected (none: it can be imported)."""

    number: int
    uscc: str | None
    uscc_text: str
    name_text: str
    values: dict[str, Any]
    reasons: list[Reason]

    @property
    def ok(self) -> bool:
        return not self.reasons

    def reasons_text(self, lang: str = "zh") -> str:
        return ("；" if lang == "zh" else "; ").join(r.text(lang) for r in self.reasons)


def is_blank(cells: Sequence[object]) -> bool:
    """A row with nothing in it (spreadsheets end with some): skipped, not counted."""
    return all(_text(c) == "" for c in cells)


def _text(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, booleans as 是/否."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").replace("\ufeff", "").strip()


_PHONE = TypeAdapter(Phone, config=ConfigDict(defer_build=True))


def _shown(text: str) -> str:
    """A cell's text quoted in a reason, cut short."""
    return text if len(text) <= 20 else text[:20] + "…"


def _number(text: str) -> float | None:
    try:
        return float(re.sub(r"[,，\s]", "", text))
    except ValueError:
        return None


def read_row(number: int, cells: Sequence[object], columns: dict[str, int]) -> Row:
    """Check one data row (``number``: its row in the file, the header being row 1)."""

    def cell(key: str) -> object:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    reasons: list[Reason] = []
    values: dict[str, Any] = {}

    def refuse(key: str, code: str, **params: Any) -> None:
        reasons.append(Reason(COLUMN_OF[key].header, code, params))

    raw_uscc = cell("uscc")
    uscc_text = _text(raw_uscc)
    uscc: str | None = None
    if not uscc_text:
        refuse("uscc", "import_required")
    elif isinstance(raw_uscc, float):
        refuse("uscc", "import_uscc_number")
    else:
        try:
            uscc = normalize_uscc(uscc_text)
        except InvalidCreditCode as exc:
            refuse("uscc", exc.reason)

    name = _text(cell("name"))
    if not name:
        refuse("name", "import_required")
    elif len(name) > NAME_MAX:
        refuse("name", "import_too_long", max=NAME_MAX)
    else:
        values["name"] = name

    shorts = split_short_names(_text(cell("short_names")))
    if len(shorts) > SHORT_NAMES_MAX:
        refuse("short_names", "import_too_many", max=SHORT_NAMES_MAX)
    elif any(len(s) > SHORT_NAME_MAX_LENGTH for s in shorts):
        refuse("short_names", "import_too_long", max=SHORT_NAME_MAX_LENGTH)
    elif shorts:
        values["short_names"] = shorts

    for key, table in (("size_class", SIZE_CLASS_OF), ("industry", INDUSTRY_OF)):
        text = _text(cell(key))
        if not text:
            refuse(key, "import_required")
        elif text in table or text.lower() in table:
            values[key] = table.get(text) or table[text.lower()]
        else:
            labels = [k for k, v in table.items() if k != v]
            refuse(key, "import_choice", value=_shown(text), allowed="、".join(labels))

    town = _text(cell("town"))
    if len(town) > TOWN_MAX:
        refuse("town", "import_too_long", max=TOWN_MAX)
    elif town:
        values["town"] = town

    flags: dict[str, bool] = {}
    for key in ("key_tech", "major_project"):
        text = _text(cell(key))
        if not text:
            continue
        if text.lower() in YES:
            flags[key] = True
        elif text.lower() in NO:
            flags[key] = False
        else:
            refuse(key, "import_yes_no", value=_shown(text))
    if flags:
        values["flags"] = flags

    employees = _text(cell("employees"))
    if employees:
        n = _number(employees)
        if n is None or not n.is_integer():
            refuse("employees", "import_integer", value=_shown(employees))
        elif not 0 <= n <= EMPLOYEES_MAX:
            refuse("employees", "import_range", min=0, max=f"{EMPLOYEES_MAX:,}")
        else:
            values["employees"] = int(n)

    revenue = _text(cell("revenue"))
    if revenue:
        r = _number(revenue)
        if r is None or r != r:  # NaN is not a number either
            refuse("revenue", "import_number", value=_shown(revenue))
        elif not 0 <= r <= REVENUE_MAX:
            refuse("revenue", "import_range", min=0, max=f"{REVENUE_MAX:,.0f}")
        else:
            values["revenue"] = int(r) if r.is_integer() else r

    contact_name = _text(cell("contact_name"))
    phone_text = _text(cell("contact_phone"))
    phone: str | None = None
    if phone_text:
        try:
            phone = _PHONE.validate_python(phone_text)
        except ValidationError:
            refuse("contact_phone", "import_phone", value=_shown(phone_text))
    if len(contact_name) > NAME_MAX:
        refuse("contact_name", "import_too_long", max=NAME_MAX)
    elif contact_name and not phone_text:
        refuse("contact_phone", "import_contact_phone_missing")
    elif phone_text and not contact_name:
        refuse("contact_name", "import_contact_name_missing")
    elif contact_name and phone:
        values["contact"] = {"name": contact_name, "phone": phone}

    return Row(number, uscc, uscc_text, name, values, reasons)


class FirstSeen:
    """Credit codes already met in the file: a later row with the same code is rejected
    (the first one stands), whatever became of the first."""

    def __init__(self) -> None:
        self._rows: dict[str, int] = {}

    def claim(self, uscc: str, number: int) -> int | None:
        """``None`` if ``uscc`` is new (now claimed by row ``number``), else the first row."""
        first = self._rows.setdefault(uscc, number)
        return None if first == number else first

    def __len__(self) -> int:
        return len(self._rows)


def duplicate_reason(first_row: int) -> Reason:
    return Reason(COLUMN_OF["uscc"].header, "import_duplicate", {"row": first_row})


def uscc_of(cells: Sequence[object], columns: dict[str, int]) -> str | None:
    """The row's credit code if it is valid (for :class:`FirstSeen` when a job resumes)."""
    index = columns["uscc"]
    value = cells[index] if index < len(cells) else None
    if value is None or isinstance(value, float):
        return None
    try:
        return normalize_uscc(_text(value))
    except InvalidCreditCode:
        return None


# --- what a row changes -------------------------------------------------------------------


def _contacts(current: list[dict[str, str]], contact: dict[str, str]) -> list[dict[str, str]]:
    """The named person's phone set, or the person added first (at most 10 kept)."""
    out = [dict(c) for c in current]
    for c in out:
        if c.get("name") == contact["name"]:
            c["phone"] = contact["phone"]
            return out
    return [dict(contact), *out][:MAX_CONTACTS]


def new_record(uscc: str, values: dict[str, Any]) -> dict[str, Any]:
    """The data of an enterprise first registered by a row (as ``POST /enterprises`` keeps
    it: flags default to no, no named commissioner)."""
    flags = {"key_tech": False, "major_project": False, **values.get("flags", {})}
    contact = values.get("contact")
    return {
        "uscc": uscc,
        "name": values["name"],
        "short_names": values.get("short_names", []),
        "size_class": values["size_class"],
        "industry": values["industry"],
        "town": values.get("town"),
        "flags": flags,
        "employees": values.get("employees"),
        "revenue": values.get("revenue"),
        "contacts": [contact] if contact else [],
        "commissioner_id": None,
    }


def changes(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The fields a row changes on ``current`` (empty: the row is what is registered)."""
    out: dict[str, Any] = {}
    for key in ("name", "short_names", "size_class", "industry", "town", "employees", "revenue"):
        if key in values and current.get(key) != values[key]:
            out[key] = values[key]
    if "flags" in values:
        now = {"key_tech": False, "major_project": False, **(current.get("flags") or {})}
        merged = {**now, **values["flags"]}
        if merged != now:
            out["flags"] = merged
    if "contact" in values:
        contacts = list(current.get("contacts") or [])
        merged_contacts = _contacts(contacts, values["contact"])
        if merged_contacts != contacts:
            out["contacts"] = merged_contacts
    return out
