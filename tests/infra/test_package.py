"""The packaged stage (``make package``): Chalice's template merged with infra/, finished by
infra/package.py, for the global and the China regions (tests/infra/test_china.py has what
only the China template must do). Built once per stage and reused while its inputs are
unchanged."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from infra import definitions, package
from tests.conftest import ROOT


@pytest.fixture(
    scope="module",
    params=[(s, p) for s in package.STAGES for p in definitions.PARTITIONS],
    ids=lambda sp: "-".join(sp),
)
def packaged(request) -> dict[str, Any]:
    stage, partition = request.param
    path = package.build(stage, partition=partition)
    template = json.loads(path.read_text(encoding="utf-8"))
    template["_stage"], template["_partition"] = stage, partition
    return template


@pytest.fixture(scope="module")
def prod() -> dict[str, Any]:
    return json.loads(package.build("prod").read_text(encoding="utf-8"))


def _of_type(template, kind):
    return {k: r for k, r in template["Resources"].items() if r.get("Type") == kind}


def _functions(template):
    return _of_type(template, "AWS::Serverless::Function")


def test_every_sqs_trigger_reports_batch_item_failures_on_its_template_queue(packaged):
    triggers = [
        (name, event["Properties"])
        for name, fn in _functions(packaged).items()
        for event in fn["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    ]
    assert [name for name, _ in triggers] == ["Escalations"] or len(triggers) > 1
    queues = _of_type(packaged, "AWS::SQS::Queue")
    for name, props in triggers:
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        queue, attribute = props["Queue"]["Fn::GetAtt"]
        assert queue in queues and attribute == "Arn", name
        assert "RedrivePolicy" in queues[queue]["Properties"], f"{queue} has no DLQ"
        visibility = queues[queue]["Properties"]["VisibilityTimeout"]
        assert visibility >= _functions(packaged)[name]["Properties"]["Timeout"]


def test_each_function_may_consume_its_queue_and_write_its_logs_only(packaged):
    for name, fn in _functions(packaged).items():
        role = packaged["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]
        (policy,) = role["Properties"]["Policies"]
        statements = policy["PolicyDocument"]["Statement"]

        def allowed(action, resource, statements=statements):
            return any(
                action in s["Action"] and {"Fn::Sub": resource} in s.get("Resource", [])
                for s in statements
            )

        for event in fn["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS":
                queue = event["Properties"]["Queue"]["Fn::GetAtt"][0]
                for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage"):
                    assert allowed(action, f"${{{queue}.Arn}}"), (name, action)
                assert any(
                    "sqs:GetQueueAttributes" in s["Action"]
                    and {"Fn::Sub": f"${{{queue}.Arn}}"} in s["Resource"]
                    for s in statements
                )
        logs = next(s for s in statements if s["Sid"] == "Logs")
        assert logs["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]  # groups: ours
        group = packaged["Resources"][f"{name}LogGroup"]["Properties"]["LogGroupName"]
        function_name = fn["Properties"]["FunctionName"]["Fn::Sub"]
        assert group["Fn::Sub"] == f"/aws/lambda/{function_name}"
        assert f"{name}LogGroup" in fn["DependsOn"]
        # the log-group pattern of the policy covers this function's group
        pattern = logs["Resource"]["Fn::Sub"].split(":log-group:")[1].rsplit(":", 1)[0]
        assert re.fullmatch(pattern.replace("$", r"\$").replace("*", ".*"), group["Fn::Sub"])


def test_functions_get_the_templates_resources_and_identity(packaged):
    merged = package.merge_fragments(packaged["_stage"], packaged["_partition"])
    expected = package.lambda_environment(merged)
    for name, fn in _functions(packaged).items():
        env = fn["Properties"]["Environment"]["Variables"]
        for var, value in expected.items():
            if var == "XQT_ATTACHMENTS_BUCKET":  # by its name: see resources.yaml
                bucket = definitions.template()["Resources"]["AttachmentsBucket"]
                assert env[var] == bucket["Properties"]["BucketName"], name
            else:
                assert env[var] == value, (name, var)
        assert env["XQT_STAGE"] == packaged["_stage"]
    assert packaged["Parameters"]["Stage"]["AllowedValues"] == [packaged["_stage"]]


def test_the_packaged_api_has_no_local_routes(packaged):
    paths = packaged["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert "/api/v1/health" in paths
    assert not [p for p in paths if p.startswith("/api/v1/dev")]


def test_api_gateways_own_refusals_are_problem_details_as_the_app_writes_them(prod):
    from chalicelib import i18n
    from chalicelib.api.problems import CONTENT_TYPE, Problem

    body = prod["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = body["x-amazon-apigateway-gateway-responses"]
    for kind in ("UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED"):
        assert kind in responses
    assert {"DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for kind, response in responses.items():
        params = response["responseParameters"]
        assert params["gatewayresponse.header.Content-Type"] == f"'{CONTENT_TYPE}'"
        (template,) = response["responseTemplates"].values()
        assert "#" not in template  # no VTL directive by accident
        problem = Problem.model_validate_json(template.replace("$context.requestId", "r-1"))
        assert problem.status == response["statusCode"], kind
        assert problem.code in i18n.MESSAGES and problem.request_id == "r-1"
        assert problem.type.endswith("/" + problem.code)
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == 404  # no such route
    assert responses["THROTTLED"]["statusCode"] == 429


def test_every_function_has_an_errors_alarm_and_every_alarm_notifies(prod):
    alarms = _of_type(prod, "AWS::CloudWatch::Alarm")
    for name in _functions(prod):
        alarm = alarms[f"{name}ErrorsAlarm"]["Properties"]
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": name}}]
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name


def test_the_attachments_bucket_is_named_where_a_reference_would_make_a_cycle(prod):
    """The bucket's CORS waits for the distribution (the site's origin), which waits for the
    API and its functions: those, their roles and the CSP must name the bucket, not Ref it."""
    text = json.dumps(
        {k: r for k, r in prod["Resources"].items() if r["Type"] in package.NAME_INLINED_IN}
    )
    assert "AttachmentsBucket" not in text
    cors = prod["Resources"]["AttachmentsBucket"]["Properties"]["CorsConfiguration"]
    (rule,) = cors["CorsRules"]
    assert json.dumps(rule["AllowedOrigins"]).count("Distribution.DomainName") == 1
    csp = prod["Resources"]["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    sources = csp["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    name = definitions.template()["Resources"]["AttachmentsBucket"]["Properties"]["BucketName"]
    uploads = sources["Fn::Sub"][1]["Uploads"]["Fn::Sub"]
    assert uploads == f"https://{name['Fn::Sub']}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}"


def test_finishing_is_deterministic_and_refuses_what_cannot_deploy(prod):
    sam = json.loads((package.BUILD / "prod" / "sam.json").read_text(encoding="utf-8"))
    assert package.finish(sam) == prod
    unknown = copy.deepcopy(sam)
    event = unknown["Resources"]["Escalations"]["Properties"]["Events"]
    event["EscalationsSqsEventSource"]["Properties"]["Queue"] = {
        "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:xingqitong-x"
    }
    with pytest.raises(package.PackageError, match=r"no queue of infra/resources\.yaml"):
        package.finish(unknown)
    slow = copy.deepcopy(sam)
    slow["Resources"]["Escalations"]["Properties"]["Timeout"] = 900
    with pytest.raises(package.PackageError, match="VisibilityTimeout"):
        package.finish(slow)


def test_the_lambda_artifact_is_within_lambdas_limits(prod):
    zipped, unzipped = package.artifact_sizes(package.BUILD / "prod" / "deployment.zip")
    assert zipped < package.ZIPPED_LIMIT and unzipped < package.UNZIPPED_LIMIT
    import zipfile

    names = set(zipfile.ZipFile(package.BUILD / "prod" / "deployment.zip").namelist())
    assert {"app.py", "chalicelib/jobs/metrics.py", "chalice/app.py"} <= names
    # the knowledge base's search: jieba and the search dictionary it loads
    assert {
        "chalicelib/segmentation/dictionary.txt",
        "jieba/__init__.py",
        "jieba/finalseg/prob_emit.py",
    } <= names
    assert not [n for n in names if n.startswith(("jieba/lac_small/", "jieba/posseg/"))]
    assert "jieba/dict.txt" not in names and "jieba/finalseg/prob_emit.p" not in names
    assert not [n for n in names if n.startswith(("tests/", "infra/", "frontend/"))]


def test_cfn_lint_finds_an_error_put_into_the_packaged_template(prod):
    """make lint-infra runs cfn-lint on the packaged templates; it is no empty ritual: a
    dead-letter queue gone from the template is an error wherever it was named (its alarm,
    its queue's redrive policy)."""
    from cfnlint.api import lint

    broken = copy.deepcopy(prod)
    del broken["Resources"]["ReportDeadLetterQueue"]
    errors = [m for m in lint(json.dumps(broken)) if m.rule.id.startswith("E")]
    assert sorted((m.rule.id, m.path[1]) for m in errors) == [
        ("E1010", "ReportDeadLetterQueueAlarm"),
        ("E1010", "ReportQueue"),
    ]


def test_the_sites_policy_is_the_local_stacks(prod):
    """One Content-Security-Policy: the local stack serves the deployed one with its own
    origin and the uploads bucket's — the moto server's — to connect to (the browser tests
    run under it)."""
    from infra.local import server

    local = server.content_security_policy("http://127.0.0.1:5123")
    assert local == definitions.content_security_policy(Uploads="http://127.0.0.1:5123")
    assert "script-src 'self';" in local
    assert "connect-src 'self' http://127.0.0.1:5123;" in local
    rules = definitions.upload_cors_rules(["http://127.0.0.1:8000"])
    assert rules == [
        {
            "ID": "site-uploads",
            "AllowedMethods": ["POST", "PUT"],
            "AllowedOrigins": ["http://127.0.0.1:8000"],
            "AllowedHeaders": ["content-type", "content-md5", "x-amz-*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3000,
        }
    ]
    config = prod["Resources"]["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = config["SecurityHeadersConfig"]
    text, variables = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    placeholders = set(re.findall(r"\$\{([^}]+)\}", text))
    assert placeholders == set(variables) == {"Uploads", "IdentityOrigins"}
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert ROOT.joinpath("infra", "site.yaml").is_file()
