# The two commands: `make demo` and `make test`. Everything else is a helper for them.
PY ?= python3
UV := $(PY) -m uv

.PHONY: install demo test lint bench-ingest

install:
	@$(UV) --version >/dev/null 2>&1 || $(PY) -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --locked --quiet

demo: install
	$(UV) run --locked shucang demo

test: install
	$(UV) run --locked pytest -n 2 --dist loadgroup -q

lint: install
	$(UV) run --locked ruff check .
	$(UV) run --locked mypy shucang feeds catalog quality warehouse address_registry control access

bench-ingest: install
	$(UV) run --locked python benchmarks/ingest.py --rows 10000000
