#!/usr/bin/env bash
# Builds Pelita and runs every test (unit, integration, end to end, and the
# black-box fuzz replay against a real gateway) with ctest, then the
# sanitizer builds of the lib and gateway tests: ASan+UBSan with the
# libFuzzer targets, and TSan (scripts/sanitize.sh).  Each test starts its own
# redis-server on a free loopback port.  Arguments go to the first ctest;
# PELITA_SANITIZERS=0 skips the sanitizer builds (a quick local run).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$("$ROOT/scripts/setup.sh" | tail -n 1)
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@") || status=1
if [ "${PELITA_SANITIZERS:-1}" != 0 ]; then
  "$ROOT/scripts/sanitize.sh" asan || status=1
  "$ROOT/scripts/sanitize.sh" tsan || status=1
fi
if [ "$status" != 0 ]; then
  echo "test.sh: FAILED (see the ctest output above)" >&2
fi
exit "$status"
