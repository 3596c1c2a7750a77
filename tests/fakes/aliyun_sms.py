"""A local fake of Alibaba Cloud SMS's HTTP API (``dysmsapi`` 2017-05-25, ``SendSms``), for
the unit, API and end-to-end tests: an HTTP server on 127.0.0.1 that checks each request as
Alibaba documents it — written here from the documentation, not from the code under test:

- ``POST /`` with the parameters in the query string and ``x-acs-action: SendSms``,
  ``x-acs-version: 2017-05-25``;
- the signature V3 (``ACS3-HMAC-SHA256``): the canonical request rebuilt from what arrived
  (method, path, the query re-encoded, the signed headers, the body's SHA-256, which must be
  ``x-acs-content-sha256``), the string to sign, HMAC-SHA256 with the AccessKey's secret;
  a nonce seen before is refused (``SignatureNonceUsed``);
- ``PhoneNumbers``, ``SignName``, ``TemplateCode`` and ``TemplateParam`` (JSON of strings).

It answers ``{"Code": "OK", "BizId", "RequestId"}``, or the next scripted refusal
(``refuse("isv.BUSINESS_LIMIT_CONTROL")``), and keeps every accepted text in ``sent``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

KEY_ID = "LTAI5tFakeKeyForTests"
KEY_SECRET = "fake-secret-for-tests-only"


@dataclass
class Sent:
    phone: str
    sign_name: str
    template_code: str
    params: dict[str, str]
    out_id: str


@dataclass
class FakeAliyunSms:
    """The fake's state: what it accepted, what it refused, what it will refuse next."""

    key_id: str = KEY_ID
    key_secret: str = KEY_SECRET
    sent: list[Sent] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (code, why)
    scripted: list[tuple[int, str, str]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def refuse(self, code: str, message: str = "", status: int = 200) -> None:
        """The next accepted-looking request is answered with this refusal instead."""
        with self.lock:
            self.scripted.append((status, code, message or code))

    def start(self) -> FakeAliyunSms:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, answer = fake.handle("POST", self.path, dict(self.headers), body)
                payload = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- the checks ------------------------------------------------------------------------

    def _refusal(self, status: int, code: str, why: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.refused.append((code, why))
        return status, {"Code": code, "Message": why, "RequestId": str(uuid.uuid4())}

    def handle(
        self, method: str, target: str, raw_headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        headers = {k.lower(): v for k, v in raw_headers.items()}
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if method != "POST" or parts.path != "/":
            return self._refusal(404, "InvalidAction.NotFound", f"{method} {parts.path}")
        if headers.get("x-acs-action") != "SendSms":
            return self._refusal(404, "InvalidAction.NotFound", headers.get("x-acs-action", ""))
        if headers.get("x-acs-version") != "2017-05-25":
            return self._refusal(400, "InvalidVersion", headers.get("x-acs-version", ""))
        problem = self._check_signature(method, parts.path, query, headers, body)
        if problem:
            return self._refusal(400, *problem)
        missing = [
            name
            for name in ("PhoneNumbers", "SignName", "TemplateCode", "TemplateParam")
            if not query.get(name)
        ]
        if missing:
            return self._refusal(400, "MissingParameter", ",".join(missing))
        try:
            params = json.loads(query["TemplateParam"])
        except ValueError:
            return self._refusal(200, "isv.INVALID_JSON_PARAM", query["TemplateParam"])
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            return self._refusal(200, "isv.INVALID_JSON_PARAM", query["TemplateParam"])
        phone = query["PhoneNumbers"]
        if not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
            return self._refusal(200, "isv.MOBILE_NUMBER_ILLEGAL", phone)
        with self.lock:
            if self.scripted:
                status, code, message = self.scripted.pop(0)
                self.refused.append((code, message))
                return status, {"Code": code, "Message": message, "RequestId": "R"}
            self.sent.append(
                Sent(
                    phone, query["SignName"], query["TemplateCode"], params, query.get("OutId", "")
                )
            )
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "BizId": f"{len(self.sent):06d}^0",
            "RequestId": str(uuid.uuid4()),
        }

    def _check_signature(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[str, str] | None:
        auth = headers.get("authorization", "")
        algorithm, _, rest = auth.partition(" ")
        if algorithm != "ACS3-HMAC-SHA256":
            return "IncompleteSignature", f"algorithm {algorithm!r}"
        fields = dict(part.split("=", 1) for part in rest.split(",") if "=" in part)
        if fields.get("Credential") != self.key_id:
            return "InvalidAccessKeyId.NotFound", fields.get("Credential", "")
        signed = fields.get("SignedHeaders", "").split(";")
        must = {"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-content-sha256"}
        if not must <= set(signed) or signed != sorted(signed):
            return "IncompleteSignature", f"signed headers {signed}"
        payload_hash = hashlib.sha256(body).hexdigest()
        if headers.get("x-acs-content-sha256") != payload_hash:
            return "IncompleteSignature", "x-acs-content-sha256 is not the body's"
        encoded = "&".join(
            f"{quote(k, safe='~')}={quote(query[k], safe='~')}" for k in sorted(query)
        )
        canonical = (
            f"{method}\n{path}\n{encoded}\n"
            + "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
            + "\n"
            + ";".join(signed)
            + "\n"
            + payload_hash
        )
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(self.key_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, fields.get("Signature", "")):
            return "SignatureDoesNotMatch", "the signature does not match"
        nonce = headers.get("x-acs-signature-nonce", "")
        with self.lock:
            if not nonce or nonce in self.nonces:
                return "SignatureNonceUsed", nonce
            self.nonces.add(nonce)
        return None
