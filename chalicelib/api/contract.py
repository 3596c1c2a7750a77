"""The contract machinery: every route is declared once with its models, and that one
declaration parses and validates the request, checks the caller, renders the response and
describes the route in the OpenAPI document.

A handler receives a :class:`Ctx` and validated models and returns a model (or a
:class:`Created`/``Accepted`` wrapper); it never touches the raw request or builds errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib import i18n
from chalicelib.api.problems import field_errors_from_pydantic, problem_response
from chalicelib.auth import tokens
from chalicelib.domain.codes import Role
from chalicelib.domain.models import User
from chalicelib.domain.rules import Rules
from chalicelib.errors import (
    AppError,
    FieldError,
    Forbidden,
    ItemsRefused,
    ReferenceMissing,
    ValidationFailed,
)
from chalicelib.logs import logger

API_PREFIX = "/api/v1"
JSON = "application/json; charset=utf-8"

T = TypeVar("T")


@dataclass
class Ctx:
    """What a handler knows about its request."""

    lang: str
    principal: User | None
    headers: dict[str, str]
    request_id: str | None = None
    #: the request body as parsed JSON, before validation (hotline idempotency compares it)
    body_json: Any = None
    #: the client's address: API Gateway's ``requestContext.identity.sourceIp`` (the local
    #: server puts the peer's address there)
    client_address: str = ""
    _rules: Rules | None = None

    @property
    def rules(self) -> Rules:
        """The calendar and service levels in force, read once for this request (and at
        most once per cache period in a warm Lambda): every deadline the request counts
        uses this one value."""
        if self._rules is None:
            from chalicelib.store import settings as settings_store

            self._rules = settings_store.rules()
        return self._rules

    @property
    def user(self) -> User:
        """The signed-in user (routes that are not public always have one)."""
        assert self.principal is not None
        return self.principal


class Page(BaseModel, Generic[T]):
    """Every list: ``{items, next_cursor}``; ``next_cursor`` is null on the last page."""

    items: list[T]
    next_cursor: str | None = None


class PageQuery(BaseModel):
    """``limit`` (1–100, default 20) and ``cursor`` of every list."""

    model_config = ConfigDict(extra="ignore")

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2000)


@dataclass
class Created:
    """A 201 response with its body (and optionally a Location)."""

    body: BaseModel
    location: str | None = None
    status: int = 201


@dataclass(frozen=True)
class Header:
    """A request header a route reads, as the OpenAPI document describes it."""

    name: str
    required: bool
    description: str
    #: the value's pattern where the route checks one (a mismatch is a 400 naming the header)
    pattern: str | None = None


@dataclass
class Operation:
    """One route as the OpenAPI document describes it."""

    method: str
    path: str
    summary: str
    tag: str
    handler: str
    request: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    roles: frozenset[Role] | None
    public: bool
    #: a public route that also reads a token when one is sent (a bad one is 401)
    optional_auth: bool = False
    description: str = ""
    errors: tuple[int, ...] = ()
    headers: tuple[Header, ...] = ()
    local_only: bool = False
    #: other success statuses answered with the same body, each with what it means
    #: (a hotline call's replay is 200 where the first call is 201)
    also: tuple[tuple[int, str], ...] = ()
    #: the module that declares it (``chalicelib.api.appeals``): what ``routes.py`` loads
    module: str = ""


REGISTRY: list[Operation] = []
#: Each route's handler by method and full path, given the request: what the app's routes
#: (``chalicelib/api/routes.py``) call once the route's module is loaded.
HANDLERS: dict[tuple[str, str], Callable[..., Response]] = {}

_PATH_PARAM = re.compile(r"\{(\w+)\}")


def _json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": JSON, **(headers or {})},
    )


def _raw(body: str | bytes | None) -> bytes | None:
    return body.encode() if isinstance(body, str) else body


#: Deepest nesting a body may have: the deepest model (a policy's conditions) needs 5.
MAX_JSON_DEPTH = 32
#: DynamoDB's numbers: 38 significant digits, magnitudes from 1E-130 to below 1E+126.
_DYNAMO_MIN, _DYNAMO_MAX = 1e-130, 1e126


#: Characters no one types and that change what text shows or does: C0/C1 controls (tab and
#: line breaks aside) and the bidirectional overrides and isolates that make a title read
#: backwards (``U+202E``), in any string of any body.
_HIDDEN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json_body(raw: bytes | None) -> Any:
    """The request's JSON (an empty body is an empty object). Bad JSON — including
    ``NaN``/``Infinity``, nesting deeper than :data:`MAX_JSON_DEPTH` (the parser's own
    recursion limit is a ``RecursionError``) and numbers DynamoDB cannot store, such as
    ``1e-300`` — is a 400 naming ``body`` or the number's field, before anything runs."""
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise ValidationFailed(
            [FieldError("body", "json_too_deep", {"max_depth": MAX_JSON_DEPTH})]
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            [FieldError("body", "invalid_json", {"error": str(exc)[:120]})]
        ) from None
    errors = _unstorable(data)
    if errors:
        raise ValidationFailed(errors)
    return data


def _out_of_range(value: Any) -> bool:
    if isinstance(value, float):
        return value != 0 and not _DYNAMO_MIN <= abs(value) < _DYNAMO_MAX
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**38


