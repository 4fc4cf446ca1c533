# The two commands a newcomer needs (see README):
#   make reproduce   raw corpus -> tables -> executed notebooks -> figures
#   make test        the test suite
# Both create .venv (Python >= 3.11) and install textkit into it when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.textkit-installed

.PHONY: test reproduce install lint bench clean-cache

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

reproduce: $(STAMP)
	$(BIN)/textkit reproduce

lint: $(STAMP)
	$(BIN)/ruff check textkit tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean-cache:
	rm -rf .cache/textkit
