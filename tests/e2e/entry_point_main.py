"""Processes for the entry-point test (``test_entry_points.py``): each Lambda entry point
of ``app.py`` started cold in a process of its own, as Lambda starts it, against a moto
server where the service centre loaded a year that differs from the library's.

``python -m tests.e2e.entry_point_main server PORT DATA_DIR``: the moto server with the
template's tables, buckets and queues, the seed, and the loaded year; prints ``ready`` and
serves until killed. ``python -m tests.e2e.entry_point_main invoke SPEC``: one cold start —
``SPEC`` is JSON ``{"now": ISO, "handler": NAME, "event": {...}}`` (or ``"requests"`` for the
API: ``[[method, path, username, body], ...]``); prints the handler's results as JSON.
Both read the stack's settings from the environment the test gives them.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from typing import Any

#: The centre's notice for 2026 differs from the library's: Monday 2 November is a day off
#: (a made-up local holiday), so November's first working day is the 3rd.
EXTRA_HOLIDAY = date(2026, 11, 2)


def serve(port: int) -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    from chalicelib.auth import local_issuer
    from chalicelib.domain.calendar import library_schedule
    from chalicelib.store import settings
    from infra.definitions import Names, create_all
    from infra.local import moto_patches
    from infra.local.seed import seed

    moto_patches.apply()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    create_all(boto3.Session(), Names("xqt-ep"))
    seed(local_issuer.ISSUER)
    official = library_schedule(2026)
    assert official is not None and EXTRA_HOLIDAY not in official.holidays
    settings.put_year(
        2026,
        sorted({*official.holidays, EXTRA_HOLIDAY}),
        sorted(official.working_weekends),
        {**official.names, EXTRA_HOLIDAY: "地方假日"},
        None,
    )
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def _http(requests: list[list[Any]]) -> list[dict[str, Any]]:
    """API Gateway proxy events built as Chalice's own local gateway builds them, handed to
    the REST API's Lambda handler (``app.app``)."""
    from chalice.local import LambdaContext, LambdaEventConverter, RouteMatcher

    from app import app
    from chalicelib.auth import local_issuer
    from chalicelib.config import settings

    converter = LambdaEventConverter(RouteMatcher(list(app.routes)), app.api.binary_types)
    out = []
    for method, path, username, body in requests:
        headers = {"content-type": "application/json", "host": "lambda"}
        if username:
            token = local_issuer.sign(
                settings().local_issuer_key_file,
                settings().auth_jwks_file,
                username,
                username=username,
            )
            headers["authorization"] = f"Bearer {token}"
        event = converter.create_lambda_event(method, path, headers)
        event["body"] = json.dumps(body) if body is not None else None  # as API Gateway: text
        response = app(event, LambdaContext("api_handler", 512, 30000))
        out.append(
            {"status": response["statusCode"], "body": json.loads(response["body"] or "null")}
        )
    return out


def invoke(spec: dict[str, Any]) -> Any:
    from chalicelib import clock

    clock.set_now(datetime.fromisoformat(spec["now"]))
    if "requests" in spec:
        return _http(spec["requests"])
    import app

    return getattr(app, spec["handler"])(spec["event"], None)


def main(argv: list[str]) -> None:
    if argv[0] == "server":
        serve(int(argv[1]))
    else:
        print(json.dumps(invoke(json.loads(argv[1])), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
