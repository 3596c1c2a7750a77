"""Sign-in against a real OpenID provider: the certified `oidc-provider` (Node, a
devDependency of the front end) started on a free port with one public client, RS256 keys
and two accounts bound to demo users; the local stack trusting it (tokens verified through
its JWKS URL, the users seeded under its issuer, `/config.json` in oidc mode). In Chromium,
an enterprise user and the service centre's administrator sign in on the provider's own form
(authorization code + PKCE) and land on their pages; the API takes the ID token the browser
got, and refuses it altered, signed by another key, or naming another issuer or audience.

A missing `node` or `oidc-provider` (`cd frontend && npm ci`) is a failure, never a skip.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth import local_issuer
from tests.conftest import ROOT
from tests.e2e.conftest import Stack, free_port
from tests.ui.conftest import CASE, SHOTS, check_page

pytestmark = pytest.mark.e2e

SCRIPT = ROOT / "tests" / "ui" / "oidc" / "provider.mjs"
PACKAGE = ROOT / "frontend" / "node_modules" / "oidc-provider" / "package.json"
CLIENT_ID = "xingqitong-spa"
#: the provider's accounts; each ``sub`` is a demo user's subject (infra/local/seed.py)
ACCOUNTS = {
    "ent-hengrun": {"password": "Hengrun-2026", "name": "张伟"},
    "admin": {"password": "Centre-2026", "name": "陈静"},
}


def rsa_key(kid: str) -> tuple[rsa.RSAPrivateKey, dict[str, Any]]:
    """An RSA key and its private JWK (RS256, signing)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops", None)
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    return key, jwk


@dataclass
class OpenIdProvider:
    port: int
    key: rsa.RSAPrivateKey
    kid: str
    log: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, settings: dict[str, Any], timeout: float = 30) -> None:
        node = shutil.which("node")
        assert node, "node is required (Node 20+), as for the front end's build"
        assert PACKAGE.is_file(), "oidc-provider is missing: cd frontend && npm ci"
        path = self.log.with_suffix(".json")
        path.write_text(json.dumps(settings), encoding="utf-8")
        out = open(self.log, "ab")  # noqa: SIM115 - kept open for the process's life
        self.proc = subprocess.Popen([node, str(SCRIPT), str(path)], stdout=out, stderr=out)
        began = time.perf_counter()
        while time.perf_counter() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the provider exited: {self.log.read_text()[-2000:]}")
            try:
                url = self.issuer + "/.well-known/openid-configuration"
                with urllib.request.urlopen(url, timeout=2) as r:
                    assert json.load(r)["issuer"] == self.issuer
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise TimeoutError(f"the provider did not answer: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def sign(
        self, key: rsa.RSAPrivateKey | None = None, kid: str | None = None, **claims: Any
    ) -> str:
        """A token as this provider would sign it (its key unless another is given)."""
        now = int(time.time())
        body = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "admin", "iat": now, "exp": now + 600}
        return jwt.encode(
            {**body, **claims},
            key or self.key,
            algorithm="RS256",
            headers={"kid": kid or self.kid},
        )


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OpenIdProvider, Stack]]:
    assert (ROOT / "frontend" / "dist" / "index.html").is_file(), "build the SPA: make frontend"
    folder = Path(tmp_path_factory.mktemp("oidc"))
    key, jwk = rsa_key("provider-1")
    provider = OpenIdProvider(free_port(), key, "provider-1", folder / "provider.log")
    stack = Stack(
        folder / "data",
        env={
            "XQT_AUTH_ISSUER": provider.issuer,
            "XQT_AUTH_AUDIENCE": CLIENT_ID,
            "XQT_AUTH_JWKS_URL": provider.issuer + "/jwks",
        },
    )
    stack.data_dir.mkdir()
    provider.start(
        {
            "issuer": provider.issuer,
            "port": provider.port,
            "client": {
                "client_id": CLIENT_ID,
                "redirect_uris": [stack.url + "/callback"],
                "post_logout_redirect_uris": [stack.url + "/"],
            },
            "accounts": ACCOUNTS,
            "jwks": {"keys": [jwk]},
            "cookie_keys": [secrets.token_urlsafe(32)],
        }
    )
    try:
        stack.start()
        yield provider, stack
    finally:
        stack.stop()
        provider.stop()


