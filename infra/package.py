"""``make package``: one deployable CloudFormation template per stage and AWS partition (the
global regions, ``template.json``; the China regions, ``template-cn.json``), and the Lambda
zip they share.

Three steps, each deterministic (the same inputs give the same bytes):

1. **Merge ``infra/``.** The fragments of each partition (``definitions.PARTITION_FRAGMENTS``:
   data, site, identity, notifications, monitoring; the China regions have their own site,
   identity and notifications) become one template, ``build/<stage>/merge[-cn].json``; the
   ``Stage`` parameter can only be the stage packaged.
2. **``chalice package``**, once per stage: Chalice writes its SAM template (functions,
   roles, REST API, schedules, SQS triggers), ``chalice.json``, and the deployment zip. The
   app is imported with placeholder queue names (``xqt-package-…``), so each SQS trigger
   names the template queue it consumes. Each partition's ``merge[-cn].json`` is then merged
   into it by Chalice's own merger (what ``--merge-template`` runs), ``sam[-cn].json``.
3. **Finish** what only the packaged template can tell (the functions are Chalice's):
   every SQS trigger consumes its template queue (``!GetAtt``, which also orders the trigger
   after its queue) and reports batch item failures; every function gets the resources'
   names, the identity and notification settings, a log group kept ``LogRetentionDays`` (which it
   depends on) and an errors alarm; the policy file's ``${...}`` become ``Fn::Sub`` (and the
   statements of services a partition does not have are left out); API Gateway's own refusals
   get problem+json bodies; in the China regions API Gateway also answers the site's pages
   (index.html with the site's security headers, since CloudFront there has no functions and
   no response headers policies); the attachments bucket is named, not referenced, where a
   reference would close a dependency cycle (see ``resources.yaml``).

The result, ``build/<stage>/template[-cn].json`` with ``deployment.zip`` beside it, is what
``infra/deploy.py`` deploys and ``make lint-infra`` lints. A build is reused while none of
its inputs changed (their checksum is kept in ``build/<stage>/.inputs``).
"""

from __future__ import annotations

