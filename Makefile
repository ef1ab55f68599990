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

# Then the reading tests once more with every sheet read in parts (sheetsplit.py), as only big sheets are.
READING_TESTS := tests/test_open.py tests/test_reader.py tests/test_merged.py tests/test_sheets.py \
	tests/test_safety.py tests/test_zipstream.py tests/test_sample_data.py

test: $(STAMP)
	$(BIN)/python -m pytest
	LAWREPORT_SPLIT_FLOOR_BYTES=0 $(BIN)/python -m pytest $(READING_TESTS)

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
