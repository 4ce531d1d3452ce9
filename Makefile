# One short verb per task. `check` never changes files; `lint` and `generate` do.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: install generate check-generated lint check audit test demo bench bench-fake docs dist clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# Python 3.11's venv seeds setuptools 65.5.0, which has known advisories (the audit flags it).
	$(PY) -m pip install --quiet --upgrade "pip>=25.1" "setuptools>=78.1.1"
	$(PY) -m pip install --quiet -e ".[testing,aiohttp]" --group dev --group docs
	touch $(STAMP)

install: $(STAMP)

generate: $(STAMP)
	$(PY) scripts/generate.py

check-generated: $(STAMP)
	$(PY) scripts/generate.py --check

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format talon_async/_generated --check --quiet || true
	$(BIN)/ruff format --exclude talon_async/_generated .

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --exclude talon_async/_generated .
	$(BIN)/mypy
	$(BIN)/bandit -q -c scripts/bandit.yaml -r talon_async
	$(PY) scripts/audit.py
	$(BIN)/towncrier build --draft --version check > /dev/null
	$(MAKE) --no-print-directory dist

audit: $(STAMP)
	$(PY) scripts/audit.py

test: $(STAMP)
	$(BIN)/pytest

demo: $(STAMP)
	$(PY) examples/demo.py

# The sdist and wheel in dist/, checked the way PyPI renders them; the sdist must regenerate and test.
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --quiet --outdir dist .
	$(BIN)/twine check --strict dist/*
	$(PY) scripts/check_sdist.py

# The documentation site in site/, failing on any warning (broken link, missing object).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

bench: $(STAMP)
	$(PY) -m pip install --quiet --group bench
	$(PY) bench/run.py

# The in-process fake against a canned transport, in one process: seconds, no extra packages.
bench-fake: $(STAMP)
	$(PY) bench/fake.py

clean:
	rm -rf $(VENV) build dist site .mypy_cache .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
