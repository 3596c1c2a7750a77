"""Write the OpenAPI document, local routes included, to a file: the SPA's typed client is
generated from it (``frontend/src/api/schema.d.ts``), and ``make test`` checks it is current.

Usage: ``python -m infra.openapi_dump build/openapi.json``
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("XQT_STAGE", "local")  # before importing the app: dev routes too
    os.environ.setdefault("XQT_TABLE", "unused")
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.openapi import build

    target = Path(argv[1] if len(argv) > 1 else "build/openapi.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(build(include_local=True), ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
