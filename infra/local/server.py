"""The local stack: the whole platform on one machine, no AWS account (``make run``).

- an in-process moto server holding the tables and buckets of ``infra/resources.yaml``,
  made durable by a journal (``infra/local/durable.py``): every acknowledged write survives a
  restart, ``kill -9`` included;
- the Chalice app served by Chalice's local server, made thread-safe the way
  ``chalice.local.create_local_server`` does it, with ``/api/*`` going to Chalice and
  everything else served from ``frontend/dist`` (``index.html`` for client-side routes);
- the local OpenID issuer's key pair, made at first start in ``DATA_DIR``;
- demo data seeded at first start (people, units, enterprises; with `XQT_DEMO_CONTENT=1`, as
  `make run` sets it, also policies, an open application window, financial products, the
  knowledge base's articles and last month's appeals, handled through the services).

``PORT`` (default 8000) and ``DATA_DIR`` (default ``./data``) choose the port and the folder.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
MAX_BODY_BYTES = 1024 * 1024
RESOURCE_PREFIX = "xqt-local"


_EXTERNAL_ISSUER = ("XQT_AUTH_ISSUER", "XQT_AUTH_AUDIENCE", "XQT_AUTH_JWKS_URL")


def _environment(data_dir: Path, endpoint: str) -> None:
    """Point boto3 and the app at the local stack (before the app is imported). Tokens come
    from the local issuer, or from another OpenID issuer when the environment names one
    (``XQT_AUTH_ISSUER``, ``XQT_AUTH_AUDIENCE``, ``XQT_AUTH_JWKS_URL``; see README.md,
    "Identity"): then the dev token route is off and the SPA signs in there."""
    from chalicelib.auth import local_issuer
    from infra.definitions import Names

    if any(os.environ.get(name) for name in ("XQT_AUTH_ISSUER", "XQT_AUTH_JWKS_URL")):
        missing = [name for name in _EXTERNAL_ISSUER if not os.environ.get(name)]
        if missing:
            raise SystemExit(f"another issuer needs {', '.join(missing)} too")
        auth: dict[str, str] = {}  # the environment's own XQT_AUTH_* settings
    else:
        private, jwks = local_issuer.ensure_keys(data_dir / "issuer")
        auth = {
            "XQT_AUTH_ISSUER": local_issuer.ISSUER,
            "XQT_AUTH_AUDIENCE": local_issuer.AUDIENCE,
            "XQT_AUTH_JWKS_FILE": str(jwks),
            "XQT_LOCAL_ISSUER_KEY_FILE": str(private),
        }
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
            "XQT_STAGE": "local",
            **auth,
            # the sweep's CloudWatch metrics (EMF lines on stdout) mean nothing here
            "POWERTOOLS_METRICS_DISABLED": "true",
            **Names(RESOURCE_PREFIX).environment(),
        }
    )
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    # the address the 受理回执 SMS prints for /track: this server's own
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    if port != "0":
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        os.environ.setdefault("XQT_PUBLIC_URL", f"http://{shown}:{port}")
    # the service centre's mailbox: the logging provider shows what it would be sent
    os.environ.setdefault("XQT_CENTRE_EMAIL", "centre@rudong.example.gov.cn")


def spa_config() -> dict[str, Any] | None:
    """The SPA's ``/config.json`` when the stack trusts another issuer: OpenID Connect there
    (code + PKCE), the client being the audience and the token the API accepts the ID token
    (or, with ``XQT_AUTH_AUDIENCE_CLAIM=client_id``, Cognito's access token). None with the
    local issuer: the build's own file says ``dev``."""
    if not os.environ.get("XQT_AUTH_JWKS_URL"):
        return None
    by_client = os.environ.get("XQT_AUTH_AUDIENCE_CLAIM") == "client_id"
    return {
        "auth": {
            "mode": "oidc",
            "authority": os.environ["XQT_AUTH_ISSUER"],
            "client_id": os.environ["XQT_AUTH_AUDIENCE"],
            "token": "access_token" if by_client else "id_token",
        }
    }


def _site_file(target: Path) -> bytes:
    """A built file's bytes; ``config.json`` is :func:`spa_config` when there is one."""
    config = spa_config() if target == (DIST / "config.json").resolve() else None
    return json.dumps(config).encode() if config else target.read_bytes()


def _create_resources(endpoint: str) -> None:
    import boto3

    from infra.definitions import Names, create_all

    os.environ["AWS_ENDPOINT_URL"] = endpoint
    session = boto3.Session(
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any credentials
        region_name="us-east-1",
    )
    create_all(session, Names(RESOURCE_PREFIX))


def content_security_policy(uploads_origin: str) -> str:
    """The deployed site's policy (``infra/site.yaml``): no inline script anywhere; styles may
    be inline (Element Plus positions popups by style). Here the SPA connects to its own
    origin, to the uploads bucket's, which is the moto server's, and to another issuer's
    when one is set (discovery and the token endpoint; the local issuer is the app itself)."""
    from infra.definitions import content_security_policy as site_policy

    identity = _origin(os.environ["XQT_AUTH_ISSUER"]) if spa_config() else ""
    return site_policy(Uploads=uploads_origin, IdentityOrigins=identity)


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _allow_uploads_from(host: str, port: int) -> None:
    """The attachments bucket's CORS rule of ``infra/site.yaml`` for this site's origins, so
    the browser's presigned POSTs reach the moto server (set at every start: moto's bucket
    settings are not kept across restarts)."""
    import boto3

    from infra.definitions import upload_cors_rules

    hosts = dict.fromkeys([host, "127.0.0.1", "localhost"])
    origins = [f"http://{h}:{port}" for h in hosts if h not in ("0.0.0.0", "::")]  # noqa: S104
    boto3.client("s3", region_name="us-east-1").put_bucket_cors(
        Bucket=os.environ["XQT_ATTACHMENTS_BUCKET"],
        CORSConfiguration={"CORSRules": upload_cors_rules(origins)},
    )


def _handler_class(csp: str) -> type:
    from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalGatewayException

    from chalicelib import i18n
    from chalicelib.api.problems import CONTENT_TYPE, problem_body
    from chalicelib.domain.privacy import mask_phones_in_text
    from chalicelib.errors import HttpRefusal, NotFound, PayloadTooLarge

    class Handler(ChaliceRequestHandler):
        """``/api/*`` to Chalice; the rest from the built SPA, with its index as fallback."""

        # A response goes out in two writes (headers, then body). With Nagle's algorithm on,
        # the body waited for the client's delayed ACK of the headers: 40 ms added to every
        # request on a kept-alive connection (browsers, requests.Session), 4 ms without.
        disable_nagle_algorithm = True

        def _problem(self, exc: Any) -> None:
            headers = getattr(self, "headers", None)  # none yet when the request line failed
            lang = i18n.language(headers.get("accept-language") if headers else None)
            body = problem_body(exc, lang).model_dump(mode="json", exclude_none=True)
            payload = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(exc.status)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if exc.status >= 400 and exc.status != 404:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if getattr(self, "command", "") != "HEAD":
                self.wfile.write(payload)

        def send_error(self, code: int, message: str | None = None, explain: Any = None) -> None:
            """http.server's own refusals (an unknown method, a request line or header
            over its limits, a malformed request) as problem+json, not its HTML page."""
            self.log_error("code %d, message %s", code, message)
            if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
                # a request line too broken to name its version: answer with a status line
                # and headers all the same (HTTP/0.9 would get the bare body)
                self.request_version = "HTTP/1.0"
            self._problem(HttpRefusal(int(code)))

        def log_message(self, format: str, *args: Any) -> None:
            # the access log shows the request line: phone numbers in a query are masked
            line = unquote(format % args)
            sys.stderr.write(
                f"{self.address_string()} - - [{self.log_date_time_string()}] "
                f"{mask_phones_in_text(line)}\n"
            )

        def _content_length(self) -> int | None:
            """The declared body size; ``None`` (answered 400) when it is not a count."""
            declared = self.headers.get_all("content-length") or []
            if not declared:
                return 0
            if len(set(declared)) > 1 or not declared[0].strip().isdigit():
                return None
            return int(declared[0])

        def _generic_handle(self) -> None:
            if not self.path.isascii():  # type: ignore[has-type]
                # http.server reads the request line as latin-1; clients that send raw UTF-8
                # (curl with Chinese in the query) mean UTF-8.
                with contextlib.suppress(UnicodeError):
                    self.path = self.path.encode("latin-1").decode("utf-8")  # type: ignore[has-type]
            path = self.path.split("?", 1)[0]
            length = self._content_length()
            if length is None:
                self._problem(HttpRefusal(400, "content_length_invalid"))
                return
            if not path.startswith("/api/"):
                self._static(path)
                return
            if length > MAX_BODY_BYTES:
                # Refused without parsing. A moderately large body is drained so the client
                # reads the 413 instead of a reset connection; a huge one is not read at all.
                if length <= 16 * MAX_BODY_BYTES:
                    remaining = length
                    while remaining > 0:
                        chunk = self.rfile.read(min(remaining, 65536))
                        if not chunk:
                            break
                        remaining -= len(chunk)
                self.close_connection = True
                self._problem(PayloadTooLarge("body_too_large", size=length))
                return
            # API Gateway's requestContext.identity.sourceIp: the peer's address (Chalice's
            # converter says 127.0.0.1 for everyone; the gateway is this connection's own)
            self.local_gateway.event_converter.LOCAL_SOURCE_IP = self.client_address[0]
            super()._generic_handle()

        def _send_error_response(self, error: LocalGatewayException) -> None:
            if isinstance(error, ForbiddenError):  # Chalice's way of saying "no such route"
                self._problem(NotFound("route_not_found", path=self.path.split("?", 1)[0]))
                return
            super()._send_error_response(error)

        def _static(self, path: str) -> None:
            if self.command not in ("GET", "HEAD"):
                self._problem(NotFound("route_not_found", path=path))
                return
            target = (DIST / path.lstrip("/")).resolve()
            if not target.is_relative_to(DIST.resolve()) or not target.is_file():
                target = DIST / "index.html"
            if not target.is_file():
                self._problem(NotFound("route_not_found", path=path))
                return
            data = _site_file(target)
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self.send_response(200)
            textual = ctype.startswith("text/") or ctype.endswith("javascript")
            self.send_header("Content-Type", ctype + ("; charset=utf-8" if textual else ""))
            self.send_header("Content-Length", str(len(data)))
            hashed = target.parent.name == "assets"  # Vite's content-hashed file names
            cache = "public, max-age=31536000, immutable" if hashed else "no-cache"
            self.send_header("Cache-Control", cache)
            self.send_header("X-Content-Type-Options", "nosniff")
            # the policy the deployed CloudFront response-headers policy sets (issue 8): the
            # browser tests run under it, so an inline script would show up there first
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
            self.send_header("X-Frame-Options", "DENY")
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(data)

        # ChaliceRequestHandler binds its do_* methods to its own _generic_handle when the
        # class is made: without rebinding them here, the override above never runs.
        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    return Handler


def _chalice_server(host: str, port: int, csp: str) -> Any:
    from chalice.config import Config
    from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

    from app import app

    # The same class swap as chalice.local.create_local_server: current_request becomes
    # thread-local, so concurrent requests never read each other's bodies.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    config_file = ROOT / ".chalice" / "config.json"
    config = Config.create(
        chalice_stage="local",
        app_name="xingqitong",
        project_dir=str(ROOT),
        config_from_disk=json.loads(config_file.read_text(encoding="utf-8")),
    )
    return LocalDevServer(
        app, config, host, port, handler_cls=_handler_class(csp), server_cls=_server_class()
    )


def _server_class() -> Any:
    from chalice.local import ThreadedHTTPServer

    class Server(ThreadedHTTPServer):
        # http.server's listen backlog is 5: with 16 clients at once, some connections were
        # reset before they were read. A call centre's burst must queue, not fail.
        request_queue_size = 128

    return Server


def _background_workers(stop: threading.Event) -> list[threading.Thread]:
    """As in AWS: every ``@app.schedule`` function on its rate or cron expression (cron on
    the business clock), every ``@app.on_sqs_message`` handler fed from its queue
    (``infra/local/scheduler.py``)."""
    import app as app_module
    from chalicelib import clock
    from chalicelib.jobs import runner
    from infra.local import scheduler

    override = float(os.environ.get("XQT_LOCAL_RATE_SECONDS") or 0) or None
    return scheduler.start(
        app_module,
        stop,
        clock.now,
        lambda queue, handler: runner.poll_once(queue, handler, wait_seconds=1),
        rate_override=override,
    )


def main() -> int:
    started = time.perf_counter()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    data_dir = Path(os.environ.get("DATA_DIR") or ROOT / "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))

    from infra.local.durable import DurableMotoServer

    moto = DurableMotoServer(data_dir, host="127.0.0.1", port=0, setup=_create_resources)
    moto.start()
    _environment(data_dir, moto.endpoint_url)

    from infra.local.seed import seed_once

    seeded = seed_once(os.environ["XQT_AUTH_ISSUER"])  # the local issuer or the one given
    if os.environ.get("XQT_DEMO_CONTENT") == "1":  # make run; not the tests' stacks
        from infra.local.demo import seed_demo
        from infra.local.demo_appeals import seed_demo_appeals
        from infra.local.demo_knowledge import seed_knowledge_if_empty

        if seeded:
            seed_demo()
            seed_demo_appeals()  # last month's appeals, handled through the services
        else:  # a folder seeded before the knowledge base existed gets its articles once
            seed_knowledge_if_empty()
    server = _chalice_server(host, port, content_security_policy(_origin(moto.endpoint_url)))
    _allow_uploads_from(host, server.server.server_address[1])

    stop = threading.Event()

    def _shutdown(signum: int, frame: Any) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _shutdown)
    signal.signal(signal.SIGINT, _shutdown)
    workers = _background_workers(stop)
    url = f"http://{host}:{server.server.server_address[1]}/"
    print(
        f"兴企通 local stack ready in {time.perf_counter() - started:.2f}s\n"
        f"  open:  {url}\n"
        f"  API:   {url}api/v1/health · {url}api/v1/openapi.json\n"
        f"  data:  {data_dir}{' (demo data seeded)' if seeded else ''}\n"
        f"  jobs:  {', '.join(t.name for t in workers)}",
        flush=True,
    )
    try:
        server.serve_forever()
    finally:
        moto.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
