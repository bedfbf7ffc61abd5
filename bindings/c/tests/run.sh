#!/usr/bin/env bash
# The C layer's tests (run by `make test-c`):
#   1. build libencours (debug) with cargo;
#   2. check the committed header is what cbindgen generates, and the version macros
#      match Cargo.toml;
#   3. build every tests/test_<area>.c with -std=c11 -Wall -Wextra -Wpedantic -Werror,
#      linked against the shared library (rpath) and the static library, and run both;
#   4. run each under valgrind and built with -fsanitize=address,undefined, after
#      checking that the runtimes are linked and that a deliberate leak, heap
#      overflow and signed overflow are really reported;
#   5. generate encours.pc and compile a program with pkg-config; build the CMake
#      example when cmake is available; build and run the README's example and
#      examples/c/aging.c.
# Any failure fails the script. Each C test ends with "N passed, N failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
LIBDIR=$TARGET_DIR/debug
OUT=$TARGET_DIR/c-tests
INCLUDE=$ROOT/bindings/c/include
CC=${CC:-cc}
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -pthread -I"$INCLUDE")
mkdir -p "$OUT"

failures=0
section() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
start=$SECONDS

section "cargo build -p encours-c"
cargo build -p encours-c
for f in libencours.so libencours.a; do
    [ -f "$LIBDIR/$f" ] || { echo "FAIL: $LIBDIR/$f was not built"; exit 1; }
done

section "header up to date"
# build.rs has just regenerated the header: any difference from the committed one
# means the API changed without the header being committed.
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "SKIP: not a git checkout, cannot compare the header with the committed one"
elif ! git ls-files --error-unmatch bindings/c/include/encours.h >/dev/null 2>&1; then
    fail "bindings/c/include/encours.h is not committed"
elif ! git diff --exit-code -- bindings/c/include/encours.h; then
    fail "bindings/c/include/encours.h differs from what cbindgen generates: commit it"
else
    echo "ok"
fi

section "version"
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)
HEADER_VERSION=$(sed -n 's/^#define ENCOURS_VERSION "\(.*\)"$/\1/p' "$INCLUDE/encours.h")
if [ -z "$VERSION" ] || [ "$VERSION" != "$HEADER_VERSION" ]; then
    fail "Cargo.toml version '$VERSION' differs from the header's ENCOURS_VERSION '$HEADER_VERSION'"
else
    echo "Cargo.toml and encours.h: $VERSION"
fi

section "system libraries for static linking"
# Asking rustc costs a rebuild of the crate as a staticlib only, so the answer is
# cached per rustc version; the fixed list is the fallback.
NATIVE_CACHE=$OUT/native-static-libs.$(rustc -vV | cksum | cut -d' ' -f1)
if [ ! -s "$NATIVE_CACHE" ]; then
    if native=$(cargo rustc -q -p encours-c --lib --crate-type staticlib -- --print=native-static-libs 2>&1 \
        | sed -n 's/.*native-static-libs: //p' | tail -n1) && [ -n "$native" ]; then
        echo "$native" >"$NATIVE_CACHE"
        # Rebuild the normal artifacts the staticlib-only build replaced.
        cargo build -q -p encours-c
    else
        echo "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" >"$NATIVE_CACHE"
    fi
fi
read -r -a NATIVE_LIBS <"$NATIVE_CACHE"
echo "${NATIVE_LIBS[*]}"

# Run a test binary; it must exit 0 and end with "N passed, 0 failed".
run_test() {
    local label=$1
    shift
    local log=$OUT/$label.log
    if "$@" >"$log" 2>&1; then
        local last
        last=$(tail -n1 "$log")
        if [[ $last =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
            printf '  %-28s %s\n' "$label" "$last"
            return 0
        fi
    fi
    fail "$label (log: $log)"
    sed 's/^/    /' "$log" | tail -n 30
    return 1
}

section "C tests: shared and static"
TESTS=()
for src in bindings/c/tests/test_*.c; do
    TESTS+=("$(basename "$src" .c)")
done
for t in "${TESTS[@]}"; do
    src=bindings/c/tests/$t.c
    args=()
    [ "$t" = test_version ] && args=("$VERSION")
    if $CC "${CFLAGS[@]}" "$src" -L"$LIBDIR" -lencours -Wl,-rpath,"$LIBDIR" -o "$OUT/$t-shared"; then
        # Make sure the shared build really uses the shared library.
        if [[ $(ldd "$OUT/$t-shared") == *"libencours.so => $LIBDIR"* ]]; then
            run_test "$t (shared)" "$OUT/$t-shared" "${args[@]}" || true
        else
            fail "$t-shared does not load $LIBDIR/libencours.so"
        fi
    else
        fail "compiling $src (shared)"
    fi
    if $CC "${CFLAGS[@]}" "$src" "$LIBDIR/libencours.a" "${NATIVE_LIBS[@]}" -o "$OUT/$t-static"; then
        if [[ $(ldd "$OUT/$t-static") == *libencours* ]]; then
            fail "$t-static links libencours dynamically"
        else
            run_test "$t (static)" "$OUT/$t-static" "${args[@]}" || true
        fi
    else
        fail "compiling $src (static)"
    fi
done

# A program that leaks a ledger, reads past a heap block or overflows an int on
# request, to prove
# the tools below report errors at all on this machine.
cat >"$OUT/canary.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
#include "encours.h"
int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "ub") == 0) {
        int big = 2147483647;
        big += argc; /* signed overflow */
        return big == 0;
    }
    if (argc > 1 && strcmp(argv[1], "overflow") == 0) {
        char *p = malloc(8);
        volatile char c = p[8];
        (void)c;
        free(p);
        return 0;
    }
    encours_ledger *l = NULL;
    if (encours_ledger_new(&l) != ENCOURS_OK) return 2;
    l = NULL; /* leaked on purpose */
    return 0;
}
EOF