import argparse
import copy
import fcntl
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra import definitions
from infra.definitions import ENV_VARS, PARTITION_FRAGMENTS, PARTITIONS, Names

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
STAGES = ("dev", "prod")
#: What a partition's files are called in ``build/<stage>`` (``template.json``,
#: ``template-cn.json``, and their ``merge``/``sam`` beside them).
SUFFIX = {"aws": "", "aws-cn": "-cn"}
#: Placeholder resource names the app is packaged with (step 2 maps them back).
PACKAGE_NAMES = Names("xqt-package")
#: Lambda's limits on a deployment package uploaded through S3.
ZIPPED_LIMIT = 50 * 1024 * 1024
UNZIPPED_LIMIT = 250 * 1024 * 1024
#: Environment variables set from the stack's outputs (``identity.yaml``,
#: ``notifications.yaml``): what the parameters chose, computed once.
OUTPUT_ENV = {
    "XQT_AUTH_ISSUER": "AuthIssuer",
    "XQT_AUTH_AUDIENCE": "AuthAudience",
    "XQT_AUTH_JWKS_URL": "AuthJwksUrl",
    "XQT_AUTH_AUDIENCE_CLAIM": "AuthAudienceClaim",
    "XQT_SMS_PROVIDER": "SmsProvider",
    "XQT_EMAIL_PROVIDER": "EmailProvider",
    "XQT_MAIL_FROM": "MailFrom",
    "XQT_CENTRE_EMAIL": "CentreEmail",
    "XQT_PUBLIC_URL": "PublicUrl",
    "XQT_ALIYUN_SMS_SIGN_NAME": "AliyunSmsSignName",
    "XQT_ALIYUN_SMS_TEMPLATES": "AliyunSmsTemplates",
    "XQT_ALIYUN_SMS_SECRET": "AliyunSmsSecret",
}
#: Variables the code reads that the template leaves unset, on purpose: the code's default
#: is the deployed value, or the variable only means something on the local stack.
DEFAULTED_ENV = {
    "XQT_SWEEP_MINUTES": "the sweep's rate, 5 minutes",
    "XQT_SWEEP_SHARDS": "shards of the sweep's index, 4",
    "XQT_SEARCH_SNAPSHOT_MINUTES": "the enterprise search snapshot's rate, 5 minutes",
    "XQT_USER_CACHE_SECONDS": "a user's role cached 30 s in a warm function",
    "XQT_DIRECTORY_CACHE_SECONDS": "the directory cached 60 s in a warm function",
    "XQT_REPORT_MIN_RANKED": "a unit is ranked in a report from 5 appeals on",
    "XQT_AUTH_JWKS_FILE": "local stack only: its issuer's keys (deployed: XQT_AUTH_JWKS_URL)",
    "XQT_LOCAL_ISSUER_KEY_FILE": "local stack only: signs its demo users' tokens",
    "XQT_ALIYUN_SMS_ENDPOINT": "Alibaba Cloud SMS's endpoint, https://dysmsapi.aliyuncs.com",
    "XQT_ALIYUN_ACCESS_KEY_ID": "local stack and tests only (deployed: XQT_ALIYUN_SMS_SECRET)",
    "XQT_ALIYUN_ACCESS_KEY_SECRET": "local stack and tests only (deployed: the secret)",
    "XQT_WEBHOOK_LEASE_SECONDS": "a webhook delivery claimed by one outbox run, 60 s",
    "XQT_COMMON_MIN_APPEALS": "a common problem groups at least 3 appeals",
    "XQT_COMMON_MIN_ENTERPRISES": "a common problem comes from at least 3 enterprises",
    "XQT_COMMON_SIMILARITY": "texts at least 0.55 alike make a common problem",
    "XQT_COMMON_RECENT_DAYS": "common problems count appeals closed in the last 30 days",
    "XQT_COMMON_MAX_CANDIDATES": "common problems compare at most 3,000 appeals",
}
#: Further environment of every function: presigned S3 URLs on the regional endpoint (the
#: bucket origin the CSP allows), also in us-east-1 where boto3 would use the global one.
EXTRA_ENV = {"AWS_S3_US_EAST_1_REGIONAL_ENDPOINT": "regional"}
#: Resources named by a ``BucketName`` of their own, referenced by that name (not by
#: ``Ref``) from these resource types, which would otherwise close a dependency cycle.
NAME_INLINED_IN = (
    "AWS::Serverless::Function",
    "AWS::Serverless::Api",
    "AWS::IAM::Role",
    "AWS::CloudFront::ResponseHeadersPolicy",
)
#: Statements of the stage's policy file (by ``Sid``) that a partition leaves out, and why.
#: Neither provider can be chosen there (``notifications.cn.yaml``): the functions may not
#: call what the stack cannot use.
OMITTED_STATEMENTS: dict[str, dict[str, str]] = {
    "aws": {},
    "aws-cn": {
        "Email": "no SES in the China regions: e-mail is logged",
        "SmsToPhoneNumbersOnly": "no SMS through SNS there: the county's gateway sends SMS",
    },
}
#: API Gateway's pages route in the China regions (``site.cn.yaml``'s ``pages`` origin is
#: the API's stage and this path): every page is ``index.html`` from the SPA's bucket.
PAGES_PATH = "/spa"
_INPUTS = (
    "app.py",
    "requirements.txt",
    "chalicelib/**/*.py",
    "chalicelib/**/*.txt",  # the search dictionary (chalicelib/segmentation)
    ".chalice/config.json",
    ".chalice/policy-{stage}.json",
    "infra/*.yaml",
    "infra/package.py",
    "infra/definitions.py",
)


class PackageError(Exception):
    """The app and the templates do not fit together (an unknown queue, a cycle, ...)."""


def artifact(stage: str, name: str, partition: str = "aws") -> Path:
    """A partition's file of a stage's build: ``artifact("prod", "template", "aws-cn")`` is
    ``build/prod/template-cn.json``."""
    return BUILD / stage / f"{name}{SUFFIX[partition]}.json"


