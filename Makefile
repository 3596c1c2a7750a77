# 兴企通 — two commands do everything: `make run` and `make test`.
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2
FRONT  := frontend
NODE_STAMP := $(FRONT)/node_modules/.installed-$(shell cat $(FRONT)/package-lock.json | cksum | cut -d' ' -f1)

STAGE  ?= dev

.PHONY: install run test lint typecheck layers pytest bench clean frontend frontend-check browser \
	package lint-infra deploy audit fuzz

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# pip pinned: chalice 1.34 (which packages the Lambda zip) requires pip < 26.3, and an
	@# unpinned upgrade took the newest, then the requirements took it down again
	$(BIN)/python -m pip install --quiet pip==26.2
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

$(NODE_STAMP): $(FRONT)/package.json $(FRONT)/package-lock.json
	cd $(FRONT) && npm ci --no-audit --no-fund --loglevel=error
	@rm -f $(FRONT)/node_modules/.installed-*
	@touch $@

## The SPA's production build in frontend/dist (static, hashed assets, no inline script),
## redone only when one of its inputs changed.
DIST := $(FRONT)/dist/index.html
DIST_INPUTS := $(shell find $(FRONT)/src $(FRONT)/public -type f 2>/dev/null) $(FRONT)/index.html \
	$(FRONT)/vite.config.ts $(FRONT)/package.json $(wildcard $(FRONT)/tsconfig*.json)
$(DIST): $(NODE_STAMP) $(DIST_INPUTS)
	cd $(FRONT) && npx vite build --logLevel warn

frontend: $(DIST)

## The SPA's own checks: ESLint, vue-tsc, Vitest, and the API types current with the code.
frontend-check: install $(NODE_STAMP)
	cd $(FRONT) && npx eslint --max-warnings 0 .
	cd $(FRONT) && npx vue-tsc --noEmit -p tsconfig.app.json
	cd $(FRONT) && npx vitest run --reporter=dot
	$(BIN)/python -m infra.openapi_dump build/openapi.json
	cd $(FRONT) && npx openapi-typescript ../build/openapi.json -o ../build/schema.d.ts --default-non-nullable false --silent
	@diff -q build/schema.d.ts $(FRONT)/src/api/schema.d.ts >/dev/null || { \
	  echo "frontend/src/api/schema.d.ts is stale: run 'cd frontend && npm run api:types' after"; \
	  echo "'.venv/bin/python -m infra.openapi_dump build/openapi.json'"; exit 1; }

## Debian's Chromium (and a Chinese font, so screenshots are readable) for the browser
## tests: installed when absent and we can (root); a missing browser fails the run.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "chromium is missing: apt-get install chromium fonts-wqy-microhei (as root)"; exit 1; fi; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium could not be installed"; exit 1; }

## Start the whole platform on the local stack (PORT, DATA_DIR choose port and data folder).
run: install frontend
	XQT_DEMO_CONTENT=1 $(BIN)/python -m infra.local.server

## Every check CI runs: lint, format, types, layer contracts, the SPA's checks, all tests
## (API, local stack, and the browser tests in Chromium against the built SPA).
## The checks before pytest are independent and mostly single-threaded: two at a time (each
## one's output kept together); then pytest, which needs the SPA's build and Chromium.
test: install $(NODE_STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target \
	  lint typecheck layers lint-infra frontend-check frontend browser
	$(MAKE) --no-print-directory pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

layers:
	$(BIN)/lint-imports

pytest:
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

## Every artifact of a stage (STAGE=dev|prod) in build/STAGE: the Lambda zip, the
## CloudFormation template of each partition (Chalice's output merged with infra/:
## template.json for the global regions, template-cn.json for the China regions) and the
## SPA's build (site/).
package: install frontend
	$(BIN)/python -m infra.package $(STAGE)
	rm -rf build/$(STAGE)/site && cp -R $(FRONT)/dist build/$(STAGE)/site

## cfn-lint (pinned) on the data template and on both stages' packaged templates, the China
## ones against the China regions' resource specifications (both runs at once, and both must
## pass); the packages are rebuilt only when their inputs changed.
CN_REGIONS := cn-north-1 cn-northwest-1
lint-infra: install
	$(BIN)/python -m infra.package dev prod
	@$(BIN)/cfn-lint --regions $(CN_REGIONS) -- build/dev/template-cn.json build/prod/template-cn.json \
	  & china=$$!; \
	echo "cfn-lint --regions $(CN_REGIONS): build/dev/template-cn.json build/prod/template-cn.json"; \
	echo "cfn-lint: infra/resources.yaml build/dev/template.json build/prod/template.json"; \
	$(BIN)/cfn-lint infra/resources.yaml build/dev/template.json build/prod/template.json; \
	global=$$?; wait $$china; cn=$$?; test $$global -eq 0 -a $$cn -eq 0

## make deploy STAGE=prod ARTIFACT_BUCKET=<bucket> [PARAMS=<file.json>] [REGION=...]
## [STACK=...] [DRY_RUN=1]: package, then the stack, the SPA and its config (docs/deploy.md).
## REGION=cn-north-1 or cn-northwest-1 deploys the China template (template-cn.json).
deploy: package
	@test -n "$(ARTIFACT_BUCKET)" || { echo "ARTIFACT_BUCKET=<S3 bucket for the Lambda zip> is required"; exit 1; }
	$(BIN)/python -m infra.deploy --stage $(STAGE) --artifact-bucket $(ARTIFACT_BUCKET) \
	  $(if $(PARAMS),--parameters $(PARAMS)) $(if $(REGION),--region $(REGION)) \
	  $(if $(STACK),--stack $(STACK)) $(if $(DRY_RUN),--dry-run)

## Fuzz the served OpenAPI document harder than make test does (tests/e2e/test_fuzz.py):
## every schemathesis phase, FUZZ_EXAMPLES per operation, with no token and as each role;
## prints each run's requests, 5xx and schema violations. Roughly half an hour on 2 cores.
FUZZ_EXAMPLES ?= 100
fuzz: install
	XQT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) XQT_FUZZ_PHASES=examples,coverage,fuzzing,stateful \
	  $(BIN)/python -m pytest -s tests/e2e/test_fuzz.py

## Benchmarks print figures (never asserted in tests).
bench: install frontend browser
	$(BIN)/python bench/run_all.py

## Known vulnerabilities: pip-audit over the pinned environment (.venv: runtime and dev
## pins) with PyPI's advisory data, and npm audit over the SPA's runtime dependencies. Both
## need their registry's advisory service (pypi.org's JSON API, registry.npmjs.org's bulk
## advisories); where it cannot be reached the target fails and says so, it never passes.
audit: install $(NODE_STAMP)
	$(BIN)/pip-audit --strict --progress-spinner off --vulnerability-service pypi --local
	cd $(FRONT) && npm audit --omit=dev --audit-level=low

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build $(FRONT)/node_modules $(FRONT)/dist
