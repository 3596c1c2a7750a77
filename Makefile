# 兴企通 — two commands do everything: `make run` and `make test`.
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2

.PHONY: install run test lint typecheck layers pytest bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

## Start the whole platform on the local stack (PORT, DATA_DIR choose port and data folder).
run: install
	$(BIN)/python -m infra.local.server

## Every check CI runs: lint, format, types, layer contracts, all tests.
test: install lint typecheck layers pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

layers:
	$(BIN)/lint-imports

pytest:
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

## Benchmarks print figures (never asserted in tests).
bench: install
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_requests.py
	$(BIN)/python bench/bench_restart.py
	$(BIN)/python bench/bench_startup.py 10000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
