"""Every Chinese text the server writes outside chalicelib/i18n.py — the financing appeal's
title, the import template's columns and instructions, the report workbook, the outbox's
labels, the OpenAPI summaries, descriptions and examples developers read, and the texts
infra/ deploys — uses full-width ，：；（）？ beside Chinese characters, by the rule
tests/unit/test_i18n_copy.py holds for the message catalogue (issue 19).

Each module's string constants are read with ``ast``: docstrings and other bare string
statements (documentation, not copy) aside, an f-string's parts joined (``{}`` for each
value) so a bracket pair is seen whole. A mark that must stay half-width goes in ALLOWED
with its reason."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.unit.test_i18n_copy import HALF_WIDTH

ROOT = Path(__file__).resolve().parents[2]

#: (module, the text's start) → why its half-width mark stays. A mark beside a Chinese
#: character that is data or syntax (a separator the text names, a regex, a parsing table)
#: belongs here, not converted. None is needed today: the half-width comma the import's
#: instructions name as a separator (「多个以 、 或 , 分隔」) has spaces round it, and the
#: number parser's ``[,，\s]`` has no Chinese character beside its comma.
ALLOWED: dict[tuple[str, str], str] = {}

OPEN_CLOSE = {"(": ")", "（": "）"}


def _joined(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
        else:  # a FormattedValue: its format spec (``{n:,}``) is code, not copy
            parts.append("{}")
    return "".join(parts)


def string_constants(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string constant in ``source`` that is not documentation, with
    f-strings joined."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # docstrings and attribute docstrings
        if isinstance(node, ast.JoinedStr):
            skip.update(id(sub) for sub in ast.walk(node) if sub is not node)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            out.append((node.lineno, _joined(node)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value))
    return out


def mismatched_bracket(text: str) -> str | None:
    """The first bracket pair that mixes widths (「（…)」 or 「(…）」), or None."""
    stack: list[str] = []
    for ch in text:
        if ch in OPEN_CLOSE:
            stack.append(ch)
        elif ch in (")", "）") and stack:
            opened = stack.pop()
            if OPEN_CLOSE[opened] != ch:
                return opened + "…" + ch
    return None


def problems(module: str, source: str) -> list[str]:
    found = []
    for line, text in string_constants(source):
        if any(module == m and text.startswith(start) for m, start in ALLOWED):
            continue
        hit = HALF_WIDTH.search(text)
        if hit:
            found.append(f"{module}:{line}: {hit.group()!r} in {text[:60]!r}")
        pair = mismatched_bracket(text)
        if pair:
            found.append(f"{module}:{line}: {pair!r} in {text[:60]!r}")
    return found


#: chalicelib/, and infra/'s deployment code (an alarm's description, the page API Gateway
#: shows when the site is unavailable); infra/local/ holds demo and seed data, typed as a
#: county's staff would type it, not the platform's copy.
MODULES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [*(ROOT / "chalicelib").rglob("*.py"), *(ROOT / "infra").rglob("*.py")]
    if p.relative_to(ROOT).parts[:2] != ("infra", "local")
)


def test_the_walk_sees_fstrings_whole_and_skips_documentation():
    source = (
        '"""模块说明(文档)"""\n'
        "def f(label):\n"
        '    """函数说明(文档)"""\n'
        '    "属性说明(文档)"\n'
        '    return f"报告（{label})", f"{label:,} 个", "融资需求:300 万元"\n'
    )
    assert problems("m.py", source) == [
        "m.py:5: '（…)' in '报告（{})'",
        "m.py:5: '求:' in '融资需求:300 万元'",
    ]
    assert problems("m.py", 'x = f"报告（{y}）"; z = "多个以 、 或 , 分隔"') == []


@pytest.mark.parametrize("module", MODULES)
def test_chinese_copy_in_the_module_is_full_width(module):
    source = (ROOT / module).read_text("utf-8")
    assert problems(module, source) == []


def test_each_allowed_entry_is_still_there():
    """An allow-list entry whose text is gone (or now full-width) is taken out."""
    for module, start in ALLOWED:
        source = (ROOT / module).read_text("utf-8")
        texts = [t for _, t in string_constants(source) if t.startswith(start)]
        assert any(HALF_WIDTH.search(t) for t in texts), (module, start)
