"""The one definition of tables, buckets and queues: read from ``infra/resources.yaml``.

The local stack and the API tests create what they need from this module, so the code and
the cloud template cannot drift. Deployed stages get the same resources from the template
through ``chalice package --merge-template`` (``infra/package.py``). The site's
Content-Security-Policy is read from ``infra/site.yaml`` the same way, so the local stack
and CloudFront send one policy (and, in the China regions, API Gateway with each page).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

INFRA = Path(__file__).parent
TEMPLATE = INFRA / "resources.yaml"
#: The templates merged into one stack, in merge order (``infra/package.py``), per AWS
#: partition: the global regions (``aws``) and the China regions (``aws-cn``), whose
#: CloudFormation knows no origin access control, CloudFront function, Cognito user pool or
#: SES identity, so that the site, identity and notifications have a China variant each.
PARTITION_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "aws": (
        "resources.yaml",
        "site.yaml",
        "identity.yaml",
        "notifications.yaml",
        "alarms.yaml",
    ),
    "aws-cn": (
        "resources.yaml",
        "site.cn.yaml",
        "identity.cn.yaml",
        "notifications.cn.yaml",
        "alarms.yaml",
    ),
}
PARTITIONS = tuple(PARTITION_FRAGMENTS)
#: The global regions' fragments.
FRAGMENTS = PARTITION_FRAGMENTS["aws"]

#: Environment variable through which the app learns each resource's physical name.
ENV_VARS: dict[str, str] = {
    "MainTable": "XQT_TABLE",
    "ReportsBucket": "XQT_REPORTS_BUCKET",
    "AttachmentsBucket": "XQT_ATTACHMENTS_BUCKET",
    "EscalationQueue": "XQT_ESCALATION_QUEUE",
    "ReportQueue": "XQT_REPORT_QUEUE",
    "JobQueue": "XQT_JOB_QUEUE",
}


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that keeps CloudFormation short-form tags (``!Ref X`` → ``{"Ref": X}``)."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load(path: Path) -> dict[str, Any]:
    """A CloudFormation template in YAML, short-form tags as their long form."""
    with path.open(encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.load(fh, Loader=_CfnLoader)  # noqa: S506 - SafeLoader
    return loaded


@cache
def template(name: str = TEMPLATE.name) -> dict[str, Any]:
    """A parsed template of ``infra/`` (by default the data resources)."""
    return load(INFRA / name)


def content_security_policy(**sources: str) -> str:
    """The site's Content-Security-Policy (``SiteHeadersPolicy`` in ``infra/site.yaml``) with
    its ``${...}`` sources filled from ``sources`` (left out: none), e.g. the local stack's
    policy, where the SPA connects to its own origin only."""
    config = template("site.yaml")["Resources"]["SiteHeadersPolicy"]["Properties"]
    csp = config["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    text, _variables = csp["ContentSecurityPolicy"]["Fn::Sub"]
    filled = re.sub(r"\$\{([^}]+)\}", lambda m: sources.get(m.group(1), ""), text)
    return "; ".join(" ".join(part.split()) for part in filled.split(";"))


def security_headers() -> dict[str, Any]:
    """The response headers ``SiteHeadersPolicy`` (``infra/site.yaml``) adds, by name: the
    Content-Security-Policy as its ``Fn::Sub`` (text, variables), the others as strings. The
    China package sends these with every page from API Gateway (``infra/package.py``)."""
    config = template("site.yaml")["Resources"]["SiteHeadersPolicy"]["Properties"]
    policy = config["ResponseHeadersPolicyConfig"]
    security = policy["SecurityHeadersConfig"]
    text, variables = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    csp = "; ".join(" ".join(part.split()) for part in text.split(";"))
    hsts = security["StrictTransportSecurity"]
    hsts_value = f"max-age={hsts['AccessControlMaxAgeSec']}"
    hsts_value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
    hsts_value += "; preload" if hsts.get("Preload") else ""
    headers: dict[str, Any] = {
        "Content-Security-Policy": {"Fn::Sub": [csp, variables]},
        "Strict-Transport-Security": hsts_value,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    for item in policy.get("CustomHeadersConfig", {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    return headers


def upload_cors_rules(origins: list[str]) -> list[dict[str, Any]]:
    """The attachments bucket's CORS rules (``infra/site.yaml``) for other site origins, in
    ``put_bucket_cors``'s shape: the local stack's, where the bucket is the moto server's."""
    bucket = template("site.yaml")["Resources"]["AttachmentsBucket"]["Properties"]
    names = {
        "Id": "ID",
        "AllowedMethods": "AllowedMethods",
        "AllowedHeaders": "AllowedHeaders",
        "ExposedHeaders": "ExposeHeaders",
        "MaxAge": "MaxAgeSeconds",
    }
    rules = []
    for rule in bucket["CorsConfiguration"]["CorsRules"]:
        converted = {names[k]: v for k, v in rule.items() if k in names}
        rules.append({**converted, "AllowedOrigins": list(origins)})
    return rules


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: res.get("Properties", {})
        for name, res in template()["Resources"].items()
        if res["Type"] == kind
    }


