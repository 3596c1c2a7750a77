"""兴企通 (Xingqitong): the Chalice app. It registers blueprints, middleware and event
handlers, and nothing else; the rules live in ``chalicelib/domain``."""

from __future__ import annotations

import os

from chalice import Chalice

from chalicelib.api import (
    appeals,
    calendar,
    catalogs,
    enterprises,
    health,
    middleware,
    openapi,
    users,
)
from chalicelib.api.contract import API_PREFIX
from chalicelib.logs import quiet_libraries

app = Chalice(app_name="xingqitong", configure_logs=False)
app.api.binary_types = []  # every response is text (JSON); no Accept header games

for module in (health, openapi, enterprises, catalogs, users, appeals, calendar):
    app.register_blueprint(module.api.blueprint, url_prefix=API_PREFIX)

# The dev routes exist only where the local stack (or a test emulating it) says so before
# import; `chalice package` for dev/prod never sets this, so they are absent there.
if os.environ.get("XQT_STAGE") in ("local", "test"):
    from chalicelib.api import dev

    app.register_blueprint(dev.api.blueprint, url_prefix=API_PREFIX)

app.register_middleware(middleware.http_middleware, "http")
quiet_libraries()
