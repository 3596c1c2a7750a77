"""A moto server whose DynamoDB and S3 state survives restarts, ``kill -9`` included.

The local stack keeps its tables and buckets in an in-process moto server. moto holds them in
memory only, so this module adds durability at the server's WSGI layer:

* **Journal.** Every DynamoDB or S3 request runs under one lock. A write that moto answered
  with 2xx is appended to ``journal.log`` and fsynced *before the lock is released and the
  response is sent*, so an acknowledged write is on disk and the journal order is the order
  in which moto evaluated the writes' conditions. The lock also makes moto's conditional
  writes and transactions atomic, which moto alone is not under concurrent requests.
* **Start.** ``setup`` creates tables and buckets; then, holding the lock (other clients
  wait), the snapshot is restored, journal records newer than it are replayed in-process,
  and everything is compacted into a new snapshot (written atomically) with an empty
  journal. A clean stop does nothing special: starting after ``kill -9`` and after
  ``stop()`` is the same code path.

The service of a request is decided exactly as moto routes it (the SigV4 credential scope;
unsigned requests such as presigned URLs and browser form uploads fall to moto's default,
S3). SQS is neither journaled nor locked: a long poll would hold everyone up, and what a
queue held is derived again from stored state when the stack starts.

Not kept across a compaction: tables and buckets themselves (``setup`` recreates them from the
template), table and bucket settings made at run time, S3 object versions other than the
current one, and multipart uploads still in progress. If any stored write fails to load,
the files it came from are copied to ``moto/unrestored-<time>/`` before compaction.

Data directory layout: ``<data_dir>/moto/snapshot.json``, ``<data_dir>/moto/journal.log``
and ``<data_dir>/moto/lock`` (an exclusive ``flock`` so two servers never share a journal).
"""

from __future__ import annotations

import base64
import fcntl
import io
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

__all__ = [
    "DurableMotoServer",
    "JournalCorruptError",
    "StartReport",
    "put_directly",
    "read_journal",
]

log = logging.getLogger(__name__)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

SNAPSHOT_FORMAT = "durable-moto/1"
DYNAMODB_PREFIX = "DynamoDB_20120810."
#: DynamoDB operations that never change state. Everything else is journaled, so an operation
#: this list does not know (PartiQL ``ExecuteStatement``, ``TagResource``...) errs on the safe
#: side: journaling a read costs a line, missing a write loses data.
DYNAMODB_READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
DYNAMODB_READ_PREFIXES = ("Describe", "List", "Get")
S3_WRITE_METHODS = frozenset({"PUT", "POST", "DELETE"})
#: Headers not worth keeping in a record: transport framing (the body is stored de-chunked and
#: its length is recomputed) and SDK bookkeeping moto never reads.
DROPPED_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "expect",
        "accept-encoding",
        "transfer-encoding",
        "content-length",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
    }
)
#: Object headers (besides Content-Type and x-amz-meta-*) a snapshot keeps.
S3_KEPT_HEADERS = (
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Cache-Control",
    "Expires",
)
S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
BATCH_SIZE = 25
#: moto's BatchWriteItem message for an empty key (moto.dynamodb.responses).
EMPTY_KEY_MESSAGE = (
    "One or more parameter values are not valid. The AttributeValue for a key attribute "
    "cannot contain an empty string value. Key: {}"
)
EXPORT_PAGE = 1000
UPLOAD_ID_PARAM = re.compile(r"(?<=[?&]uploadId=)([^&#]*)")

_fsync: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)


class _ExportError(ValueError):
    """moto held an attribute value of a shape ``_wire`` does not know."""


class JournalCorruptError(RuntimeError):
    """A journal or snapshot line other than a torn last line could not be read."""


@dataclass
class StartReport:
    """What the last ``start()`` did, for logs and benchmarks."""

    restored_items: int = 0
    restored_objects: int = 0
    restore_failures: int = 0
    replayed: int = 0
    skipped: int = 0
    replay_failures: int = 0
    torn_bytes: int = 0
    snapshot_items: int = 0
    snapshot_objects: int = 0
    last_seq: int = 0
    #: Where the previous snapshot and journal were copied when something failed to load.
    kept: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _Response:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def code(self) -> int:
        return int(self.status.split(None, 1)[0])

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 300


class _QuietRequestHandler(MotoRequestHandler):
    """moto's handler without werkzeug's per-request access log line (10k writes = 10k lines)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the access log; errors still go through ``log_error``."""


# --------------------------------------------------------------------------- WSGI plumbing


def _wsgi_str(text: str) -> str:
    """PEP 3333 'bytes as latin-1' form of a str, as werkzeug's server puts in the environ."""
    return text.encode("utf-8").decode("latin-1")


def _read_body(environ: Environ) -> bytes:
    """Read the whole request body (werkzeug has already de-chunked a chunked one)."""
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read())
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return bytes(stream.read(length)) if length > 0 else b""


