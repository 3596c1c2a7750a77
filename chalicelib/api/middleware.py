"""HTTP middleware: correlation id, access log, the 1 MiB body limit, and problem+json for
the few errors Chalice produces itself (405, its own 4xx/5xx)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib import i18n
from chalicelib.api.problems import CONTENT_TYPE, problem_response
from chalicelib.errors import AppError, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType
from chalicelib.logs import logger, set_correlation_id

MAX_BODY_BYTES = 1024 * 1024

_CHALICE_ERRORS: dict[int, type[AppError]] = {405: MethodNotAllowed, 415: UnsupportedMediaType}


def _request_id(request: Request) -> str:
    header = request.headers.get("x-request-id", "")
    if header and len(header) <= 100 and header.isprintable():
        return header
    return (request.context or {}).get("requestId") or uuid.uuid4().hex


def _from_chalice(response: Response, lang: str, request_id: str) -> Response:
    """Chalice's own ``{"Code", "Message"}`` errors as problem+json."""
    headers = {k.lower(): str(v) for k, v in (response.headers or {}).items()}
    if response.status_code < 400 or headers.get("content-type", "").startswith(
        ("application/problem+json", "application/json; charset")
    ):
        return response
    body = response.body
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if not isinstance(body, dict) or "Code" not in body:
        return response
    error_cls = _CHALICE_ERRORS.get(response.status_code, AppError)
    out = problem_response(error_cls(), lang, request_id)
    out.status_code = response.status_code
    for name, value in (response.headers or {}).items():
        if name.lower() == "allow":
            out.headers["Allow"] = value
    return out


def http_middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Runs around every API request (registered in ``app.py``)."""
    started = time.perf_counter()
    request_id = _request_id(request)
    set_correlation_id(request_id)
    request.context["correlationId"] = request_id
    lang = i18n.language(request.headers.get("accept-language"))
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        response = problem_response(
            PayloadTooLarge("body_too_large", size=len(raw)), lang, request_id
        )
    else:
        response = _from_chalice(get_response(request), lang, request_id)
    response.headers["X-Request-Id"] = request_id
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    logger.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    set_correlation_id(None)
    return response


def problem_json(data: dict[str, Any]) -> dict[str, Any]:
    """Headers for a problem body built outside Chalice (the local server's own 404/413)."""
    return {"Content-Type": CONTENT_TYPE, **data}
