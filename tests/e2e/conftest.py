"""End-to-end: the local stack started as a process, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """One local stack process on a data folder; can be killed and started again."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        #: settings for this stack's process beyond PORT and DATA_DIR (e.g. a short sweep)
        self.env = dict(env or {})
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.tokens: dict[str, str] = {}

    @property
    def log_path(self) -> Path:
        """Where the stack's output goes (its access log and its own log lines)."""
        return self.data_dir.parent / f"stack-{self.port}.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> float:
        """Start and wait until it answers; returns seconds to the first answered request."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XQT_"))}
        env.update(
            {
                "PORT": str(self.port),
                "DATA_DIR": str(self.data_dir),
                "PYTHONUNBUFFERED": "1",
                # the stack's own sweep hourly, not every 5 minutes: tests that move the clock
                # run it when they mean to (/dev/jobs), so its counts are theirs alone; the
                # scheduler's own test sets a short rate (test_scheduler_flow.py)
                "XQT_SWEEP_MINUTES": "60",
            }
        )
        env.update(self.env)
        log = open(self.log_path, "ab")  # noqa: SIM115
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "infra.local.server"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        while time.perf_counter() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"local stack exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        self.tokens.clear()
                        return time.perf_counter() - began
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise TimeoutError("local stack did not answer")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        as_user: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        if as_user:
            if as_user not in self.tokens:
                _, data = self.call("POST", "/api/v1/dev/token", {"username": as_user})
                self.tokens[as_user] = data["token"]
            hdrs["Authorization"] = f"Bearer {self.tokens[as_user]}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    s = Stack(tmp_path / "data")
    s.data_dir.mkdir()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack started for a module's tests that neither restart it nor depend on what
    the others wrote (a start costs 2 to 4 seconds on two cores)."""
    s = Stack(tmp_path_factory.mktemp("running") / "data")
    s.data_dir.mkdir()
    s.start()
    yield s
    s.stop()
