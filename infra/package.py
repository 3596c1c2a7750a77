"""``make package``: one deployable CloudFormation template per stage, and its Lambda zip.

Three steps, each deterministic (the same inputs give the same bytes):

1. **Merge ``infra/``.** The fragments (``definitions.FRAGMENTS``: data, site, identity,
   notifications, monitoring) become one template, ``build/<stage>/merge.json``; the ``Stage``
   parameter can only be the stage packaged.
2. **``chalice package --merge-template``.** Chalice writes its SAM template (functions,
   roles, REST API, schedules, SQS triggers) with ``merge.json`` deep-merged in, and the
   deployment zip. The app is imported with placeholder queue names (``xqt-package-…``), so
   each SQS trigger names the template queue it consumes.
3. **Finish** what only the packaged template can tell (the functions are Chalice's):
   every SQS trigger consumes its template queue (``!GetAtt``, which also orders the trigger
   after its queue) and reports batch item failures; every function gets the resources'
   names, the identity and notification settings, a log group kept ``LogRetentionDays`` (which it
   depends on) and an errors alarm; the policy file's ``${...}`` become ``Fn::Sub``; API
   Gateway's own refusals get problem+json bodies; the attachments bucket is named, not
   referenced, where a reference would close a dependency cycle (see ``resources.yaml``).

The result, ``build/<stage>/template.json`` with ``deployment.zip`` beside it, is what
``infra/deploy.py`` deploys and ``make lint-infra`` lints (Chalice's own output stays
beside it as ``sam.json``). A build is reused while none of
its inputs changed (their checksum is kept in ``build/<stage>/.inputs``).
"""

from __future__ import annotations

import argparse
import copy
import fcntl
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
from infra.definitions import ENV_VARS, FRAGMENTS, Names

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
STAGES = ("dev", "prod")
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
}
#: Variables the code reads that the template leaves unset, on purpose: the code's default
#: is the deployed value, or the variable only means something on the local stack.
DEFAULTED_ENV = {
    "XQT_SWEEP_MINUTES": "the sweep's rate, 5 minutes",
    "XQT_SWEEP_SHARDS": "shards of the sweep's index, 4",
    "XQT_USER_CACHE_SECONDS": "a user's role cached 30 s in a warm function",
    "XQT_DIRECTORY_CACHE_SECONDS": "the directory cached 60 s in a warm function",
    "XQT_REPORT_MIN_RANKED": "a unit is ranked in a report from 5 appeals on",
    "XQT_AUTH_JWKS_FILE": "local stack only: its issuer's keys (deployed: XQT_AUTH_JWKS_URL)",
    "XQT_LOCAL_ISSUER_KEY_FILE": "local stack only: signs its demo users' tokens",
}
#: Further environment of every function: presigned S3 URLs on the regional endpoint (the
#: bucket origin the CSP allows), also in us-east-1 where boto3 would use the global one.
EXTRA_ENV = {"AWS_S3_US_EAST_1_REGIONAL_ENDPOINT": "regional"}
#: Resources named by a ``BucketName`` of their own, referenced by that name (not by
#: ``Ref``) from these resource types, which would otherwise close a dependency cycle.
NAME_INLINED_IN = (
    "AWS::Serverless::Function",
    "AWS::IAM::Role",
    "AWS::CloudFront::ResponseHeadersPolicy",
)
_INPUTS = (
    "app.py",
    "requirements.txt",
    "chalicelib/**/*.py",
    ".chalice/config.json",
    ".chalice/policy-{stage}.json",
    "infra/*.yaml",
    "infra/package.py",
    "infra/definitions.py",
)


class PackageError(Exception):
    """The app and the templates do not fit together (an unknown queue, a cycle, ...)."""


# --- 1. merging infra/ ----------------------------------------------------------------------


def _deep_merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = _deep_merge(base[key], value) if key in base else value
        return out
    return extra


