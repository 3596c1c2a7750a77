"""What `make deploy` would do, checked without AWS: the commands in order with their cache
headers, in the global and the China regions (the template each region takes, the endpoints
its commands reach), the SPA's runtime config from the stack's outputs, the parameters file
against the template, the CloudFront function that serves client-side routes, and the first
administrator."""

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


def _site(tmp_path: Path, region: str, partition: str) -> deploy.Options:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    for name in ("index.html", "config.json", "favicon.svg", "assets/index-abc123.js"):
        (dist / name).write_text("x")
    build = tmp_path / "build"
    build.mkdir()
    # each partition's template has the parameter, as make package writes both
    for name in ("template.json", "template-cn.json"):
        (build / name).write_text(json.dumps({"Parameters": {"A": {"Type": "String"}}}))
    return deploy.Options(
        "prod", "artifacts", "xingqitong-prod", region, {"A": "1"}, build, partition
    )


@pytest.fixture(params=[("us-east-1", "aws"), ("cn-north-1", "aws-cn")], ids=["global", "china"])
def site(request, tmp_path: Path) -> deploy.Options:
    return _site(tmp_path, *request.param)


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
    assert all(c[:3] == ["aws", "--region", site.region] for c in ran)
    package_step = ran[0]
    template = package_step[package_step.index("--template-file") + 1]
    assert template == str(site.build / package.artifact("prod", "template", site.partition).name)
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
        line.startswith(f"aws --region {site.region} ") for line in printed
    )


EXAMPLES = {"aws": "parameters.example.json", "aws-cn": "parameters.cn.example.json"}


@pytest.mark.parametrize("partition", sorted(EXAMPLES))
def test_the_example_parameters_are_what_their_partitions_template_accepts(partition):
    """Each example names only parameters of its partition's template, with allowed values,
    and gives every parameter that has no default (the China template's domain, certificate
    and identity provider)."""
    example = json.loads((ROOT / "infra" / EXAMPLES[partition]).read_text())
    merged = package.merge_fragments("prod", partition)
    assert deploy.parameter_errors(example, merged) == []
    required = {n for n, p in merged["Parameters"].items() if "Default" not in p}
    assert required <= set(example)
    if partition == "aws-cn":  # the global example is refused there: the check is no formality
        global_example = json.loads((ROOT / "infra" / EXAMPLES["aws"]).read_text())
        assert deploy.parameter_errors(global_example, merged)


def test_a_parameters_file_is_checked_against_the_template_before_anything_runs(tmp_path):
    china = package.merge_fragments("prod", "aws-cn")
    errors = deploy.parameter_errors(
        {
            "SiteCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x",  # no ACM there
            "SmsProvider": "sns",  # no SMS through SNS there
            "SiteDomainName": "Qiye.Example.gov.cn",
            "AuthConnectOrigins": "https://id.example.gov.cn; script-src *",  # into the CSP
            "AuthAudience": "",
        },
        china,
    )
    assert [e.split(" ", 1)[0].split("=")[0] for e in errors] == [
        "AuthAudience",
        "AuthConnectOrigins",
        "SiteCertificateArn",
        "SiteDomainName",
        "SmsProvider",
    ]
    build = tmp_path / "build"
    (build / "site").mkdir(parents=True)
    (build / "site" / "index.html").write_text("x")
    (build / "template-cn.json").write_text(json.dumps(china))
    options = deploy.Options(
        "prod", "a", "xingqitong-prod", "cn-north-1", {"SmsProvider": "sns"}, build, "aws-cn"
    )
    ran: list[list[str]] = []
    with pytest.raises(SystemExit, match="SmsProvider='sns'"):
        deploy.deploy(options, ran.append)  # type: ignore[arg-type]
    assert ran == []


def test_the_region_chooses_the_template(monkeypatch, capsys):
    """REGION (or the AWS CLI's environment) decides: a China region deploys template-cn.json."""
    seen: list[deploy.Options] = []
    monkeypatch.setattr(deploy, "deploy", lambda options, run, **kw: seen.append(options))
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-northwest-1")
    common = ["--stage", "prod", "--artifact-bucket", "a", "--dry-run"]
    assert deploy.main(common) == 0
    assert deploy.main([*common, "--region", "eu-west-1"]) == 0
    assert [(o.partition, o.template.name) for o in seen] == [
        ("aws-cn", "template-cn.json"),
        ("aws", "template.json"),
    ]
    assert "build/prod/template-cn.json for region cn-northwest-1" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        deploy.main([*common, "--region", "us-gov-west-1"])


@pytest.mark.parametrize("region", ["cn-north-1", "cn-northwest-1"])
def test_every_command_in_china_reaches_the_china_endpoints(tmp_path, region):
    """--region is all the AWS CLI needs there: each command's service resolves to its
    amazonaws.com.cn endpoint (CloudFront's too, a global service homed in Ningxia)."""
    import boto3

    ran: list[list[str]] = []

    def run(command: list[str]) -> str:
        ran.append(command)
        return json.dumps([{"OutputKey": k, "OutputValue": v} for k, v in OUTPUTS.items()])

    china = _site(tmp_path, region, "aws-cn")
    deploy.deploy(china, run, dist=china.build.parent / "dist")
    services = {c[3] for c in ran}
    assert services == {"cloudformation", "s3", "cloudfront"}
    for service in services:
        client = boto3.client(
            service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x"
        )
        assert client.meta.endpoint_url.endswith(".amazonaws.com.cn"), service


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