def partition_of(region: str) -> str:
    """The AWS partition of a region: ``aws-cn`` for ``cn-north-1`` and ``cn-northwest-1``,
    ``aws`` for the global regions; the others (GovCloud, ISO) are not packaged for."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith(("us-gov-", "us-iso", "eu-isoe-")):
        raise PackageError(f"{region} is in a partition this project is not packaged for")
    return "aws"


# --- 1. merging infra/ ----------------------------------------------------------------------


def _deep_merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = _deep_merge(base[key], value) if key in base else value
        return out
    return extra


def merge_fragments(stage: str, partition: str = "aws") -> dict[str, Any]:
    """A partition's fragments of ``infra/`` as one template (a parameter, condition or output
    defined twice must be defined alike; a resource named twice is deep-merged, as Chalice
    does)."""
    where = ", AWS China regions" if partition == "aws-cn" else ""
    merged: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"兴企通 (Xingqitong), stage {stage}{where}: made by infra/package.py",
    }
    for name in PARTITION_FRAGMENTS[partition]:
        fragment = definitions.template(name)
        for section in ("Parameters", "Rules", "Conditions", "Resources", "Outputs"):
            target = merged.setdefault(section, {})
            for key, value in fragment.get(section, {}).items():
                if key not in target:
                    target[key] = copy.deepcopy(value)
                elif section == "Resources":
                    target[key] = _deep_merge(target[key], copy.deepcopy(value))
                elif target[key] != value:
                    raise PackageError(f"{section}.{key} differs between fragments ({name})")
    merged["Parameters"]["Stage"].update({"AllowedValues": [stage], "Default": stage})
    return merged


# --- 2. chalice package -----------------------------------------------------------------------


def _chalice_environment() -> dict[str, str]:
    """The packaging process's environment: nothing of a local stage (no dev routes), the
    placeholder resource names, a region (Chalice wants one; the template has none)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XQT_", "AWS_ENDPOINT_URL")) and k != "AWS_PROFILE"
    }
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    env.update(PACKAGE_NAMES.environment())
    return env


