#!/usr/bin/env bash
# Miri (the Rust interpreter that detects undefined behaviour) over the C layer's unit
# tests: the unsafe code that turns C pointers into Rust references.
#
# Miri exists only on nightly. A machine without a nightly toolchain, or whose nightly
# lacks the miri component and cannot fetch it, skips this step with a message (it is
# not a failure: the C layer is also run under valgrind and ASan by its own tests).
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
    echo "miri: skipped: $1"
    exit 0
}

cargo +nightly --version >/dev/null 2>&1 || skip "no nightly toolchain on this machine (Miri is nightly-only)"
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    echo "miri: the nightly toolchain has no miri component; trying rustup component add"
    timeout 300 rustup component add --toolchain nightly miri rust-src >/dev/null 2>&1 \
        || skip "the miri component is not installed and could not be fetched"
fi
# The sysroot Miri builds once (a few minutes the first time, cached in ~/.cache/miri).
cargo +nightly miri setup >/dev/null 2>&1 || skip "cargo miri setup failed (it needs the rust-src component)"
# -Zmiri-strict-provenance: pointers the C layer receives are only ever used as given.
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}"
cargo +nightly miri test -p encours-c --lib
