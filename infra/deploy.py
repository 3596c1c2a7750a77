"""``make deploy STAGE=prod ARTIFACT_BUCKET=... [PARAMS=...] [DRY_RUN=1]``: the packaged
stage (``make package``) to AWS through the AWS CLI, in this order:

1. ``aws cloudformation package``: the Lambda zip to the artifact bucket;
2. ``aws cloudformation deploy``: the stack (the template is over CloudFormation's 51,200
   bytes for a direct upload, so it goes through the artifact bucket too);
3. the stack's outputs (``describe-stacks``) → the SPA's runtime ``config.json``;
4. the SPA (``make package`` copied ``frontend/dist`` to ``build/<stage>/site``) to its
   bucket: hashed ``assets/`` cached for a year (immutable) and never
   deleted (an open page may still load the last build's chunks), the other files, then
   ``config.json`` and last ``index.html`` with ``no-cache``;
5. a CloudFront invalidation of every file that is not content-hashed.

The region (``--region``, else ``AWS_REGION`` or ``AWS_DEFAULT_REGION``) chooses the template:
``template-cn.json`` in the China regions (``cn-north-1``, ``cn-northwest-1``: origin access
identity, no CloudFront function, Cognito or SES; see docs/deploy.md), ``template.json``
elsewhere. The parameters file is checked against that template before anything runs (a
parameter it does not have, a value it does not allow). The steps are the same in both.

``--dry-run`` prints the commands (with ``<Output>`` placeholders where a command needs the
stack's outputs) and runs nothing. Needs: the AWS CLI v2, credentials for the account (in
China, of the China account: its own IAM, endpoints ``*.amazonaws.com.cn``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
#: The stack outputs the steps after the stack need.
OUTPUTS = ("SpaBucketName", "DistributionId", "SiteUrl", "AuthIssuer", "SpaClientId", "SpaToken")


@dataclass(frozen=True)
class Options:
    stage: str
    artifact_bucket: str
    stack: str
    region: str | None
    parameters: dict[str, str]
    build: Path  # make package's folder of the stage: template[-cn].json, deployment.zip, site/
    partition: str = "aws"  # aws (global regions) or aws-cn (China regions)

    @property
    def template(self) -> Path:
        """The partition's packaged template (``make package`` writes both)."""
        from infra.package import SUFFIX

        return self.build / f"template{SUFFIX[self.partition]}.json"


def parameter_errors(parameters: dict[str, str], template: dict[str, Any]) -> list[str]:
    """What CloudFormation would refuse in a parameters file, found before anything runs: a
    parameter the template does not have (a global one in China, say), a value outside its
    allowed values or pattern, or shorter than its minimum."""
    declared = template.get("Parameters", {})
    errors = []
    for name, value in sorted(parameters.items()):
        spec = declared.get(name)
        if spec is None:
            errors.append(f"{name} is no parameter of this template")
            continue
        allowed = spec.get("AllowedValues")
        if allowed is not None and value not in [str(v) for v in allowed]:
            errors.append(f"{name}={value!r}: allowed {allowed}")
        pattern = spec.get("AllowedPattern")
        if pattern is not None and not re.fullmatch(pattern, value):
            errors.append(f"{name}={value!r}: {spec.get('ConstraintDescription', pattern)}")
        if len(value) < int(spec.get("MinLength", 0)):
            errors.append(f"{name} may not be empty")
    return errors


def runtime_config(outputs: dict[str, str]) -> dict[str, Any]:
    """The SPA's ``/config.json`` (``frontend/src/config.ts``) from the stack's outputs."""
    return {
        "auth": {
            "mode": "oidc",
            "authority": outputs["AuthIssuer"],
            "client_id": outputs["SpaClientId"],
            "scope": outputs.get("AuthScope", "openid profile"),
            "token": outputs["SpaToken"],
        }
    }


def _aws(options: Options, *args: str) -> list[str]:
    region = ["--region", options.region] if options.region else []
    return ["aws", *region, *args]


def stack_commands(options: Options) -> list[list[str]]:
    """Steps 1 and 2: the Lambda code and the stack."""
    packaged = options.build / "packaged.json"
    overrides = [f"{k}={v}" for k, v in sorted(options.parameters.items())]
    return [
        _aws(
            options,
            "cloudformation",
            "package",
            "--template-file",
            str(options.template),
            "--s3-bucket",
            options.artifact_bucket,
            "--s3-prefix",
            options.stack,
            "--use-json",
            "--output-template-file",
            str(packaged),
        ),
        _aws(
            options,
            "cloudformation",
            "deploy",
            "--template-file",
            str(packaged),
            "--stack-name",
            options.stack,
            "--s3-bucket",
            options.artifact_bucket,
            "--s3-prefix",
            options.stack,
            "--capabilities",
            "CAPABILITY_IAM",
            "CAPABILITY_AUTO_EXPAND",
            "--no-fail-on-empty-changeset",
            *(["--parameter-overrides", *overrides] if overrides else []),
        ),
    ]


def outputs_command(options: Options) -> list[str]:
    return _aws(
        options,
        "cloudformation",
        "describe-stacks",
        "--stack-name",
        options.stack,
        "--query",
        "Stacks[0].Outputs",
        "--output",
        "json",
    )