def _rewind_body(environ: Environ, body: bytes) -> None:
    """Put a buffered body back as a plain, fixed-length one."""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    # The body is no longer chunked; left in place, werkzeug would ignore CONTENT_LENGTH
    # and read nothing.
    environ.pop("wsgi.input_terminated", None)
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def _call_buffered(app: WsgiApp, environ: Environ) -> _Response:
    """Run a WSGI app to completion and keep its whole response."""
    captured: dict[str, Any] = {}
    chunks: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        captured["status"] = status
        captured["headers"] = list(headers)
        return chunks.append

    result = app(environ, start_response)
    try:
        for chunk in result:
            chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return _Response(
        captured.get("status", "500 INTERNAL SERVER ERROR"),
        captured.get("headers", []),
        b"".join(chunks),
    )


def _record_headers(environ: Environ) -> dict[str, str]:
    """The request's headers, with their original names where moto preserved them."""
    preserved: dict[str, str] = environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY) or {}
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = preserved.get(key) or key[5:].replace("_", "-").title()
        elif key == "CONTENT_TYPE":
            name = "Content-Type"
        else:
            continue
        if name.lower() not in DROPPED_HEADERS:
            headers[name] = value
    return headers


def _raw_target(environ: Environ) -> str:
    """Path and query exactly as the client sent them (moto matches S3 keys on the raw path)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    target = quote(_wsgi_bytes(environ.get("PATH_INFO", "/")))
    query = environ.get("QUERY_STRING")
    return f"{target}?{query}" if query else target


def _wsgi_bytes(text: str) -> bytes:
    return text.encode("latin-1")


def _build_environ(
    method: str, target: str, headers: dict[str, str], body: bytes, server: tuple[str, int]
) -> Environ:
    """An environ like the one werkzeug's dev server + ``MotoRequestHandler`` would build."""
    split = urlsplit(target)
    path = split.path
    if not split.scheme and split.netloc:
        # werkzeug's quirk for paths starting with '//': the first segment parsed as a netloc.
        path = f"/{split.netloc}{split.path}"
    environ: Environ = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "SERVER_SOFTWARE": "durable-moto-replay",
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": _wsgi_str(unquote(_wsgi_bytes(path).decode("utf-8", "replace"))),
        "QUERY_STRING": split.query,
        "REQUEST_URI": target,
        "RAW_URI": target,
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 0,
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
    }
    preserved: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in DROPPED_HEADERS:
            continue
        key = environ_key_for_header(name)
        if "_" in name:
            # Same rule as MotoRequestHandler.make_environ: only x-amz-meta-* keeps underscores.
            if not should_preserve_original_header_name(name):
                continue
            preserved[key] = name
        environ[key] = value
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = preserved
    return environ


