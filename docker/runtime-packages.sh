#!/bin/sh
# Prints, one per line, the Debian packages that ship the shared libraries the
# given binaries load (used by the Dockerfiles' build stage, so the runtime
# image installs exactly the runtime libraries and no -dev packages).
set -eu
libs=$(for bin in "$@"; do ldd "$bin"; done | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
pkgs=$(for lib in $libs; do
  real=$(readlink -f "$lib")
  found=""
  # usrmerge: ldd may say /lib/... while dpkg recorded /usr/lib/... or back.
  for p in "$lib" "$real" "/usr$lib" "/usr$real" "${lib#/usr}" "${real#/usr}"; do
    found=$(dpkg-query -S "$p" 2>/dev/null | head -n 1 | cut -d: -f1) || true
    [ -n "$found" ] && break
  done
  if [ -z "$found" ]; then echo "runtime-packages.sh: no package ships $lib" >&2; exit 1; fi
  echo "$found"
done)
# shellcheck disable=SC2086  # one package name per word
printf '%s\n' $pkgs | sort -u
