# Everything a fresh machine needs goes through these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench fuzz soak sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lawreport summarize data/2023.xlsx

test: $(STAMP)
	$(BIN)/python -m pytest

sample: $(STAMP)
	$(BIN)/python scripts/make_sample_data.py data

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py --mutants 10000

soak: $(STAMP)
	$(BIN)/python scripts/soak.py --kills 200

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
