"""The AWS operations the app calls, found in its source without running it, and the IAM
actions they need: the functions' policy (``.chalice/policy-<stage>.json``) must allow each
(``tests/infra/test_policy.py``).

A call counts when its receiver is a boto3 client, which the scanner follows through the
shapes the code uses: ``boto3.client("sqs")`` (or ``session.client(...)``) assigned to a
name or an attribute, a function returning one (``db.client()``), imported from another
module (``from chalicelib.store import db`` then ``db.client().query(...)``), paginators
(``get_paginator("query")``) and presigned requests (``generate_presigned_url("get_object")``,
``generate_presigned_post``). What it cannot follow is refused, not skipped: a boto3
resource, a service it has no IAM prefix for, a presigned or paginated operation that is not
a literal, a client method that is no operation of its service.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

#: boto3 service name → IAM action prefix (SES v2's actions are ``ses:``).
IAM_PREFIX = {
    "dynamodb": "dynamodb",
    "s3": "s3",
    "sqs": "sqs",
    "sesv2": "ses",
    "sns": "sns",
    "cloudwatch": "cloudwatch",
    "secretsmanager": "secretsmanager",
}

#: Client methods whose IAM action is not ``<prefix>:<OperationName>``.
ACTIONS_OF: dict[tuple[str, str], tuple[str, ...]] = {
    ("dynamodb", "transact_get_items"): ("dynamodb:GetItem",),
    # transact_write_items: the actions of the items written, see TRANSACT_ACTIONS
    ("s3", "head_object"): ("s3:GetObject",),
    ("s3", "list_objects"): ("s3:ListBucket",),
    ("s3", "list_objects_v2"): ("s3:ListBucket",),
    ("s3", "list_object_versions"): ("s3:ListBucketVersions",),
    ("s3", "copy_object"): ("s3:GetObject", "s3:PutObject"),
    ("s3", "delete_objects"): ("s3:DeleteObject",),
    ("s3", "create_multipart_upload"): ("s3:PutObject",),
    ("s3", "upload_part"): ("s3:PutObject",),
    ("s3", "complete_multipart_upload"): ("s3:PutObject",),
    ("s3", "list_parts"): ("s3:ListMultipartUploadParts",),
    ("s3", "upload_file"): ("s3:PutObject", "s3:AbortMultipartUpload"),
    ("s3", "upload_fileobj"): ("s3:PutObject", "s3:AbortMultipartUpload"),
    ("s3", "download_file"): ("s3:GetObject",),
    ("s3", "download_fileobj"): ("s3:GetObject",),
    ("s3", "generate_presigned_post"): ("s3:PutObject",),
    ("sqs", "send_message_batch"): ("sqs:SendMessage",),
    ("sqs", "delete_message_batch"): ("sqs:DeleteMessage",),
    ("sqs", "change_message_visibility_batch"): ("sqs:ChangeMessageVisibility",),
    ("sns", "publish_batch"): ("sns:Publish",),
}

#: ``transact_write_items``: each kind of item written needs its own action.
TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}

#: Client attributes that are no AWS call.
_NOT_CALLS = {"meta", "exceptions", "close", "can_paginate", "get_waiter"}
#: s3transfer's methods on S3 clients (not in the service model).
_S3_TRANSFER = {"upload_file", "upload_fileobj", "download_file", "download_fileobj"}


class ScanError(Exception):
    """A use of boto3 the scanner cannot account for."""


@dataclass(frozen=True)
class AwsCall:
    """One call of a client method in the source."""

    path: str
    line: int
    service: str
    method: str
    actions: tuple[str, ...]


@cache
def operations(service: str) -> dict[str, str]:
    """A boto3 service's client methods → operation names (``update_item`` → ``UpdateItem``)."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


#: Where a name or attribute was assigned: (class, function) — None for module level.
_Scope = tuple[str | None, str | None]


