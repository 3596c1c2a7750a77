"""Application errors, rendered as RFC 9457 problem details by the API layer.

Domain and store code raise these; handlers never build HTTP responses for errors themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, ClassVar


@dataclass
class FieldError:
    """One invalid field: ``field`` is a dotted path (``departments.0``)."""

    field: str
    code: str
    params: dict[str, Any] = dc_field(default_factory=dict)
    message: str | None = None  # pre-rendered (pydantic) message when no i18n entry applies


class AppError(Exception):
    """Base: a problem with an HTTP status and a stable code."""

    status = 500
    code = "internal_error"

    def __init__(self, detail_code: str | None = None, **params: Any) -> None:
        super().__init__(detail_code or self.code)
        self.detail_code = detail_code
        self.params = params


class ValidationFailed(AppError):
    status = 400
    code = "validation_error"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("fields_invalid", count=len(errors))
        self.errors = errors

    @classmethod
    def one(cls, field_path: str, code: str, **params: Any) -> ValidationFailed:
        """A validation error naming a single field."""
        return cls([FieldError(field_path, code, params)])


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class MethodNotAllowed(AppError):
    status = 405
    code = "method_not_allowed"


class VersionConflict(AppError):
    status = 409
    code = "version_conflict"

    @classmethod
    def unless(cls, current: int, given: int) -> None:
        """Raise when the version a client read (``given``) is not the record's ``current``
        one: every versioned write checks this first (and its write's condition again)."""
        if current != given:
            raise cls("stale_version", given=given)


class InvalidTransition(AppError):
    status = 409
    code = "invalid_transition"


class Refused(InvalidTransition):
    """A 409 whose problem code is its own (``already_paused``, ``not_paused``,
    ``pause_limit``): the contract names these apart from ``invalid_transition``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.code = code


class AlreadyExists(AppError):
    status = 409
    code = "already_exists"


class UnitBusy(AppError):
    """A handling unit that still holds open work cannot be deactivated."""

    status = 409
    code = "unit_busy"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


class IdempotencyKeyReused(AppError):
    status = 422
    code = "idempotency_key_reused"


class TooManyRequests(AppError):
    """Too many tries: ``retry_after`` seconds until the next may succeed (``Retry-After``)."""

    status = 429
    code = "too_many_requests"

    def __init__(self, detail_code: str | None = None, *, retry_after: int, **params: Any) -> None:
        super().__init__(detail_code, minutes=max(1, -(-retry_after // 60)), **params)
        self.retry_after = retry_after


class HttpRefusal(AppError):
    """A request the HTTP server itself refuses before any route (the local server's 400,
    414, 431, 501), with the code of its status."""

    CODES: ClassVar[dict[int, str]] = {
        400: "bad_request",
        414: "uri_too_long",
        431: "headers_too_large",
        501: "method_not_implemented",
        505: "http_version_not_supported",
    }

    def __init__(self, status: int, detail_code: str | None = None, **params: Any) -> None:
        super().__init__(detail_code, **params)
        self.status = status
        self.code = self.CODES.get(status, "bad_request" if status < 500 else "internal_error")


class ReferencesInactive(Exception):
    """Commissioners or departments a decision relied on went inactive before it was written
    (the write checks them again). Not an HTTP error: the API names the request's fields."""

    def __init__(self, commissioners: tuple[str, ...], departments: tuple[str, ...]) -> None:
        super().__init__(f"inactive: {commissioners + departments}")
        self.commissioners = commissioners
        self.departments = departments


@dataclass(frozen=True)
class Refusal:
    """Why one item of a list the caller gave cannot be used: its place, a stable code."""

    index: int
    code: str
    params: dict[str, Any] = dc_field(default_factory=dict)


class ItemsRefused(Exception):
    """Items of a list the caller gave (uploads to attach, appeals for an agenda) cannot be
    used. Not an HTTP error: the API names the list's field (``attachments.{i}``)."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(f"refused: {[r.index for r in refusals]}")
        self.refusals = refusals

    def named(self, field: str) -> ValidationFailed:
        """The 400 naming ``{field}.{i}`` for each refused item, in order."""
        ordered = sorted(self.refusals, key=lambda r: r.index)
        return ValidationFailed(
            [FieldError(f"{field}.{r.index}", r.code, r.params) for r in ordered]
        )


class ReferenceMissing(Exception):
    """A record's attribute names a record that does not exist (or no longer does) when the
    write checked it. Not an HTTP error: the API names the request's field."""

    def __init__(
        self, attribute: str, ref: str | None = None, code: str = "reference_not_found"
    ) -> None:
        super().__init__(f"{code}: {attribute}={ref}")
        self.attribute = attribute
        self.ref = ref
        self.code = code  # another for a record in the wrong state (appeal_not_replied)


class ArticlesUnavailable(Exception):
    """Knowledge base articles a request names that do not exist or are not published (a
    hotline call answered on the spot cites only published ones). ``positions`` are their
    indexes in the request's list: the API names ``….articles.{i}``."""

    def __init__(self, positions: tuple[int, ...], ids: tuple[str, ...]) -> None:
        super().__init__(f"articles not published: {ids}")
        self.positions = positions
        self.ids = ids