def _not_hashed(dist: Path) -> list[str]:
    """The SPA's files outside ``assets/`` (paths from the root, ``/`` separated)."""
    return sorted(
        p.relative_to(dist).as_posix()
        for p in dist.rglob("*")
        if p.is_file() and p.relative_to(dist).parts[0] != "assets"
    )


def site_commands(
    options: Options, outputs: dict[str, str], config_file: Path, dist: Path
) -> list[list[str]]:
    """Steps 4 and 5: upload the SPA with its cache headers, then invalidate."""
    bucket = f"s3://{outputs['SpaBucketName']}"
    plain = [f for f in _not_hashed(dist) if f not in ("index.html", "config.json")]
    commands = [
        _aws(
            options,
            "s3",
            "sync",
            str(dist / "assets"),
            f"{bucket}/assets",
            "--cache-control",
            IMMUTABLE,
            "--only-show-errors",
        )
    ]
    for name in plain:
        target = f"{bucket}/{name}"
        commands.append(
            _aws(options, "s3", "cp", str(dist / name), target, "--cache-control", NO_CACHE)
        )
    commands += [
        _aws(
            options,
            "s3",
            "cp",
            str(config_file),
            f"{bucket}/config.json",
            "--cache-control",
            NO_CACHE,
            "--content-type",
            "application/json",
        ),
        _aws(
            options,
            "s3",
            "cp",
            str(dist / "index.html"),
            f"{bucket}/index.html",
            "--cache-control",
            NO_CACHE,
            "--content-type",
            "text/html; charset=utf-8",
        ),
        _aws(
            options,
            "cloudfront",
            "create-invalidation",
            "--distribution-id",
            outputs["DistributionId"],
            "--paths",
            "/",
            "/index.html",
            "/config.json",
            *(f"/{name}" for name in plain),
        ),
    ]
    return commands


def deploy(
    options: Options,
    run: Callable[[list[str]], str],
    dist: Path | None = None,
    outputs: dict[str, str] | None = None,
) -> dict[str, str]:
    """Every step through ``run`` (which returns a command's stdout); returns the outputs.
    ``dist``: the SPA's build (default: the copy ``make package`` made, ``<build>/site``).
    With ``outputs`` given (a dry run), they stand in for ``describe-stacks``'s."""
    dist = dist or options.build / "site"
    if not (dist / "index.html").is_file():
        raise SystemExit(f"{dist}/index.html is missing: make package STAGE={options.stage}")
    template = options.template
    if not template.is_file():
        raise SystemExit(f"{template} is missing: make package STAGE={options.stage}")
    errors = parameter_errors(options.parameters, json.loads(template.read_text("utf-8")))
    if errors:
        raise SystemExit(f"parameters for {template.name}: " + "; ".join(errors))
    for command in stack_commands(options):
        run(command)
    described = run(outputs_command(options))
    if outputs is None:
        outputs = {o["OutputKey"]: o["OutputValue"] for o in json.loads(described)}
    missing = [name for name in OUTPUTS if name not in outputs]
    if missing:
        raise SystemExit(f"the stack has no output {', '.join(missing)}")
    config_file = options.build / "config.json"
    config_file.write_text(json.dumps(runtime_config(outputs), indent=2, ensure_ascii=False))
    for command in site_commands(options, outputs, config_file, dist):
        run(command)
    return outputs


def _run(command: list[str]) -> str:
    print("+", shlex.join(command), flush=True)
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
    return done.stdout


def _print(command: list[str]) -> str:
    print(shlex.join(command))
    return "[]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stage", required=True, choices=["dev", "prod"])
    parser.add_argument("--artifact-bucket", required=True, help="S3 bucket for the Lambda zip")
    parser.add_argument("--stack", help="stack name (default xingqitong-<stage>; lower-case)")
    parser.add_argument(
        "--region",
        help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, else the CLI's); "
        "cn-north-1 and cn-northwest-1 deploy the China template",
    )
    parser.add_argument("--parameters", type=Path, help="JSON file: {ParameterName: value}")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = parser.parse_args(argv)
    parameters = json.loads(args.parameters.read_text()) if args.parameters else {}
    stack = args.stack or f"xingqitong-{args.stage}"
    if stack != stack.lower():
        parser.error("the stack name must be lower-case (bucket and sign-in domain names)")
    from infra.package import PackageError, partition_of

    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    try:
        partition = partition_of(region) if region else "aws"
    except PackageError as exc:
        parser.error(str(exc))
    options = Options(
        args.stage,
        args.artifact_bucket,
        stack,
        args.region,
        {k: str(v) for k, v in parameters.items()},
        ROOT / "build" / args.stage,
        partition,
    )
    where = f"region {region}" if region else "the AWS CLI's default region (global partition)"
    print(f"# {options.template.relative_to(ROOT)} for {where}", flush=True)
    if args.dry_run:
        deploy(options, _print, outputs={name: f"<{name}>" for name in OUTPUTS})
        return 0
    outputs = deploy(options, _run)
    print(f"deployed {stack}: {outputs['SiteUrl']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
