#!/usr/bin/env bash
# Installs the Debian packages of scripts/packages.txt that are missing, then
# configures and builds Pelita.  Progress goes to stderr; the one line on
# stdout is the build folder (scripts/test.sh and scripts/run.sh read it).
#
#   scripts/setup.sh            Release build in build/
#   PELITA_SANITIZE=1 scripts/setup.sh
#                               Debug + AddressSanitizer/UBSan in build-asan/
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$ROOT/scripts/packages.txt")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
exec 3>&1 1>&2
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  # Packages that start a daemon (redis-server) must not start it here.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ "${PELITA_SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${PELITA_BUILD_DIR:-$ROOT/build-asan}
  FLAGS=(-DCMAKE_BUILD_TYPE=Debug -DPELITA_SANITIZE=ON)
else
  BUILD_DIR=${PELITA_BUILD_DIR:-$ROOT/build}
  FLAGS=(-DCMAKE_BUILD_TYPE=${PELITA_BUILD_TYPE:-Release})
fi
cmake -S "$ROOT" -B "$BUILD_DIR" "${FLAGS[@]}" > "$ROOT/.cmake-configure.log" 2>&1 || {
  cat "$ROOT/.cmake-configure.log"; exit 1; }
cmake --build "$BUILD_DIR" -j "$(nproc)"

# The web application (web/, issue 16): Node 20 and npm come with the
# machine; Debian's nodejs/npm only where node is missing.  `npm ci`
# installs exactly web/package-lock.json; the build goes to web/dist, which
# the gateway serves (--web_root).  Skipped when nothing under web/ changed
# since the last build (a stamp holds the sources' checksum).
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "setup: installing nodejs npm"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
fi
WEB="$ROOT/web"
# (Only the entries that exist: a fresh clone has no public/ when it is
# empty, and a failing find would end this script under pipefail.)
web_inputs=()
for f in index.html package.json package-lock.json tsconfig.json vite.config.ts src public; do
  [ -e "$WEB/$f" ] && web_inputs+=("$f")
done
web_sum=$(cd "$WEB" && find "${web_inputs[@]}" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
if [ ! -f "$WEB/dist/index.html" ] || [ "$(cat "$WEB/.dist-stamp" 2>/dev/null)" != "$web_sum" ]; then
  if [ ! -d "$WEB/node_modules" ] || [ "$WEB/package-lock.json" -nt "$WEB/node_modules/.package-lock.json" ]; then
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  (cd "$WEB" && npm run --silent build)
  echo "$web_sum" > "$WEB/.dist-stamp"
fi
echo "$BUILD_DIR" >&3
