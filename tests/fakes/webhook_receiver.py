"""A 12345 platform's receiving end of the hand-back (回传), on 127.0.0.1: it checks each
request's ``X-Signature`` with the shared secret, keeps every request it got (duplicates
too) and writes a log line per request. ``answer`` decides the status of each request (by
default 200), so a test can make it fail, or hang while the sender is killed."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalicelib.domain import webhooks


@dataclass
class Received:
    body: dict[str, Any]
    raw: bytes
    signature: str
    valid: bool
    status: int


@dataclass
class Receiver:
    secret: str
    log_path: Path | None = None
    #: the status to answer a request with (given the body); may block to hang the sender
    answer: Callable[[dict[str, Any]], int] = lambda body: 200
    got: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                signature = self.headers.get("X-Signature", "")
                valid = webhooks.verify(receiver.secret, raw, signature)
                body = json.loads(raw)
                with receiver.lock:
                    seen = any(r.body["event_id"] == body["event_id"] for r in receiver.got)
                    receiver.note(
                        f"{time.strftime('%H:%M:%S')} {body['event_id']:<22} {body['type']:<9} "
                        f"status={body['status']:<10} closed_as={body.get('closed_as')} "
                        f"signature={'valid' if valid else 'INVALID'}"
                        f"{' DUPLICATE' if seen else ''}"
                    )
                began = time.monotonic()
                status = receiver.answer(body) if valid else 401
                took = time.monotonic() - began
                if status != 200 or took > 0.5:
                    receiver.note(f"{time.strftime('%H:%M:%S')}   ↳ {body['event_id']} answered "
                                  f"{status} after {took:.1f} s")  # fmt: skip
                with receiver.lock:
                    receiver.got.append(Received(body, raw, signature, valid, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/handback"

    def note(self, line: str) -> None:
        if self.log_path:
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
