"""Identity: every route but the exempt ones needs a valid bearer token of a registered user."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_health_and_openapi_need_no_token(api):
    assert api.call("GET", "/api/v1/health").status_code == 200
    assert api.call("GET", "/api/v1/openapi.json").status_code == 200


def test_missing_token_is_401_problem(api):
    r = api.call("GET", "/api/v1/departments")
    assert r.status_code == 401
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.data["code"] == "unauthorized" and r.data["status"] == 401
    assert "令牌" in r.data["detail"]


def test_valid_token_reads(api):
    r = api.call("GET", "/api/v1/me", as_user="admin")
    assert r.status_code == 200, r.data
    assert r.data["role"] == "admin" and r.data["username"] == "admin"


@pytest.mark.parametrize(
    "kw, reason",
    [
        ({"ttl_seconds": -120}, "expired"),
        ({"audience": "another-app"}, "wrong audience"),
        ({"issuer": "https://evil.example/"}, "wrong issuer"),
    ],
)
def test_expired_foreign_and_misissued_tokens_are_401(api, kw, reason):
    token = api.token("admin", **kw)
    r = api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert reason in r.data["detail"]


def test_token_signed_by_another_key_is_401(api, tmp_path):
    from chalicelib.auth import local_issuer

    private, jwks = local_issuer.ensure_keys(tmp_path)
    token = local_issuer.sign(str(private), str(jwks), "admin", username="admin")
    r = api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


def test_unsigned_and_hmac_tokens_are_refused(api, issuer):
    now = int(time.time())
    claims = {
        "iss": "urn:xingqitong:local-issuer",
        "aud": "xingqitong",
        "sub": "admin",
        "exp": now + 600,
    }
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    # the classic confusion attack: HS256 keyed with the issuer's public key
    with open(issuer["jwks"], "rb") as fh:
        secret = fh.read()
    signing_input = ".".join(
        _b64(json.dumps(part).encode()) for part in ({"alg": "HS256", "typ": "JWT"}, claims)
    )
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    forged = signing_input + "." + _b64(mac)
    for token in (unsigned, forged, "not-a-jwt", ""):
        r = api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token


def test_valid_token_of_unregistered_subject_is_403(api):
    token = api.token("nobody-here")
    r = api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.data["code"] == "forbidden"


def test_disabled_user_is_refused(api):
    made = api.call(
        "POST",
        "/api/v1/users",
        {"username": "temp-sup", "display_name": "临时", "role": "supervisor"},
        as_user="admin",
    )
    assert made.status_code == 201, made.data
    assert api.call("GET", "/api/v1/me", as_user="temp-sup").status_code == 200
    r = api.call(
        "PATCH", "/api/v1/users/temp-sup", {"version": 1, "active": False}, as_user="admin"
    )
    assert r.status_code == 200 and r.data["version"] == 2
    assert api.call("GET", "/api/v1/me", as_user="temp-sup").status_code == 403


def test_role_is_checked_per_route(api):
    r = api.call("GET", "/api/v1/users", as_user="ent-hengrun")
    assert r.status_code == 403
    assert "admin" in r.data["detail"]


def test_english_messages_on_request(api):
    r = api.call("GET", "/api/v1/departments", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert r.status_code == 401 and r.data["title"].startswith("Not signed in")


def test_dev_token_route_issues_a_token_the_app_accepts(api):
    r = api.call("POST", "/api/v1/dev/token", {"username": "comm-designated"})
    assert r.status_code == 200
    me = api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {r.data['token']}"})
    assert me.status_code == 200 and me.data["commissioner_id"] == "c-designated"
    expired = api.call("POST", "/api/v1/dev/token", {"username": "admin", "ttl_seconds": -60})
    r = api.call("GET", "/api/v1/me", headers={"Authorization": f"Bearer {expired.data['token']}"})
    assert r.status_code == 401


def test_dev_token_for_unknown_user_is_404(api):
    r = api.call("POST", "/api/v1/dev/token", {"username": "ghost"})
    assert r.status_code == 404 and r.data["code"] == "not_found"


def test_dev_users_lists_every_role(api):
    items = api.call("GET", "/api/v1/dev/users").data["items"]
    roles = {u["role"] for u in items}
    assert roles == {"enterprise", "operator", "commissioner", "department", "admin", "supervisor"}
    ents = {u["enterprise_uscc"] for u in items if u["role"] == "enterprise"}
    depts = {u["department_id"] for u in items if u["role"] == "department"}
    assert len(ents) >= 2 and len(depts) >= 2
    assert any(u["service_account"] and u["role"] == "operator" for u in items)


def test_dev_clock_moves_business_time(api):
    from chalicelib import clock

    try:
        r = api.call("POST", "/api/v1/dev/clock", {"now": "2026-09-30T16:00:00+08:00"})
        assert r.status_code == 200 and r.data["now"].startswith("2026-09-30T16:00")
        assert api.call("GET", "/api/v1/health").data["now"].startswith("2026-09-30T16:0")
        # tokens are still checked against real time
        assert api.call("GET", "/api/v1/me", as_user="admin").status_code == 200
        bad = api.call("POST", "/api/v1/dev/clock", {"now": "2026-09-30T16:00:00"})
        assert bad.status_code == 400 and bad.data["errors"][0]["field"] == "now"
        # year 1 a minute east of UTC has no UTC instant: every later request was a 500
        bad = api.call("POST", "/api/v1/dev/clock", {"now": "0001-01-01T00:00:00+00:01"})
        assert bad.status_code == 400 and bad.data["errors"][0]["code"] == "year_invalid"
        assert api.call("GET", "/api/v1/health").status_code == 200
    finally:
        clock.set_now(None)
    assert api.call("POST", "/api/v1/dev/clock", {"now": None}).data["real"] is True