@pytest.fixture(scope="module")
def provider(oidc: tuple[OpenIdProvider, Stack]) -> OpenIdProvider:
    return oidc[0]


@pytest.fixture(scope="module")
def live(oidc: tuple[OpenIdProvider, Stack]) -> Stack:
    """This module's stack (for ``open_session``): the one trusting the provider."""
    return oidc[1]


@contextlib.contextmanager
def explained(s: Any, what: str) -> Iterator[None]:
    """A wait that times out fails with what the page logged (a CSP refusal of the
    provider's origin, a failed token exchange) rather than a bare timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        yield
    except PlaywrightTimeout as exc:
        pytest.fail(f"{what} ({exc.message.splitlines()[0]}): at {s.page.url}; logged {s.problems}")


def sign_in_at_provider(s: Any, provider: OpenIdProvider, username: str, shots: str) -> Any:
    """From the SPA's sign-in page through the provider's sign-in and consent pages, back to
    the SPA: the response to the signed-in page's first API call (its list of appeals)."""
    page = s.page
    page.get_by_role("button", name="统一身份认证登录").click()
    with explained(s, "no redirect to the provider"):
        page.wait_for_url(re.compile(re.escape(provider.issuer) + r"/interaction/"))
    page.locator("#login").fill(username)
    page.locator("#password").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "账号或密码错误"
    assert page.url.startswith(provider.issuer + "/interaction/")
    page.locator("#password").fill(ACCOUNTS[username]["password"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shots}-provider-sign-in.png"))
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="授权").wait_for()
    page.screenshot(path=str(SHOTS / f"{shots}-provider-consent.png"))
    # the home's counters, or the appeals of the page the sign-in began on
    appeals = re.compile(re.escape(s.live.url) + r"/api/v1/(appeals\?|me/counters)")
    with (
        explained(s, "not back in the SPA, signed in"),
        page.expect_response(lambda r: bool(appeals.match(r.url))) as listed,
    ):
        page.get_by_role("button", name="同意").click()
    return listed.value


def live_call(stack: Stack, path: str, token: str) -> tuple[int, Any]:
    return stack.call("GET", path, headers={"Authorization": f"Bearer {token}"})


def test_the_stack_trusts_the_provider_instead_of_its_local_issuer(live, provider):
    with urllib.request.urlopen(live.url + "/config.json") as r:
        config = json.load(r)
        csp = r.headers["Content-Security-Policy"]
    assert config == {
        "auth": {
            "mode": "oidc",
            "authority": provider.issuer,
            "client_id": CLIENT_ID,
            "token": "id_token",
        }
    }
    assert re.search(rf"connect-src 'self' http://127\.0\.0\.1:\d+ {provider.issuer};", csp), csp
    status, body = live.call("POST", "/api/v1/dev/token", {"username": "admin"})
    assert (status, body["code"]) == (404, "not_found"), body
    assert provider.issuer in body["detail"]


