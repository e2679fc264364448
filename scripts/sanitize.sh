#!/usr/bin/env bash
# The sanitizer and fuzz builds (issue 12; docs/SECURITY.md, "Fuzzing and
# sanitizers").  Each builds only the lib and gateway tests (target
# pelita_core_tests) with Debian's clang in a folder of its own and runs them:
#
#   scripts/sanitize.sh asan   ASan + UBSan (+ the libFuzzer targets in fuzz/)
#                              in build-fuzz/; runs ctest -L 'lib|gateway|fuzz'
#                              (each fuzz target PELITA_FUZZ_SECONDS, default 20)
#   scripts/sanitize.sh tsan   ThreadSanitizer in build-tsan/; runs ctest -L
#                              'lib|gateway' with scripts/tsan.supp
#
# Extra arguments go to ctest (e.g. -R CsvReader).  The packages come from
# scripts/packages.txt (scripts/setup.sh installs them).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kind=${1:?usage: scripts/sanitize.sh asan|tsan [ctest args]}
shift
JOBS=${PELITA_JOBS:-$(nproc)}
# -O1 keeps the sanitized tests fast enough; line tables are all that
# symbolized reports need, and compile far faster than full debug info.
COMMON=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only"
        -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang)
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
case "$kind" in
  asan)
    BUILD_DIR=${PELITA_BUILD_DIR:-$ROOT/build-fuzz}
    FLAGS=(-DPELITA_SANITIZE=ON -DPELITA_FUZZ=ON "-DPELITA_FUZZ_SECONDS=${PELITA_FUZZ_SECONDS:-20}")
    LABELS='^(lib|gateway|fuzz)$'
    EXCLUDE='^$'
    # Leaks are errors; scripts/lsan.supp names the library leaks at exit.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
    export LSAN_OPTIONS=suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0
    ;;
  tsan)
    BUILD_DIR=${PELITA_BUILD_DIR:-$ROOT/build-tsan}
    FLAGS=(-DPELITA_TSAN=ON)
    LABELS='^(lib|gateway)$'
    # The tests that make gRPC calls are not judged by TSan: Debian's gRPC
    # core hides its synchronisation from it (scripts/tsan.supp and
    # docs/SECURITY.md say why; they run under ASan+UBSan).
    EXCLUDE='^(ServerTest|GatewayTest|GatewaySurveyTest|GatewayServicesTest|GatewayHostileTest|BackendCallTest)\.|^ServerMetricsTest\.ServesRpc'
    export TSAN_OPTIONS="suppressions=$ROOT/scripts/tsan.supp:halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0"
    ;;
  *) echo "usage: scripts/sanitize.sh asan|tsan [ctest args]" >&2; exit 2 ;;
esac
echo "sanitize: $kind build in $BUILD_DIR" >&2
mkdir -p "$BUILD_DIR"
cmake -S "$ROOT" -B "$BUILD_DIR" "${COMMON[@]}" "${FLAGS[@]}" > "$BUILD_DIR/configure.log" 2>&1 || {
  cat "$BUILD_DIR/configure.log"; exit 1; }
cmake --build "$BUILD_DIR" -j "$JOBS" --target pelita_core_tests
cd "$BUILD_DIR"
# The fuzz replay (label replay) needs the whole platform built; it runs in
# the Release build.
ctest --output-on-failure -j "$JOBS" --timeout 900 -L "$LABELS" -LE replay -E "$EXCLUDE" "$@"
