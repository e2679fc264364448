#!/usr/bin/env bash
# Builds Pelita and runs every test (unit, integration, end to end) with ctest.
# Each test starts its own redis-server on a free loopback port.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$("$ROOT/scripts/setup.sh" | tail -n 1)
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@"
