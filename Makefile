# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test bench lint init demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The example outside plugins are installed too: the suite proves they load through their entry points.
$(DEV_STAMP): pyproject.toml examples/sales_contests/pyproject.toml examples/new_logo_bonus/pyproject.toml examples/rfm_grading/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,bench]" -e examples/sales_contests -e examples/new_logo_bonus -e examples/rfm_grading
	touch $(STAMP) $@

## run: install, create/upgrade the SQLite database, load demo data if empty, start the app
run: $(STAMP)
	$(BIN)/command-center init
	$(BIN)/command-center demo --scale small --if-empty
	$(BIN)/command-center run --port $(PORT)

## test: install dev dependencies and run the whole suite (one worker per CPU, a file per worker)
PYTEST_ARGS ?= -n auto --dist loadfile --durations=15
test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: benchmarks at medium and large scale beside their baselines (minutes)
bench: $(DEV_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

init: $(STAMP)
	$(BIN)/command-center init

demo: $(STAMP)
	$(BIN)/command-center demo --scale small --reset

NOTEBOOK_STAMP := $(VENV)/.installed-notebook
LAB_PORT ?= 8888

$(NOTEBOOK_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[notebook]"
	touch $(STAMP) $@

.PHONY: lab
## lab: install the notebook extra, then JupyterLab on the same database as `make run` (examples/notebooks)
lab: $(NOTEBOOK_STAMP)
	$(BIN)/command-center init
	$(BIN)/command-center demo --scale small --if-empty
	$(BIN)/jupyter lab --no-browser --port $(LAB_PORT) --ServerApp.root_dir=examples/notebooks \
		$(if $(filter 0,$(shell id -u)),--allow-root)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
