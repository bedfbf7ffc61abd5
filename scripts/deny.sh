#!/usr/bin/env bash
# Licences, bans and sources of every dependency, as deny.toml sets them.
#
# With cargo-deny installed: `cargo deny --workspace check licenses bans sources`.
# Without it (a fresh CI machine): the same lists checked by scripts/deny-lean.py from
# `cargo metadata`, in a second, rather than installing cargo-deny (about 14 minutes of
# compiling on this 2-core machine under load). Advisories are not checked: the RustSec
# database is on the network, which the project's machines do not reach.
set -euo pipefail
cd "$(dirname "$0")/.."
if cargo deny --version >/dev/null 2>&1; then
    out=$(mktemp)
    rc=0
    cargo deny --workspace check licenses bans sources >"$out" 2>&1 || rc=$?
    # Duplicate versions are warnings only; errors are shown with their context.
    grep -E -A12 '^error\[' "$out" || true
    echo "deny: cargo-deny: $(tail -1 "$out")"
    rm -f "$out"
    exit "$rc"
else
    echo "deny: cargo-deny not installed; checking deny.toml's lists from cargo metadata"
    python3 scripts/deny-lean.py
fi
