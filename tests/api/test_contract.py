"""The contract machinery: problem+json for every error, the body limit, the page shape, and
an OpenAPI document that covers every route and whose examples validate."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import conforms


def test_invalid_json_is_400_on_body(api):
    r = api.call("POST", "/api/v1/departments", raw="{not json", as_user="admin")
    assert r.status_code == 400
    assert r.data["errors"][0]["field"] == "body" and r.data["errors"][0]["code"] == "invalid_json"


def test_non_object_body_is_400(api):
    r = api.call("POST", "/api/v1/departments", raw="[1, 2]", as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "body"


def test_form_encoded_body_is_a_clear_400(api):
    r = api.call(
        "POST",
        "/api/v1/departments",
        raw="name=x",
        as_user="admin",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and r.data["errors"][0]["code"] == "invalid_json"


def test_body_over_one_mib_is_413(api):
    big = json.dumps({"name": "x" * (1024 * 1024)})
    r = api.call("POST", "/api/v1/departments", raw=big, as_user="admin")
    assert r.status_code == 413 and r.data["code"] == "payload_too_large"
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_method_not_allowed_is_a_problem(api):
    r = api.call("DELETE", "/api/v1/health")
    assert r.status_code == 405 and r.data["code"] == "method_not_allowed"
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_request_id_is_echoed(api):
    r = api.call("GET", "/api/v1/health", headers={"X-Request-Id": "call-42"})
    assert r.headers["X-Request-Id"] == "call-42"


def test_every_list_has_the_page_shape(api):
    for path in (
        "/api/v1/enterprises",
        "/api/v1/departments",
        "/api/v1/commissioners",
        "/api/v1/users",
        "/api/v1/audit",
    ):
        r = api.call("GET", path + "?limit=2", as_user="admin")
        assert r.status_code == 200, path
        assert set(r.data) == {"items", "next_cursor"}, path
        assert len(r.data["items"]) <= 2


def test_openapi_covers_every_route(api, document):
    from app import app

    served = {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == documented


def test_openapi_document_is_valid_openapi_31(document):
    from openapi_spec_validator import validate

    validate(document)


def test_openapi_served_without_dev_routes_outside_local(api):
    from chalicelib.api.openapi import build

    deployed = build(include_local=False)
    assert not [p for p in deployed["paths"] if "/dev/" in p]
    assert api.call("GET", "/api/v1/openapi.json").data["openapi"] == "3.1.0"


def test_every_documented_example_validates(document):
    from chalicelib.api.contract import REGISTRY, request_examples

    checked = 0
    for op in REGISTRY:
        if op.request is None:
            continue
        examples = request_examples(op.request)
        for example in examples:
            op.request.model_validate(example)
            checked += 1
        body = document["paths"][op.path][op.method.lower()]["requestBody"]
        assert len(body["content"]["application/json"].get("examples", {})) == len(examples)
    assert checked >= 8


def test_every_problem_code_of_the_contract_has_messages():
    from chalicelib import i18n

    for code in (
        "validation_error",
        "unauthorized",
        "forbidden",
        "not_found",
        "version_conflict",
        "invalid_transition",
        "already_exists",
        "idempotency_key_reused",
        "payload_too_large",
    ):
        assert i18n.message(code, "zh") != i18n.message(code, "en")


def test_every_refusal_of_the_http_server_has_its_code_and_messages():
    from chalicelib import i18n
    from chalicelib.errors import HttpRefusal

    for status, code in HttpRefusal.CODES.items():
        assert HttpRefusal(status).code == code and HttpRefusal(status).status == status
        assert code in i18n.MESSAGES
        assert i18n.message(code, "zh") != i18n.message(code, "en")


def test_problem_carries_the_request_id(api):
    r = api.call("GET", "/api/v1/departments", headers={"X-Request-Id": "trace-7"})
    assert r.status_code == 401 and r.data["request_id"] == "trace-7"


def test_problems_without_errors_conform_to_the_documented_problem_schema(api, document):
    r = api.call("GET", "/api/v1/departments")  # no token
    assert r.status_code == 401 and "errors" not in r.data
    conforms(document, "GET", "/api/v1/departments", r)
    r = api.call("GET", "/api/v1/appeals/XQT-19990101-0001", as_user="admin")
    assert r.status_code == 404 and "errors" not in r.data
    conforms(document, "GET", "/api/v1/appeals/{appeal_id}", r)
    r = api.call("POST", "/api/v1/departments", {"name": ""}, as_user="admin")
    assert r.status_code == 400 and r.data["errors"]
    conforms(document, "POST", "/api/v1/departments", r)


def test_problem_members_without_a_value_are_optional_and_never_null(document):
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}
    for name in ("errors", "request_id"):
        assert "anyOf" not in problem["properties"][name], name


def test_every_error_status_is_a_problem(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/problem+json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path)


@pytest.mark.parametrize(
    ("path", "user", "body"),
    [
        (
            "/api/v1/hotline/calls",
            "operator-12345",
            {
                "line": "12345",
                "caller_phone": "13912345678",
                "enterprise_name": "如东某水产养殖场",
                "category": "financing",
                "content": "想申请贴息贷款",
            },
        ),
        (
            "/api/v1/appeals",
            "ent-hengrun",
            {"category": "land", "title": "用地", "content": "扩建"},
        ),
        (
            "/api/v1/financing/needs",
            "ent-xinghai",  # another test here counts ent-hengrun's financing needs
            {"amount": 300, "term_months": 12, "purpose": "购置设备"},
        ),
    ],
)
def test_a_replay_is_a_documented_200_with_the_appeal(api, document, path, user, body):
    import uuid

    headers = {"Idempotency-Key": uuid.uuid4().hex}
    first = api.call("POST", path, body, user, headers)
    again = api.call("POST", path, body, user, headers)
    assert (first.status_code, again.status_code) == (201, 200), again.data
    assert again.data["id"] == first.data["id"]
    conforms(document, "POST", path, first)
    conforms(document, "POST", path, again)


@pytest.mark.parametrize("path", ["/api/v1/hotline/calls", "/api/v1/appeals"])
def test_the_idempotency_key_header_documents_its_pattern(document, path):
    import re

    params = document["paths"][path]["post"]["parameters"]
    (header,) = [p for p in params if p["in"] == "header"]
    pattern = re.compile(header["schema"]["pattern"])
    assert pattern.match("call-0001") and not pattern.match("has space")


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/api/v1/appeals", "ent-hengrun"),
        ("/api/v1/departments", "admin"),
        ("/api/v1/financing/needs", "ent-hengrun"),
        ("/api/v1/dev/token", None),  # public: no token needed to reach the parser
    ],
)
def test_deeply_nested_json_is_a_400_not_a_crash(api, path, user):
    # about 1,000 levels in 2 KB: the parser's own recursion limit
    r = api.call("POST", path, raw="[" * 1000 + "]" * 1000, as_user=user)
    assert r.status_code == 400, r.data
    assert r.data["errors"] == [
        {"field": "body", "code": "json_too_deep", "message": "嵌套层数超过 32 层"}
    ]
    # deep enough to parse but deeper than any model: refused before validation
    r = api.call("POST", path, raw='{"a":' * 100 + "1" + "}" * 100, as_user=user)
    assert r.status_code == 400 and r.data["errors"][0]["code"] == "json_too_deep"


@pytest.mark.parametrize("number", ["1e-300", "-1e-300", "1e200", "1" + "0" * 40])
def test_numbers_dynamodb_cannot_store_name_their_field(api, number):
    body = f'{{"amount": {number}, "term_months": 12, "purpose": "采购原材料"}}'
    r = api.call("POST", "/api/v1/financing/needs", raw=body, as_user="ent-hengrun")
    assert r.status_code == 400, r.data
    errors = [(e["field"], e["code"]) for e in r.data["errors"]]
    assert errors == [("amount", "number_out_of_range")]
    product = (
        '{"bank": "如东农村商业银行", "name": "极小额", "rate_min": 3.1, "rate_max": 4.2, '
        f'"term_min": 6, "term_max": 36, "amount_min": {number}, "amount_max": 1000}}'
    )
    r = api.call("POST", "/api/v1/financing/products", raw=product, as_user="admin")
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == "amount_min"
    # nothing was written: the enterprise's appeal list holds no financing need
    mine = api.call("GET", "/api/v1/appeals?scope=mine&limit=100", as_user="ent-hengrun").data
    assert not [a for a in mine["items"] if a["title"].startswith("融资需求")]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_invalid_json(api, constant):
    body = f'{{"amount": {constant}, "term_months": 12, "purpose": "x"}}'
    r = api.call("POST", "/api/v1/financing/needs", raw=body, as_user="ent-hengrun")
    assert r.status_code == 400 and r.data["errors"][0]["code"] == "invalid_json"


def test_path_parameters_are_documented_non_empty(api, document):
    # found by fuzzing: an inbox item's empty appeal_id (a meeting's) fed to
    # /appeals/{appeal_id}/events became POST /appeals/events, another route's 405
    r = api.call("POST", "/api/v1/appeals/events", {"type": "accept", "version": 1}, "admin")
    assert r.status_code == 405
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            for param in op["parameters"]:
                if param["in"] == "path":
                    assert param["schema"]["minLength"] == 1, (method, path, param["name"])


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/appeals?stauts=closed", "stauts"),  # a misspelt filter: not the whole list
        ("/api/v1/departments?limit=5&sort=name", "sort"),
        ("/api/v1/health?verbose=1", "verbose"),  # a route without parameters
    ],
)
def test_unknown_query_parameters_are_a_400_naming_them(api, document, path, name):
    r = api.call("GET", path, as_user="admin")
    assert r.status_code == 400, r.data
    conforms(document, "GET", path.split("?")[0], r)  # documented on every route
    assert r.data["errors"] == [
        {"field": name, "code": "unknown_parameter", "message": "不支持该查询参数"}
    ]


def test_no_field_message_is_english_inside_a_chinese_answer():
    """Every error pydantic can raise reads in Chinese by default (its own English words are
    kept for English answers of codes the platform does not word itself)."""
    import typing

    from pydantic_core import core_schema

    from chalicelib.api.problems import render_field_error
    from chalicelib.errors import FieldError

    for code in typing.get_args(core_schema.ErrorType):
        shown = render_field_error(FieldError("x", code, {}, "Input should be valid"), "zh")
        assert any("\u4e00" <= c <= "\u9fff" for c in shown.message), (code, shown.message)
        assert "Input should" not in shown.message


def test_a_date_out_of_range_reads_in_chinese(api):
    body = {"holidays": ["2027-02-30"]}
    r = api.call("PUT", "/api/v1/calendar/2027", body, as_user="admin")
    assert r.status_code == 400
    assert r.data["errors"] == [
        {
            "field": "holidays.0",
            "code": "date_from_datetime_parsing",
            "message": "应为有效日期（YYYY-MM-DD）",
        }
    ]
    en = api.call(
        "PUT", "/api/v1/calendar/2027", body, as_user="admin", headers={"Accept-Language": "en"}
    )
    assert en.data["errors"][0]["message"] == "Must be a valid date (YYYY-MM-DD)"
