"""Finding the caller (R2, 12345 practice): the enterprise register as an operator searches it
while the caller speaks — any part of the registered name, a short name (简称), the name's
pinyin initials or full pinyin (``hrjx``, ``hengrunjixie`` → 如东恒润机械制造有限公司), or four
or more characters of the credit code — ranked best first (docs/search.md).

Pure: the index is built from :class:`Row` values (a register snapshot plus the writes since
it) and searched in memory; where the rows come from is the store's business.

Tiers, best first; within a tier, by normalised name then credit code:

0. exact — the name, a short name or the credit code is the query;
1. start — the name, a short name or the credit code starts with it;
2. part — it is a part of the name or of a short name, or (four or more letters and digits) of
   the credit code;
3. pinyin initials — a part of the initials of the name or of a short name;
4. full pinyin — a part of the full pinyin of the name or of a short name.
"""

from __future__ import annotations

import gzip
import heapq
import json
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

EXACT, START, PART, INITIALS, PINYIN = range(5)
TIER_NAMES = ("exact", "start", "part", "pinyin_initials", "pinyin")

#: Search terms are 1–50 characters (API.md).
QUERY_MAX = 50
#: A credit-code fragment is matched inside the code from this many characters on.
USCC_FRAGMENT_MIN = 4
#: Short names an enterprise keeps, and their length.
SHORT_NAMES_MAX = 10
SHORT_NAME_MAX_LENGTH = 50
#: What separates short names in one cell of the import workbook.
SHORT_NAME_SEPARATORS = "、,，;；"

_SEGMENT = "\n"  # between enterprises in a haystack
_TEXT = "\x00"  # between the texts (name, short names) of one enterprise
_USCC_WIDTH = 19  # 18 characters and the separator


