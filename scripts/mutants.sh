#!/usr/bin/env bash
# Mutation testing of the core with cargo-mutants: each mutant (a changed operator, a
# function returning a default…) is built and the module's tests run against it; a
# mutant the tests do not catch is a gap in the tests, or a change that makes no
# observable difference. Too slow for `make test` (a build and a test run per mutant).
#
#   scripts/mutants.sh                     money, terms, interest, dunning, every mutant
#   scripts/mutants.sh money terms         those modules
#   MUTANTS_SAMPLE=4 scripts/mutants.sh    one mutant in 4 per module (round robin)
#
# Each module is built and tested with only its own integration tests (crates/encours-core/tests/<m>.rs)
# and the core's unit tests. Results: $CARGO_TARGET_DIR/mutants/<module>/mutants.out
# (caught.txt, missed.txt, timeout.txt, unviable.txt). Installs cargo-mutants when
# missing (`cargo install cargo-mutants --locked`, about 20 minutes here).
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(money terms interest dunning)
sample=${MUTANTS_SAMPLE:-1}
out=${CARGO_TARGET_DIR:-$(pwd)/target}/mutants

cargo mutants --version >/dev/null 2>&1 || cargo install cargo-mutants --locked
for m in "${modules[@]}"; do
    shard=()
    [ "$sample" -gt 1 ] && shard=(--shard "0/$sample" --sharding round-robin)
    cargo mutants -p encours-core --file "crates/encours-core/src/$m.rs" "${shard[@]}" \
        --timeout-multiplier 3 --cargo-arg=--lib --cargo-arg="--test=$m" -o "$out/$m" || true
    o=$out/$m/mutants.out
    c=$(wc -l <"$o/caught.txt"); x=$(wc -l <"$o/missed.txt")
    t=$(wc -l <"$o/timeout.txt"); u=$(wc -l <"$o/unviable.txt")
    echo "mutants $m: $c caught, $x missed, $t timeouts, $u unviable; score $(( (c + t) * 100 / (c + x + t > 0 ? c + x + t : 1) ))%"
done
