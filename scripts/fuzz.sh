#!/usr/bin/env bash
# The fuzz targets of fuzz/ (cargo-fuzz, libFuzzer), run from the seed corpora in
# fuzz/seeds/. See fuzz/README.md.
#
#   scripts/fuzz.sh --quick                 every target for FUZZ_SECONDS (default 8) s:
#                                           the step of `make test`
#   scripts/fuzz.sh --long HOURS [TARGET…]  the targets one after the other, HOURS in all
#                                           (fractions allowed), corpus kept between runs
#   scripts/fuzz.sh --list                  the targets
#
# Toolchain: nightly when `cargo +nightly` works, else the stable toolchain with
# RUSTC_BOOTSTRAP=1 (cargo-fuzz passes -Z flags). cargo-fuzz is installed when missing
# (about 75 s on this machine). Build and corpus live under $CARGO_TARGET_DIR/fuzz
# (or target/fuzz), never in the repository: the seeds stay as committed.
# Environment: FUZZ_SECONDS, FUZZ_SANITIZER (address, the default; none is faster),
# FUZZ_JOBS (parallel fuzzing processes per target in --long, default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=${1:---quick}
targets=(terms_parse json_inputs letters_render c_api ledger_events money_ops)

case "$mode" in
--list)
    printf '%s\n' "${targets[@]}"
    exit 0
    ;;
--quick)
    per_target=${FUZZ_SECONDS:-8}
    ;;
--long)
    hours=${2:?usage: scripts/fuzz.sh --long HOURS [TARGET…]}
    shift 2
    if [ $# -gt 0 ]; then targets=("$@"); fi
    per_target=$(python3 -c "print(max(1, int(float('$hours') * 3600 / ${#targets[@]})))")
    ;;
*)
    echo "usage: scripts/fuzz.sh --quick | --long HOURS [TARGET…] | --list" >&2
    exit 2
    ;;
esac

if cargo +nightly --version >/dev/null 2>&1; then
    cargo=(cargo +nightly)
else
    echo "fuzz: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1"
    export RUSTC_BOOTSTRAP=1
    cargo=(cargo)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked --quiet
fi

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}/fuzz
work=$CARGO_TARGET_DIR/runs
sanitizer=${FUZZ_SANITIZER:-address}
jobs=${FUZZ_JOBS:-1}

cd fuzz
# All targets in one build (they share every dependency).
mkdir -p "$work"
if ! "${cargo[@]}" fuzz build --sanitizer "$sanitizer" >"$work/build.log" 2>&1; then
    grep -Ev '^ *(Compiling|Downloaded|Downloading|Locking|Adding|Updating)' "$work/build.log" | tail -40
    echo "fuzz: the targets do not build"
    echo "fuzz: 0 passed, ${#targets[@]} failed"
    exit 1
fi
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi

passed=0
failed=0
for t in "${targets[@]}"; do
    corpus=$work/corpus/$t
    artifacts=$work/artifacts/$t
    mkdir -p "$corpus" "$artifacts"
    seeds=seeds/$t
    [ -d "$seeds" ] || seeds=
    log=$work/$t-${mode#--}.log
    start=$(date +%s)
    # -timeout: one input taking 60 s is a hang, reported as a crash (10 s gave a false
    # one on a saturated machine: an 0.25 s input starved of CPU under nice 19).
    # -rss_limit_mb: an input that needs 2 GB is a memory blow-up, also a crash.
    if "${cargo[@]}" fuzz run --sanitizer "$sanitizer" "$t" "$corpus" ${seeds:+"$seeds"} -- \
        -max_total_time="$per_target" -timeout=60 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 \
        "${parallel[@]}" \
        >"$log" 2>&1; then
        status=ok
        passed=$((passed + 1))
    else
        status=FAILED
        failed=$((failed + 1))
    fi
    runs=$(grep -aEo 'Done [0-9]+ runs' "$log" | tail -1 | grep -aEo '[0-9]+' || echo "?")
    [ "$runs" = "?" ] && runs=$(grep -aEo 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -aEo '[0-9]+$' || echo "?")
    units=$(find "$corpus" -type f | wc -l)
    echo "fuzz $t: $status, $runs executions in $(($(date +%s) - start)) s, corpus $units inputs"
    if [ "$status" = FAILED ]; then
        grep -aE 'panicked at|ERROR: |SUMMARY' "$log" | head -5 | sed 's/^/    /'
        ls "$artifacts" | head -3 | sed "s|^|    artifact: $artifacts/|"
        echo "    log: $log; reproduce: (cd fuzz && cargo +nightly fuzz run $t <artifact>)"
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
