"""Bearer token verification (PyJWT) and the signed-in principal.

Every check a resource server owes: signature against the issuer's keys, the one pinned
algorithm (``none`` and HS256-with-the-public-key tricks are refused by construction), ``exp``
and ``nbf`` with 30 s leeway, ``iss``, and ``aud`` (or Cognito access tokens' ``client_id``).
Roles are not read from the token: they come from the users table, keyed by issuer and
subject, so an administrator's change of role needs no new token.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING, Any

from chalicelib.config import settings
from chalicelib.domain.models import User
from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.store import users as user_store

if TYPE_CHECKING:  # PyJWT (with cryptography, ~40 ms) is loaded where a token is verified
    import jwt

_LEEWAY_SECONDS = 30

_keys_lock = threading.Lock()
_file_keys: tuple[float, jwt.PyJWKSet] | None = None
_jwks_client: jwt.PyJWKClient | None = None

_cache_lock = threading.Lock()
_user_cache: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}


def _signing_key(token: str, kid: str | None) -> Any:
    """The issuer's public key for this token's ``kid``."""
    global _file_keys, _jwks_client
    import jwt

    cfg = settings()
    if cfg.auth_jwks_file:
        mtime = os.stat(cfg.auth_jwks_file).st_mtime
        with _keys_lock:
            if _file_keys is None or _file_keys[0] != mtime:
                with open(cfg.auth_jwks_file, encoding="utf-8") as fh:
                    _file_keys = (mtime, jwt.PyJWKSet.from_json(fh.read()))
            keyset = _file_keys[1]
        for jwk in keyset.keys:
            if kid is None or jwk.key_id == kid:
                return jwk.key
        raise Unauthorized("token_invalid", reason="unknown kid")
    with _keys_lock:
        if _jwks_client is None:
            _jwks_client = jwt.PyJWKClient(cfg.auth_jwks_url, cache_keys=True, lifespan=3600)
        client = _jwks_client
    try:
        return client.get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientError as exc:
        raise Unauthorized("token_invalid", reason="unknown kid") from exc


def verify(token: str) -> dict[str, Any]:
    """The token's claims if it is valid for this app; else :class:`Unauthorized`."""
    import jwt

    cfg = settings()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise Unauthorized("token_invalid", reason="malformed") from None
    if header.get("alg") != cfg.auth_algorithm:
        raise Unauthorized("token_invalid", reason=f"algorithm {header.get('alg')!r} not accepted")
    key = _signing_key(token, header.get("kid"))
    by_aud = cfg.auth_audience_claim == "aud"
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[cfg.auth_algorithm],
            issuer=cfg.auth_issuer,
            audience=cfg.auth_audience if by_aud else None,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "sub"], "verify_aud": by_aud},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("token_invalid", reason="expired") from None
    except jwt.InvalidIssuerError:
        raise Unauthorized("token_invalid", reason="wrong issuer") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized("token_invalid", reason="wrong audience") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("token_invalid", reason=type(exc).__name__) from None
    if not by_aud and (
        claims.get("client_id") != cfg.auth_audience or claims.get("token_use") != "access"
    ):
        raise Unauthorized("token_invalid", reason="wrong client")
    return claims


def _user_record(issuer: str, subject: str) -> dict[str, Any] | None:
    """The users-table record, cached briefly in a warm process (one read per request
    saved; a role change applies within ``user_cache_seconds``)."""
    ttl = settings().user_cache_seconds
    now = time.monotonic()
    with _cache_lock:
        hit = _user_cache.get((issuer, subject))
        if hit and now - hit[0] < ttl:
            return hit[1]
    record = user_store.by_identity(issuer, subject)
    with _cache_lock:
        _user_cache[(issuer, subject)] = (now, record)
    return record


def forget_user(issuer: str, subject: str) -> None:
    """Drop a cached user after a change made in this process."""
    with _cache_lock:
        _user_cache.pop((issuer, subject), None)


def clear_cache() -> None:
    with _cache_lock:
        _user_cache.clear()


def authenticate(authorization: str | None) -> User:
    """The signed-in user from an ``Authorization: Bearer`` header value."""
    if not authorization:
        raise Unauthorized("token_missing")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("token_missing")
    claims = verify(token.strip())
    record = _user_record(claims["iss"], claims["sub"])
    if record is None or not record.get("active", True):
        raise Forbidden("user_unknown")
    return User.model_validate(record)
