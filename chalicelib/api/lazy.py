"""The app's routes without their modules: each route of ``routes.ROUTES`` (generated from the
contract by ``python -m infra.routes_dump``) is registered with Chalice at import, and the
module that declares it is imported when the route is first called — so a cold Lambda loads
the code of the routes it serves, not of all of them (docs/deploy.md, "Cold start").

Chalice sees every route, method and view name as before; the handler is the contract's own
(``contract.HANDLERS``), given the app's current request. The local stack and the tests load
every module at start (``load_all``): their routes are served through the same path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response

from chalicelib.api.routes import ROUTES

PACKAGE = "chalicelib.api"
#: The modules that declare routes, in the order their operations are documented.
MODULES: tuple[str, ...] = tuple(sorted({module for _, _, module, _ in ROUTES}))


def load(module: str) -> None:
    importlib.import_module(f"{PACKAGE}.{module}")


def load_all() -> None:
    """Import every route module (the OpenAPI document and the local stack need them all)."""
    for module in MODULES:
        load(module)


def _view(app: Chalice, method: str, path: str, module: str) -> Callable[..., Response]:
    key = (method, path)
    handlers: dict[tuple[str, str], Callable[..., Response]] = {}

    def view(**path_params: str) -> Response:
        handle = handlers.get(key)
        if handle is None:
            load(module)  # the import lock makes a concurrent first call wait, not load twice
            from chalicelib.api.contract import HANDLERS

            handle = handlers[key] = HANDLERS[key]
        return handle(app.current_request, **path_params)

    return view


def register(app: Chalice) -> None:
    """Every route of the contract on ``app``, each loading its module on first call."""
    for method, path, module, name in ROUTES:
        view: Any = _view(app, method, path, module)
        view.__name__ = name
        app.route(path, methods=[method], content_types=["*/*"], name=name)(view)
