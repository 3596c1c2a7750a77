"""Financial products: a catalogue of records (versioned, audited), listed in id order
(gsi1 ``FINPROD``); a county lists tens of them, so every list reads them all."""

from __future__ import annotations

from typing import Any

from chalicelib.store import keys
from chalicelib.store.records import Catalog

PREFIX = keys.FINANCIAL_PRODUCT

products = Catalog("financial_product", PREFIX, "product_not_found")


def every() -> list[dict[str, Any]]:
    """Every product (a few pages at most)."""
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        items, cursor = products.page(100, cursor)
        out += items
        if cursor is None:
            return out
