# The two commands a newcomer needs (see README):
#   make reproduce   raw corpus -> tables -> executed notebooks -> figures
#   make test        the test suite
# Both create .venv (Python >= 3.11) and install textkit into it when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.textkit-installed
# What `make reproduce` writes and git tracks: a rerun must leave these unchanged.
OUTPUTS := figures notebooks results

.PHONY: test reproduce check-reproduce verify install lint bench clean-cache

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

reproduce: $(STAMP)
	$(BIN)/textkit reproduce --jobs 2

# Regenerate everything in place (a rerun must leave git status clean: outputs that agree at
# the stated precision are kept), then regenerate everything again from scratch in a scratch
# folder and compare it with every committed output at the stated precision (docs/guarantees.md).
check-reproduce: reproduce
	@mkdir -p .cache && git status --porcelain -- $(OUTPUTS) | tee .cache/reproduce-diff.txt
	@if [ -s .cache/reproduce-diff.txt ]; then \
	  echo "make reproduce changed committed outputs (listed above)"; exit 1; \
	else echo "reproduce: committed figures, tables and notebooks are up to date"; fi
	$(BIN)/textkit verify --jobs 2

verify: $(STAMP)
	$(BIN)/textkit verify --jobs 2

lint: $(STAMP)
	$(BIN)/ruff check textkit tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean-cache:
	rm -rf .cache/textkit
