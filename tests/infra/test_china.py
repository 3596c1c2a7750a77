"""The China regions' package (``build/<stage>/template-cn.json``): what CloudFormation and
CloudFront in cn-north-1 and cn-northwest-1 accept, checked offline.

cfn-lint's resource specifications for those regions are the authority on which resource
types and properties exist there (``make lint-infra`` lints this template with ``--regions
cn-north-1 cn-northwest-1``; a test here shows that it refuses the global template's types).
What they cannot know is checked by name: CloudFront China refuses cache and origin request
policy ids and has no functions, response headers policies or origin access control, so the
site serves its pages another way (API Gateway, ``infra/site.cn.yaml``), which is walked
through here request by request."""

from __future__ import annotations

import copy
import functools
import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra import definitions, package
from tests.conftest import ROOT

CHINA = ("cn-north-1", "cn-northwest-1")
#: Types CloudFormation in the China regions does not have (cfn-lint's specifications say
#: so, and a test checks they still do), all of them in the global template.
ABSENT_TYPES = {
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::Function",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolDomain",
    "AWS::Cognito::UserPoolClient",
    "AWS::SES::EmailIdentity",
}
#: Distribution properties CloudFront China refuses or does not have, although the China
#: regions' CloudFormation specifications list them: "The parameter CachePolicyId can't be
#: set for this region" (aws-cdk issues 13584, 31033), no managed cache or origin request
#: policies (aws-saas-boost PR 387), no response headers policies, functions, Lambda@Edge,
#: origin access control or Origin Shield; no ACM and no serving on *.cloudfront.cn (so no
#: default certificate). And ours: a custom error response would turn the API's own 403s
#: and 404s into the SPA.
REFUSED_PROPERTIES = {
    "CachePolicyId",
    "OriginRequestPolicyId",
    "ResponseHeadersPolicyId",
    "FunctionAssociations",
    "LambdaFunctionAssociations",
    "OriginAccessControlId",
    "OriginShield",
    "AcmCertificateArn",
    "CloudFrontDefaultCertificate",
    "CustomErrorResponses",
}
#: What the SAM transform makes of the serverless resources and their events.
SAM_TYPES = {
    "AWS::Serverless::Function": {"AWS::Lambda::Function"},
    "AWS::Serverless::Api": {
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
    },
}
SAM_EVENT_TYPES = {
    "Schedule": {"AWS::Events::Rule", "AWS::Lambda::Permission"},
    "SQS": {"AWS::Lambda::EventSourceMapping"},
}
#: Service principals the templates name: the same names in the China partition.
SERVICE_PRINCIPALS = {
    "lambda.amazonaws.com",
    "apigateway.amazonaws.com",
    "cloudfront.amazonaws.com",
}