# No -Werror: the canary is wrong on purpose.
CANARY_FLAGS=(-std=c11 -g -O0 -I"$INCLUDE")

section "valgrind"
if ! command -v valgrind >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "valgrind missing: installing it with apt-get"
        (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null 2>&1 || true
    else
        echo "SKIP: valgrind is not installed and this user cannot install it (not root)"
    fi
fi
if command -v valgrind >/dev/null 2>&1; then
    # valgrind.supp: data built once per process by dependencies (minijinja's built-in
    # filters), otherwise printed as "possibly lost" after the closing line.
    VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
        --suppressions="$ROOT/bindings/c/tests/valgrind.supp")
    $CC "${CANARY_FLAGS[@]}" "$OUT/canary.c" -L"$LIBDIR" -lencours -Wl,-rpath,"$LIBDIR" -o "$OUT/canary-shared" || true
    set +e
    "${VG[@]}" "$OUT/canary-shared" >"$OUT/canary-valgrind.log" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 99 ] && grep -q "definitely lost" "$OUT/canary-valgrind.log"; then
        echo "  canary: valgrind reports the deliberate leak"
    else
        fail "valgrind did not report the deliberate leak (exit $rc, log $OUT/canary-valgrind.log)"
    fi
    for t in "${TESTS[@]}"; do
        args=()
        [ "$t" = test_version ] && args=("$VERSION")
        [ -x "$OUT/$t-shared" ] && { run_test "$t (valgrind)" "${VG[@]}" "$OUT/$t-shared" "${args[@]}" || true; }
    done
fi

section "AddressSanitizer + UndefinedBehaviorSanitizer"
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if $CC "${CANARY_FLAGS[@]}" "${SAN[@]}" "$OUT/canary.c" "$LIBDIR/libencours.a" "${NATIVE_LIBS[@]}" -o "$OUT/canary-asan" 2>"$OUT/canary-asan-build.log"; then
    # The runtime must really be in the binary, or the checks below prove nothing.
    # (Whole outputs captured first: grep -q closing a pipe early fails under pipefail.)
    linked=$(ldd "$OUT/canary-asan"; nm "$OUT/canary-asan" 2>/dev/null)
    if [[ $linked == *libasan* || $linked == *__asan_init* ]]; then
        echo "  ASan runtime linked"
    else
        fail "the ASan runtime is not linked into $OUT/canary-asan"
    fi
    if [[ $linked == *libubsan* || $linked == *__ubsan_handle* ]]; then
        echo "  UBSan runtime linked"
    else
        fail "the UBSan runtime is not linked into $OUT/canary-asan"
    fi
    set +e
    "$OUT/canary-asan" overflow >"$OUT/canary-asan-overflow.log" 2>&1
    rc_overflow=$?
    "$OUT/canary-asan" >"$OUT/canary-asan-leak.log" 2>&1
    rc_leak=$?
    "$OUT/canary-asan" ub >"$OUT/canary-ubsan.log" 2>&1
    rc_ub=$?
    set -e
    if [ $rc_overflow -ne 0 ] && grep -q "heap-buffer-overflow" "$OUT/canary-asan-overflow.log"; then
        echo "  canary: ASan reports the deliberate overflow"
    else
        fail "ASan did not report the deliberate overflow (log $OUT/canary-asan-overflow.log)"
    fi
    if [ $rc_ub -ne 0 ] && grep -q "signed integer overflow" "$OUT/canary-ubsan.log"; then
        echo "  canary: UBSan reports the deliberate signed overflow"
    else
        fail "UBSan did not report the deliberate signed overflow (log $OUT/canary-ubsan.log)"
    fi
    if [ $rc_leak -ne 0 ] && grep -q "detected memory leaks" "$OUT/canary-asan-leak.log"; then
        echo "  canary: LeakSanitizer reports the deliberate leak (memory allocated in Rust)"
    else
        fail "LeakSanitizer did not report the deliberate leak (log $OUT/canary-asan-leak.log)"
    fi
    for t in "${TESTS[@]}"; do
        src=bindings/c/tests/$t.c
        args=()
        [ "$t" = test_version ] && args=("$VERSION")
        if $CC "${CFLAGS[@]}" "${SAN[@]}" "$src" "$LIBDIR/libencours.a" "${NATIVE_LIBS[@]}" -o "$OUT/$t-asan"; then
            run_test "$t (asan+ubsan)" "$OUT/$t-asan" "${args[@]}" || true
        else
            fail "compiling $src with sanitizers"
        fi
    done
