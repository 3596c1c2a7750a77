"""The OpenAPI 3.1 document, generated from the route declarations and their pydantic models
(the same models that validate requests), served at ``GET /api/v1/openapi.json``."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from chalicelib.api.contract import REGISTRY, Api, Operation, path_params, request_examples
from chalicelib.api.problems import Problem

api = Api(__name__, "meta")

_SUCCESS_TEXT = {
    200: "OK",
    201: "已创建 (Created)",
    202: "已受理 (Accepted)",
    204: "无内容 (No Content)",
}

_ERROR_TEXT = {
    400: "请求参数有误 (validation_error)",
    401: "未登录或令牌无效 (unauthorized)",
    403: "无权操作 (forbidden)",
    404: "未找到 (not_found)",
    409: "版本冲突、状态不允许或已存在 (version_conflict, invalid_transition, already_exists)",
    413: "请求体超过 1 MiB (payload_too_large)",
    422: "幂等键已用于另一内容 (idempotency_key_reused)",
    429: "尝试次数过多，Retry-After 秒后再试 (too_many_requests)",
}


class _ResponsesComplete(GenerateJsonSchema):
    """A response always carries every field (defaults included), so in serialization mode
    each field is required: clients generated from the document need no undefined checks."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        if self.mode == "serialization":
            return not field.get("serialization_exclude")
        return super().field_is_required(field, total)


def _ops(include_local: bool) -> list[Operation]:
    """Every operation, whichever routes were called first: each route module loaded, and
    the operations in the modules' order (each module's in its own)."""
    from chalicelib.api import lazy

    lazy.load_all()
    order = {f"{lazy.PACKAGE}.{module}": i for i, module in enumerate(lazy.MODULES)}
    ops = sorted(REGISTRY, key=lambda op: order.get(op.module, len(order)))
    return [op for op in ops if include_local or not op.local_only]


def build(include_local: bool) -> dict[str, Any]:
    """The whole document for the routes this app registers."""
    ops = _ops(include_local)
    models: dict[type[BaseModel], None] = {Problem: None}
    for op in ops:
        for m in (op.request, op.response):
            if m is not None:
                models[m] = None
    keyed = [
        (m, "validation" if any(op.request is m for op in ops) else "serialization") for m in models
    ]
    refs, schema = models_json_schema(
        keyed,  # type: ignore[arg-type]
        ref_template="#/components/schemas/{model}",
        schema_generator=_ResponsesComplete,
    )
    components = schema.get("$defs", {})
    for m, mode in keyed:
        # a field a response may leave out (EnterprisePage.total without the filters)
        absent: frozenset[str] = getattr(m, "response_may_omit", frozenset())
        if absent and mode == "serialization":
            shown = components[refs[(m, mode)]["$ref"].rsplit("/", 1)[-1]]  # type: ignore[index]
            shown["required"] = [f for f in shown.get("required", []) if f not in absent]

    def ref(model: type[BaseModel], mode: str) -> dict[str, Any]:
        return refs[(model, mode)]  # type: ignore[index]

    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        operation: dict[str, Any] = {
            "operationId": op.handler,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": [],
            "responses": {},
        }
        if op.description:
            operation["description"] = op.description
        if op.roles is not None:
            operation["x-roles"] = sorted(r.value for r in op.roles)
        for name in path_params(op.path):  # an empty segment names nothing (another route)
            operation["parameters"].append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1},
                }
            )
        if op.query is not None:
            qschema = op.query.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in qschema.pop("$defs", {}).items():
                components.setdefault(name, definition)  # enums a filter names (Status, …)
            required = set(qschema.get("required", []))
            for name, prop in qschema.get("properties", {}).items():
                param = {"name": name, "in": "query", "required": name in required, "schema": prop}
                if "description" in prop:
                    param["description"] = prop["description"]
                operation["parameters"].append(param)
        for header in op.headers:
            hschema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 200}
            if header.pattern:
                hschema["pattern"] = header.pattern
            operation["parameters"].append(
                {
                    "name": header.name,
                    "in": "header",
                    "required": header.required,
                    "description": header.description,
                    "schema": hschema,
                }
            )
        if op.request is not None:
            mode = "validation"
            body: dict[str, Any] = {"schema": ref(op.request, mode)}
            examples = request_examples(op.request)
            if examples:
                body["examples"] = {
                    f"example{i + 1}": {"value": ex} for i, ex in enumerate(examples)
                }
            operation["requestBody"] = {"required": True, "content": {"application/json": body}}
        content: dict[str, Any] | None = None
        if op.response is not None:
            mode = "validation" if any(o.request is op.response for o in ops) else "serialization"
            content = {"application/json": {"schema": ref(op.response, mode)}}
        for status, text in ((op.status, _SUCCESS_TEXT.get(op.status, "OK")), *op.also):
            success: dict[str, Any] = {"description": text}
            if content is not None and status != 204:
                success["content"] = content
            operation["responses"][str(status)] = success
        codes = set(op.errors)
        if not op.public:
            codes |= {401, 403}
            operation["security"] = [{"bearer": []}]
        elif op.optional_auth:  # anyone; a token, when sent, is read (a bad one is a 401)
            codes.add(401)
            operation["security"] = [{}, {"bearer": []}]
        else:
            operation["security"] = []
        codes.add(400)  # an invalid field or, on any route, a query parameter it does not take
        if op.request is not None:
            codes.add(413)
        problem_ref = ref(Problem, "serialization")
        for code in sorted(codes):
            operation["responses"][str(code)] = {
                "description": _ERROR_TEXT.get(code, "error"),
                "content": {"application/problem+json": {"schema": problem_ref}},
            }
            if code == 429:
                operation["responses"]["429"]["headers"] = {
                    "Retry-After": {
                        "description": "seconds until a try may succeed",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                }
        paths.setdefault(op.path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "兴企通 Xingqitong API",
            "version": "1.0.0",
            "description": "县企业服务直通车平台接口。Errors are RFC 9457 problem details; "
            "messages are Chinese unless Accept-Language asks for English.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


@cache
def document(include_local: bool) -> dict[str, Any]:
    return build(include_local)


@api.route("/openapi.json", summary="本接口的 OpenAPI 3.1 文档", public=True)
def openapi_document(ctx: Any) -> dict[str, Any]:
    """The OpenAPI document of the routes this deployment serves."""
    from chalicelib.config import settings

    return document(settings().is_local)
