# Two entry points: `make demo` and `make test`. Both create .venv on first use
# (Python 3.11 if present, else python3) and install igfaxis in editable mode with the
# test and dev dependency groups of pyproject.toml. A stamp file makes later runs fast;
# it is rebuilt when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.igfaxis-installed

.PHONY: demo test venv clean-venv

demo: $(STAMP)
	$(BIN)/igfaxis demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e ".[cohort]" --group test --group dev
# Chromium renders the HTML report in its test (and prints `report --pdf`); PostgreSQL's
# binaries run a throwaway server for the web app's test against PostgreSQL; without root
# the install fails (make goes on) and those tests skip with a reason.
	(command -v chromium >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1) \
		|| (apt-get update && apt-get install -y chromium postgresql) \
		|| echo "chromium/postgresql not installed (needs root): their tests will skip"
	touch $@

clean-venv:
	rm -rf $(VENV)
