#!/usr/bin/env bash
# Build the Python package into a venv and run its checks: mypy.stubtest on the
# hand-written stubs, then pytest (warnings as errors). Called by `make test-python`.
#
# The venv lives under the cargo target directory so it survives between runs and
# is shared by worktrees using the same CARGO_TARGET_DIR; it is recreated when the
# pinned requirements change. PYO3_PYTHON is pinned to the venv's python so pyo3's
# build script does not rebuild back and forth between interpreters.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKG="$(dirname "$HERE")"
ROOT="$(cd "$PKG/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
export CARGO_TARGET_DIR="$TARGET"
VENV="${ENCOURS_PY_VENV:-$TARGET/py-venv}"
PYTHON="${PYTHON:-python3}"

# Versions checked on this machine (shared/BUILD-NOTES.md).
REQUIREMENTS=(
  "maturin==1.16.*"
  "pytest==9.2.*"
  "hypothesis==6.170.*"
  "mypy==2.4.*"
  "pyarrow==26.0.*"
  "pandas==3.1.*"
  "polars==2.1.*"
  # Annuity schedules are compared with numpy-financial's pmt/ipmt/ppmt (test_plans.py).
  "numpy-financial==1.0.0"
)
STAMP="$VENV/.encours-requirements"
WANT="$(printf '%s\n' "${REQUIREMENTS[@]}")"

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating venv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "== installing test requirements"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}"
  printf '%s' "$WANT" > "$STAMP"
fi

export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
export PYO3_PYTHON="$VENV/bin/python"
unset CONDA_PREFIX || true

echo "== maturin develop (debug)"
(cd "$PKG" && maturin develop --quiet)

echo "== mypy.stubtest encours._encours"
python -m mypy.stubtest encours._encours --allowlist "$HERE/stubtest-allowlist.txt"

echo "== pytest"
set +e
(cd "$PKG" && python -m pytest -q -W error "$HERE")
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
echo "== python layer: $(( $(date +%s) - start )) s"
exit "$rc"
