#!/usr/bin/env bash
# Builds Pelita and runs every test (unit, integration, end to end, and the
# black-box fuzz replay against a real gateway) with ctest, then the
# sanitizer builds of the lib and gateway tests (scripts/sanitize.sh;
# docs/SECURITY.md, "Fuzzing and sanitizers").  Each test starts its own
# redis-server on a free loopback port.  Arguments go to the first ctest.
#
#   PELITA_SANITIZERS=0   skips the sanitizer builds (a quick local run).
#   PELITA_TSAN_CI=1      also runs the TSan build (scripts/sanitize.sh tsan).
#
# By default (and so in CI, `.ci/run`) the Release ctest and the ASan+UBSan
# build with the libFuzzer targets run; the TSan build is a third full
# build of the lib and gateway tests, and three builds took 35 minutes of
# CI's 2 cores, so it runs only with PELITA_TSAN_CI=1 (docs/SECURITY.md
# records the last clean TSan run).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
status=0
phase() { echo "test.sh: $1 at $(( SECONDS - start )) s" >&2; }
start=$SECONDS
BUILD_DIR=$("$ROOT/scripts/setup.sh" | tail -n 1)
phase "packages and Release build done"
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@") || status=1
phase "Release ctest done"
if [ "${PELITA_SANITIZERS:-1}" != 0 ]; then
  "$ROOT/scripts/sanitize.sh" asan || status=1
  phase "ASan+UBSan build and ctest done"
  if [ "${PELITA_TSAN_CI:-0}" = 1 ]; then
    "$ROOT/scripts/sanitize.sh" tsan || status=1
    phase "TSan build and ctest done"
  fi
fi
if [ "$status" != 0 ]; then
  echo "test.sh: FAILED (see the ctest output above)" >&2
fi
exit "$status"
