#!/usr/bin/env bash
# Runs the whole platform on this machine: builds, starts a private
# redis-server (AOF on, data in var/redis/), starts every service that has a
# run.conf (services/*/run.conf, gateway/run.conf), waits until each reports
# SERVING, loads the demo data of Kabupaten Batanghari (tenant 1504) and
# prints where everything listens.  Ctrl-C stops everything cleanly.
#
#   scripts/run.sh              build, start, load demo data
#   PELITA_NO_DEMO=1 scripts/run.sh   start without loading demo data
#   PELITA_REDIS_PORT=6390 ...  another Redis port (default 6390)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$("$ROOT/scripts/setup.sh" | tail -n 1)
VAR="$ROOT/var"
mkdir -p "$VAR/redis" "$VAR/log"
REDIS_PORT=${PELITA_REDIS_PORT:-6390}
export PELITA_REDIS="127.0.0.1:$REDIS_PORT"
CLI="$BUILD_DIR/tools/cli/pelita-cli"

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  # Services first (they drain in-flight calls), Redis last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "stopped."
}
trap stop_all INT TERM EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
  --appendonly yes --appendfsync everysec --save "" --daemonize no \
  --logfile "$VAR/log/redis.log" &
pids+=($!)
for _ in $(seq 1 100); do
  redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping | grep -q PONG || { echo "redis did not start; see $VAR/log/redis.log"; exit 1; }

# Each run.conf sets NAME, ORDER, PORT, BINARY (relative to the build folder)
# and optionally ARGS (an array; may use ADDR_<name> of other services),
# HEALTH (default yes), INIT (an array: a command run once the service is
# healthy, at every start, e.g. the tenant registry's seed of the Jambi
# tenants; it must be idempotent) and DEMO (an array: the demo loader and
# its arguments, skipped with PELITA_NO_DEMO=1).
# Every service (services/*) also serves Prometheus metrics on PORT + 1000
# (--metrics_listen; e.g. enrolment 50051 -> http://127.0.0.1:51051/metrics).
mapfile -t confs < <(for f in "$ROOT"/services/*/run.conf "$ROOT"/gateway/run.conf; do
  [ -f "$f" ] && echo "$(grep -m1 '^ORDER=' "$f" | cut -d= -f2) $f"
done | sort -n | cut -d' ' -f2)
for f in "${confs[@]}"; do
  echo "ADDR_$(grep -m1 '^NAME=' "$f" | cut -d= -f2)=127.0.0.1:$(grep -m1 '^PORT=' "$f" | cut -d= -f2)"
done > "$VAR/addresses.env"
source "$VAR/addresses.env"

demos=()
summary=()
for f in "${confs[@]}"; do
  unset NAME ORDER PORT BINARY ARGS HEALTH DEMO URL INIT
  ARGS=(); DEMO=(); INIT=(); HEALTH=yes
  source "$f"
  METRICS=()
  metrics_note=""
  if [[ "$f" == "$ROOT"/services/* ]]; then
    METRICS=(--metrics_listen "127.0.0.1:$((PORT + 1000))")
    metrics_note="  metrics :$((PORT + 1000))"
  fi
  "$BUILD_DIR/$BINARY" --listen "127.0.0.1:$PORT" "${METRICS[@]}" "${ARGS[@]}" >> "$VAR/log/$NAME.log" 2>&1 &
  pids+=($!)
  if [ "$HEALTH" = yes ]; then
    "$CLI" wait-healthy "127.0.0.1:$PORT" 30 || { echo "$NAME did not become healthy; see $VAR/log/$NAME.log"; exit 1; }
  fi
  if ((${#INIT[@]})); then
    echo "init: ${INIT[*]}"
    (cd "$BUILD_DIR" && "${INIT[@]}") || { echo "$NAME: init failed"; exit 1; }
  fi
  summary+=("$(printf '  %-10s %s%s   (log: var/log/%s.log)' "$NAME" "${URL:-grpc://127.0.0.1:$PORT}" "$metrics_note" "$NAME")")
  ((${#DEMO[@]})) && demos+=("$(printf '%q ' "${DEMO[@]}")")
done

if [ "${PELITA_NO_DEMO:-0}" != 1 ]; then
  for d in "${demos[@]}"; do
    echo "demo: $d"
    (cd "$BUILD_DIR" && eval "$d")
  done
fi

echo
echo "Pelita is running (tenant 1504, Kabupaten Batanghari):"
echo "  redis      127.0.0.1:$REDIS_PORT   (data: var/redis/)"
printf '%s\n' "${summary[@]}"
echo
if [ "${PELITA_NO_DEMO:-0}" != 1 ]; then
  echo "Sign in: the demo accounts and curl commands are printed above (identity demo)."
fi
echo "Try:  $CLI call 127.0.0.1:50051 pelita.enrolment.v1.EnrolmentService/ListUnits '{\"parent\":\"tenants/1504\"}' --tenant 1504"
echo "Ctrl-C stops everything."
wait -n "${pids[@]}" || true
