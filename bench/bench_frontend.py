"""The SPA as an enterprise on a phone meets it: gzip bytes of the JS and CSS its first pages
load, and the time from navigation to the first usable form, in headless Chromium against the
local stack. Prints each figure beside its goal (issue 20: an enterprise's first page, sign-in
then 我的诉求 or the service home, ≤ 100 KB gzip JS + CSS; the filing form ≤ 120 KB; each
ready in under 1 s cold); asserts nothing.

Needs the build (`make frontend`) and Debian's chromium (`make browser`); `make bench` does both.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from figures import figure

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
RUNS = 7
DIST = ROOT / "frontend" / "dist"


def start_stack(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XQT_"))}
    env.update({"PORT": str(port), "DATA_DIR": str(data)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.local.server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(url + "/api/v1/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the local stack did not start")


def token(url: str, username: str) -> str:
    req = urllib.request.Request(
        url + "/api/v1/dev/token",
        data=json.dumps({"username": username}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as r:
        return str(json.loads(r.read())["token"])


def measure(browser: Any, url: str, path: str, bearer: str, ready: str) -> tuple[int, int, float]:
    """(gzip JS bytes, gzip CSS bytes, ms to the ready selector) for a cold visit."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script(f"sessionStorage.setItem('xqt.token', {json.dumps(bearer)})")
    page = context.new_page()
    loaded: dict[str, str] = {}
    page.on(
        "requestfinished",
        lambda req: loaded.setdefault(req.url.split("?")[0], req.resource_type),
    )
    began = time.perf_counter()
    page.goto(url + path)
    page.locator(ready).first.wait_for(state="visible")
    elapsed = (time.perf_counter() - began) * 1000
    page.wait_for_load_state("networkidle")
    context.close()
    # what was loaded, gzipped from the build (as a server or CloudFront would send it)
    sizes = {"script": 0, "stylesheet": 0}
    for address, kind in loaded.items():
        if kind in sizes and "/assets/" in address:
            file = DIST / "assets" / address.rsplit("/", 1)[1]
            sizes[kind] += len(gzip.compress(file.read_bytes(), 6))
    return sizes["script"], sizes["stylesheet"], elapsed


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_stack(Path(tmp) / "data")
        try:
            bearer = token(url, "ent-hengrun")
            # (name, path, bearer, ready selector, goal in KB gzip JS + CSS)
            pages = [
                ("sign-in page", "/login", "", "[data-user]", 100),
                ("enterprise: my appeals", "/my/appeals", bearer, "h1", 100),
                ("enterprise: service home", "/home", bearer, "[data-testid=home-tiles]", 100),
                ("enterprise: filing form", "/my/appeals/new", bearer, "[data-field=title]", 120),
            ]
            rows: list[tuple[str, float, int, float]] = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=ARGS)
                head = ("page (390×844, cold cache)", "JS gzip", "CSS gzip", "JS+CSS", "goal")
                print(
                    f"{head[0]:30} {head[1]:>8} {head[2]:>8} {head[3]:>8} {head[4]:>7}"
                    f" {'ready ms':>9} {'goal':>7}",
                    flush=True,
                )
                for name, path, who, ready, goal in pages:
                    runs = [measure(browser, url, path, who, ready) for _ in range(RUNS)]
                    js, css = runs[0][0], runs[0][1]  # the same files on every visit
                    ms = statistics.median(r[2] for r in runs)
                    total = (js + css) / 1024
                    print(
                        f"{name:30} {js / 1024:7.1f}K {css / 1024:7.1f}K {total:7.1f}K"
                        f" {'≤' + str(goal) + 'K':>7} {ms:9.0f} {'<1000':>7}"
                        f"  {'ok' if total <= goal and ms < 1000 else 'OVER'}",
                        flush=True,
                    )
                    rows.append((name, total, goal, ms))
                browser.close()
            for name, total, goal, ms in rows:
                figure(f"{name}: JS + CSS gzip", f"{total:.1f} KB", f"≤ {goal} KB", total <= goal)
                figure(f"{name}: ready, cold", f"{ms:.0f} ms", "< 1,000 ms", ms < 1000)
            dist = DIST / "assets"
            admin = sum(
                len(gzip.compress(f.read_bytes(), 6))
                for f in dist.glob("*.js")
                if f.name.split("-")[0]
                in ("TriagePage", "EnterprisesPage", "CommissionersPage", "UsersPage")
            )
            print(f"admin pages (split off, not loaded above): {admin / 1024:.1f}K gzip JS")
            print(f"(median of {RUNS} cold visits; time = navigation start → selector visible)")
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
