"""What `make deploy` would do, checked without AWS: the commands in order with their cache
headers, the SPA's runtime config from the stack's outputs, the parameters file, the
CloudFront function that serves client-side routes, and the first administrator."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from infra import definitions, deploy, package
from tests.conftest import ROOT

OUTPUTS = {
    "SpaBucketName": "spa-bucket",
    "DistributionId": "E123",
    "SiteUrl": "https://qiye.example.gov.cn",
    "AuthIssuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
    "SpaClientId": "client-1",
    "SpaToken": "access_token",
    "AuthScope": "openid profile",
}


@pytest.fixture
def site(tmp_path: Path) -> deploy.Options:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    for name in ("index.html", "config.json", "favicon.svg", "assets/index-abc123.js"):
        (dist / name).write_text("x")
    build = tmp_path / "build"
    build.mkdir()
    (build / "template.json").write_text("{}")
    return deploy.Options("prod", "artifacts", "xingqitong-prod", "cn-north-1", {"A": "1"}, build)


def test_a_deployment_runs_stack_outputs_assets_config_index_then_invalidation(site):
    ran: list[list[str]] = []

    def run(command: list[str]) -> str:
        ran.append(command)
        if command[3:5] == ["cloudformation", "describe-stacks"]:
            return json.dumps([{"OutputKey": k, "OutputValue": v} for k, v in OUTPUTS.items()])
        return ""

    outputs = deploy.deploy(site, run, dist=site.build.parent / "dist")
    assert outputs == OUTPUTS
    steps = [" ".join(c[3:5]) for c in ran]
    assert steps == [
        "cloudformation package",
        "cloudformation deploy",
        "cloudformation describe-stacks",
        "s3 sync",  # assets first: a new index.html never names a file not yet there
        "s3 cp",  # favicon.svg
        "s3 cp",  # config.json
        "s3 cp",  # index.html last
        "cloudfront create-invalidation",
    ]
    assert all(c[:3] == ["aws", "--region", "cn-north-1"] for c in ran)
    stack = ran[1]
    assert {"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"} <= set(stack)
    assert stack[stack.index("--s3-bucket") + 1] == "artifacts"  # the template is > 51,200 B
    assert stack[stack.index("--parameter-overrides") + 1 :] == ["A=1"]
    sync, favicon, config, index, invalidation = ran[3:]
    assert sync[sync.index("--cache-control") + 1] == "public, max-age=31536000, immutable"
    assert "--delete" not in sync  # an open page may still load the last build's chunks
    for upload in (favicon, config, index):
        assert upload[upload.index("--cache-control") + 1] == "no-cache"
    assert config[5].endswith("build/config.json") and config[6] == "s3://spa-bucket/config.json"
    assert index[6] == "s3://spa-bucket/index.html"
    paths = invalidation[invalidation.index("--paths") + 1 :]
    assert sorted(paths) == ["/", "/config.json", "/favicon.svg", "/index.html"]
    written = json.loads((site.build / "config.json").read_text())
    assert written == deploy.runtime_config(OUTPUTS)


def test_the_runtime_config_has_the_shape_the_spa_reads():
    config = deploy.runtime_config(OUTPUTS)
    assert config == {
        "auth": {
            "mode": "oidc",
            "authority": OUTPUTS["AuthIssuer"],
            "client_id": "client-1",
            "scope": "openid profile",
            "token": "access_token",
        }
    }
    source = (ROOT / "frontend" / "src" / "config.ts").read_text()
    for key in config["auth"]:
        assert f"{key}" in source  # OidcConfig's fields (frontend/src/config.ts)
    # every output the deploy reads is an output of the stack
    merged = package.merge_fragments("prod")
    assert set(deploy.OUTPUTS) | {"AuthScope"} <= set(merged["Outputs"])


def test_the_dry_run_prints_every_command_and_runs_none(site, capsys):
    deploy.deploy(site, deploy._print, dist=site.build.parent / "dist", outputs=OUTPUTS)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 8 and all(
        line.startswith("aws --region cn-north-1 ") for line in printed
    )


@pytest.mark.parametrize("example", ["parameters.example.json", "parameters.cn.example.json"])
def test_the_example_parameters_are_parameters_of_the_stack(example):
    example = json.loads((ROOT / "infra" / example).read_text())
    parameters = package.merge_fragments("prod")["Parameters"]
    assert set(example) <= set(parameters)
    for name, value in example.items():
        allowed = parameters[name].get("AllowedValues")
        assert allowed is None or value in [str(v) for v in allowed], name


@pytest.mark.skipif(shutil.which("node") is None, reason="node is part of make test's set-up")
@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/appeals/XQT-20260105-0001", "/index.html"),
        ("/callback", "/index.html"),
        ("/my/appeals/", "/index.html"),
        ("/assets/index-abc123.js", "/assets/index-abc123.js"),
        ("/config.json", "/config.json"),
        ("/favicon.svg", "/favicon.svg"),
    ],
)
def test_client_routes_are_served_the_index_and_files_themselves(uri, served):
    """The CloudFront function of infra/site.yaml, run by Node as CloudFront runs it."""
    resources = definitions.template("site.yaml")["Resources"]
    code = resources["SpaRoutesFunction"]["Properties"]["FunctionCode"]
    script = code + f"\nprocess.stdout.write(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri)"
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert done.stdout == served


def test_the_first_administrator_can_sign_in_to_the_deployed_table(monkeypatch):
    from chalicelib.auth import tokens
    from chalicelib.config import settings
    from chalicelib.errors import AlreadyExists
    from chalicelib.store import db
    from infra import bootstrap_admin

    names = definitions.Names("boot")
    issuer = OUTPUTS["AuthIssuer"]
    monkeypatch.setenv("XQT_TABLE", names.of("MainTable"))
    monkeypatch.setenv("XQT_AUTH_ISSUER", issuer)
    try:
        with mock_aws():
            definitions.create_all(boto3.Session(), names)
            record = bootstrap_admin.create_admin(
                names.of("MainTable"), issuer, "admin", "县营商办管理员", "sub-123"
            )
            assert record["role"] == "admin" and record["version"] == 1
            tokens.clear_cache()
            user = tokens._user_record(issuer, "sub-123")
            assert user is not None and user["username"] == "admin"
            with pytest.raises(AlreadyExists):
                bootstrap_admin.create_admin(names.of("MainTable"), issuer, "admin", "x", "s2")
    finally:
        db.reset()
        tokens.clear_cache()
        settings.cache_clear()
