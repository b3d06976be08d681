# CAP PTCE — set-up, run, test and benchmark. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: help install run shell lint format test bench bench-large system-deps geography clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(NODE_STAMP) ## create .venv and node_modules

run: install ## serve the grid and the sample corpus on http://127.0.0.1:5000 (another port: make run PORT=8080)
	$(BIN)/cap-ptce serve --host $(HOST) --port $(PORT)

shell: install ## open a shell where the cap-ptce command is on the PATH (exit to leave it)
	@echo "cap-ptce is on the PATH of this shell ($(CURDIR)/$(BIN)); type exit to leave it."
	@PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" $${SHELL:-/bin/sh}

# Debian packages the tests need: chromium (browser tests), nginx and Apache (static site's rules), Java (the W3C HTML checker),
# Virtuoso (the remote store's second server), systemd (its unit checker, for the documented service). Virtuoso's binaries alone: the full virtuoso-opensource package
# also starts a system server on 0.0.0.0:8890 with the password dba, where the system lets it.
SYSTEM_DEPS = /usr/bin/chromium:chromium /usr/sbin/nginx:nginx-light /usr/sbin/apache2:apache2 /usr/bin/java:default-jre-headless \
	/usr/bin/virtuoso-t:virtuoso-opensource-7-bin /usr/bin/systemd-analyze:systemd
# Libraries and fonts that WeasyPrint needs for the PDF dossier (checked with dpkg where there is one).
SYSTEM_LIBS = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

system-deps: ## install the Debian packages the tests and the PDF dossier need (as root; else prints the apt command)
	@missing=""; for dep in $(SYSTEM_DEPS); do \
	  [ -x "$${dep%%:*}" ] || missing="$$missing $${dep#*:}"; done; \
	if command -v dpkg-query >/dev/null; then for lib in $(SYSTEM_LIBS); do \
	  dpkg-query -W -f='$${Status}' $$lib 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$lib"; done; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "The tests need Debian packages:$$missing. Run: sudo apt-get install$$missing" >&2; exit 1; fi; \
	fi

lint: $(STAMP) ## check the code's style and the direction of imports between stages
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/lint-imports --no-cache

format: $(STAMP) ## format the code and sort its imports (ruff)
	$(BIN)/ruff check --fix --select I src tests bench tools
	$(BIN)/ruff format src tests bench tools

test: install system-deps lint ## run the lint, then the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Standard library only: runs with the system Python, before .venv exists.
geography: $(NODE_STAMP) ## rebuild src/cap_ptce/geo/cog.json.gz from the pinned @etalab/decoupage-administratif
	$(PYTHON) tools/build_geography.py

bench: install ## run the benchmarks and write bench/results/
	$(BIN)/python -m bench

bench-large: install ## the 100,000-description run on Oxigraph server (over an hour; not part of make bench)
	$(BIN)/python -m bench servers_large

clean: ## remove the virtual environment, node_modules and build output
	rm -rf $(VENV) node_modules build dist site var