@dataclass(frozen=True)
class Names:
    """Physical names for one local or test deployment (``prefix`` keeps them apart)."""

    prefix: str

    def of(self, logical_id: str) -> str:
        """Physical name of a resource: lower-case, S3-safe."""
        return f"{self.prefix}-{logical_id}".lower()

    def environment(self) -> dict[str, str]:
        """The environment variables that point the app at these resources."""
        return {env: self.of(logical) for logical, env in ENV_VARS.items()}


def table_specs(names: Names) -> list[dict[str, Any]]:
    """``create_table`` arguments for every table in the template."""
    specs = []
    for logical, props in _resources("AWS::DynamoDB::Table").items():
        spec: dict[str, Any] = {
            "TableName": names.of(logical),
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            spec["GlobalSecondaryIndexes"] = [
                {k: v for k, v in gsi.items() if k in ("IndexName", "KeySchema", "Projection")}
                for gsi in props["GlobalSecondaryIndexes"]
            ]
        specs.append(spec)
    return specs


def ttl_specs(names: Names) -> list[tuple[str, str]]:
    """(table name, TTL attribute) for every table with TTL enabled."""
    out = []
    for logical, props in _resources("AWS::DynamoDB::Table").items():
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            out.append((names.of(logical), ttl["AttributeName"]))
    return out


def bucket_names(names: Names) -> list[str]:
    """Physical names of every bucket in the template."""
    return [names.of(logical) for logical in _resources("AWS::S3::Bucket")]


def queue_specs(names: Names) -> list[dict[str, Any]]:
    """``create_queue`` arguments for every queue, dead-letter queues first (a redrive policy
    names its target by ARN, resolved at creation)."""
    queues = _resources("AWS::SQS::Queue")
    ordered = sorted(queues, key=lambda q: "RedrivePolicy" in queues[q])
    specs = []
    for logical in ordered:
        props = queues[logical]
        attributes: dict[str, Any] = {
            k: str(props[k]) for k in ("VisibilityTimeout", "MessageRetentionPeriod") if k in props
        }
        redrive = props.get("RedrivePolicy")
        if redrive:
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
            attributes["RedrivePolicy"] = {
                "deadLetterTarget": names.of(target),
                "maxReceiveCount": str(redrive["maxReceiveCount"]),
            }
        specs.append({"QueueName": names.of(logical), "Attributes": attributes})
    return specs


def create_all(session: Any, names: Names, region: str = "us-east-1") -> None:
    """Create every table, bucket and queue of the template (skipping those that exist)."""
    ddb = session.client("dynamodb", region_name=region)
    existing = set(ddb.list_tables()["TableNames"])
    for spec in table_specs(names):
        if spec["TableName"] not in existing:
            ddb.create_table(**spec)
    for table, attr in ttl_specs(names):
        ddb.update_time_to_live(
            TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": attr}
        )
    s3 = session.client("s3", region_name=region)
    have = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in bucket_names(names):
        if bucket not in have:
            s3.create_bucket(Bucket=bucket)
    sqs = session.client("sqs", region_name=region)
    for spec in queue_specs(names):
        attributes = dict(spec["Attributes"])
        redrive = attributes.pop("RedrivePolicy", None)
        if redrive:
            target_url = sqs.get_queue_url(QueueName=redrive["deadLetterTarget"])["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=target_url, AttributeNames=["QueueArn"])
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": arn["Attributes"]["QueueArn"],
                    "maxReceiveCount": redrive["maxReceiveCount"],
                }
            )
        sqs.create_queue(QueueName=spec["QueueName"], Attributes=attributes)
