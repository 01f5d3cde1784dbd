# Two-command set-up: `make run` (install + parse the bundled sample), `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/raw/shaodong-2025-qidagongjian.txt
SAMPLE_OUT := data/structured/shaodong-2025-qidagongjian.yaml

.PHONY: install compile run test lint fuzz bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --group dev -e '.[all]'
	touch $(STAMP)

# Byte-compile the package: an editable install is not, and where PYTHONDONTWRITEBYTECODE is set
# every start would compile it again (~30 ms of a cold parse).
compile: $(STAMP)
	$(BIN)/python -m compileall -q src > /dev/null

install: $(STAMP)

run: compile
	$(BIN)/qigong parse $(SAMPLE) -o $(SAMPLE_OUT) --force --summary

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/python -m qigong_parse.rules.schema

fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py --cases 10000 --hypothesis 2000

bench: compile
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
