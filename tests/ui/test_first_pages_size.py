"""The enterprise's first pages stay small (issue 20): read from the build (frontend/dist), no
browser. Each page's files are those the browser fetches for it: index.html's entry, its
modulepreloads and stylesheets, and the files the router preloads with the page (Vite's
`__vite__mapDeps([…])` beside the page's `import()`). `bench/bench_frontend.py` measures the
same in Chromium, with the time to ready.

Three holds: each page's JS + CSS gzip within its goal (sign-in, 我的诉求 and the service home
100 KB, the filing form 120 KB); none of them loads Element Plus's component scripts (the
pages use its stylesheets with their own markup, docs/ui.md): an `<el-button>` or `<el-input>`
brought back into a first page (with @ctrl/tinycolor, the icon set, Element Plus's English
locale, async-validator behind it) fails here with the file that brought it; and the core
texts are there in Chinese only (English is loaded when chosen: src/i18n/english.ts).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

DIST = ROOT / "frontend" / "dist"
# page → (the router's chunk name, the goal in KB gzip JS + CSS)
PAGES = {
    "/login": ("LoginPage", 100),
    "/my/appeals": ("MyAppeals", 100),
    "/home": ("HomePage", 100),
    "/my/appeals/new": ("FileAppeal", 120),
}
# an Element Plus component's script keeps its name as a string (`name:"ElButton"`)
EP_COMPONENT = re.compile(r"""name:["'`](El[A-Z][A-Za-z]+)["'`]""")
# an English core text (common.app.skip), in the English chunk only
ENGLISH = "Skip to content"


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def entry_files() -> list[str]:
    html = (DIST / "index.html").read_text()
    return re.findall(r"""(?:src|href)="/(assets/[^"]+\.(?:js|css))\"""", html)


def page_files(chunk: str) -> list[str]:
    entry = next(f for f in entry_files() if f.endswith(".js") and "/index-" in f)
    code = (DIST / entry).read_text()
    deps = re.search(r"m\.f=\[([^\]]*)\]", code)
    assert deps, "the entry's __vite__mapDeps list"
    names = re.findall(r"""["'`]([^"'`]+)["'`]""", deps.group(1))
    found = re.search(rf"import\(`\./({chunk}-[\w-]+\.js)`\),__vite__mapDeps\(\[([\d,]*)\]\)", code)
    assert found, f"the router's import of {chunk}"
    return [f"assets/{found.group(1)}", *(names[int(i)] for i in found.group(2).split(",") if i)]


@pytest.mark.parametrize("path", list(PAGES))
def test_first_page_within_its_goal_and_without_element_plus_scripts(path: str) -> None:
    assert (DIST / "index.html").is_file(), "build the SPA: make frontend"
    chunk, goal = PAGES[path]
    files = sorted(set(entry_files()) | set(page_files(chunk)))
    total = sum(gz(DIST / f) for f in files) / 1024
    assert total <= goal, f"{path}: {total:.1f} KB gzip JS + CSS > {goal} KB ({files})"
    scripts = {
        f: sorted(set(EP_COMPONENT.findall((DIST / f).read_text())))
        for f in files
        if f.endswith(".js")
    }
    assert {f: names for f, names in scripts.items() if names} == {}
    english = [f for f in files if f.endswith(".js") and ENGLISH in (DIST / f).read_text()]
    assert english == []


def test_the_checks_see_what_they_look_for() -> None:
    """A page that does load Element Plus's scripts (the case view) is seen by the same check,
    and the English texts are in the chunk the language switch loads."""
    files = page_files("AppealPage")
    scripts = [(DIST / f).read_text() for f in files if f.endswith(".js")]
    found = {name for code in scripts for name in EP_COMPONENT.findall(code)}
    assert "ElButton" in found
    english = [f.name for f in (DIST / "assets").glob("english-*.js")]
    assert len(english) == 1 and ENGLISH in (DIST / "assets" / english[0]).read_text()