@dataclass
class _Module:
    name: str
    path: str
    tree: ast.Module
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #: module-level function → the services of the clients it returns
    functions: dict[str, set[str]] = field(default_factory=dict)
    #: (function or None, variable) → services of the clients assigned to it
    names: dict[tuple[str | None, str], set[str]] = field(default_factory=dict)
    #: (class or None, attribute) → services; ``self.x`` in a class is that class's
    attributes: dict[tuple[str | None, str], set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Context:
    cls: str | None = None
    function: str | None = None
    global_names: frozenset[str] = frozenset()


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def _add(table: dict[Any, set[str]], key: object, services: set[str]) -> bool:
    known = table.setdefault(key, set())
    if services <= known:
        return False
    known |= services
    return True


def _walk_scoped(node: ast.AST, ctx: _Context) -> Iterator[tuple[ast.AST, _Context]]:
    """Every node under ``node`` with the class and function it is in."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            yield child, ctx
            yield from _walk_scoped(child, _Context(child.name, None))
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            declared = frozenset(
                n for g in ast.walk(child) if isinstance(g, ast.Global) for n in g.names
            )
            yield child, ctx
            yield from _walk_scoped(child, _Context(ctx.cls, child.name, declared))
        else:
            yield child, ctx
            yield from _walk_scoped(child, ctx)


class _Scanner:
    def __init__(self, modules: dict[str, _Module]) -> None:
        self.modules = modules

    def _imported(self, module: _Module, name: str) -> tuple[_Module | None, str | None]:
        """(the module a name comes from, the attribute it is there, or None for the module)."""
        if name not in module.imports:
            return None, None
        source, attribute = module.imports[name]
        if attribute is not None and f"{source}.{attribute}" in self.modules:
            return self.modules[f"{source}.{attribute}"], None
        return self.modules.get(source), attribute

    def service_of(self, module: _Module, node: ast.AST, ctx: _Context) -> set[str]:
        """The boto3 services of the client ``node`` evaluates to (empty: no client)."""
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "resource"
                and isinstance(func.value, ast.Name)
                and func.value.id == "boto3"
            ):
                raise ScanError(f"{module.path}:{node.lineno}: boto3.resource: use a client")
            if isinstance(func, ast.Attribute) and func.attr == "client":
                service = _literal(_argument(node, 0, "service_name"))
                if service is not None:
                    return {service}
            if isinstance(func, ast.Name):
                if func.id in module.functions:
                    return module.functions[func.id]
                source, attribute = self._imported(module, func.id)
                if source is not None and attribute is not None:
                    return source.functions.get(attribute, set())
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                source, attribute = self._imported(module, func.value.id)
                if source is not None and attribute is None:
                    return source.functions.get(func.attr, set())
            return set()
        if isinstance(node, ast.Name):
            for key in ((ctx.function, node.id), (None, node.id)):
                if key in module.names:
                    return module.names[key]
            source, attribute = self._imported(module, node.id)
            if source is not None and attribute is not None:
                return source.names.get((None, attribute), set())
            return set()
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name):
                if node.value.id == "self" and (ctx.cls, node.attr) in module.attributes:
                    return module.attributes[(ctx.cls, node.attr)]
                source, attribute = self._imported(module, node.value.id)
                if source is not None and attribute is None:
                    return source.names.get((None, node.attr), set())
            return module.attributes.get((None, node.attr), set())
        return set()

    def learn(self, module: _Module) -> bool:
        """One pass over a module's assignments and returns; True if it learnt anything (it
        only ever adds, so passes until nothing is new always end)."""
        changed = False
        for node, ctx in _walk_scoped(module.tree, _Context()):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                services = self.service_of(module, node.value, ctx)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets if services else []:
                    if isinstance(target, ast.Name):
                        local = ctx.function if target.id not in ctx.global_names else None
                        changed |= _add(module.names, (local, target.id), services)
                    elif isinstance(target, ast.Attribute):
                        owner = (
                            ctx.cls
                            if isinstance(target.value, ast.Name) and target.value.id == "self"
                            else None
                        )
                        changed |= _add(module.attributes, (owner, target.attr), services)
            elif (
                isinstance(node, ast.Return)
                and node.value is not None
                and ctx.cls is None
                and ctx.function is not None
            ):
                services = self.service_of(module, node.value, ctx)
                if services:
                    changed |= _add(module.functions, ctx.function, services)
        return changed

    def calls(self, module: _Module) -> list[AwsCall]:
        found = []
        for node, ctx in _walk_scoped(module.tree, _Context()):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            services = self.service_of(module, node.func.value, ctx)
            if not services:
                continue
            where = f"{module.path}:{node.lineno}"
            if len(services) > 1:
                raise ScanError(f"{where}: a client of {sorted(services)}: which one?")
            (service,) = services
            if service not in IAM_PREFIX:
                raise ScanError(f"{where}: a {service} client: add its IAM prefix to IAM_PREFIX")
            method = node.func.attr
            if method in _NOT_CALLS:
                continue
            if method in ("get_paginator", "generate_presigned_url"):
                keyword = "operation_name" if method == "get_paginator" else "ClientMethod"
                operation = _literal(_argument(node, 0, keyword))
                if operation is None:
                    raise ScanError(f"{where}: {method} of an operation that is not a literal")
                method = operation
            if (
                method not in operations(service)
                and (service, method) not in ACTIONS_OF
                and not (service == "s3" and method in _S3_TRANSFER)
            ):
                raise ScanError(f"{where}: {method} is no operation of {service}")
            found.append(AwsCall(module.path, node.lineno, service, method, ()))
        return found


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _parse(path: Path, root: Path) -> _Module:
    name = _module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _Module(name, str(path.relative_to(root)), tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0],
                    None,
                )
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, source] if source else base)
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (source, alias.name)
    return module


def _transact_kinds(modules: Iterable[_Module]) -> set[str]:
    """The kinds of transaction items the code builds (``{"Delete": {...}}`` literals)."""
    kinds = set()
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Dict):
                for key in node.keys:
                    if _literal(key) in TRANSACT_ACTIONS:
                        kinds.add(str(_literal(key)))
    return kinds


def scan(paths: Iterable[Path], root: Path) -> list[AwsCall]:
    """Every AWS call in these files (``root``: the directory module names start from)."""
    modules = {m.name: m for m in (_parse(p, root) for p in sorted(paths))}
    scanner = _Scanner(modules)
    changed = True
    while changed:  # until nothing new is learnt (every module on each pass)
        changed = False
        for module in modules.values():
            changed = scanner.learn(module) or changed
    calls = [c for m in modules.values() for c in scanner.calls(m)]
    kinds = _transact_kinds(modules.values())
    return [
        AwsCall(c.path, c.line, c.service, c.method, _actions(c.service, c.method, kinds))
        for c in calls
    ]


def _actions(service: str, method: str, transact_kinds: set[str]) -> tuple[str, ...]:
    if (service, method) == ("dynamodb", "transact_write_items"):
        return tuple(sorted(TRANSACT_ACTIONS[k] for k in transact_kinds))
    if (service, method) in ACTIONS_OF:
        return ACTIONS_OF[(service, method)]
    return (f"{IAM_PREFIX[service]}:{operations(service)[method]}",)


def app_sources(root: Path) -> list[Path]:
    """The code that runs in the Lambda functions: ``app.py`` and ``chalicelib/``."""
    return [root / "app.py", *sorted((root / "chalicelib").rglob("*.py"))]


def required_actions(calls: Iterable[AwsCall]) -> dict[str, list[str]]:
    """IAM action → where the code needs it (``path:line``)."""
    out: dict[str, list[str]] = {}
    for call in calls:
        for action in call.actions:
            out.setdefault(action, []).append(f"{call.path}:{call.line}")
    return out


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def allows(policy: dict[str, object], action: str) -> bool:
    """True if an ``Allow`` statement of an IAM policy document grants ``action`` (matched
    case-insensitively, ``*`` wildcards as IAM has them)."""
    from fnmatch import fnmatchcase

    for statement in _as_list(policy.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        for pattern in _as_list(statement.get("Action", [])):
            if isinstance(pattern, str) and fnmatchcase(action.lower(), pattern.lower()):
                return True
    return False


def missing_from(policy: dict[str, object], required: Iterable[str]) -> list[str]:
    """The required actions a policy document does not allow."""
    return sorted(a for a in set(required) if not allows(policy, a))
