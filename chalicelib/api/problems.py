"""RFC 9457 problem details: the one shape of every error the API returns."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib import i18n
from chalicelib.errors import AppError, FieldError, ValidationFailed

PROBLEM_TYPE_BASE = "https://xingqitong.example.gov.cn/problems/"
CONTENT_TYPE = "application/problem+json; charset=utf-8"


class ProblemFieldError(BaseModel):
    field: str = Field(
        description="dotted path of the field, e.g. departments.0", examples=["uscc"]
    )
    code: str = Field(examples=["uscc_invalid"])
    message: str = Field(examples=["统一社会信用代码无效：校验码不符"])


#: Members a problem carries only when they have a value (it is dumped without its nulls):
#: ``errors`` on a validation error, ``request_id`` when the request had one.
OMITTED_WHEN_NONE = ("errors", "request_id")


def _omitted_when_none(schema: dict[str, Any]) -> None:
    """The document says what the body holds: these members are optional and never null."""
    for name in OMITTED_WHEN_NONE:
        prop = schema["properties"][name]
        kept = [v for v in prop.pop("anyOf", []) if v.get("type") != "null"]
        prop.pop("default", None)
        if kept:
            prop.update(kept[0])
    schema["required"] = [r for r in schema.get("required", []) if r not in OMITTED_WHEN_NONE]


class Problem(BaseModel):
    """An error (RFC 9457). ``code`` is stable; messages follow ``Accept-Language``."""

    model_config = ConfigDict(json_schema_extra=_omitted_when_none)

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemFieldError] | None = Field(
        None, description="each invalid field (validation errors only)"
    )
    request_id: str | None = Field(None, description="the request's correlation id")


def _params(params: dict[str, Any], lang: str) -> dict[str, Any]:
    out = {}
    for key, value in params.items():
        if key == "reason" and isinstance(value, str) and value in i18n.MESSAGES:
            value = i18n.message(value, lang)
        elif isinstance(value, list | tuple):
            value = "、".join(str(v) for v in value)
        out[key] = value
    return out


def field_errors_from_pydantic(
    exc: ValidationError, prefix: tuple[str, ...] = ()
) -> list[FieldError]:
    """pydantic's errors as contract field errors (dotted path, stable code)."""
    out = []
    for err in exc.errors(include_url=False):
        ctx = dict(err.get("ctx") or {})
        loc = tuple(str(p) for p in err["loc"])
        if not loc and "field" in ctx:  # model-level rules that name their field
            loc = (str(ctx["field"]),)
        path = ".".join(prefix + loc) or "body"
        out.append(FieldError(path, err["type"], ctx, err["msg"]))
    return out


def render_field_error(err: FieldError, lang: str) -> ProblemFieldError:
    if err.code in i18n.MESSAGES:
        text = i18n.message(err.code, lang, **_params(err.params, lang))
    elif lang == "en" and err.message:  # pydantic's own words, for a code we do not word
        text = err.message
    else:  # never English inside a Chinese answer
        text = i18n.message("invalid", lang)
    return ProblemFieldError(field=err.field, code=err.code, message=text)


def problem_body(exc: AppError, lang: str, request_id: str | None = None) -> Problem:
    """The problem document for an application error."""
    title = i18n.message(exc.code, lang)
    detail = (
        i18n.message(exc.detail_code, lang, **_params(exc.params, lang))
        if exc.detail_code
        else title
    )
    errors = None
    if isinstance(exc, ValidationFailed):
        errors = [render_field_error(e, lang) for e in exc.errors]
        if len(errors) == 1:
            detail = f"{errors[0].field}: {errors[0].message}"
    return Problem(
        type=PROBLEM_TYPE_BASE + exc.code,
        title=title,
        status=exc.status,
        detail=detail,
        code=exc.code,
        errors=errors,
        request_id=request_id,
    )


def problem_response(exc: AppError, lang: str, request_id: str | None = None) -> Response:
    body = problem_body(exc, lang, request_id).model_dump(mode="json", exclude_none=True)
    headers: dict[str, str | list[str]] = {"Content-Type": CONTENT_TYPE}
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):  # 429 (and 503) tell when to try again, in seconds
        headers["Retry-After"] = str(retry_after)
    return Response(
        body=json.dumps(body, ensure_ascii=False), status_code=exc.status, headers=headers
    )