def _auth(region: str, service: str) -> str:
    """A SigV4-shaped Authorization header: moto routes on its scope and never checks it."""
    return (
        f"AWS4-HMAC-SHA256 Credential=testing/20000101/{region}/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


# --------------------------------------------------------------------------- files


def _fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` via temp file + fsync + rename + directory fsync: old or new, never half."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def read_journal(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Records of a journal, in order, and the byte count of a torn last line (ignored).

    A crash can leave the last append half-written; it was never acknowledged, so it is
    dropped. Any other unreadable line means the file is damaged: ``JournalCorruptError``.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    lines = data.split(b"\n")
    # Every append ends with '\n', so whatever follows the last one is a torn write.
    tail = lines.pop()
    records: list[dict[str, Any]] = []
    previous = -1
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
            seq = int(record["seq"])
        except (ValueError, KeyError, TypeError) as exc:
            raise JournalCorruptError(f"{path}: line {number} is unreadable") from exc
        if seq <= previous:
            raise JournalCorruptError(f"{path}: line {number}: seq {seq} after {previous}")
        previous = seq
        records.append(record)
    return records, len(tail)


class _Journal:
    """Append-only, fsynced JSON-lines journal. Callers hold the server lock."""

    def __init__(self, path: Path, next_seq: int) -> None:
        self.path = path
        self.next_seq = next_seq
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def append(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        extra: dict[str, str] | None = None,
    ) -> int:
        """Write one record and force it to disk; returns its seq."""
        seq = self.next_seq
        record: dict[str, Any] = {
            "seq": seq,
            "method": method,
            "path": target,
            "headers": headers,
            "body": base64.b64encode(body).decode("ascii"),
        }
        if extra:
            record.update(extra)
        line = json.dumps(
            record,
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        view = memoryview(line + b"\n")
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        # fdatasync is enough: it also flushes the file size an append changes.
        _fsync(self._fd)
        self.next_seq = seq + 1
        return seq

    def close(self) -> None:
        """Close the file (every record is already synced)."""
        os.close(self._fd)


# --------------------------------------------------------------------------- the server


class DurableMotoServer:
    """An in-process, threaded moto server whose DynamoDB and S3 writes survive restarts.

    One per process: moto keeps its state in process-global backends, which ``start()``
    resets before restoring from ``data_dir``.
    """

    def __init__(
        self,
        data_dir: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        setup: Callable[[str], None] | None = None,
        checkpoint_every: int = 2000,
    ) -> None:
        """Prepare a server; nothing listens until ``start()``.

        ``setup(endpoint_url)`` creates tables and buckets (idempotently) on every start,
        after the server listens and before restore; its writes are not journaled.
        ``checkpoint_every``: after this many journal records the server compacts while
        running, so a start never replays more than that many (0: only at start).
        """
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port
        self.checkpoint_every = checkpoint_every
        self._journal_base = 0  # seq of the last record folded into the snapshot
        self.checkpoints = 0
        self.setup = setup
        self.report = StartReport()
        self._dir = self.data_dir / "moto"
        self._snapshot_path = self._dir / "snapshot.json"
        self._journal_path = self._dir / "journal.log"
        # One lock serialises every DynamoDB/S3 request with journal appends. Re-entrant only
        # so that start() can hold it across restore, replay and compaction, whose in-process
        # calls take it again.
        self._lock = threading.RLock()
        self._dispatcher: DomainDispatcherApplication | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._journal: _Journal | None = None
        self._lock_fd: int | None = None
        self._stopped = False
        self._failed: BaseException | None = None
        self._backend_by_host: dict[str, str] = {}

    # ------------------------------------------------------------------ lifecycle

    @property
    def endpoint_url(self) -> str:
        """``http://host:port`` of the running server."""
        host, port = self._address()
        if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a wildcard bind is reached via loopback
            host = "127.0.0.1"
        return f"http://{host}:{port}"

    @property
    def journal_path(self) -> Path:
        """The journal file (for benchmarks and tests)."""
        return self._journal_path

    @property
    def snapshot_path(self) -> Path:
        """The snapshot file (for benchmarks and tests)."""
        return self._snapshot_path

    def start(self) -> None:
        """Listen, run ``setup``, restore snapshot + journal, compact, then journal writes."""
        if self._server is not None:
            raise RuntimeError("already started")
        from infra.local import moto_patches

        moto_patches.apply()  # O(items touched) transactions instead of O(table size)
        self._dir.mkdir(parents=True, exist_ok=True)
        self._take_dir_lock()
        report = self.report = StartReport()
        clock = time.perf_counter()
        try:
            self._stopped = False
            self._failed = None
            self._dispatcher = DomainDispatcherApplication(create_backend_app)
            # A second server in this process must not inherit the first one's tables.
            self._reset_moto()
            self._server = make_server(
                self.host,
                self.port,
                self._wsgi,
                threaded=True,
                request_handler=_QuietRequestHandler,
            )
            self._thread = threading.Thread(
                # A short poll interval keeps stop() quick (the default 0.5 s is per stop).
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="durable-moto",
                daemon=True,
            )
            self._thread.start()
            if self.setup is not None:
                # Over HTTP, so not under the lock; its writes are not journaled (they are
                # redone at every start, and compaction keeps whatever they leave).
                self.setup(self.endpoint_url)
            report.seconds["setup"] = time.perf_counter() - clock

            # Any other client that connects now waits at the lock until the state is whole
            # and its write will be journaled; nothing can interleave with the replay.
            with self._lock:
                t = time.perf_counter()
                last_seq = self._restore_snapshot(report)
                report.seconds["restore"] = time.perf_counter() - t

                t = time.perf_counter()
                last_seq = self._replay_journal(last_seq, report)
                report.seconds["replay"] = time.perf_counter() - t

                if report.restore_failures or report.replay_failures:
                    # Compaction would make the loss final: keep the files it replaces.
                    report.kept = str(self._keep_for_recovery())
                t = time.perf_counter()
                self._compact(last_seq, report)
                report.seconds["compact"] = time.perf_counter() - t
                report.last_seq = last_seq
                self._journal_base = last_seq
                self._journal = _Journal(self._journal_path, last_seq + 1)
        except BaseException:
            self._shutdown()
            raise
        report.seconds["total"] = time.perf_counter() - clock
        log.info(
            "durable moto at %s: %d items + %d objects restored, "
            "%d records replayed (%d failed), %.2fs",
            self.endpoint_url,
            report.restored_items,
            report.restored_objects,
            report.replayed,
            report.replay_failures,
            report.seconds["total"],
        )

    def _maybe_checkpoint(self, journal: _Journal) -> None:
        """Fold the journal into a new snapshot once it is ``checkpoint_every`` long.

        Called under the lock right after an append, so the snapshot holds exactly the
        records up to ``journal.next_seq - 1``. This keeps the start after a crash as short
        as after a clean stop: neither ever replays more than ``checkpoint_every`` records.
        A failed checkpoint leaves the journal as it was (the snapshot is replaced
        atomically first), so it only costs a longer replay.
        """
        last_seq = journal.next_seq - 1
        if not self.checkpoint_every or last_seq - self._journal_base < self.checkpoint_every:
            return
        journal.close()
        try:
            self._compact(last_seq, StartReport())
            self._journal_base = last_seq
            self.checkpoints += 1
        except Exception:
            log.exception("checkpoint failed; the journal keeps growing until the next one")
        self._journal = _Journal(self._journal_path, last_seq + 1)

    def stop(self) -> None:
        """Stop serving. No compaction: the next start recovers exactly as after a crash."""
        self._shutdown()

    def __enter__(self) -> DurableMotoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _shutdown(self) -> None:
        with self._lock:
            # Requests still in flight after this are refused: once the journal is closed a
            # write could no longer be made durable, so it must not be acknowledged.
            self._stopped = True
            if self._journal is not None:
                self._journal.close()
                self._journal = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def _take_dir_lock(self) -> None:
        fd = os.open(self._dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RuntimeError(f"another durable moto server is using {self._dir}") from None
        self._lock_fd = fd

    def _address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("the server is not running; call start() first")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def _reset_moto(self) -> None:
        response = self._call(
            "POST", "/moto-api/reset", {"Host": "localhost"}, b"", ("localhost", 0)
        )
        if not response.ok:
            raise RuntimeError(f"moto reset failed: {response.status}")

    # ------------------------------------------------------------------ middleware

    def _wsgi(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """The journaling middleware in front of moto's dispatcher."""
        dispatcher = self._dispatcher
        assert dispatcher is not None
        # Read the body before taking the lock, so a slow upload holds nobody up.
        body = _read_body(environ)
        _rewind_body(environ, body)
        backend = self._backend_of(environ)
        app = self._app_for(backend)
        if backend == "sqs":
            # Not journaled (queues are rebuilt from stored state) and not locked: a 20 s
            # ReceiveMessage long poll under the lock would stall every table read.
            return app(environ, start_response)

        is_write = _is_write(backend, environ)
        if is_write:
            # Captured before moto sees the environ: its request setup rewrites HTTP_HOST.
            method, target, headers = (
                environ["REQUEST_METHOD"],
                _raw_target(environ),
                _record_headers(environ),
            )
        with self._lock:
            if self._stopped or self._failed is not None:
                response = _Response(
                    "503 SERVICE UNAVAILABLE",
                    [("Content-Type", "text/plain")],
                    b"durable moto server is not accepting requests\n",
                )
            else:
                response = _call_buffered(app, environ)
                journal = self._journal
                if is_write and response.ok and journal is not None:
                    try:
                        journal.append(
                            method,
                            target,
                            headers,
                            body,
                            _response_facts(backend, environ, response),
                        )
                    except OSError as exc:
                        # moto has applied a write the disk does not have: memory and journal
                        # now disagree, so refuse everything until a restart reloads the disk.
                        self._failed = exc
                        log.critical(
                            "journal append failed; refusing requests until restart", exc_info=True
                        )
                        response = _Response(
                            "500 INTERNAL SERVER ERROR",
                            [("Content-Type", "text/plain")],
                            b"journal write failed\n",
                        )
                    else:
                        self._maybe_checkpoint(journal)
        answer_headers = list(response.headers)
        if backend == "s3" and environ["REQUEST_METHOD"] in ("GET", "HEAD"):
            # what the deployed downloads carry (docs/attachments.md): the browser takes the
            # checked type as given and never sniffs a file into something it runs
            answer_headers.append(("X-Content-Type-Options", "nosniff"))
        start_response(response.status, answer_headers)
        return [response.body]

    def _backend_of(self, environ: Environ) -> str:
        """The moto backend that will serve this request, inferred exactly as moto does.

        Mirrors ``DomainDispatcherApplication.get_application``: the SigV4 credential scope in
        ``Authorization`` names the service (``dynamodb``, ``s3``, ``sqs``); unsigned requests
        (presigned URLs, browser form uploads) fall through moto's other guesses to its
        default, S3.
        """
        dispatcher = self._dispatcher
        assert dispatcher is not None
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return "moto_api"
        if path.startswith(("/latest/meta-data/", "/latest/api/")):
            return "instance_metadata"
        try:
            host = dispatcher.infer_service_region_host(environ, path)
        except Exception:
            return ""
        if host is None:
            host = "s3.us-east-1.amazonaws.com"  # moto's DEFAULT_SERVICE_REGION
        backend = self._backend_by_host.get(host)
        if backend is None:
            backend = str(dispatcher.get_backend_for_host(host) or "")
            self._backend_by_host[host] = backend
        return backend

    def _app_for(self, backend: str) -> WsgiApp:
        """The moto Flask app of a backend, made once, as ``get_application`` does.

        Dispatching on the backend ``_backend_of`` already chose, rather than letting the
        dispatcher infer it again, means the request is journaled by the same decision that
        routes it, and skips moto's per-request ``os.listdir`` of its package (about a third
        of a replayed write's cost).
        """
        dispatcher = self._dispatcher
        assert dispatcher is not None
        if not backend:
            return dispatcher  # unroutable: let moto produce its own error
        app = dispatcher.app_instances.get(backend)
        if app is None:
            with dispatcher.lock:
                app = dispatcher.app_instances.get(backend)
                if app is None:
                    app = dispatcher.create_app(backend)  # type: ignore[arg-type]
                    dispatcher.app_instances[backend] = app
        return app

    def _call(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        server: tuple[str, int] | None = None,
    ) -> _Response:
        """One in-process request to moto, serialised with live traffic, never journaled."""
        dispatcher = self._dispatcher
        assert dispatcher is not None
        environ = _build_environ(method, target, headers, body, server or self._address())
        app = self._app_for(self._backend_of(environ))
        with self._lock:
            return _call_buffered(app, environ)

    # ------------------------------------------------------------------ replay

    def _replay_journal(self, last_seq: int, report: StartReport) -> int:
        records, report.torn_bytes = read_journal(self._journal_path)
        if report.torn_bytes:
            log.warning(
                "ignoring a torn last journal line (%d bytes, never acknowledged)",
                report.torn_bytes,
            )
        upload_ids: dict[str, str] = {}
        for record in records:
            seq = int(record["seq"])
            if seq <= last_seq:
                # Already in the snapshot: a crash hit between snapshot and journal reset.
                report.skipped += 1
                continue
            target = record["path"]
            if upload_ids and "uploadId=" in target:
                target = UPLOAD_ID_PARAM.sub(lambda m: upload_ids.get(m[1], m[1]), target)
            response = self._call(
                record["method"], target, record["headers"], base64.b64decode(record["body"])
            )
            report.replayed += 1
            if response.ok and record.get("upload_id"):
                # moto draws a new random UploadId on replay; later parts and the completion
                # were journaled with the old one.
                upload_ids[record["upload_id"]] = _upload_id(response.body) or record["upload_id"]
            if not response.ok:
                # It succeeded when journaled, so this means the state before it differs
                # (e.g. its table left the template). Keep going: refusing to start helps no one.
                report.replay_failures += 1
                log.warning(
                    "journal seq %d %s %s replayed as %s: %s",
                    seq,
                    record["method"],
                    record["path"],
                    response.status,
                    response.body[:300],
                )
            last_seq = seq
        return last_seq

    # ------------------------------------------------------------------ DynamoDB / S3 calls

    def _dynamodb(self, op: str, payload: dict[str, Any], account: str, region: str) -> _Response:
        return self._call(
            "POST",
            "/",
            {
                "Host": f"dynamodb.{region}.amazonaws.com",
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": DYNAMODB_PREFIX + op,
                "Authorization": _auth(region, "dynamodb"),
                "X-Moto-Account-Id": account,
            },
            json.dumps(payload).encode("utf-8"),
        )

    def _s3(
        self,
        method: str,
        target: str,
        account: str,
        region: str,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> _Response:
        host, port = self._address()
        return self._call(
            method,
            target,
            {
                # The server's own address keeps moto on path-style bucket addressing.
                "Host": f"{host}:{port}",
                "Authorization": _auth(region, "s3"),
                "X-Moto-Account-Id": account,
                **(headers or {}),
            },
            body,
        )

    def _tables(self) -> list[tuple[str, str, str]]:
        """(account, region, table) of every table in moto, in every account and region.

        Read from moto's backends so an app configured for another region (cn-north-1, say)
        is never silently left out of the snapshot.
        """
        from moto.dynamodb.models import dynamodb_backends

        found: list[tuple[str, str, str]] = []
        with self._lock:
            for account, regions in list(dict.items(dynamodb_backends)):
                for region, backend in list(dict.items(regions)):
                    found.extend((account, region, name) for name in list(backend.tables))
        return sorted(found)

    def _buckets(self) -> list[tuple[str, str, str]]:
        """(account, region, bucket) of every bucket in moto."""
        from moto.s3.models import s3_backends

        found: list[tuple[str, str, str]] = []
        with self._lock:
            for account, partitions in list(dict.items(s3_backends)):
                for backend in list(dict.values(partitions)):
                    found.extend(
                        (account, bucket.region_name, name)
                        for name, bucket in list(backend.buckets.items())
                    )
        return sorted(found)

    def _items(self, account: str, region: str, table: str) -> Iterator[list[dict[str, Any]]]:
        """Pages of a table's items in DynamoDB JSON: read from moto's table, else by Scan.

        A Scan answer goes through moto's generic response serializer, about 0.5 ms per
        item of six attributes: 5 s of every start for 10,000 items, and compaction runs at
        every start. Reading the items moto holds and writing their DynamoDB JSON ourselves
        takes a few microseconds each; ``test_durable`` checks it against Scan for every
        attribute type. Anything unexpected in moto's objects falls back to Scan.
        """
        try:
            pages = self._export(account, region, table)
        except (_ExportError, AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning("reading %s from moto failed (%r); falling back to Scan", table, exc)
            pages = list(self._scan(account, region, table))
        yield from pages

    def _export(self, account: str, region: str, table: str) -> list[list[dict[str, Any]]]:
        """A table's items straight from moto's backend, in pages of ``EXPORT_PAGE``."""
        from moto.dynamodb.models import dynamodb_backends

        with self._lock:
            source = dynamodb_backends[account][region]
            items = [
                {name: _wire(value) for name, value in item.attrs.items()}
                for item in source.tables[table].all_items()
            ]
        return [items[i : i + EXPORT_PAGE] for i in range(0, len(items), EXPORT_PAGE)]

    def _scan(self, account: str, region: str, table: str) -> Iterator[list[dict[str, Any]]]:
        """Pages of a table's items, in DynamoDB JSON, through the Scan API."""
        payload: dict[str, Any] = {"TableName": table}
        while True:
            response = self._dynamodb("Scan", payload, account, region)
            if not response.ok:
                raise RuntimeError(
                    f"Scan {table} failed: {response.status} {response.body[:300]!r}"
                )
            page = json.loads(response.body)
            if page.get("Items"):
                yield page["Items"]
            if not page.get("LastEvaluatedKey"):
                return
            payload["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _objects(self, account: str, region: str, bucket: str) -> Iterator[dict[str, Any]]:
        """Every object of a bucket as a snapshot entry (current versions only)."""
        token: str | None = None
        while True:
            query = "list-type=2&encoding-type=url"
            if token:
                query += "&continuation-token=" + quote(token, safe="")
            listing = self._s3("GET", f"/{bucket}?{query}", account, region)
            if not listing.ok:
                raise RuntimeError(f"ListObjectsV2 {bucket} failed: {listing.status}")
            root = ET.fromstring(listing.body)  # noqa: S314 - moto's own response
            for contents in root.iter(f"{S3_NS}Contents"):
                key = unquote(contents.findtext(f"{S3_NS}Key") or "")
                got = self._s3("GET", f"/{bucket}/{quote(key, safe='/~')}", account, region)
                if not got.ok:
                    raise RuntimeError(f"GetObject {bucket}/{key} failed: {got.status}")
                headers = {name.lower(): value for name, value in got.headers}
                yield {
                    "kind": "object",
                    "account": account,
                    "region": region,
                    "bucket": bucket,
                    "key": key,
                    "content_type": headers.get("content-type"),
                    "metadata": {
                        name[len("x-amz-meta-") :]: value
                        for name, value in got.headers
                        if name.lower().startswith("x-amz-meta-")
                    },
                    "headers": {
                        name: headers[name.lower()]
                        for name in S3_KEPT_HEADERS
                        if name.lower() in headers
                    },
                    "body": base64.b64encode(got.body).decode("ascii"),
                }
            if (root.findtext(f"{S3_NS}IsTruncated") or "").lower() != "true":
                return
            token = root.findtext(f"{S3_NS}NextContinuationToken")

    # ------------------------------------------------------------------ snapshot

    def _restore_snapshot(self, report: StartReport) -> int:
        """Load the snapshot into moto; returns its ``last_seq`` (0 if there is none)."""
        try:
            fh = self._snapshot_path.open("rb")
        except FileNotFoundError:
            return 0
        with fh:
            header = json.loads(fh.readline())
            if header.get("format") != SNAPSHOT_FORMAT:
                raise JournalCorruptError(
                    f"{self._snapshot_path}: unknown format {header.get('format')!r}"
                )
            ended = False
            for number, line in enumerate(fh, 2):
                try:
                    entry = json.loads(line)
                except ValueError as exc:
                    raise JournalCorruptError(
                        f"{self._snapshot_path}: line {number} is unreadable"
                    ) from exc
                kind = entry.get("kind")
                if kind == "items":
                    self._restore_items(entry, report)
                elif kind == "object":
                    self._restore_object(entry, report)
                elif kind == "end":
                    ended = True
                else:
                    raise JournalCorruptError(
                        f"{self._snapshot_path}: line {number}: kind {kind!r}"
                    )
            if not ended:
                # Snapshots are renamed into place complete, so this is damage, not a crash.
                raise JournalCorruptError(f"{self._snapshot_path}: no end marker")
        return int(header["last_seq"])

    def _restore_items(self, entry: dict[str, Any], report: StartReport) -> None:
        """Put a page of snapshot items into moto: each straight into its backend as moto's
        BatchWriteItem would put it (``_put_directly``), or, where that path does not take
        it, through BatchWriteItem itself (``_restore_batches``), which judges and logs it.
        Items keep their order either way.

        Through the API, moto's request parser and JSON cost more than the puts themselves:
        a restart at 200,000 appeal-sized items took many minutes that way."""
        account, region, table, items = (
            entry["account"],
            entry["region"],
            entry["table"],
            entry["items"],
        )
        put = self._direct_put(account, region, table)
        if put is None:  # an unknown table: the API says so, item by item
            self._restore_batches(account, region, table, items, report)
            return
        for item in items:
            if put(item):
                report.restored_items += 1
            else:
                self._restore_batches(account, region, table, [item], report)

    def _direct_put(
        self, account: str, region: str, table: str
    ) -> Callable[[dict[str, Any]], bool] | None:
        """A put of one item into moto's backend as moto's BatchWriteItem does it (its key
        check, then the backend's ``put_item``), True when done; False leaves the item to
        the API: any whose shape ``_from_wire`` does not take as is (binary values, which
        moto's request parser decodes, and anything malformed) or that the put refused.
        None when moto has no such table."""
        from moto.dynamodb.models import dynamodb_backends

        try:
            target = dynamodb_backends[account][region].get_table(table)
        except Exception:
            return None
        return lambda item: put_directly(target, item)

    def _restore_batches(
        self,
        account: str,
        region: str,
        table: str,
        items: list[dict[str, Any]],
        report: StartReport,
    ) -> None:
        for start in range(0, len(items), BATCH_SIZE):
            batch = items[start : start + BATCH_SIZE]
            requests: dict[str, Any] = {table: [{"PutRequest": {"Item": item}} for item in batch]}
            for _attempt in range(10):
                response = self._dynamodb(
                    "BatchWriteItem", {"RequestItems": requests}, account, region
                )
                if not response.ok:
                    break
                requests = json.loads(response.body).get("UnprocessedItems") or {}
                if not requests:
                    report.restored_items += len(batch)
                    break
            else:
                response = _Response("500 UNPROCESSED", [], b"unprocessed items left after retries")
            if response.ok and not requests:
                continue
            # One bad item (its table left the template, a new index key has the wrong type)
            # fails the whole batch: put the items one by one so only that one is lost.
            for item in batch:
                single = self._dynamodb(
                    "PutItem", {"TableName": table, "Item": item}, account, region
                )
                if single.ok:
                    report.restored_items += 1
                else:
                    report.restore_failures += 1
                    log.error(
                        "snapshot item of %s not restored: %s %s",
                        table,
                        single.status,
                        single.body[:300],
                    )

    def _restore_object(self, entry: dict[str, Any], report: StartReport) -> None:
        headers = dict(entry.get("headers") or {})
        if entry.get("content_type"):
            headers["Content-Type"] = entry["content_type"]
        for name, value in (entry.get("metadata") or {}).items():
            headers[f"x-amz-meta-{name}"] = value
        response = self._s3(
            "PUT",
            f"/{entry['bucket']}/{quote(entry['key'], safe='/~')}",
            entry["account"],
            entry["region"],
            headers,
            base64.b64decode(entry["body"]),
        )
        if response.ok:
            report.restored_objects += 1
        else:
            report.restore_failures += 1
            log.error(
                "snapshot object %s/%s not restored: %s",
                entry["bucket"],
                entry["key"],
                response.status,
            )

    def _keep_for_recovery(self) -> Path:
        """Copy the current snapshot and journal aside (fsynced) before compaction."""
        target = self._dir / time.strftime("unrestored-%Y%m%dT%H%M%S")
        target.mkdir(exist_ok=True)
        for path in (self._snapshot_path, self._journal_path):
            if path.exists():
                copy = Path(shutil.copy2(path, target / path.name))
                with copy.open("rb") as fh:
                    os.fsync(fh.fileno())
        _fsync_dir(target)
        _fsync_dir(self._dir)
        log.error("some stored writes did not load; the files they came from are in %s", target)
        return target

    def _compact(self, last_seq: int, report: StartReport) -> None:
        """Write everything to a new snapshot, then start an empty journal.

        Order matters: if a crash falls between the two steps, the old journal is still
        there but every record in it has ``seq <= last_seq`` and is skipped next time.
        """

        def write(fh: IO[bytes]) -> None:
            def line(obj: dict[str, Any]) -> None:
                fh.write(
                    json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                    + b"\n"
                )

            line({"format": SNAPSHOT_FORMAT, "last_seq": last_seq, "written_at": time.time()})
            for account, region, table in self._tables():
                for page in self._items(account, region, table):
                    line(
                        {
                            "kind": "items",
                            "account": account,
                            "region": region,
                            "table": table,
                            "items": page,
                        }
                    )
                    report.snapshot_items += len(page)
            for account, region, bucket in self._buckets():
                for obj in self._objects(account, region, bucket):
                    line(obj)
                    report.snapshot_objects += 1
            line(
                {"kind": "end", "items": report.snapshot_items, "objects": report.snapshot_objects}
            )

        _replace_atomically(self._snapshot_path, write)
        _replace_atomically(self._journal_path, lambda fh: None)


def _binary(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, str):  # moto keeps some binaries still base64-encoded
        return value
    raise _ExportError(f"binary value of type {type(value).__name__}")


def _wire(value: Any) -> dict[str, Any]:
    """DynamoDB JSON of an attribute value as moto holds it (a DynamoType or a plain dict)."""
    if isinstance(value, dict):
        if len(value) != 1:
            raise _ExportError(f"attribute value with {len(value)} keys")
        ((kind, inner),) = value.items()
    else:
        kind, inner = value.type, value.value
    if kind == "M":
        return {"M": {name: _wire(member) for name, member in inner.items()}}
    if kind == "L":
        return {"L": [_wire(member) for member in inner]}
    if kind == "B":
        return {"B": _binary(inner)}
    if kind == "BS":
        return {"BS": [_binary(member) for member in inner]}
    if (kind in ("S", "N") and isinstance(inner, str)) or (
        kind in ("BOOL", "NULL") and isinstance(inner, bool)
    ):
        return {kind: inner}
    if kind in ("SS", "NS") and all(isinstance(member, str) for member in inner):
        return {kind: list(inner)}
    raise _ExportError(f"{kind} value of type {type(inner).__name__}")


def put_directly(table: Any, item: dict[str, Any]) -> bool:
    """Put one item (DynamoDB JSON) into a moto table in this process as moto's
    BatchWriteItem puts it: its empty-key check, then the table's ``put_item``. False, and
    nothing written, when the item is of a shape ``_from_wire`` does not take as is (binary
    values, which moto's request parser decodes, at some depths only; anything malformed)
    or the put refused it: the caller sends it through the API instead. moto keeps the
    item's string-set lists as they are: they must not change afterwards."""
    from moto.dynamodb.responses import validate_put_has_empty_keys

    try:
        attrs = _from_wire(item)
        validate_put_has_empty_keys(attrs, table, custom_error_msg=EMPTY_KEY_MESSAGE)
        table.put_item(attrs)
    except Exception:
        return False
    return True


def _from_wire(item: dict[str, Any]) -> dict[str, Any]:
    """An item's DynamoDB JSON as moto's request parser hands it to BatchWriteItem, for
    the shapes where that is the JSON itself: every value one of S, N, BOOL, NULL, SS, NS,
    M, L with a value of the right type. Binary values (which the parser decodes, at some
    depths only) and anything else raise ``_ExportError``: the item goes through the API."""
    for value in item.values():
        _check_plain(value)
    return item


def _check_plain(value: Any) -> None:
    if not isinstance(value, dict) or len(value) != 1:
        raise _ExportError("not an attribute value")
    ((kind, inner),) = value.items()
    if kind == "M" and isinstance(inner, dict):
        for member in inner.values():
            _check_plain(member)
    elif kind == "L" and isinstance(inner, list):
        for member in inner:
            _check_plain(member)
    elif (kind in ("S", "N") and isinstance(inner, str)) or (
        kind in ("BOOL", "NULL") and isinstance(inner, bool)
    ):
        return
    elif kind in ("SS", "NS") and isinstance(inner, list):
        if not all(isinstance(member, str) for member in inner):
            raise _ExportError(f"{kind} with a member that is not a string")
    else:
        raise _ExportError(f"{kind} value of type {type(inner).__name__}")


def _response_facts(backend: str, environ: Environ, response: _Response) -> dict[str, str] | None:
    """What replay must learn from the original response: a multipart upload's UploadId."""
    if (
        backend == "s3"
        and environ.get("REQUEST_METHOD") == "POST"
        and "uploads" in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    ):
        upload_id = _upload_id(response.body)
        if upload_id:
            return {"upload_id": upload_id}
    return None


def _upload_id(body: bytes) -> str | None:
    """The UploadId of a CreateMultipartUpload response."""
    try:
        root = ET.fromstring(body)  # noqa: S314 - moto's own response
    except ET.ParseError:
        return None
    return root.findtext(f"{S3_NS}UploadId") or root.findtext("UploadId")


def _is_write(backend: str, environ: Environ) -> bool:
    """Whether a DynamoDB or S3 request may change state, i.e. must be journaled."""
    if backend == "dynamodb":
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        op = target.partition(".")[2]
        return not (op in DYNAMODB_READS or op.startswith(DYNAMODB_READ_PREFIXES))
    if backend == "s3":
        return environ.get("REQUEST_METHOD") in S3_WRITE_METHODS
    return False