else
    fail "cannot build with -fsanitize=address,undefined (log $OUT/canary-asan-build.log)"
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

section "pkg-config"
PCDIR=$TARGET_DIR/pkgconfig
mkdir -p "$PCDIR"
sed -e "s|@PREFIX@|$TARGET_DIR|g" -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@INCLUDEDIR@|$INCLUDE|g" \
    -e "s|@VERSION@|$VERSION|g" -e "s|@LIBS_PRIVATE@|${NATIVE_LIBS[*]}|g" \
    bindings/c/encours.pc.in >"$PCDIR/encours.pc"
echo "  wrote $PCDIR/encours.pc"
if command -v pkg-config >/dev/null 2>&1; then
    export PKG_CONFIG_PATH=$PCDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
    if [ "$(pkg-config --modversion encours)" = "$VERSION" ] &&
        # shellcheck disable=SC2046
        $CC -std=c11 -Wall -Wextra -Wpedantic -Werror bindings/c/tests/test_date.c -Ibindings/c/tests \
            $(pkg-config --cflags --libs encours) -Wl,-rpath,"$LIBDIR" -o "$OUT/pkgconfig-shared" &&
        # shellcheck disable=SC2046
        $CC -std=c11 -Wall -Wextra -Wpedantic -Werror bindings/c/tests/test_date.c -Ibindings/c/tests \
            $(pkg-config --cflags encours) "$LIBDIR/libencours.a" $(pkg-config --libs-only-l --static encours | sed 's/-lencours//') \
            -o "$OUT/pkgconfig-static"; then
        run_test "pkg-config (shared)" "$OUT/pkgconfig-shared" || true
        run_test "pkg-config (static)" "$OUT/pkgconfig-static" || true
    else
        fail "compiling with pkg-config --cflags --libs encours"
    fi
else
    echo "SKIP: pkg-config is not installed"
fi

section "CMake example"
if ! command -v cmake >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "cmake missing: trying apt-get (given one minute)"
    timeout 60 bash -c 'apt-get install -y -qq cmake >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq cmake)' >/dev/null 2>&1 || true
fi
if command -v cmake >/dev/null 2>&1; then
    CMB=$OUT/cmake-example
    rm -rf "$CMB"
    if cmake -S bindings/c/cmake-example -B "$CMB" -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_PREFIX_PATH="$TARGET_DIR" >"$OUT/cmake.log" 2>&1 &&
        cmake --build "$CMB" >>"$OUT/cmake.log" 2>&1; then
        if out=$("$CMB/encours_cmake_example" 2>&1) && grep -q "^libencours $VERSION" <<<"$out"; then
            echo "  $out" | head -n 3
        else
            fail "the CMake example did not run: $out"
        fi
    else
        fail "building the CMake example (log $OUT/cmake.log)"
        tail -n 20 "$OUT/cmake.log"
    fi
else
    echo "SKIP: cmake is not installed and could not be installed within a minute"
fi

section "README example"
# The first C block of bindings/c/README.md, compiled as it stands.
awk '/^```c$/ {on = 1; next} on && /^```$/ {exit} on {print}' bindings/c/README.md >"$OUT/readme_example.c"
if [ ! -s "$OUT/readme_example.c" ]; then
    fail "no C example found in bindings/c/README.md"
elif $CC "${CFLAGS[@]}" "$OUT/readme_example.c" -L"$LIBDIR" -lencours -Wl,-rpath,"$LIBDIR" -o "$OUT/readme_example" &&
    "$OUT/readme_example" >"$OUT/readme_example.log" 2>&1 &&
    grep -q "balance after the payment: 0.00 EUR" "$OUT/readme_example.log"; then
    sed 's/^/  /' "$OUT/readme_example.log"
else
    fail "the README example (log $OUT/readme_example.log)"
    cat "$OUT/readme_example.log" 2>/dev/null || true
fi

section "examples/c/aging.c"
if $CC "${CFLAGS[@]}" examples/c/aging.c -L"$LIBDIR" -lencours -Wl,-rpath,"$LIBDIR" -o "$OUT/aging"; then
    if "$OUT/aging" >"$OUT/aging.log" 2>&1 && "$OUT/aging" examples/c/ledger.json >>"$OUT/aging.log" 2>&1; then
        sed 's/^/  /' "$OUT/aging.log" | head -n 40
    else
        fail "examples/c/aging (log $OUT/aging.log)"
        cat "$OUT/aging.log"
    fi
    if "$OUT/aging" /nonexistent.json >/dev/null 2>&1; then
        fail "examples/c/aging accepted a missing file"
    fi
else
    fail "compiling examples/c/aging.c"
fi

section "summary"
echo "C layer checks took $((SECONDS - start)) s"
if [ $failures -ne 0 ]; then
    echo "$failures C check(s) failed"
    exit 1
fi
echo "all C checks passed"