@pytest.fixture(scope="module", params=package.STAGES)
def china(request) -> dict[str, Any]:
    path = package.build(request.param, partition="aws-cn")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cn_prod() -> dict[str, Any]:
    return json.loads(package.build("prod", partition="aws-cn").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def global_prod() -> dict[str, Any]:
    return json.loads(package.build("prod").read_text(encoding="utf-8"))


def _strings(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string of a template with where it is."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, str(i)))


def _region_types(region: str) -> set[str]:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    return set(PROVIDER_SCHEMA_MANAGER.get_resource_types(region))


# --- what CloudFormation there has ------------------------------------------------------------


def test_the_china_template_has_only_types_cloudformation_has_there(china, global_prod):
    kinds = {r["Type"] for r in china["Resources"].values()}
    made = set()
    for resource in china["Resources"].values():
        made |= SAM_TYPES.get(resource["Type"], set())
        for event in resource.get("Properties", {}).get("Events", {}).values():
            made |= SAM_EVENT_TYPES[event["Type"]]  # a new kind of event: add what it makes
    deployed = {k for k in kinds if not k.startswith("AWS::Serverless::")} | made
    for region in CHINA:
        there = _region_types(region)
        assert not ABSENT_TYPES & there, "cfn-lint's specifications changed: revisit"
        assert sorted(deployed - there) == [], region
    assert not kinds & ABSENT_TYPES
    # the global template does use them all: the two packages differ where they must
    assert {r["Type"] for r in global_prod["Resources"].values()} >= ABSENT_TYPES


def _fit(node: Any, known: set[str]) -> Any:
    """A global resource made to fit the China template: references to what it lacks (the
    SES identity's parameter) become literals."""
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] not in known:
            return "notice.example.gov.cn"
        return {k: _fit(v, known) for k, v in node.items()}
    if isinstance(node, list):
        return [_fit(v, known) for v in node]
    return node


def test_cfn_lint_refuses_in_china_each_type_the_global_template_uses(cn_prod, global_prod):
    """make lint-infra is no empty ritual for the China package: the global template's
    origin access control, CloudFront function, Cognito pool, domain and client and SES
    identity, put into the China template, are each an error in both China regions, and
    nothing else in that template is."""
    from cfnlint.api import ManualArgs, lint

    broken = copy.deepcopy(cn_prod)
    known = set(broken["Resources"]) | set(broken["Parameters"])
    injected = set()
    for logical, resource in global_prod["Resources"].items():
        if resource["Type"] in ABSENT_TYPES:
            fitted = {k: v for k, v in resource.items() if k != "Condition"}
            broken["Resources"][logical] = _fit(fitted, known | {logical, "UserPool"})
            injected.add(logical)
    assert len(injected) == len(ABSENT_TYPES)
    matches = lint(json.dumps(broken), config=ManualArgs(regions=list(CHINA)))
    found = sorted((m.rule.id, m.path[1], m.message.rsplit(" ", 1)[-1]) for m in matches)
    assert found == sorted(
        ("E3006", logical, f"'{region}'") for logical in injected for region in CHINA
    )


def test_the_distribution_uses_nothing_cloudfront_china_refuses(china, global_prod):
    def used(template: dict[str, Any]) -> set[str]:
        config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
        return {key for path, _ in _strings(config) for key in path}

    assert not used(china) & REFUSED_PROPERTIES
    assert len(used(global_prod) & REFUSED_PROPERTIES) >= 5  # the global one has them
    kinds = {r["Type"] for r in china["Resources"].values()}
    # policies a distribution there cannot name are not made either
    assert not {k for k in kinds if k.endswith(("Policy", "PolicyConfig"))} - {
        "AWS::S3::BucketPolicy"
    }
    config = china["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    assert config["Aliases"] == [{"Ref": "SiteDomainName"}]  # never *.cloudfront.cn
    assert config["ViewerCertificate"]["IamCertificateId"] == {"Ref": "SiteIamCertificateId"}
    for name in ("SiteDomainName", "SiteIamCertificateId"):  # required: no default
        assert "Default" not in china["Parameters"][name]
    # Lambda has no X-Ray integration there
    functions = package._of_type(china, "AWS::Serverless::Function")
    assert functions and not [n for n, f in functions.items() if "Tracing" in f["Properties"]]


@pytest.mark.parametrize("partition", definitions.PARTITIONS)
def test_every_arn_names_the_partition_and_every_service_domain_the_url_suffix(partition):
    """ARNs are arn:${AWS::Partition}:…, service domains …${AWS::URLSuffix} (amazonaws.com.cn
    there), in the template, in what package.py generates and in the policy files; the only
    amazonaws.com left are service principals, named alike in both partitions."""
    template = json.loads(package.build("prod", partition=partition).read_text("utf-8"))
    sources = [("template", template)] + [
        (path.name, json.loads(path.read_text())) for path in ROOT.glob(".chalice/policy-*.json")
    ]
    arns = 0
    for name, document in sources:
        for where, text in _strings(document):
            arns += text.count("arn:")
            assert not re.search(r"arn:(?!\$\{AWS::Partition\}:)", text), (name, where)
            for _ in re.finditer(r"amazonaws\.com", text):
                principal = where[-1] == "Service" or (where[-1] == "Principal")
                assert principal and text in SERVICE_PRINCIPALS, (name, where, text)
            assert "cloudfront.net" not in text or partition == "aws"
            assert "amazoncognito.com" not in text or partition == "aws", (name, where)
    assert arns > 20  # (the policies, the triggers' queues, the integrations, the buckets)


# --- the site without CloudFront functions ----------------------------------------------------


def _behaviours(config: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(b["PathPattern"], b) for b in config["CacheBehaviors"]] + [
        ("*", config["DefaultCacheBehavior"])
    ]


def _matches(pattern: str, path: str) -> bool:
    """CloudFront's path patterns: * any characters (/ too), ? one; case-sensitive."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, path) is not None


def _served_by(config: dict[str, Any], uri: str) -> str:
    """The origin CloudFront sends a request for ``uri`` to (first behaviour that matches).
    The root is the default root object: whichever of / and /index.html the behaviours are
    matched with, it must be one origin."""
    candidates = [uri, "/" + config["DefaultRootObject"]] if uri == "/" else [uri]
    origins = {
        next(b["TargetOriginId"] for p, b in _behaviours(config) if _matches(p, path))
        for path in candidates
    }
    (origin,) = origins
    return origin


def _api_route(paths: dict[str, Any], path: str) -> str | None:
    """The API Gateway resource a request path reaches: an exact path, else the longest
    {proxy+} parent; None is API Gateway's own 403 "Missing Authentication Token"."""
    if path.rstrip("/") in paths or path in paths:
        return path.rstrip("/") or "/"
    greedy = [p for p in paths if p.endswith("/{proxy+}")]
    for route in sorted(greedy, key=len, reverse=True):
        prefix = route[: -len("{proxy+}")]
        if path.startswith(prefix) and len(path) > len(prefix):
            return route
    return None


PAGES = [
    "/",
    "/login",
    "/callback",
    "/appeals/XQT-20260105-0001",
    "/my/appeals/",
    "/admin/users",
    "/index.html",
]
FILES = ["/assets/index-abc123.js", "/assets/index-abc123.css", "/config.json", "/favicon.svg"]


def test_pages_are_index_html_from_api_gateway_and_the_apis_own_errors_pass(cn_prod):
    """Request by request through the distribution and the API: every client-side route is
    the pages route (index.html from the bucket), files come from the bucket, /api/* reaches
    Chalice's routes, and a request for no API route gets API Gateway's own refusal (our
    problem+json 404), which no error page of the distribution turns into the SPA."""
    config = cn_prod["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    body = cn_prod["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    stage = cn_prod["Resources"]["RestAPI"]["Properties"]["StageName"]
    chalice = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert stage == chalice["stages"]["prod"]["api_gateway_stage"]

    def through_api(origin: str, uri: str) -> str | None:
        origin_path = origins[origin]["OriginPath"]
        assert origin_path.split("/")[1] == stage
        return _api_route(body["paths"], origin_path[len(stage) + 1 :] + uri)

    for uri in PAGES:
        assert _served_by(config, uri) == "pages", uri
        route = through_api("pages", "/index.html" if uri == "/" else uri)
        assert route in (package.PAGES_PATH, f"{package.PAGES_PATH}/{{proxy+}}"), uri
    for uri in FILES:
        assert _served_by(config, uri) == "spa", uri
    assert _served_by(config, "/api/v1/health") == "api"
    assert through_api("api", "/api/v1/health") == "/api/v1/health"
    assert _served_by(config, "/api/v1/no-such-thing.json") == "api"
    assert through_api("api", "/api/v1/no-such-thing.json") is None
    refusals = body["x-amazon-apigateway-gateway-responses"]
    assert refusals["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == 404
    assert "CustomErrorResponses" not in config
    # the pages route is index.html of the SPA's bucket, read with a role that reads nothing else
    for route in (package.PAGES_PATH, f"{package.PAGES_PATH}/{{proxy+}}"):
        integration = body["paths"][route]["get"]["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws" and integration["httpMethod"] == "GET"
        assert integration["uri"]["Fn::Sub"].endswith(":s3:path/${SpaBucket}/index.html")
        assert integration["credentials"] == {"Fn::GetAtt": ["SpaIndexRole", "Arn"]}
    role = cn_prod["Resources"]["SpaIndexRole"]["Properties"]
    (policy,) = role["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == {"Fn::Sub": "${SpaBucket.Arn}/index.html"}
    # pages are never cached at the edge: a new index.html is live at once
    pages = [b for p, b in _behaviours(config) if b["TargetOriginId"] == "pages"]
    assert pages and all(b["MaxTTL"] == 0 for b in pages)
    assert not [p for p in body["paths"] if p.startswith("/api/") and "spa" in p]


def test_no_client_route_looks_like_a_file_and_every_file_does():
    """/*.* sends a path with a dot to the bucket: the SPA's routes have none, and every file
    at the root of its build (but index.html, which is a page) has one."""
    router = (ROOT / "frontend" / "src" / "router.ts").read_text()
    routes = re.findall(r"path:\s*'([^']+)'", router)
    assert "/appeals/:id" in routes
    assert [r for r in routes if "." in r.replace("(.*)*", "")] == []
    built = ROOT / "frontend" / "dist"
    root = built if built.is_dir() else ROOT / "frontend" / "public"
    files = {p.name for p in root.iterdir() if p.is_file()} - {"index.html"}
    assert files and all("." in name for name in files)


def _page_templates(template: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    for route in (package.PAGES_PATH, f"{package.PAGES_PATH}/{{proxy+}}"):
        integration = body["paths"][route]["get"]["x-amazon-apigateway-integration"]
        for selection, response in integration["responses"].items():
            for mime, mapping in response["responseTemplates"].items():
                yield route, selection, mime, mapping


OVERRIDE = (
    r"#set\(\$context\.responseOverride\.header\.([\w-]+) = "
    r'"((?:[^"$#]|\$\{\w+\})*)"\)'
)


def test_every_page_carries_the_sites_security_headers(cn_prod):
    """The headers CloudFront's response headers policy adds in the global regions
    (SiteHeadersPolicy, the one definition) are set by API Gateway on every page in China:
    the same Content-Security-Policy (its sources: the attachments bucket by name, the
    identity provider's origins), HSTS, nosniff, DENY framing, referrer and permissions
    policies, COOP; and the page is text/html, never cached."""
    expected = definitions.security_headers()
    csp_text = expected.pop("Content-Security-Policy")["Fn::Sub"][0]
    bucket = definitions.template()["Resources"]["AttachmentsBucket"]["Properties"]["BucketName"]
    body = cn_prod["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    seen = 0
    for route, selection, _mime, mapping in _page_templates(cn_prod):
        text, variables = mapping["Fn::Sub"]
        *overrides, last = text.splitlines()
        sets = [
            # a VTL string: no quote, no $ or # but the template's own ${Sources}
            re.fullmatch(OVERRIDE, line)
            for line in overrides
        ]
        assert all(sets), text
        headers = dict(m.groups() for m in sets if m)
        assert headers.pop("Content-Security-Policy") == csp_text
        assert headers.pop("Content-Type") == "text/html; charset=utf-8"
        assert headers == expected
        assert variables == {
            "Uploads": {
                "Fn::Sub": f"https://{bucket['Fn::Sub']}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}"
            },
            "IdentityOrigins": {"Ref": "AuthConnectOrigins"},
        }
        response = body["paths"][route]["get"]["x-amazon-apigateway-integration"]["responses"]
        caching = response[selection]["responseParameters"]["method.response.header.Cache-Control"]
        if selection == "default":
            assert last == "$input.body" and caching == "'no-cache'"
        else:  # S3 refused (index.html not uploaded): a page saying so, never cached
            assert re.fullmatch(r"\[45\]\\d\{2\}", selection) and caching == "'no-store'"
            assert "<title>兴企通</title>" in last
        declared = body["paths"][route]["get"]["responses"]
        assert set(headers) | {"Content-Security-Policy", "Cache-Control"} <= set(
            declared["200"]["headers"]
        )
        seen += 1
    assert seen == 8  # two routes, two responses, two templates each
    # the same policy the global site and the local stack send, sources filled alike
    sources = {"Uploads": "U", "IdentityOrigins": "I"}
    filled = re.sub(r"\$\{(\w+)\}", lambda m: sources[m[1]], csp_text)
    assert filled == definitions.content_security_policy(Uploads="U", IdentityOrigins="I")


def test_the_api_behaviour_forwards_every_header_the_api_reads(cn_prod):
    """China's /api/* behaviour forwards a list of headers (legacy cache settings, no origin
    request policy): every request header the code reads is in it, and Host is not (API
    Gateway answers its own name only)."""
    from chalicelib.api.appeals import IDEMPOTENCY_HEADER

    read = {IDEMPOTENCY_HEADER.lower(), "authorization"}
    for path in (ROOT / "chalicelib").rglob("*.py"):
        found = re.findall(r'(?:headers|hdrs)\.get\(\s*"([\w-]+)"', path.read_text())
        read |= {h.lower() for h in found}
    read -= {"allow"}  # a response header the middleware copies, not a request header
    config = cn_prod["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    forwarded = {h.lower() for h in api["ForwardedValues"]["Headers"]}
    assert {"authorization", "accept-language", "idempotency-key", "x-request-id"} <= read
    assert sorted(read - forwarded) == []
    assert "host" not in forwarded and api["ForwardedValues"]["QueryString"] is True
    assert api["MaxTTL"] == 0  # nothing of the API is cached


# --- identity, notifications, policy ----------------------------------------------------------


def test_china_chooses_only_providers_it_has():
    """No Cognito and no SES there: the identity is an OIDC issuer given in full (required
    parameters), e-mail is logged, SMS goes through a provider the code has other than SNS."""
    from chalicelib.jobs import outbox

    merged = package.merge_fragments("prod", "aws-cn")
    params, outputs = merged["Parameters"], merged["Outputs"]
    for name in ("AuthIssuer", "AuthAudience", "AuthJwksUrl", "AuthConnectOrigins"):
        assert "Default" not in params[name], name
    sms = set(params["SmsProvider"]["AllowedValues"])
    assert sms <= set(outbox.PROVIDERS["sms"]) - {"sns"}
    assert "aliyun" in sms  # SMS that reach mainland mobiles from there (docs/sms.md)
    assert outputs["EmailProvider"]["Value"] in set(outbox.PROVIDERS["email"]) - {"ses"}
    assert "IdentityProvider" not in params and "EmailIdentity" not in params
    # the functions get the same variables in both partitions
    assert set(package.lambda_environment(merged)) == set(
        package.lambda_environment(package.merge_fragments("prod"))
    )


#: Parameters both partitions have but define differently, and why.
DIFFERENT_IN_CHINA = {
    "SiteDomainName": "required there (ICP-filed), with a pattern",
    "SiteIamCertificateId": "required there (no ACM for CloudFront)",
    "AuthIssuer": "required there (no Cognito)",
    "AuthAudience": "required there",
    "AuthJwksUrl": "required there",
    "AuthConnectOrigins": "required there, origins only (written into the CSP)",
    "AuthAudienceClaim": "descriptions only (no Cognito to mention)",
    "SpaClientId": "descriptions only",
    "SpaToken": "descriptions only",
    "SmsProvider": "no SMS through SNS there",
    "CentreEmail": "description: e-mail is logged there",
}
#: The global template's parameters the China one does not have.
GLOBAL_ONLY = {
    "SiteCertificateArn": "ACM: not for CloudFront there",
    "PriceClass": "CloudFront China's own edges, one price class",
    "IdentityProvider": "Cognito or OIDC: only OIDC there",
    "EmailIdentity": "SES: not there",
}


def test_what_the_partitions_share_is_defined_alike():
    """The China fragments repeat what they share with the global ones: alike, or listed here
    with the reason they differ."""
    world = package.merge_fragments("prod")
    china = package.merge_fragments("prod", "aws-cn")
    for name in ("SpaBucket", "RestAPI", "AttachmentsBucket", "MainTable", "AlarmTopic"):
        mine, theirs = world["Resources"][name], china["Resources"][name]
        if name == "AttachmentsBucket":  # its CORS: the site's domain only (no *.cloudfront.cn)
            mine, theirs = (
                {k: v for k, v in r["Properties"].items() if k != "CorsConfiguration"}
                for r in (mine, theirs)
            )
        assert mine == theirs, name
    assert set(world["Parameters"]) - set(china["Parameters"]) == set(GLOBAL_ONLY)
    assert set(china["Parameters"]) <= set(world["Parameters"])
    for name in set(world["Parameters"]) & set(china["Parameters"]):
        same = world["Parameters"][name] == china["Parameters"][name]
        assert same != (name in DIFFERENT_IN_CHINA), name
    # the outputs deploy.py and the functions read are there by the same names
    assert set(world["Outputs"]) - set(china["Outputs"]) == {"SenderDkimRecords"}


def test_finishing_for_china_refuses_what_cannot_deploy_there(cn_prod, monkeypatch):
    sam = json.loads(package.artifact("prod", "sam", "aws-cn").read_text(encoding="utf-8"))
    assert package.finish(sam, "aws-cn") == cn_prod  # deterministic
    traced = copy.deepcopy(sam)
    traced["Resources"]["APIHandler"]["Properties"]["Tracing"] = "Active"
    with pytest.raises(package.PackageError, match="X-Ray"):
        package.finish(traced, "aws-cn")
    taken = copy.deepcopy(sam)
    paths = taken["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    paths[f"{package.PAGES_PATH}/x"] = paths["/api/v1/health"]
    with pytest.raises(package.PackageError, match="where the pages route is"):
        package.finish(taken, "aws-cn")
    # the SES statement kept in China names a parameter that is not there
    monkeypatch.setitem(package.OMITTED_STATEMENTS, "aws-cn", {"SmsToPhoneNumbersOnly": "-"})
    with pytest.raises(package.PackageError, match=r"\$\{EmailIdentity\}"):
        package.finish(sam, "aws-cn")
    monkeypatch.setitem(package.OMITTED_STATEMENTS, "aws-cn", {"Mail": "-"})
    with pytest.raises(package.PackageError, match="no statement"):
        package.finish(sam, "aws-cn")


def test_the_partition_follows_the_region():
    assert package.partition_of("cn-north-1") == "aws-cn"
    assert package.partition_of("cn-northwest-1") == "aws-cn"
    assert package.partition_of("ap-east-1") == "aws"
    with pytest.raises(package.PackageError):
        package.partition_of("us-gov-west-1")


def test_the_china_functions_may_not_call_what_the_stack_there_cannot_use(china):
    """Every function role's policy in China is the stage's policy file less its SES and SNS
    statements, and those are the only statements that name services China lacks."""
    for logical, role in package._function_roles(china).items():
        (policy,) = role["Properties"]["Policies"]
        text = json.dumps(policy)
        assert "ses:" not in text and "sns:" not in text, logical
        assert "EmailIdentity" not in text


@functools.cache
def _code_needs() -> dict[str, list[str]]:
    from infra import aws_calls

    return aws_calls.required_actions(aws_calls.scan(aws_calls.app_sources(ROOT), ROOT))


def _call_sites(cls: type) -> tuple[str, range]:
    lines, first = inspect.getsourcelines(cls)
    path = Path(inspect.getfile(cls)).resolve().relative_to(ROOT).as_posix()
    return path, range(first, first + len(lines))


def test_what_the_china_policy_lacks_is_called_by_providers_china_cannot_choose(china):
    """The code's AWS calls (infra/aws_calls.py) that China's policy does not allow are each
    made inside a provider the China stack cannot choose (SNS SMS, SES e-mail): a new call
    anywhere else would fail here."""
    from chalicelib.jobs import outbox
    from infra import aws_calls

    merged = package.merge_fragments("prod", "aws-cn")
    choosable = {
        "sms": set(merged["Parameters"]["SmsProvider"]["AllowedValues"]),
        "email": {merged["Outputs"]["EmailProvider"]["Value"]},
    }
    unreachable = [
        _call_sites(cls)
        for channel, providers in outbox.PROVIDERS.items()
        for name, cls in providers.items()
        if name not in choosable[channel]
    ]
    needed = _code_needs()
    for logical, role in package._function_roles(china).items():
        (policy,) = role["Properties"]["Policies"]
        missing = aws_calls.missing_from(policy["PolicyDocument"], needed)
        assert missing, "the omitted statements should be missing somewhere"
        for action in missing:
            for site in needed[action]:
                path, line = site.rsplit(":", 1)
                assert any(path == p and int(line) in lines for p, lines in unreachable), (
                    logical,
                    action,
                    site,
                )


def test_china_sends_sms_through_alibaba_with_its_key_in_one_secret(cn_prod):
    """The China stack can choose Alibaba Cloud SMS: the sign name, the template codes and the
    secret's name reach every function as the variables the provider reads, the 受理回执's
    /track address is the site's domain, and the functions may read that one secret only."""
    from chalicelib.config import _templates
    from chalicelib.domain.outbox import SMS_KINDS

    example = json.loads((ROOT / "infra" / "parameters.cn.example.json").read_text("utf-8"))
    assert example["SmsProvider"] == "aliyun"
    assert set(_templates(example["AliyunSmsTemplates"])) == set(SMS_KINDS)  # every kind
    for logical, fn in package._of_type(cn_prod, "AWS::Serverless::Function").items():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["XQT_SMS_PROVIDER"] == {"Ref": "SmsProvider"}, logical
        assert env["XQT_ALIYUN_SMS_SIGN_NAME"] == {"Ref": "AliyunSmsSignName"}
        assert env["XQT_ALIYUN_SMS_TEMPLATES"] == {"Ref": "AliyunSmsTemplates"}
        assert env["XQT_ALIYUN_SMS_SECRET"] == {"Ref": "AliyunSmsSecretName"}
        assert env["XQT_PUBLIC_URL"] == {"Fn::Sub": "https://${SiteDomainName}"}
        assert not any(k.startswith("XQT_ALIYUN_ACCESS_KEY") for k in env), "no key in the env"
    for logical, role in package._function_roles(cn_prod).items():
        (policy,) = role["Properties"]["Policies"]
        reads = [
            s
            for s in policy["PolicyDocument"]["Statement"]
            if any(a.startswith("secretsmanager:") for a in s["Action"])
        ]
        assert [s["Action"] for s in reads] == [["secretsmanager:GetSecretValue"]], logical
        assert reads[0]["Resource"] == {
            "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:"
            "${AWS::AccountId}:secret:${AliyunSmsSecretName}-*"
        }
