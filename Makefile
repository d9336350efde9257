# The README promises two commands on a fresh machine: `make up` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
ROLE ?= staff
# `make up SCALE=2`: two web and two worker processes per service
SCALE ?= 1
PYTEST_ARGS ?=

.PHONY: install up down status test lint token bench audit demo lock simulate

# Reproducible: every package (transitive ones too) at the version and hash of the lock file;
# the project itself goes in editable, without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements-dev.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

# After changing a pin in pyproject.toml: the runtime lock (Dockerfile) and the dev lock (make).
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		--quiet -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--quiet -o requirements-dev.lock

install: $(VENV)/.installed

up: install
	$(PY) scripts/stack.py up --scale $(SCALE)

down:
	@if [ -x $(PY) ]; then $(PY) scripts/stack.py down; else echo "nothing was started"; fi

status: install
	$(PY) scripts/stack.py status

token: install
	@$(PY) scripts/stack.py token --role $(ROLE)

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) -m mypy $(TYPED)
	$(PY) -m ruff format --check shared scripts migrations tests

# mypy: shared and every service's pure domain/ package
TYPED := shared $(wildcard */domain)

test: install
	$(PY) scripts/stack.py test-infra
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) -m mypy $(TYPED)
	$(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory audit

# Known vulnerabilities fail the run unless .pip-audit-ignore lists them with a reason;
# AUDIT_STRICT=1 also fails when PyPI's per-version JSON API gives no answer for a package.
audit: install
	$(PY) scripts/audit.py $(if $(AUDIT_STRICT),--strict,)

bench: install
	$(PY) scripts/stack.py test-infra
	$(PY) -m benchmarks.run_all

# 12 simulated weeks against the running stack (`make up` first): simulation/results/latest.md.
# `make simulate SCENARIO=small` runs the 4-week scenario of the tests.
# SIMULATE_ARGS passes options on, e.g. SIMULATE_ARGS='--strategy psymatch --out DIR'.
SCENARIO ?= default
SIMULATE_ARGS ?=
simulate: install
	$(PY) -m simulation --scenario $(SCENARIO) $(SIMULATE_ARGS)

# Loads 2,000 therapists and 300 patients into the running stack (`make up` first); see README "Demo".
demo: install
	$(PY) scripts/demo.py
