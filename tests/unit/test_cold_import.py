"""Cold start without timing (docs/deploy.md, "Cold start"): what a Lambda imports with the
app, that a route's module loads on the route's first call and serves it as before, that the
route table (``chalicelib/api/routes.py``) is the contract's, and pydantic's deferred build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: What `import app` must not load in a deployed stage: each is paid by the routes or jobs
#: that use it (a regression here is what made `import app` 2.8 times `import boto3`).
HEAVY = (
    "boto3",
    "jwt",
    "cryptography",
    "phonenumbers",
    "email_validator",
    "xlsxwriter",
    "openpyxl",
    "jieba",
    "pypinyin",
    "holidays",
    "chinese_calendar",
    "importlib.metadata",
    "chalicelib.api.contract",
    "chalicelib.domain.models",
    "chalicelib.domain.reports",
    "chalicelib.domain.appeal.events",
    "chalicelib.domain.knowledge",
    "chalicelib.services",
    "chalicelib.store",
    "chalicelib.jobs",
)

_PROBE = """
import json, sys
import app

HEAVY = {heavy!r}
def loaded(name):
    return name in sys.modules or any(m.startswith(name + ".") for m in sys.modules)

at_start = sorted(h for h in HEAVY if loaded(h))
api_modules = sorted(m for m in sys.modules if m.startswith("chalicelib.api.") and m not in (
    "chalicelib.api.lazy", "chalicelib.api.routes", "chalicelib.api.middleware",
    "chalicelib.api.problems"))

from chalicelib.domain.models import User
deferred = not User.__pydantic_complete__

from chalice.test import Client
with Client(app.app) as client:
    refused = client.http.get("/api/v1/appeals", headers={{"Accept-Language": "zh-CN"}})
    bad = client.http.post("/api/v1/public/lookup", body=json.dumps({{"case_number": 5}}),
                           headers={{"Content-Type": "application/json"}})
after = sorted(m for m in ("chalicelib.api.appeals", "chalicelib.api.reports",
                           "chalicelib.api.public") if m in sys.modules)
print(json.dumps({{
    "at_start": at_start, "api_modules": api_modules, "deferred": deferred,
    "refused": [refused.status_code, {{k.lower(): v for k, v in refused.headers.items()}}
                .get("content-type"),
                json.loads(refused.body).get("code")],
    "bad": [bad.status_code, bad.body.decode() if isinstance(bad.body, bytes) else bad.body],
    "after": after,
    "routes": sum(len(methods) for methods in app.app.routes.values()),
}}))
"""


@pytest.fixture(scope="module")
def cold() -> dict:
    env = {
        **os.environ,
        "XQT_STAGE": "dev",  # a deployed stage: no dev routes, nothing loaded ahead
        "XQT_AUTH_ISSUER": "https://issuer.example",
        "XQT_AUTH_AUDIENCE": "xqt",
        "XQT_AUTH_JWKS_URL": "https://issuer.example/jwks.json",
    }
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_app_loads_nothing_heavy(cold):
    assert cold["at_start"] == []
    assert cold["api_modules"] == [], "a route module was imported at start"


def test_models_are_built_on_first_use(cold):
    assert cold["deferred"] is True


def test_a_route_loads_its_module_on_first_call_and_answers_as_before(cold):
    assert cold["refused"] == [401, "application/problem+json; charset=utf-8", "unauthorized"]
    assert "chalicelib.api.appeals" in cold["after"]
    assert "chalicelib.api.reports" not in cold["after"]


def test_a_lazily_loaded_route_validates_as_before(cold):
    assert "chalicelib.api.public" in cold["after"]
    status, body = cold["bad"]
    assert status == 400
    assert "case_number" in body and "phone" in body  # each invalid field named


def test_every_route_is_registered_at_import(cold):
    from chalicelib.api.routes import ROUTES

    assert cold["routes"] == len(ROUTES)


def test_the_route_table_is_the_contracts():
    """``chalicelib/api/routes.py`` is what ``python -m infra.routes_dump`` writes now."""
    from infra import routes_dump

    assert routes_dump.TARGET.read_text(encoding="utf-8") == routes_dump.render(), (
        "chalicelib/api/routes.py is stale: run '.venv/bin/python -m infra.routes_dump'"
    )


def test_the_routes_are_those_the_blueprints_would_register():
    """Path, method, view name and content types as registering each module's blueprint
    gave them (what `chalice package` and API Gateway see)."""
    from chalice import Chalice

    import app
    from chalicelib.api import lazy
    from chalicelib.api.contract import API_PREFIX

    lazy.load_all()
    eager = Chalice(app_name="eager")
    for module in lazy.MODULES:
        blueprint = sys.modules[f"{lazy.PACKAGE}.{module}"].api.blueprint
        eager.register_blueprint(blueprint, url_prefix=API_PREFIX)

    def table(chalice_app: Chalice) -> dict:
        return {
            (path, method): (entry.view_name, tuple(entry.content_types))
            for path, methods in chalice_app.routes.items()
            for method, entry in methods.items()
            if not path.startswith(f"{API_PREFIX}/dev")
        }

    assert table(app.app) == table(eager)
