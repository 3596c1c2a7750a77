"""兴企通's code. Importing it sets two pydantic defaults, before any model is defined, so that
a cold Lambda pays at start only for what its first request uses (docs/deploy.md, "Cold
start"):

- every model is built on first use (``defer_build``): a request builds the few models it
  validates or renders, the OpenAPI document builds them all; validation is the same either
  way (tests/unit/test_cold_import.py checks both the default and that nothing heavy loads);
- no scan of every installed distribution's entry points for pydantic plugins (we use none),
  which a first build would otherwise do (``PYDANTIC_DISABLE_PLUGINS``, pydantic's own
  setting; a value set in the environment wins).
"""

import os

from pydantic._internal._config import config_defaults

config_defaults["defer_build"] = True
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
