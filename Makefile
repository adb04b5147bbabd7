# GridWatch: two set-up commands, `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYS_STAMP := $(VENV)/.system-packages
HOST ?= 127.0.0.1
PORT ?= 5000
# Debian packages the test suite uses: audio tools, a virtual screen, a browser.
APT_PACKAGES := ffmpeg espeak-ng xvfb chromium fonts-noto-cjk

.PHONY: demo test lint install system-packages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

# torch first, pinned, so that nothing pulls a CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[all,test]'
	touch $@

install: $(STAMP)

# Missing Debian packages, installed only when running as root on Debian; otherwise a note.
$(SYS_STAMP): | $(BIN)/python
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing system packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "note: missing system packages ($$missing); some tests will use fallbacks"; fi
	touch $@

system-packages: $(SYS_STAMP)

demo: $(STAMP)
	GRIDWATCH_ENV=demo $(BIN)/gridwatch db upgrade
	GRIDWATCH_ENV=demo $(BIN)/gridwatch seed-demo
	GRIDWATCH_ENV=demo $(BIN)/gridwatch serve --host $(HOST) --port $(PORT)

# The suite on TEST_WORKERS pytest-xdist workers (0: in this process), one test file per worker at a time.
TEST_WORKERS ?= 2
test: $(STAMP) $(SYS_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench.intake $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
