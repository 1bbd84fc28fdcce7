# Two commands do everything on a fresh machine: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
SEEDS := seeds
OUT := out

.PHONY: setup demo test lint bench docs clean

setup:
	@bash tools/setup.sh

# The seeds cover four years, one or two reports each: the demo ranks them together (--group-by none)
# to show a ranking; a real batch is ranked within each year by default.
demo: setup
	@$(BIN)/scorer score $(SEEDS) --out $(OUT) --group-by none
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