def test_an_enterprise_signs_in_at_the_provider_and_files_an_appeal(
    open_session, provider, tmp_path
):
    s = open_session()
    page = s.go("/my/appeals")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_role("button", name="统一身份认证登录").wait_for()
    check_page(page, "oidc-sign-in")
    listed = sign_in_at_provider(s, provider, "ent-hengrun", "oidc-enterprise")
    assert listed.status == 200
    assert listed.request.headers["authorization"].startswith("Bearer ")
    # back on the page it asked for (?next=, issue 19), not its home
    assert page.url == s.live.url + "/my/appeals"
    page.get_by_test_id("who").get_by_text("张伟(如东恒润机械)").wait_for()

    # the ID token the browser holds is the provider's, for this client and this person
    token = page.evaluate("sessionStorage.getItem('xqt.token')")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["sub"]) == (
        provider.issuer,
        CLIENT_ID,
        "ent-hengrun",
    )
    assert jwt.get_unverified_header(token)["alg"] == "RS256"

    # a write under that identity: the appeal is the enterprise's own
    page = s.go("/my/appeals/new")
    page.locator('[data-field="category"]').select_option(label="用地")
    page.locator('[data-field="title"]').fill("统一身份认证登录后反映")
    page.locator('[data-field="content"]').fill("二期厂房约需 30 亩工业用地。")
    page.get_by_role("button", name="提交诉求").click()
    page.get_by_test_id("open-filed").click()
    page.wait_for_url(re.compile(r"/appeals/XQT-"))
    number = page.get_by_test_id("case-number").inner_text().strip()
    assert CASE.fullmatch(number)
    page = s.go("/my/appeals")
    page.get_by_text("统一身份认证登录后反映").first.wait_for()
    check_page(page, "oidc-enterprise-my-appeals")
    assert not s.problems, s.problems

    # the API: that token and a token signed alike pass; anything else is a 401
    status, me = live_call(s.live, "/api/v1/me", token)
    assert (status, me["username"], me["role"]) == (200, "ent-hengrun", "enterprise")
    status, appeal = live_call(s.live, f"/api/v1/appeals/{number}", token)
    assert (status, appeal["enterprise"]["name"]) == (200, "如东恒润机械制造有限公司"), appeal
    assert live_call(s.live, "/api/v1/me", provider.sign(sub="ent-hengrun"))[0] == 200

    header, payload, signature = token.split(".")
    altered = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    altered["sub"] = "admin"  # an enterprise user making itself the administrator
    forged = base64.urlsafe_b64encode(json.dumps(altered).encode()).decode().rstrip("=")
    other_key, _ = rsa_key(provider.kid)
    private, jwks = local_issuer.ensure_keys(tmp_path / "issuer")
    refused = {
        "altered": (f"{header}.{forged}.{signature}", "InvalidSignatureError"),
        "signature cut": (f"{header}.{payload}.", "InvalidSignatureError"),
        "another key, same kid": (provider.sign(key=other_key), "InvalidSignatureError"),
        "another key and kid": (provider.sign(key=other_key, kid="k2"), "unknown kid"),
        "another issuer": (provider.sign(iss="http://127.0.0.1:1"), "wrong issuer"),
        "another audience": (provider.sign(aud="another-client"), "wrong audience"),
        "expired": (provider.sign(exp=int(time.time()) - 300), "expired"),
        "a local stack's dev token": (
            local_issuer.sign(str(private), str(jwks), "admin", username="admin"),
            "unknown kid",
        ),
    }
    for name, (bad, reason) in refused.items():
        status, problem = live_call(s.live, "/api/v1/me", bad)
        assert (status, problem.get("code")) == (401, "unauthorized"), (name, problem)
        assert problem["detail"].endswith(reason), (name, problem)


def test_the_administrator_signs_in_at_the_provider(open_session, provider):
    s = open_session()
    # a next= that is not a path of this site is ignored: the administrator lands on its home
    page = s.go("/login?next=" + urllib.parse.quote("//evil.example/steal", safe=""))
    assert sign_in_at_provider(s, provider, "admin", "oidc-admin").status == 200
    assert page.url == s.live.url + "/home"
    page.get_by_test_id("who").get_by_text("陈静(县民营企业服务中心)").wait_for()
    check_page(page, "oidc-admin-triage")
    claims = jwt.decode(
        page.evaluate("sessionStorage.getItem('xqt.token')"), options={"verify_signature": False}
    )
    assert (claims["iss"], claims["sub"]) == (provider.issuer, "admin")
    assert not s.problems, s.problems
