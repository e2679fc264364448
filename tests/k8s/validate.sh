#!/usr/bin/env bash
# Validates the Kubernetes manifests and Dockerfiles offline (ctest: k8s_manifests).
#
#  1. renders every overlay under k8s/overlays with `kubectl kustomize`;
#  2. validates every rendered object against its Kubernetes JSON schema
#     (npm package kubernetes-models, pinned in tests/k8s/package-lock.json,
#     installed once into a cache folder and reused) and the project rules
#     (tests/k8s/validate.js): probes, requests+limits, non-root, read-only
#     root filesystem, pinned images, a PDB and a Service per Deployment,
#     default-deny NetworkPolicy, grace period > preStop + drain, no fixed
#     replica count beside an HPA; in the province overlay also an HPA per
#     Deployment with at least 3 replicas, cluster-mode Redis and the RS256
#     key file; in both, the tenant registry's headless address (every
#     service takes its tenants from it) and NetworkPolicies that allow
#     exactly the flows listed in tests/k8s/flows.json;
#  3. checks the Dockerfiles (pinned base images, numeric non-root USER);
#  4. proves the checks bite: every negative fixture under tests/k8s/fixtures
#     must be rejected with its expected violation.
#
# Environment: PELITA_K8S_CACHE  npm cache folder (default ./k8s-validate-cache
#              under the current directory, i.e. the build tree under ctest).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${PELITA_K8S_CACHE:-$PWD/k8s-validate-cache}
REGISTRY=dns:///tenant-headless:50055

die() { echo "validate.sh: $*" >&2; exit 1; }

# --- tools ---------------------------------------------------------------
if ! command -v kubectl >/dev/null 2>&1; then
  die "kubectl not found.  It renders the overlays (kubectl kustomize, offline).
  It is not in Debian 12's archive; install it from the Kubernetes apt repository
  (package kubectl) or the Google Cloud CLI apt repository (package kubectl), or
  put any kubectl >= 1.27 on PATH."
fi
command -v node >/dev/null 2>&1 || die "node not found (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm not found (apt-get install npm)"
echo "kubectl: $(kubectl version --client 2>/dev/null | head -n 1); node: $(node --version)"

# --- kubernetes-models, pinned, cached --------------------------------------
mkdir -p "$CACHE"
if ! cmp -s "$HERE/package-lock.json" "$CACHE/package-lock.json" || [ ! -d "$CACHE/node_modules/kubernetes-models" ]; then
  echo "installing kubernetes-models into $CACHE"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$CACHE/"
  (cd "$CACHE" && npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci failed in $CACHE (is the npm registry reachable?)"
fi
export NODE_PATH="$CACHE/node_modules"
VALIDATE=(node "$HERE/validate.js")

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
failures=0
passes=0
pass() { echo "PASS $*"; passes=$((passes + 1)); }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

flags_for() {  # overlay name -> extra validator flags, in the array FLAGS
  FLAGS=()
  case "$1" in
    province) FLAGS=(--flows "$HERE/flows.json:province" --require-hpa --min-replicas 3
                     --expect-config "PELITA_REGISTRY=$REGISTRY"
                     --expect-config "PELITA_REDIS=cluster://redis:6379?replica_acks=1"
                     --expect-config PELITA_JWT_RS256_PUBLIC_KEY_FILE=/etc/pelita/jwt/public.pem) ;;
    dev) FLAGS=(--flows "$HERE/flows.json:dev"
                --expect-config "PELITA_REGISTRY=$REGISTRY"
                --expect-config PELITA_REDIS=redis:6379
                --expect-config PELITA_JWT_HS256_KEY_FILE=/etc/pelita/jwt/hs256.key) ;;
  esac
}

# --- 1+2. overlays --------------------------------------------------------
for dir in "$ROOT"/k8s/overlays/*/; do
  name=$(basename "$dir")
  if ! kubectl kustomize "$dir" > "$OUT/$name.yaml" 2> "$OUT/$name.err"; then
    cat "$OUT/$name.err"; bad "overlay $name: kubectl kustomize failed"; continue
  fi
  flags_for "$name"
  if "${VALIDATE[@]}" "${FLAGS[@]}" "$OUT/$name.yaml"; then
    pass "overlay $name"
  else
    bad "overlay $name"
  fi
done
if [ ! -d "$ROOT/k8s/overlays/dev" ] || [ ! -d "$ROOT/k8s/overlays/province" ]; then bad "overlays dev and province must exist"; fi

# --- 3. Dockerfiles -------------------------------------------------------
mapfile -t dockerfiles < <(find "$ROOT/docker" -name '*.Dockerfile' 2>/dev/null | sort)
if ((${#dockerfiles[@]} == 0)); then
  bad "no docker/*.Dockerfile"
elif "${VALIDATE[@]}" --dockerfile "${dockerfiles[@]}"; then
  pass "dockerfiles (${#dockerfiles[@]})"
else
  bad "dockerfiles"
fi

# --- 4. negative fixtures: each must be rejected, for the expected reason ---
expect_rejected() {  # label, expected-lines-file, validator args...
  local label=$1 expect=$2; shift 2
  local out rc=0
  out=$("${VALIDATE[@]}" "$@" 2>&1) || rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "$out"; bad "$label: accepted, but must be rejected"; return
  fi
  local missing=0 line
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    grep -qF -- "$line" <<< "$out" || { echo "  expected violation not reported: $line"; missing=1; }
  done < "$expect"
  if [ "$missing" -eq 0 ]; then pass "$label: rejected"; else echo "$out"; bad "$label: rejected for the wrong reason"; fi
}

for dir in "$HERE"/fixtures/*/; do
  name=$(basename "$dir")
  overlay=$(sed -n 's#.*k8s/overlays/\([a-z-]*\).*#\1#p' "$dir/kustomization.yaml" | head -n 1)
  if ! kubectl kustomize "$dir" > "$OUT/fixture-$name.yaml" 2> "$OUT/fixture-$name.err"; then
    cat "$OUT/fixture-$name.err"; bad "fixture $name: kubectl kustomize failed"; continue
  fi
  flags_for "$overlay"
  expect_rejected "fixture $name" "$dir/expect" "${FLAGS[@]}" "$OUT/fixture-$name.yaml"
done
expect_rejected "fixture bad-manifest.yaml" "$HERE/fixtures/bad-manifest.expect" "$HERE/fixtures/bad-manifest.yaml"
expect_rejected "fixture bad.Dockerfile" "$HERE/fixtures/bad.Dockerfile.expect" --dockerfile "$HERE/fixtures/bad.Dockerfile"

echo "k8s validation: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
