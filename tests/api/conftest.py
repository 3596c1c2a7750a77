"""API tests: the Chalice app through ``chalice.test.Client`` on moto, with the tables
created from ``infra/resources.yaml`` and the local stack's seed data."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

os.environ["XQT_STAGE"] = "test"  # before importing app: registers the dev routes


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from chalicelib.auth import local_issuer

    private, jwks = local_issuer.ensure_keys(tmp_path_factory.mktemp("issuer"))
    env = {
        "XQT_AUTH_ISSUER": local_issuer.ISSUER,
        "XQT_AUTH_AUDIENCE": local_issuer.AUDIENCE,
        "XQT_AUTH_JWKS_FILE": str(private.parent / "jwks.json"),
        "XQT_LOCAL_ISSUER_KEY_FILE": str(private),
        "XQT_TABLE": "test-maintable",
        "XQT_REPORTS_BUCKET": "test-reportsbucket",
        "XQT_ATTACHMENTS_BUCKET": "test-attachmentsbucket",
        "XQT_ESCALATION_QUEUE": "test-escalationqueue",
        "XQT_REPORT_QUEUE": "test-reportqueue",
        "XQT_JOB_QUEUE": "test-jobqueue",
        "XQT_USER_CACHE_SECONDS": "0",  # role changes apply at once in tests
        "XQT_DIRECTORY_CACHE_SECONDS": "0",
    }
    os.environ.update(env)
    return {"private": str(private), "jwks": str(jwks)}


@pytest.fixture(scope="module")
def aws(issuer: dict[str, str]) -> Iterator[None]:
    import boto3
    from moto import mock_aws

    from chalicelib.auth import tokens
    from chalicelib.config import settings
    from chalicelib.store import db, enterprise_search
    from infra.definitions import Names, create_all
    from infra.local import moto_patches

    moto_patches.apply()  # the local stack's transactions, so both are tested alike
    settings.cache_clear()
    with mock_aws():
        db.reset()
        enterprise_search.forget()  # another module's register is not this one's
        tokens.clear_cache()
        create_all(boto3.Session(), Names("test"))
        yield
    db.reset()
    # the rules a module loaded must not be read from this process's cache by the next one
    from chalicelib.store import settings as settings_store

    settings_store.forget()


@pytest.fixture(scope="module")
def seeded(aws: None) -> None:
    """Seeded once per test module (seeding costs ~1 s on moto): tests create their own
    records where they change something, so they do not depend on each other's order."""
    from chalicelib.auth import local_issuer
    from infra.local.seed import seed

    seed(local_issuer.ISSUER)


class Api:
    """A thin JSON client over chalice.test.Client, signing in as a seeded user."""

    def __init__(self, client: Any, issuer: dict[str, str]) -> None:
        self.client = client
        self.issuer = issuer

    def token(self, username: str, **kw: Any) -> str:
        from chalicelib.auth import local_issuer

        return local_issuer.sign(
            self.issuer["private"], self.issuer["jwks"], username, username=username, **kw
        )

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        as_user: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> Any:
        hdrs = {"Content-Type": "application/json"}
        if as_user:
            hdrs["Authorization"] = f"Bearer {self.token(as_user)}"
        hdrs.update(headers or {})
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        resp = getattr(self.client.http, method.lower())(path, headers=hdrs, body=data)
        resp.data = json.loads(resp.body) if resp.body else None
        return resp


@pytest.fixture
def api(seeded: None, issuer: dict[str, str]) -> Iterator[Api]:
    from chalice.test import Client

    from app import app

    with Client(app, project_dir=str(Path(ROOT).resolve())) as client:
        yield Api(client, issuer)


@pytest.fixture(scope="session")
def document() -> dict[str, Any]:
    """The OpenAPI document the local stage serves (dev routes included)."""
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.openapi import build

    return build(include_local=True)


def conforms(document: dict[str, Any], method: str, path: str, response: Any) -> None:
    """The response's status is documented for the operation (``path`` as the document
    names it) and its body validates against the schema documented for that status and
    content type."""
    from openapi_schema_validator import OAS31Validator

    declared = document["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in declared, (method, path, response.status_code)
    content = declared[str(response.status_code)].get("content")
    if content is None:
        assert not response.body
        return
    media = response.headers["Content-Type"].split(";")[0].strip()
    assert media in content, (method, path, media)
    schema = {**content[media]["schema"], "components": document["components"]}
    OAS31Validator(schema).validate(response.data)
