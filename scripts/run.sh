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
#   PELITA_VAR=DIR ...          state and logs in DIR instead of var/
#   PELITA_NO_BUILD=1 PELITA_BUILD_DIR=build ...
#                               use that build as it is (no setup.sh)
#   PELITA_FREE_PORTS=1 ...     every service, Redis and the gateway on a free
#                               loopback port (for tests running beside a
#                               platform); the addresses are in
#                               $VAR/addresses.env
# The line after "Pelita is running" names the web application's URL
# ("  web        http://127.0.0.1:PORT/"); tests/web reads it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${PELITA_NO_BUILD:-0}" = 1 ]; then
  BUILD_DIR=${PELITA_BUILD_DIR:?PELITA_NO_BUILD=1 needs PELITA_BUILD_DIR}
else
  BUILD_DIR=$("$ROOT/scripts/setup.sh" | tail -n 1)
fi
VAR=${PELITA_VAR:-$ROOT/var}
mkdir -p "$VAR/redis" "$VAR/log"
FREE_PORTS=${PELITA_FREE_PORTS:-0}
# Free loopback ports, all bound at once so that no two are the same.
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()' "$1"
}
if [ "$FREE_PORTS" = 1 ]; then
  read -r -a FREE < <(free_ports 40)
  next_free() { FREE_NEXT=${FREE[0]}; FREE=("${FREE[@]:1}"); }
  next_free; REDIS_PORT=${PELITA_REDIS_PORT:-$FREE_NEXT}
else
  REDIS_PORT=${PELITA_REDIS_PORT:-6390}
fi
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
# The port of each service: its run.conf's PORT, or a free one.
declare -A port_of metrics_of
for f in "${confs[@]}"; do
  n=$(grep -m1 '^NAME=' "$f" | cut -d= -f2)
  if [ "$FREE_PORTS" = 1 ]; then
    next_free; port_of[$n]=$FREE_NEXT
    next_free; metrics_of[$n]=$FREE_NEXT
  else
    port_of[$n]=$(grep -m1 '^PORT=' "$f" | cut -d= -f2)
    metrics_of[$n]=$((port_of[$n] + 1000))
  fi
done
for f in "${confs[@]}"; do
  n=$(grep -m1 '^NAME=' "$f" | cut -d= -f2)
  echo "ADDR_$n=127.0.0.1:${port_of[$n]}"
done > "$VAR/addresses.env"
source "$VAR/addresses.env"

demos=()
summary=()
for f in "${confs[@]}"; do
  unset NAME ORDER PORT BINARY ARGS HEALTH DEMO URL INIT
  ARGS=(); DEMO=(); INIT=(); HEALTH=yes
  source "$f"
  if [ "$FREE_PORTS" = 1 ]; then
    # The run.conf wrote its fixed port into ARGS and URL: use the free one.
    ARGS=("${ARGS[@]//127.0.0.1:$PORT/127.0.0.1:${port_of[$NAME]}}")
    [ -n "${URL:-}" ] && URL=${URL//127.0.0.1:$PORT/127.0.0.1:${port_of[$NAME]}}
    PORT=${port_of[$NAME]}
  fi
  METRICS=()
  metrics_note=""
  if [[ "$f" == "$ROOT"/services/* ]]; then
    METRICS=(--metrics_listen "127.0.0.1:${metrics_of[$NAME]}")
    metrics_note="  metrics :${metrics_of[$NAME]}"
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
  summary+=("$(printf '  %-10s %s%s   (log: %s/log/%s.log)' "$NAME" "${URL:-grpc://127.0.0.1:$PORT}" "$metrics_note" "$VAR" "$NAME")")
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
echo "  web        http://${ADDR_gateway:-127.0.0.1:8080}/"
echo "  redis      127.0.0.1:$REDIS_PORT   (data: $VAR/redis/)"
printf '%s\n' "${summary[@]}"
echo
if [ "${PELITA_NO_DEMO:-0}" != 1 ]; then
  echo "Sign in: the demo accounts and curl commands are printed above (identity demo)."
fi
echo "Try:  $CLI call ${ADDR_enrolment:-127.0.0.1:50051} pelita.enrolment.v1.EnrolmentService/ListUnits '{\"parent\":\"tenants/1504\"}' --tenant 1504"
echo "Ctrl-C stops everything."
wait -n "${pids[@]}" || true