def app_queues() -> dict[str, str]:
    """The app's SQS handlers → the template queue each consumes (the app imported as
    ``chalice package`` imports it)."""
    script = (
        "import json, app\n"
        "print(json.dumps({s.name: s.queue for s in app.app.event_sources"
        " if hasattr(s, 'queue')}))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_chalice_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    queues = _of_type(merge_fragments("dev"), "AWS::SQS::Queue")
    return {
        handler: _queue_of_trigger(name, queues)
        for handler, name in json.loads(done.stdout.strip().splitlines()[-1]).items()
    }


def run_chalice(stage: str, out: Path) -> None:
    """``chalice package`` into ``out`` (``sam.json``, Chalice's own template, and
    ``deployment.zip``); the partitions' templates are merged into it afterwards
    (``chalice_merge``), so that one run serves both."""
    chalice = Path(sys.executable).with_name("chalice")
    cmd = [
        str(chalice) if chalice.exists() else "chalice",
        "--project-dir",
        str(ROOT),
        "package",
        "--stage",
        stage,
        "--pkg-format",
        "cloudformation",
        str(out),
    ]
    done = subprocess.run(  # noqa: S603 - our own command line
        cmd, env=_chalice_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise PackageError(f"chalice package failed:\n{done.stdout}\n{done.stderr}")


#: Parts of the installed packages the functions never load, left out of the zip (jieba is
#: 42 MB installed; the knowledge base's search uses its tokenizer and HMM, on its own
#: dictionary): each with why.
PRUNED: dict[str, str] = {
    "jieba/lac_small/": "paddle mode's model (not installed, never enabled)",
    "jieba/posseg/": "part-of-speech tagging (not used)",
    "jieba/analyse/": "keyword extraction (not used)",
    "jieba/dict.txt": "jieba's own dictionary: chalicelib/segmentation has its own",
    "jieba/finalseg/prob_": "not the pickles Jython loads (.p): CPython imports the .py",
    "dns/": "dnspython: email-validator's deliverability check (DNS), never run (syntax only)",
    "aws_lambda_powertools/event_handler/": "Powertools' own API router (Chalice routes)",
}
#: What Lambda's Python runtime provides (the AWS SDK for Python and what it needs): left out,
#: so the functions use the runtime's. The code calls only long-standing DynamoDB, S3, SQS,
#: SES and SNS operations (docs/deploy.md, "The deployment zip"); the local stack and the
#: tests run the pinned boto3 of requirements.txt.
RUNTIME_PROVIDED = ("boto3/", "botocore/", "s3transfer/", "jmespath/", "dateutil/", "urllib3/")
RUNTIME_PROVIDED_FILES = ("six.py",)
#: Packages of which only some modules are ever imported: the package → what is kept (each
#: a path prefix inside it). python-stdnum: the credit code (``stdnum.cn.uscc``) and what it
#: imports; holidays: the Chinese holidays' translations (``holidays.China``, the fallback
#: calendar), every country's module kept (``holidays.countries`` imports them all);
#: Powertools: the logger's, the batch processor's and what they import (logging and metrics
#: kept whole).
KEPT_ONLY: dict[str, tuple[str, ...]] = {
    "stdnum/": ("__init__.py", "exceptions.py", "util.py", "cn/"),
    "holidays/locale/": ("*/LC_MESSAGES/CN.mo",),
    "aws_lambda_powertools/utilities/": (
        "__init__.py",
        "batch/",
        "typing/",
        "data_classes/",
        "parser/",  # the batch processor's record models (pydantic is installed)
        "jmespath_utils/",  # the logger's
        "serialization.py",
    ),
}


def _kept_only(name: str) -> bool:
    """Whether ``name`` is in a :data:`KEPT_ONLY` package but not among what it keeps."""
    for package, kept in KEPT_ONLY.items():
        if name.startswith(package):
            rest = name[len(package) :]
            return not any(
                fnmatch.fnmatch(rest, pattern) if "*" in pattern else rest.startswith(pattern)
                for pattern in kept
            )
    return False


#: Distribution metadata read at import: holidays asks ``importlib.metadata`` for its version.
METADATA_READ = ("holidays-",)


def _pruned(name: str) -> bool:
    top = name.split("/", 1)[0]
    if (
        # distributions' metadata (but what a package reads of its own) and install scripts
        (
            top.endswith(".dist-info")
            and not (top.startswith(METADATA_READ) and name.endswith("/METADATA"))
        )
        or top.endswith(".data")
        or "__pycache__/" in name  # bytecode of the packaging machine; Lambda compiles its own
        or name.endswith((".pyi", "/py.typed"))  # type stubs
        or name.startswith(RUNTIME_PROVIDED)
        or name in RUNTIME_PROVIDED_FILES
        or _kept_only(name)
    ):
        return True
    for prefix in PRUNED:
        if name.startswith(prefix):
            return not (prefix == "jieba/finalseg/prob_" and name.endswith(".py"))
    return False


def prune(zip_path: Path) -> None:
    """Rewrite the deployment zip without what :func:`_pruned` names (entries, order and
    dates kept, so the same zip gives the same bytes), deflated at the highest level (4 %
    smaller than Chalice's default; Lambda unpacks it once per cold start either way)."""
    kept = zip_path.with_suffix(".pruned")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(kept, "w") as target:
        for info in source.infolist():
            if not _pruned(info.filename):
                target.writestr(
                    info, source.read(info), compress_type=info.compress_type, compresslevel=9
                )
    kept.replace(zip_path)


def chalice_merge(merge: dict[str, Any], chalice_template: dict[str, Any]) -> dict[str, Any]:
    """``merge`` deep-merged into Chalice's template by Chalice's own merger: what
    ``chalice package --merge-template`` does last (its TemplateMergePostProcessor), for a
    template already written. ``chalice_template`` is not changed."""
    from chalice.package import TemplateDeepMerger

    merged = copy.deepcopy(chalice_template)
    merged.update(TemplateDeepMerger().merge(copy.deepcopy(merge), merged))
    return merged


# --- 3. finishing the packaged template -------------------------------------------------------


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r.get("Type") == kind}


def function_name(resource: dict[str, Any]) -> str:
    """A function's short name from its handler: ``app.deadline_sweep`` → ``deadline-sweep``;
    the API's (``app.app``) is ``api``."""
    handler = resource["Properties"]["Handler"].rsplit(".", 1)[-1]
    return "api" if handler == "app" else handler.replace("_", "-")


def _resource_env(template: dict[str, Any]) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for logical, var in ENV_VARS.items():
        kind = template["Resources"][logical]["Type"]
        if kind == "AWS::SQS::Queue":
            env[var] = {"Fn::GetAtt": [logical, "QueueName"]}
        else:
            env[var] = {"Ref": logical}
    return env


def lambda_environment(template: dict[str, Any]) -> dict[str, Any]:
    """What every function's environment gains from the template: the resources' names, the
    identity and notification settings (``OUTPUT_ENV``), and ``EXTRA_ENV``."""
    outputs = template["Outputs"]
    return {
        **_resource_env(template),
        **{var: copy.deepcopy(outputs[name]["Value"]) for var, name in OUTPUT_ENV.items()},
        **EXTRA_ENV,
    }


def _subbed(node: Any) -> Any:
    """Policy-file strings with ``${...}`` as ``Fn::Sub`` (the rest unchanged)."""
    if isinstance(node, str) and "${" in node:
        return {"Fn::Sub": node}
    if isinstance(node, list):
        return [_subbed(v) for v in node]
    if isinstance(node, dict):
        return {k: _subbed(v) for k, v in node.items()}
    return node


def _queue_of_trigger(queue: Any, queues: dict[str, Any]) -> str:
    """The template queue a Chalice SQS trigger names (by its placeholder name)."""
    text = queue.get("Fn::Sub", "") if isinstance(queue, dict) else str(queue)
    name = text.rsplit(":", 1)[-1]
    for logical in queues:
        if PACKAGE_NAMES.of(logical) == name:
            return logical
    variables = sorted(ENV_VARS[q] for q in queues if q in ENV_VARS)
    raise PackageError(
        f"an SQS handler consumes {name!r}, which is no queue of infra/resources.yaml "
        f"(its name must come from {' or '.join(variables)})"
    )


def _finish_function(template: dict[str, Any], logical: str, resource: dict[str, Any]) -> None:
    props = resource["Properties"]
    short = function_name(resource)
    props["FunctionName"] = {"Fn::Sub": f"${{AWS::StackName}}-{short}"}
    props.setdefault("Environment", {}).setdefault("Variables", {}).update(
        lambda_environment(template)
    )
    queues = _of_type(template, "AWS::SQS::Queue")
    for event in props.get("Events", {}).values():
        if event["Type"] != "SQS":
            continue
        queue = _queue_of_trigger(event["Properties"]["Queue"], queues)
        event["Properties"]["Queue"] = {"Fn::GetAtt": [queue, "Arn"]}
        event["Properties"]["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
        visibility = int(queues[queue]["Properties"].get("VisibilityTimeout", 30))
        if visibility < int(props["Timeout"]):
            raise PackageError(
                f"{queue}'s VisibilityTimeout ({visibility} s) is shorter than {logical}'s "
                f"timeout ({props['Timeout']} s): Lambda refuses such a trigger"
            )
    resources = template["Resources"]
    log_group = f"{logical}LogGroup"
    resources[log_group] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}-{short}"},
            "RetentionInDays": {"Ref": "LogRetentionDays"},
        },
    }
    # the trigger's queue is a dependency through its !GetAtt already (cfn-lint W3005 calls a
    # DependsOn on top redundant); the log group must exist before the function first logs
    resource["DependsOn"] = sorted({log_group} | set(resource.get("DependsOn", [])))
    resources[f"{logical}ErrorsAlarm"] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": f"函数 {short} 出错：请查看其日志。",
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": logical}}],
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
        },
    }