def normalize(text: str) -> str:
    """Text as it is compared: NFKC (full-width letters, digits and brackets as half-width),
    case folded, without control characters and spaces at the ends."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if c >= " " and c != "\x7f").strip()


def query_key(text: str) -> str:
    """A search term as it is compared (:func:`normalize`)."""
    return normalize(text)


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def pinyin(text: str) -> tuple[str, str]:
    """The full pinyin and the initials of ``text``, without tones or separators
    (``如东恒润机械`` → ``rudonghengrunjixie``, ``rdhrjx``); letters and digits among the
    characters are kept as they are, anything else is dropped. Heteronyms take pypinyin's
    reading in context (长沙 → changsha)."""
    from pypinyin import Style, lazy_pinyin  # ~140 ms: loaded where pinyin is computed

    full: list[str] = []
    initials: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            for syllable in lazy_pinyin("".join(run), style=Style.NORMAL):
                full.append(syllable)
                initials.append(syllable[:1])
            run.clear()

    for char in normalize(text):
        if _is_han(char):
            run.append(char)
            continue
        flush()
        if char.isascii() and char.isalnum():
            full.append(char)
            initials.append(char)
    flush()
    return "".join(full), "".join(initials)


def split_short_names(cell: str) -> list[str]:
    """Short names written in one cell (``恒润、恒润机械``), in order, without repeats."""
    parts = [cell]
    for sep in SHORT_NAME_SEPARATORS:
        parts = [p for part in parts for p in part.split(sep)]
    out: list[str] = []
    for p in (p.strip() for p in parts):
        if p and p not in out:
            out.append(p)
    return out


@dataclass(frozen=True, slots=True)
class Row:
    """One enterprise as the search keeps it: what is matched (name, short names and their
    pinyin, credit code) and what a later filter may need (town, commissioner)."""

    uscc: str
    name: str
    short_names: tuple[str, ...] = ()
    town: str | None = None
    commissioner_id: str | None = None
    #: pinyin of the name, then of each short name
    full: tuple[str, ...] = ()
    initials: tuple[str, ...] = ()
    #: what the register list filters and sorts by (企业管理; docs/search.md "Browsing")
    size_class: str | None = None
    industry: str | None = None
    key_tech: bool = False
    major_project: bool = False
    #: the record's last write (latest activity)
    updated_at: str | None = None

    @property
    def texts(self) -> tuple[str, ...]:
        return (normalize(self.name), *(normalize(s) for s in self.short_names))

    def to_json(self) -> list[Any]:
        return [
            self.uscc,
            self.name,
            list(self.short_names),
            self.town,
            self.commissioner_id,
            list(self.full),
            list(self.initials),
            self.size_class,
            self.industry,
            self.key_tech,
            self.major_project,
            self.updated_at,
        ]

    @staticmethod
    def from_json(data: list[Any]) -> Row:
        """A row as stored; a row of the first format (7 fields, no browse fields) reads
        with them empty (the snapshot job rebuilds such a snapshot: :func:`complete`)."""
        uscc, name, shorts, town, commissioner, full, initials = data[:7]
        size, industry, key_tech, major, updated = (list(data[7:12]) + [None] * 5)[:5]
        return Row(
            uscc,
            name,
            tuple(shorts),
            town,
            commissioner,
            tuple(full),
            tuple(initials),
            size,
            industry,
            bool(key_tech),
            bool(major),
            updated,
        )

    @property
    def sort_name(self) -> tuple[str, str, str]:
        """Name order as people read it: pinyin of the name (汉字 by their reading), then
        the name, then the credit code."""
        return (self.full[0] if self.full else normalize(self.name), self.name, self.uscc)


def row_of(record: dict[str, Any], previous: Row | None = None) -> Row:
    """The search row of an enterprise record; pinyin is taken from ``previous`` when the
    name and short names are the same (a snapshot rebuilt computes only what changed)."""
    name = str(record["name"])
    shorts = tuple(str(s) for s in record.get("short_names") or ())
    if previous is not None and previous.name == name and previous.short_names == shorts:
        full, initials = previous.full, previous.initials
    else:
        keys = [pinyin(t) for t in (name, *shorts)]
        full, initials = tuple(k[0] for k in keys), tuple(k[1] for k in keys)
    flags = record.get("flags") or {}
    return Row(
        uscc=str(record["uscc"]),
        name=name,
        short_names=shorts,
        town=record.get("town"),
        commissioner_id=record.get("commissioner_id"),
        full=full,
        initials=initials,
        size_class=record.get("size_class"),
        industry=record.get("industry"),
        key_tech=bool(flags.get("key_tech")),
        major_project=bool(flags.get("major_project")),
        updated_at=record.get("updated_at"),
    )


def complete(rows: Iterable[Row]) -> bool:
    """Whether every row carries the browse fields (a snapshot of the first format does
    not: every enterprise has a size class)."""
    return all(r.size_class is not None for r in rows)


@dataclass(frozen=True)
class Browse:
    """What the register list is narrowed to (each ``None``: any) and its order."""

    size_class: str | None = None
    industry: str | None = None
    town: str | None = None
    commissioner_id: str | None = None
    key_tech: bool | None = None
    major_project: bool | None = None
    #: ``name`` (pinyin), ``recent`` (latest activity first) or ``uscc``
    sort: str = "name"

    def admits(self, row: Row) -> bool:
        return (
            (self.size_class is None or row.size_class == self.size_class)
            and (self.industry is None or row.industry == self.industry)
            and (self.town is None or row.town == self.town)
            and (self.commissioner_id is None or row.commissioner_id == self.commissioner_id)
            and (self.key_tech is None or row.key_tech == self.key_tech)
            and (self.major_project is None or row.major_project == self.major_project)
        )

    def ordered(self, rows: Iterable[Row]) -> list[Row]:
        if self.sort == "recent":
            by_name = sorted(rows, key=lambda r: r.sort_name)
            return sorted(by_name, key=lambda r: r.updated_at or "", reverse=True)
        if self.sort == "uscc":
            return sorted(rows, key=lambda r: r.uscc)
        return sorted(rows, key=lambda r: r.sort_name)


def _alnum(q: str) -> bool:
    return bool(q) and all(c.isascii() and c.isalnum() for c in q)


def tier_of(row: Row, q: str) -> int | None:
    """The tier in which ``row`` matches the normalised query ``q`` (``None``: no match) —
    row by row, for the few writes since the snapshot; :class:`Index` finds the same."""
    texts = row.texts
    code = q.upper()
    if q in texts or code == row.uscc:
        return EXACT
    alnum = _alnum(q)
    if any(t.startswith(q) for t in texts) or (alnum and row.uscc.startswith(code)):
        return START
    if any(q in t for t in texts) or (alnum and len(q) >= USCC_FRAGMENT_MIN and code in row.uscc):
        return PART
    if alnum and any(q in i for i in row.initials):
        return INITIALS
    if alnum and any(q in f for f in row.full):
        return PINYIN
    return None


def _order(row: Row) -> tuple[str, str]:
    return normalize(row.name), row.uscc


class Index:
    """The register in memory, searched in tier order without looking at every row: each
    text kind is one string (a haystack) searched with ``str.find``, and the enterprises
    are in name order, so the first matches found are the first in rank."""

    def __init__(self, rows: Iterable[Row], stamp: str = "") -> None:
        self.stamp = stamp
        ordered = sorted(rows, key=_order)
        #: the rows themselves, in name order (the register list filters them)
        self.rows = ordered
        if any(len(r.uscc) != _USCC_WIDTH - 1 for r in ordered):
            raise ValueError("every credit code has 18 characters")
        self.usccs = [r.uscc for r in ordered]
        #: normalised names, in order (an exact name is a range of them)
        self.names = [normalize(r.name) for r in ordered]
        #: short name → the enterprises that have it
        self.short_names: dict[str, list[int]] = {}
        texts, initials, full = [], [], []
        for i, r in enumerate(ordered):
            row_texts = r.texts
            for t in dict.fromkeys(row_texts[1:]):
                self.short_names.setdefault(t, []).append(i)
            texts.append(_TEXT.join(row_texts))
            initials.append(_TEXT.join(r.initials))
            full.append(_TEXT.join(r.full))
        self.text, self.text_at = _haystack(texts)
        self.initials, self.initials_at = _haystack(initials)
        self.full, self.full_at = _haystack(full)
        self.codes = _SEGMENT + _SEGMENT.join(self.usccs) + _SEGMENT

    def __len__(self) -> int:
        return len(self.usccs)

    def _sources(self, q: str) -> list[list[Iterator[int]]]:
        code = q.upper()
        alnum = _alnum(q)
        named = range(bisect_left(self.names, q), bisect_right(self.names, q))
        tiers: list[list[Iterator[int]]] = [
            [iter(named), iter(self.short_names.get(q, ()))],
            [],
            [],
            [],
            [],
        ]
        if alnum:
            tiers[EXACT].append(_codes_found(self.codes, _SEGMENT + code + _SEGMENT))
        # names are in order: those starting with q are one run of them
        first = bisect_left(self.names, q)
        starting = range(first, bisect_left(self.names, q + "\U0010ffff", lo=first))
        tiers[START] += [iter(starting), _found(self.text, _TEXT + q, self.text_at)]
        tiers[PART].append(_found(self.text, q, self.text_at))
        if alnum:
            tiers[START].append(_codes_found(self.codes, _SEGMENT + code))
            if len(q) >= USCC_FRAGMENT_MIN:
                tiers[PART].append(_codes_found(self.codes, code))
            tiers[INITIALS].append(_found(self.initials, q, self.initials_at))
            tiers[PINYIN].append(_found(self.full, q, self.full_at))
        return tiers

    def search(self, q: str, want: int, skip: frozenset[str] = frozenset()) -> list[Hit]:
        """The first ``want`` matches of the normalised query ``q``, best first, leaving out
        the enterprises in ``skip`` (written since the snapshot: matched apart)."""
        out: list[Hit] = []
        seen: set[int] = set()
        for tier, sources in enumerate(self._sources(q)):
            previous = -1
            for i in heapq.merge(*sources):
                if i == previous:
                    continue
                previous = i
                if i in seen or self.usccs[i] in skip:
                    continue
                seen.add(i)
                out.append(Hit(tier, self.names[i], self.usccs[i]))
                if len(out) >= want:
                    return out
        return out


@dataclass(frozen=True, slots=True, order=True)
class Hit:
    """A match: its tier, then the order within the tier (normalised name, credit code)."""

    tier: int
    name: str
    uscc: str


def _haystack(segments: list[str]) -> tuple[str, array[int]]:
    """One string of every enterprise's segment, each after a separator, and where each
    segment starts (so a position found maps back to its enterprise)."""
    starts = array("q")
    at = 0
    for s in segments:
        starts.append(at)
        at += len(s) + 1
    return _SEGMENT + _SEGMENT.join(segments) + _SEGMENT, starts


def _found(haystack: str, needle: str, starts: array[int]) -> Iterator[int]:
    """The enterprises whose segment holds ``needle``, in order, each once."""
    pos = haystack.find(needle)
    while pos >= 0:
        # a needle that begins with a separator is found at the segment's start
        i = bisect_right(starts, pos) - 1
        yield i
        nxt = starts[i + 1] if i + 1 < len(starts) else len(haystack)
        pos = haystack.find(needle, max(nxt, pos + 1))


def _codes_found(codes: str, needle: str) -> Iterator[int]:
    """The enterprises whose credit code holds ``needle`` (codes are all 18 characters)."""
    at_start = needle.startswith(_SEGMENT)
    pos = codes.find(needle)
    while pos >= 0:
        # code i is at 19 i + 1 … 19 i + 18, after the separator at 19 i
        i = pos // _USCC_WIDTH if at_start else (pos - 1) // _USCC_WIDTH
        yield i
        pos = codes.find(needle, (i + 1) * _USCC_WIDTH)


def search(index: Index, overlay: Iterable[Row], q: str, want: int) -> list[Hit]:
    """The first ``want`` matches of ``q`` in the snapshot ``index`` with ``overlay`` (the
    enterprises written since, each at its latest) in place of their snapshot rows."""
    key = query_key(q)
    if not key:
        return []
    latest = {r.uscc: r for r in overlay}
    hits = index.search(key, want, frozenset(latest))
    for row in latest.values():
        tier = tier_of(row, key)
        if tier is not None:
            hits.append(Hit(tier, *_order(row)))
    return sorted(hits)[:want]


# --- the snapshot file ----------------------------------------------------------------------

SNAPSHOT_FORMAT = 1


def dump_snapshot(rows: Iterable[Row], stamp: str, built_at: str) -> bytes:
    """A register snapshot as stored (gzip'd JSON): its stamp (the writes after it are read
    from the change list) and one row per enterprise, in name order."""
    data = {
        "format": SNAPSHOT_FORMAT,
        "stamp": stamp,
        "built_at": built_at,
        "rows": [r.to_json() for r in sorted(rows, key=_order)],
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=6)


def load_snapshot(blob: bytes) -> tuple[str, list[Row]]:
    """(stamp, rows) of a stored snapshot."""
    data = json.loads(gzip.decompress(blob))
    if data.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"unknown snapshot format {data.get('format')!r}")
    return str(data["stamp"]), [Row.from_json(r) for r in data["rows"]]


def fold(rows: Iterable[Row], changes: Iterable[Row]) -> list[Row]:
    """A snapshot's rows with later writes (oldest first) in place of theirs."""
    by_uscc = {r.uscc: r for r in rows}
    for r in changes:
        by_uscc[r.uscc] = r
    return list(by_uscc.values())
