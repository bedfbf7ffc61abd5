# The two commands of the README: `make demo` (the main job on the built-in sample
# ledger) and `make test` (every test the project has: Rust, C, Python).
# Each layer owns its test script, so the layers can grow without touching this file.
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: demo test lint test-rust test-c test-python test-tools

demo:
	$(CARGO) run --release --quiet -p encours-cli -- report --sample

test: lint test-rust test-c test-tools test-python

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test
	# libencours built without letters keeps the same functions, which then refuse.
	$(CARGO) test -p encours-c --no-default-features

test-c:
	@if [ -f bindings/c/tests/run.sh ]; then bash bindings/c/tests/run.sh; else echo "no C layer yet"; fi

test-python:
	@if [ -f bindings/python/tests/run.sh ]; then bash bindings/python/tests/run.sh; else echo "no Python layer yet"; fi

# Licences and bans (deny.toml), a few seconds of every fuzz target, Miri over the C
# layer's unit tests (skipped with a message where nightly or its miri component is
# missing). Long fuzzing runs and mutation testing are documented in fuzz/README.md
# and docs/testing-tools.md, not run here.
test-tools:
	bash scripts/deny.sh
	bash scripts/fuzz.sh --quick
	bash scripts/miri.sh