def merge_fragments(stage: str) -> dict[str, Any]:
    """The fragments of ``infra/`` as one template (a parameter, condition or output defined
    twice must be defined alike; a resource named twice is deep-merged, as Chalice does)."""
    merged: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"兴企通 (Xingqitong), stage {stage}: made by infra/package.py",
    }
    for name in FRAGMENTS:
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


def run_chalice(stage: str, merge_template: Path, out: Path) -> None:
    """``chalice package`` into ``out`` (``sam.json`` and ``deployment.zip``)."""
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
        "--merge-template",
        str(merge_template),
        str(out),
    ]
    done = subprocess.run(  # noqa: S603 - our own command line
        cmd, env=_chalice_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise PackageError(f"chalice package failed:\n{done.stdout}\n{done.stderr}")


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
            "AlarmDescription": f"函数 {short} 出错:请查看其日志。",
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


def finish(template: dict[str, Any]) -> dict[str, Any]:
    """Chalice's merged output made deployable (step 3 above); ``template`` is not changed."""
    out = copy.deepcopy(template)
    resources = out["Resources"]
    untyped = sorted(k for k, r in resources.items() if "Type" not in r)
    if untyped:
        raise PackageError(f"merged into no resource of Chalice's: {untyped}")
    for logical, res in list(_of_type(out, "AWS::Serverless::Function").items()):
        _finish_function(out, logical, res)
    for res in _of_type(out, "AWS::IAM::Role").values():
        for policy in res["Properties"].get("Policies", []):
            policy["PolicyDocument"] = _subbed(policy["PolicyDocument"])
    body = resources["RestAPI"]["Properties"]["DefinitionBody"]
    body["x-amazon-apigateway-gateway-responses"] = gateway_responses()
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


def build(stage: str, out: Path | None = None) -> Path:
    """Package a stage into ``out`` (default ``build/<stage>``); returns the template's path.
    Reuses the last build while its inputs are unchanged; one build at a time per folder."""
    if stage not in STAGES:
        raise PackageError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
    out = out or BUILD / stage
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        checksum = inputs_checksum(stage)
        stamp, result = out / ".inputs", out / "template.json"
        if stamp.is_file() and stamp.read_text() == checksum and result.is_file():
            return result
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        merge = out / "merge.json"
        merge.write_text(json.dumps(merge_fragments(stage), indent=2, ensure_ascii=False))
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            chalice_out = Path(tmp) / "chalice"
            run_chalice(stage, merge, chalice_out)
            shutil.move(str(chalice_out / "sam.json"), out / "sam.json")
            shutil.move(str(chalice_out / "deployment.zip"), out / "deployment.zip")
        packaged = json.loads((out / "sam.json").read_text(encoding="utf-8"))
        zipped, unzipped = artifact_sizes(out / "deployment.zip")
        if zipped > ZIPPED_LIMIT or unzipped > UNZIPPED_LIMIT:
            raise PackageError(
                f"deployment.zip is {zipped} bytes zipped, {unzipped} unzipped: over Lambda's "
                f"limits ({ZIPPED_LIMIT}, {UNZIPPED_LIMIT})"
            )
        finished = finish(packaged)
        result.write_text(json.dumps(finished, indent=2, ensure_ascii=False) + "\n")
        stamp.write_text(checksum)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("stages", nargs="*", default=["dev"], help="dev, prod (default: dev)")
    args = parser.parse_args(argv)
    for stage in args.stages:
        try:
            template = build(stage)
        except PackageError as exc:
            print(f"package {stage}: {exc}", file=sys.stderr)
            return 1
        zipped, unzipped = artifact_sizes(template.with_name("deployment.zip"))
        print(
            f"{stage}: {template.relative_to(ROOT)}; deployment.zip {zipped / 2**20:.1f} MiB "
            f"zipped (limit 50), {unzipped / 2**20:.1f} MiB unzipped (limit 250)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
