#!/usr/bin/env bash
# Build libencours in release mode, write the yardstick ledger (100,000 customers,
# 1,000,000 invoices) once, and run risk_bench.c against it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build -q --release -p encours-c -p encours-cli
LEDGER=$TARGET_DIR/yardstick-ledger.json
if [ ! -s "$LEDGER" ]; then
  "$TARGET_DIR/release/encours" sample --customers 100000 --invoices 1000000 --out "$LEDGER"
fi
cc -std=c11 -O2 -Wall -Wextra -Werror -Ibindings/c/include bindings/c/bench/risk_bench.c \
  -L"$TARGET_DIR/release" -lencours -Wl,-rpath,"$TARGET_DIR/release" -o "$TARGET_DIR/risk_bench"
"$TARGET_DIR/risk_bench" "$LEDGER"
