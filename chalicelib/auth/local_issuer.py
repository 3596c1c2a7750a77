"""The local stack's own OpenID issuer: an RSA key pair made at first start and kept in the
data folder, whose public half the app verifies tokens against exactly as it would a real
issuer's JWKS. Used only on the local stage (dev token route, local stack start-up)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "urn:xingqitong:local-issuer"
AUDIENCE = "xingqitong"


def ensure_keys(directory: Path) -> tuple[Path, Path]:
    """Create the key pair once; returns (private key PEM path, JWKS path)."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path, jwks_path = directory / "private.pem", directory / "jwks.json"
    if private_path.exists() and jwks_path.exists():
        return private_path, jwks_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    kid = jwt.PyJWK(public_jwk, "RS256").key_id or _thumbprint(public_jwk)
    public_jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    for path, data, mode in (
        (private_path, pem, 0o600),
        (jwks_path, json.dumps({"keys": [public_jwk]}).encode(), 0o644),
    ):
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    return private_path, jwks_path


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 key thumbprint, used as ``kid``."""
    import base64
    import hashlib

    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(
    private_key_file: str,
    jwks_file: str,
    subject: str,
    *,
    username: str,
    ttl_seconds: int = 3600,
    audience: str = AUDIENCE,
    issuer: str = ISSUER,
) -> str:
    """A signed RS256 token for ``subject`` (negative ``ttl_seconds``: already expired)."""
    kid = json.loads(Path(jwks_file).read_text())["keys"][0]["kid"]
    now = int(time.time())
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": now,
        "nbf": min(now, now + ttl_seconds),
        "exp": now + ttl_seconds,
        "preferred_username": username,
    }
    key = Path(private_key_file).read_bytes()
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
