# Only Python 3.11 and make are needed: everything else comes from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# editable_mode=compat: a plain .pth path entry; the default editable finder costs ~20 ms at
# every start-up of every command.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/deadlines compute $$(cat samples/demo-case.args)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# Every CPU, at most 4 (each worker starts its own PostgreSQL and CalDAV servers).
pytest: $(STAMP)
	$(BIN)/pytest -n auto --maxprocesses 4

test: lint typecheck pytest

# The speed targets of issue 13 (not tests): a table with pass/fail, written to bench/results.json.
# BENCH_ARGS, e.g. "--only startup", "--sizes 300" or "--tree ../other-checkout" (bench/run.py).
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