#: API Gateway's own refusals, answered as the app answers (``chalicelib/api/problems.py``):
#: response type → (status, error code). A request for no route is API Gateway's 403
#: "Missing Authentication Token"; the app (and the local stack) call that a 404.
GATEWAY_REFUSALS: dict[str, tuple[int, str]] = {
    "UNAUTHORIZED": (401, "unauthorized"),
    "ACCESS_DENIED": (403, "forbidden"),
    "EXPIRED_TOKEN": (403, "forbidden"),
    "INVALID_SIGNATURE": (403, "forbidden"),
    "INVALID_API_KEY": (403, "forbidden"),
    "WAF_FILTERED": (403, "forbidden"),
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found"),
    "RESOURCE_NOT_FOUND": (404, "not_found"),
    "REQUEST_TOO_LARGE": (413, "payload_too_large"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type"),
    "THROTTLED": (429, "busy"),
    "QUOTA_EXCEEDED": (429, "busy"),
    "INTEGRATION_TIMEOUT": (504, "busy"),
    "INTEGRATION_FAILURE": (504, "busy"),
    "DEFAULT_4XX": (400, "validation_error"),
    "DEFAULT_5XX": (500, "internal_error"),
}


def gateway_responses() -> dict[str, Any]:
    """``x-amazon-apigateway-gateway-responses``: problem+json in Chinese (the default
    language; API Gateway cannot follow Accept-Language), with the request id."""
    from chalicelib.api.problems import CONTENT_TYPE, problem_body
    from chalicelib.errors import AppError

    responses: dict[str, Any] = {}
    for kind, (status, code) in GATEWAY_REFUSALS.items():
        refusal = type(f"Gateway{status}", (AppError,), {"status": status, "code": code})()
        body = problem_body(refusal, "zh", request_id="$context.requestId")
        responses[kind] = {
            "statusCode": status,
            "responseParameters": {
                "gatewayresponse.header.Content-Type": f"'{CONTENT_TYPE}'",
                "gatewayresponse.header.Cache-Control": "'no-store'",
            },
            "responseTemplates": {
                "application/json": json.dumps(
                    body.model_dump(mode="json", exclude_none=True), ensure_ascii=False
                )
            },
        }
    return responses


def _named_buckets(template: dict[str, Any]) -> dict[str, str]:
    """Buckets whose ``BucketName`` is a ``Fn::Sub`` of pseudo parameters: logical → name."""
    out = {}
    for logical, res in _of_type(template, "AWS::S3::Bucket").items():
        name = res["Properties"].get("BucketName")
        if isinstance(name, dict) and isinstance(name.get("Fn::Sub"), str):
            if re.search(r"\$\{(?!AWS::)", name["Fn::Sub"]):
                raise PackageError(f"{logical}'s BucketName may use pseudo parameters only")
            out[logical] = name["Fn::Sub"]
    return out


def _inline_names(node: Any, names: dict[str, str]) -> Any:
    """References to named buckets replaced by their names (so no dependency is made)."""
    forms = {
        "": "{}",
        ".Arn": "arn:${{AWS::Partition}}:s3:::{}",
        ".RegionalDomainName": "{}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}",
    }

    def text(logical: str, attribute: str) -> str:
        if attribute not in forms:
            raise PackageError(f"{logical}{attribute} cannot be inlined by name")
        return forms[attribute].format(names[logical])

    if isinstance(node, list):
        return [_inline_names(v, names) for v in node]
    if not isinstance(node, dict):
        return node
    if node.get("Ref") in names:
        return {"Fn::Sub": text(node["Ref"], "")}
    getatt = node.get("Fn::GetAtt")
    if isinstance(getatt, list) and getatt[0] in names:
        return {"Fn::Sub": text(getatt[0], "." + getatt[1])}
    if "Fn::Sub" in node:
        sub = node["Fn::Sub"]
        pattern = re.compile(r"\$\{(" + "|".join(map(re.escape, names)) + r")(\.[A-Za-z]+)?\}")

        def replace(s: str) -> str:
            return pattern.sub(lambda m: text(m.group(1), m.group(2) or ""), s)

        if isinstance(sub, str):
            return {"Fn::Sub": replace(sub)}
        return {"Fn::Sub": [replace(sub[0]), _inline_names(sub[1], names)]}
    return {k: _inline_names(v, names) for k, v in node.items()}


def _function_roles(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The functions' roles (Chalice's, each with the stage's policy file)."""
    resources = template["Resources"]
    roles = {}
    for fn in _of_type(template, "AWS::Serverless::Function").values():
        role = fn["Properties"].get("Role")
        if isinstance(role, dict) and "Fn::GetAtt" in role:
            roles[role["Fn::GetAtt"][0]] = resources[role["Fn::GetAtt"][0]]
    return roles


def _policy_for_partition(document: dict[str, Any], partition: str, role: str) -> dict[str, Any]:
    """The policy file's document with ``${...}`` as ``Fn::Sub``, less the statements the
    partition leaves out (``OMITTED_STATEMENTS``; each must be there to be left out)."""
    omitted = OMITTED_STATEMENTS[partition]
    statements = document["Statement"]
    missing = sorted(set(omitted) - {s.get("Sid") for s in statements})
    if missing:
        raise PackageError(f"{role}'s policy has no statement {missing} to leave out")
    kept = [s for s in statements if s.get("Sid") not in omitted]
    return _subbed({**document, "Statement": kept})


def _check_references(template: dict[str, Any], logical: str, node: Any) -> None:
    """Every ``${Name}`` or ``${Name.Attribute}`` of a ``Fn::Sub`` in ``node`` is a resource,
    a parameter or a pseudo parameter of the template (or a variable of its own ``Fn::Sub``)."""
    known = set(template["Resources"]) | set(template.get("Parameters", {}))
    for item in _walk(node):
        if not (isinstance(item, dict) and "Fn::Sub" in item):
            continue
        sub = item["Fn::Sub"]
        text, variables = (sub, {}) if isinstance(sub, str) else (sub[0], sub[1])
        for name in re.findall(r"\$\{([^}!.]+)", text):
            if not (name.startswith("AWS::") or name in known or name in variables):
                raise PackageError(
                    f"{logical} names ${{{name}}}, which this template does not have "
                    "(a statement for another partition? see OMITTED_STATEMENTS)"
                )


def pages_paths() -> dict[str, Any]:
    """The China regions' pages route (``PAGES_PATH`` and below): every page is the SPA's
    ``index.html``, read from its bucket by API Gateway itself (an S3 integration, no Lambda,
    role ``SpaIndexRole``), never cached (``no-cache``), with the security headers of
    ``SiteHeadersPolicy`` (``definitions.security_headers``: where CloudFront has no
    response headers policy, the pages carry them). Their values are set in the response
    template (``$context.responseOverride``): a static header mapping is a single-quoted
    string, which the policy's own ``'self'`` would end. If the bucket refuses (index.html
    not uploaded yet), a 502 page. The CSP's sources are the site's: the attachments bucket
    and the identity provider's origins (``AuthConnectOrigins``; no Cognito there)."""
    headers = definitions.security_headers()
    csp_text, csp_variables = headers.pop("Content-Security-Policy")["Fn::Sub"]
    if set(csp_variables) != {"Uploads", "IdentityOrigins"}:
        raise PackageError(f"the site's CSP has new sources {sorted(csp_variables)}: map them")
    variables = {
        "Uploads": csp_variables["Uploads"],
        "IdentityOrigins": {"Ref": "AuthConnectOrigins"},
    }
    for name, value in headers.items():
        if re.search(r'["$#\\]', value) or re.search(r'["$#\\]', name):
            raise PackageError(f"{name}: {value!r} cannot be written into a VTL string")
    headers = {
        "Content-Security-Policy": csp_text,
        **headers,
        "Content-Type": "text/html; charset=utf-8",
    }
    overrides = "".join(
        f'#set($context.responseOverride.header.{name} = "{value}")\n'
        for name, value in headers.items()
    )
    page = {"Fn::Sub": [overrides + "$input.body", variables]}
    unavailable = {
        "Fn::Sub": [
            overrides + '<!doctype html><meta charset="utf-8"><title>兴企通</title>'
            "<p>页面暂时无法打开，请稍后重试。</p>",
            variables,
        ]
    }
    declared = {name: {"type": "string"} for name in [*headers, "Cache-Control"]}

    def method(proxy: bool) -> dict[str, Any]:
        operation: dict[str, Any] = {
            "produces": ["text/html"],
            "responses": {
                "200": {"description": "The SPA's index.html", "headers": declared},
                "502": {"description": "index.html could not be read", "headers": declared},
            },
            "x-amazon-apigateway-integration": {
                "type": "aws",
                "httpMethod": "GET",
                "uri": {
                    "Fn::Sub": (
                        "arn:${AWS::Partition}:apigateway:${AWS::Region}:s3:path/"
                        "${SpaBucket}/index.html"
                    )
                },
                "credentials": {"Fn::GetAtt": ["SpaIndexRole", "Arn"]},
                "passthroughBehavior": "when_no_match",
                # an AWS integration's responses are chosen by the status S3 answered
                "responses": {
                    "default": {
                        "statusCode": "200",
                        "responseParameters": {
                            "method.response.header.Cache-Control": "'no-cache'"
                        },
                        "responseTemplates": {"text/html": page, "application/json": page},
                    },
                    "[45]\\d{2}": {
                        "statusCode": "502",
                        "responseParameters": {
                            "method.response.header.Cache-Control": "'no-store'"
                        },
                        "responseTemplates": {
                            "text/html": unavailable,
                            "application/json": unavailable,
                        },
                    },
                },
            },
        }
        if proxy:
            operation["parameters"] = [
                {"name": "proxy", "in": "path", "required": True, "type": "string"}
            ]
        return operation

    return {PAGES_PATH: {"get": method(False)}, f"{PAGES_PATH}/{{proxy+}}": {"get": method(True)}}


def finish(template: dict[str, Any], partition: str = "aws") -> dict[str, Any]:
    """Chalice's merged output made deployable (step 3 above) for ``partition``;
    ``template`` is not changed."""
    out = copy.deepcopy(template)
    resources = out["Resources"]
    untyped = sorted(k for k, r in resources.items() if "Type" not in r)
    if untyped:
        raise PackageError(f"merged into no resource of Chalice's: {untyped}")
    for logical, res in list(_of_type(out, "AWS::Serverless::Function").items()):
        _finish_function(out, logical, res)
        # Lambda has no X-Ray integration in the China regions: no tracing configuration at
        # all there (PassThrough, Chalice's value without xray, is Lambda's default anyway)
        tracing = res["Properties"].pop("Tracing", "PassThrough") if partition == "aws-cn" else ""
        if tracing not in ("", "PassThrough"):
            raise PackageError(f"{logical}: X-Ray tracing is not offered in the China regions")
    for logical, res in _function_roles(out).items():
        for policy in res["Properties"].get("Policies", []):
            document = _policy_for_partition(policy["PolicyDocument"], partition, logical)
            _check_references(out, logical, document)
            policy["PolicyDocument"] = document
    body = resources["RestAPI"]["Properties"]["DefinitionBody"]
    body["x-amazon-apigateway-gateway-responses"] = gateway_responses()
    if partition == "aws-cn":
        taken = sorted(p for p in body["paths"] if p.split("/")[1] == PAGES_PATH[1:])
        if taken:
            raise PackageError(f"the app's routes {taken} are where the pages route is")
        body["paths"].update(pages_paths())
    names = _named_buckets(out)
    if names:
        for logical, res in resources.items():
            if res["Type"] in NAME_INLINED_IN:
                resources[logical] = _inline_names(res, names)
    return out


# --- the build ------------------------------------------------------------------------------


def inputs_checksum(stage: str) -> str:
    """Checksum of everything a stage's package is made from."""
    digest = hashlib.sha256()
    for pattern in _INPUTS:
        for path in sorted(ROOT.glob(pattern.format(stage=stage))):
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def artifact_sizes(zip_path: Path) -> tuple[int, int]:
    """(zipped, unzipped) bytes of a deployment package."""
    with zipfile.ZipFile(zip_path) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    return zip_path.stat().st_size, unzipped


def build(stage: str, out: Path | None = None, partition: str = "aws") -> Path:
    """Package a stage into ``out`` (default ``build/<stage>``), every partition's template;
    returns ``partition``'s. Reuses the last build while its inputs are unchanged; one build
    at a time per folder."""
    if stage not in STAGES:
        raise PackageError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
    out = out or BUILD / stage
    out.parent.mkdir(parents=True, exist_ok=True)
    results = {p: out / f"template{SUFFIX[p]}.json" for p in PARTITIONS}
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        checksum = inputs_checksum(stage)
        stamp = out / ".inputs"
        fresh = stamp.is_file() and stamp.read_text() == checksum
        if fresh and all(path.is_file() for path in results.values()):
            return results[partition]
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            chalice_out = Path(tmp) / "chalice"
            run_chalice(stage, chalice_out)
            shutil.move(str(chalice_out / "sam.json"), out / "chalice.json")
            shutil.move(str(chalice_out / "deployment.zip"), out / "deployment.zip")
        prune(out / "deployment.zip")
        zipped, unzipped = artifact_sizes(out / "deployment.zip")
        if zipped > ZIPPED_LIMIT or unzipped > UNZIPPED_LIMIT:
            raise PackageError(
                f"deployment.zip is {zipped} bytes zipped, {unzipped} unzipped: over Lambda's "
                f"limits ({ZIPPED_LIMIT}, {UNZIPPED_LIMIT})"
            )
        chalice_template = json.loads((out / "chalice.json").read_text(encoding="utf-8"))
        for name in PARTITIONS:
            merge = merge_fragments(stage, name)
            packaged = chalice_merge(merge, chalice_template)
            for kind, content in (("merge", merge), ("sam", packaged)):
                (out / f"{kind}{SUFFIX[name]}.json").write_text(
                    json.dumps(content, indent=2, ensure_ascii=False)
                )
            finished = finish(packaged, name)
            results[name].write_text(json.dumps(finished, indent=2, ensure_ascii=False) + "\n")
        stamp.write_text(checksum)
        return results[partition]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("stages", nargs="*", default=["dev"], help="dev, prod (default: dev)")
    args = parser.parse_args(argv)
    for stage in args.stages:
        try:
            templates = [build(stage, partition=p) for p in PARTITIONS]
        except PackageError as exc:
            print(f"package {stage}: {exc}", file=sys.stderr)
            return 1
        zipped, unzipped = artifact_sizes(templates[0].with_name("deployment.zip"))
        print(
            f"{stage}: {', '.join(str(t.relative_to(ROOT)) for t in templates)}; deployment.zip "
            f"{zipped / 2**20:.1f} MiB zipped (limit 50), {unzipped / 2**20:.1f} MiB unzipped "
            "(limit 250)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
