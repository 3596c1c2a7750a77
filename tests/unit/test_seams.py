"""The seam between the API and the store (issue 16): the store raises domain errors, and
only the API names the request's fields."""

from __future__ import annotations

import ast
from pathlib import Path

from chalicelib.errors import ItemsRefused, Refusal

STORE = Path(__file__).resolve().parents[2] / "chalicelib" / "store"
#: ``db`` decodes the opaque page cursor, which is one query parameter on every list route.
CURSOR_ONLY = {"db.py"}


def test_the_store_names_no_request_field():
    offenders = []
    for module in sorted(STORE.glob("*.py")):
        if module.name in CURSOR_ONLY:
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in ("FieldError", "ValidationFailed"):
                offenders.append(f"{module.name}:{node.lineno} {node.id}")
    assert offenders == []


def test_refused_items_are_named_by_place_in_order():
    refused = ItemsRefused(
        [Refusal(10, "upload_not_found"), Refusal(2, "upload_purpose", {"purpose": "x"})]
    )
    named = refused.named("materials.1.attachments")
    assert [(e.field, e.code, e.params) for e in named.errors] == [
        ("materials.1.attachments.2", "upload_purpose", {"purpose": "x"}),
        ("materials.1.attachments.10", "upload_not_found", {}),
    ]
