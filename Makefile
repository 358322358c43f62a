# The two commands: `make demo` and `make test`. Everything else is a helper for them.
PY ?= python3
UV := $(PY) -m uv

.PHONY: install browser demo test lint sanitize bench-ingest

install:
	@$(UV) --version >/dev/null 2>&1 || $(PY) -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --locked --quiet --compile-bytecode
	@# the native address matcher (C, built with the machine's compiler; the Python path without one)
	@$(UV) run --locked python -m address_registry.native_build >/dev/null 2>&1 || \
	  echo "note: no C compiler; addresses are matched by the Python path"
	@# ... and the division reference copied for it once, so a process's first call reads it back
	@$(UV) run --locked python -c "from address_registry import native; native.divisions_handle()" \
	  >/dev/null 2>&1 || true

# Headless Chromium and CJK fonts for the tests that render the report and the portal. Best effort:
# without them (no root, no apt) those tests skip with a reason.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
	  >/dev/null 2>&1; } || echo "note: chromium unavailable; browser tests will skip"

demo: install
	$(UV) run --locked shucang demo

test: install browser
	$(UV) run --locked pytest -n 2 --dist loadgroup -q

# ruff over the tree, the layer contract (pyproject [tool.importlinter]) and mypy over every package
lint: install
	$(UV) run --locked ruff check .
	$(UV) run --locked lint-imports --no-cache
	$(UV) run --locked mypy foundation sources contracts divisions control warehouse feeds address_registry \
	  quality transforms access catalog shucang dags

# The native address matcher built with AddressSanitizer and UBSan into its own cache, and the
# differential tests (C against the Python reference) run on it. A Python host has to preload the
# sanitizer runtimes; leaks are not checked (the interpreter keeps its memory to the end).
SANITIZE_CACHE ?= $(HOME)/.cache/shucang/sanitize
SANITIZE_ENV := SHUCANG_NATIVE_SANITIZE=1 SHUCANG_NATIVE_CACHE=$(SANITIZE_CACHE)
sanitize: install
	$(SANITIZE_ENV) $(UV) run --locked python -m address_registry.native_build
	$(SANITIZE_ENV) ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(UV) run --locked env LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
	  python -m pytest -q -p no:xdist tests/address_registry/test_native.py \
	  tests/address_registry/test_native_parse.py

bench-ingest: install
	$(UV) run --locked python benchmarks/ingest.py --rows 10000000