def _unstorable(data: Any) -> list[FieldError]:
    """Nesting too deep, numbers outside DynamoDB's range, or strings with hidden control
    characters (walked without recursion)."""
    errors: list[FieldError] = []
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack and len(errors) < 10:
        value, path = stack.pop()
        if isinstance(value, dict | list):
            if len(path) >= MAX_JSON_DEPTH:
                return [FieldError("body", "json_too_deep", {"max_depth": MAX_JSON_DEPTH})]
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((v, (*path, str(k))) for k, v in items)
        elif _out_of_range(value):
            errors.append(FieldError(".".join(path) or "body", "number_out_of_range"))
        elif isinstance(value, str) and _HIDDEN_CONTROL.search(value):
            errors.append(FieldError(".".join(path) or "body", "text_control_character"))
    return errors


def unknown_parameters(model: type[BaseModel] | None, params: dict[str, str]) -> None:
    """A query parameter the route does not declare is a 400 naming it, never ignored
    (a misspelt filter would otherwise return the unfiltered list as if it applied)."""
    known = set()
    for name, field in (model.model_fields if model is not None else {}).items():
        known.add(name)
        if field.alias:
            known.add(field.alias)
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValidationFailed([FieldError(name, "unknown_parameter") for name in unknown])


def validate(model: type[BaseModel], data: Any, prefix: tuple[str, ...] = ()) -> Any:
    """``model`` from data, or a 400 naming each invalid field. A model with a
    ``parse_request`` class method (a union chosen by a tag) parses the data itself."""
    custom = getattr(model, "parse_request", None)
    if custom is not None:
        return custom(data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(field_errors_from_pydantic(exc, prefix)) from None


class Api:
    """A Chalice blueprint whose routes are declared with their contract."""

    def __init__(self, import_name: str, tag: str, *, local_only: bool = False) -> None:
        self.blueprint = Blueprint(import_name)
        self.module = import_name
        self.tag = tag
        self.local_only = local_only

    def route(
        self,
        path: str,
        method: str = "GET",
        *,
        summary: str,
        request: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        roles: Iterable[Role] | None = None,
        public: bool = False,
        optional_auth: bool = False,
        description: str = "",
        errors: tuple[int, ...] = (),
        headers: tuple[Header, ...] = (),
        also: tuple[tuple[int, str], ...] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a route; ``path`` is relative to ``/api/v1``."""
        allowed = frozenset(roles) if roles is not None else None

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            REGISTRY.append(
                Operation(
                    method=method,
                    path=API_PREFIX + path,
                    summary=summary,
                    tag=self.tag,
                    handler=fn.__name__,
                    request=request,
                    query=query,
                    response=response,
                    status=status,
                    roles=allowed,
                    public=public,
                    optional_auth=optional_auth,
                    description=description or (fn.__doc__ or "").strip(),
                    errors=errors,
                    headers=headers,
                    local_only=self.local_only,
                    also=also,
                    module=self.module,
                )
            )
            blueprint = self.blueprint

            def handle(req: Request, **path_params: str) -> Response:
                hdrs = {k.lower(): v for k, v in req.headers.items()}
                identity = (req.context or {}).get("identity") or {}
                ctx = Ctx(
                    lang=i18n.language(hdrs.get("accept-language")),
                    principal=None,
                    headers=hdrs,
                    request_id=(req.context or {}).get("correlationId"),
                    client_address=str(identity.get("sourceIp") or ""),
                )
                try:
                    if not public or (optional_auth and hdrs.get("authorization")):
                        ctx.principal = tokens.authenticate(hdrs.get("authorization"))
                        if allowed is not None and ctx.principal.role not in allowed:
                            raise Forbidden("role_required", roles=sorted(r.value for r in allowed))
                    kwargs: dict[str, Any] = {}
                    params = dict(req.query_params or {})
                    unknown_parameters(query, params)
                    if query is not None:
                        kwargs["query"] = validate(query, params)
                    if request is not None:
                        ctx.body_json = parse_json_body(_raw(req.raw_body))
                        kwargs["body"] = validate(request, ctx.body_json)
                    result = fn(ctx, **path_params, **kwargs)
                except AppError as exc:
                    return problem_response(exc, ctx.lang, ctx.request_id)
                except ReferenceMissing as gone:  # the request's field of the same name
                    named = ValidationFailed.one(
                        gone.attribute,
                        gone.code,
                        **({"id": gone.ref} if gone.ref else {}),
                    )
                    return problem_response(named, ctx.lang, ctx.request_id)
                except Exception:  # a bug: logged with its trace, answered as a 500 problem
                    logger.exception("unhandled error", extra={"route": method + " " + path})
                    return problem_response(AppError(), ctx.lang, ctx.request_id)
                if isinstance(result, Response):
                    return result
                if isinstance(result, Created):
                    extra = {"Location": result.location} if result.location else None
                    return _json_response(result.body, result.status, extra)
                return _json_response(result, status)

            def view(**path_params: str) -> Response:
                return handle(blueprint.current_request, **path_params)

            HANDLERS[(method, API_PREFIX + path)] = handle
            view.__name__ = fn.__name__
            view.__doc__ = fn.__doc__
            # Any body is read as JSON: a form-encoded or text body then fails as bad JSON
            # with a 400 naming ``body`` rather than Chalice's bare 415.
            blueprint.route(path, methods=[method], content_types=["*/*"])(view)
            return fn

        return decorate


def request_examples(model: type[BaseModel]) -> list[Any]:
    """The examples a request model documents (``json_schema_extra["examples"]``)."""
    extra = model.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    return list(examples) if isinstance(examples, list) else []


def path_params(path: str) -> list[str]:
    return _PATH_PARAM.findall(path)


@contextmanager
def naming(field: str) -> Iterator[None]:
    """Within it, items the store or domain refused (``ItemsRefused``) become a 400 naming
    ``{field}.{i}``: the request's field names belong to the API alone."""
    try:
        yield
    except ItemsRefused as refused:
        raise refused.named(field) from None
