# Two commands do everything on a fresh machine: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
SEEDS := seeds
OUT := out

.PHONY: setup demo test lint bench docs clean

setup:
	@bash tools/setup.sh

demo: setup
	@$(BIN)/scorer score $(SEEDS) --out $(OUT)
	@$(BIN)/scorer round $(OUT)

test: setup
	@$(BIN)/python -m pytest -q

lint: setup
	@$(BIN)/ruff check scorer tests tools

bench: setup
	@$(BIN)/python tools/bench.py --batch 3000

docs: setup
	@$(BIN)/scorer rubric docs rubrics/fazhi-annual.yaml --out docs/rubric.md

clean:
	rm -rf $(OUT) .pytest_cache
