"""Alibaba Cloud SMS (阿里云短信服务, ``dysmsapi`` 2017-05-25): ``SendSms`` called over HTTPS
with the standard library, signed with Alibaba Cloud's signature V3 (``ACS3-HMAC-SHA256``).

Why not the official SDK (``alibabacloud-dysmsapi20170525`` 4.6.0): it brings in the Tea
runtime, ``alibabacloud-credentials``, ``aiohttp`` (with ``multidict``, ``yarl``,
``frozenlist``, ``propcache``), ``apscheduler``, ``websocket-client``, ``requests`` and more —
about 9 MB of wheels, several with compiled parts — into a Lambda package whose size a later
issue watches, for one RPC call. The call is small and documented: an RPC-style ``POST /``
whose parameters are the query string, an empty body, and an ``Authorization`` header over a
canonical request (docs/sms.md says how, and the fake in ``tests/unit/test_aliyun_sms.py``
checks it independently; a vector there was computed with the SDK's own signer).

An answer is ``{"Code": "OK", "BizId": …, "RequestId": …}`` when the text was accepted;
anything else raises :class:`SmsRefused` with Alibaba's code, and :data:`UNDELIVERABLE`
says which codes no retry can change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

ACTION = "SendSms"
VERSION = "2017-05-25"
ALGORITHM = "ACS3-HMAC-SHA256"
#: Seconds a call may take before it counts as failed (the outbox tries again next run).
TIMEOUT = 10.0

#: Refusals about the message itself, which a later try cannot change: the number, the
#: parameters or the words. Everything else — flow control (``isv.BUSINESS_LIMIT_CONTROL``:
#: a number's per-minute, hour or day quota), the balance, throttling, Alibaba's own
#: errors, and the configuration (credentials, sign name, template not yet approved), which
#: an operator can put right — is tried again by the outbox, up to its limit.
UNDELIVERABLE = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.MOBILE_COUNT_OVER_LIMIT",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.PARAM_NOT_SUPPORT_URL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.TEMPLATE_PARAMS_ILLEGAL",
        "isv.INVALID_JSON_PARAM",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.DAY_LIMIT_CONTROL",
    }
)


class SmsRefused(Exception):
    """Alibaba did not take the message: its ``Code`` and ``Message`` (and HTTP status)."""

    def __init__(self, code: str, text: str = "", status: int = 200) -> None:
        super().__init__(f"{code}: {text}" if text else code)
        self.code = code
        self.status = status

    @property
    def undeliverable(self) -> bool:
        """True when retrying cannot help (see :data:`UNDELIVERABLE`)."""
        return self.code in UNDELIVERABLE


@dataclass(frozen=True)
class AccessKey:
    """A RAM user's AccessKey, allowed ``dysms:SendSms`` only."""

    id: str
    secret: str


def _encode(value: str) -> str:
    """RFC 3986 percent-encoding, as the signature wants it (space ``%20``, ``~`` kept)."""
    return quote(value, safe="~", encoding="utf-8")


def canonical_query(params: dict[str, str]) -> str:
    """The parameters sorted by name, each ``name=value`` percent-encoded, joined by ``&``."""
    return "&".join(f"{_encode(k)}={_encode(params[k])}" for k in sorted(params))


def sign(
    key: AccessKey,
    *,
    method: str,
    host: str,
    query: dict[str, str],
    body: bytes,
    now: datetime,
    nonce: str,
    action: str = ACTION,
    version: str = VERSION,
) -> dict[str, str]:
    """The headers of a signed request (``Authorization`` included)."""
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    signed = sorted(headers)
    canonical = "\n".join(
        [
            method,
            "/",
            canonical_query(query),
            "".join(f"{name}:{headers[name].strip()}\n" for name in signed),
            ";".join(signed),
            headers["x-acs-content-sha256"],
        ]
    )
    to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(key.secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={key.id},SignedHeaders={';'.join(signed)},Signature={signature}"
    )
    return headers


def send_sms(
    key: AccessKey,
    endpoint: str,
    *,
    phone: str,
    sign_name: str,
    template_code: str,
    params: dict[str, str],
    out_id: str = "",
    now: datetime | None = None,
) -> str:
    """Send one text through ``SendSms``; returns Alibaba's ``BizId`` (raises
    :class:`SmsRefused` when it is not taken, ``OSError`` when it cannot be asked)."""
    parts = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint)
    query = {
        "PhoneNumbers": phone,
        "SignName": sign_name,
        "TemplateCode": template_code,
        "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
    }
    if out_id:
        query["OutId"] = out_id
    body = b""
    headers = sign(
        key,
        method="POST",
        host=parts.netloc,
        query=query,
        body=body,
        now=now or datetime.now(UTC),
        nonce=secrets.token_hex(16),
    )
    url = f"{parts.scheme}://{parts.netloc}/?{canonical_query(query)}"
    request = urllib.request.Request(  # noqa: S310 - the configured https endpoint
        url, data=body, method="POST", headers={**headers, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as refused:  # Alibaba answers its refusals with a body too
        status, raw = refused.code, refused.read()
    answer = _answer(raw)
    code = str(answer.get("Code") or f"HTTP{status}")
    if status == 200 and code == "OK":
        return str(answer.get("BizId") or answer.get("RequestId") or "")
    raise SmsRefused(code, str(answer.get("Message") or ""), status)


def _answer(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
