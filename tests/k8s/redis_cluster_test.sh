#!/usr/bin/env bash
# Runs the province overlay's Redis Cluster scripts for real, on loopback
# (ctest: k8s_redis_cluster_bootstrap):
#   - 6 redis-server nodes started by k8s/overlays/province/start-node.sh with
#     the overlay's redis.conf (ports, dirs and bind overridden for the test);
#   - k8s/overlays/province/create-cluster.sh forms 3 masters + 3 replicas,
#     and a second run is a no-op;
#   - a tenant's keys ({1504} hash tag) are readable from any node (-c);
#   - a node restarted under a new IP (127.0.0.2, as a rescheduled pod)
#     rejoins with its old node ID and the others learn its new address;
#   - backup.sh saves one verified RDB per master and prunes old rounds, and
#     a redis-server started from the backup serves the tenant's key;
#   - killing the master that owns {1504} promotes its replica and the key
#     survives.
set -Eeuo pipefail
# Any command that stops the script says where, so a CI log shows the cause.
trap 'echo "stopped at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PROV="$ROOT/k8s/overlays/province"
for tool in redis-server redis-cli getent; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install redis-server redis-tools)"; exit 1; }
done

T=$(mktemp -d)
declare -a PIDS=() PORTS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  # A node that has not stopped 15 s after SIGTERM is killed: once all the
  # checks are done, ending must not wait on a Redis shutdown (seen once
  # holding the test until ctest's 300 s timeout after 17 passes).
  # tail --pid returns when the process exits: a wait on the condition,
  # bounded by what is left of the 15 s.
  local deadline=$((SECONDS + 15)) pid
  for pid in "${PIDS[@]}"; do
    timeout $((deadline > SECONDS ? deadline - SECONDS : 1)) tail --pid="$pid" -f /dev/null 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

failures=0
passes=0
check() {  # description, command...
  local what=$1; shift
  if "$@"; then echo "PASS $what"; passes=$((passes + 1)); else echo "FAIL $what"; failures=$((failures + 1)); fi
}
wait_for() {  # deadline-seconds, command...: polls until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Six ports whose cluster-bus ports (+10000) are free too, both below the
# kernel's ephemeral range (32768+) so that no outgoing connection of a test
# running alongside can take one between this check and redis-server's bind,
# and apart from lib/testing/redis_cluster.cc's range (14000-19999).
base=$((10000 + RANDOM % 3900))
while ((${#PORTS[@]} < 6)); do
  if port_free "$base" && port_free $((base + 10000)); then PORTS+=("$base"); fi
  base=$((base + 1))
done

start_node() {  # index, ip
  local i=$1 ip=$2 port=${PORTS[$1]}
  mkdir -p "$T/n$i"
  # The overlay's redis.conf, with its data dir moved from /data (the PVC).
  sed -e "s#^dir /data\$#dir $T/n$i#" -e "s#^cluster-config-file /data/#cluster-config-file $T/n$i/#" \
    "$PROV/redis.conf" > "$T/n$i/redis.conf"
  POD_IP=$ip REDIS_CONF="$T/n$i/redis.conf" REDIS_DATA="$T/n$i" REDIS_PORT="$port" \
    sh "$PROV/start-node.sh" --port "$port" --bind 127.0.0.1 127.0.0.2 \
      --maxmemory 64mb --save "" \
      --cluster-node-timeout 2000 --logfile "$T/n$i/redis.log" &
  PIDS[i]=$!
  if ! wait_for 20 sh -c "[ \"\$(redis-cli -h $ip -p $port ping 2>/dev/null)\" = PONG ]"; then
    echo "node $i ($ip:$port) did not answer PING within 20 s; its log:"
    tail -n 20 "$T/n$i/redis.log" 2>/dev/null || true
    exit 1
  fi
}
rc() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}" | tr -d '\r'; }

for i in 0 1 2 3 4 5; do start_node "$i" 127.0.0.1; done
NODES=""
for p in "${PORTS[@]}"; do NODES="$NODES 127.0.0.1:$p"; done
NODES=${NODES# }

# --- bootstrap --------------------------------------------------------------
out=$(REDIS_CLUSTER_NODES="$NODES" timeout 120 sh "$PROV/create-cluster.sh" 2>&1) || { echo "$out"; exit 1; }
check "create-cluster.sh reports the cluster formed" grep -q "cluster formed" <<< "$out"
cluster_ok() { rc "$1" cluster info | grep -q '^cluster_state:ok'; }
for p in "${PORTS[@]}"; do wait_for 30 cluster_ok "$p" || true; done
check "every node sees cluster_state:ok" bash -c "$(declare -f rc cluster_ok); for p in ${PORTS[*]}; do cluster_ok \$p || exit 1; done"
roles() { rc "${PORTS[0]}" cluster nodes | awk '{ split($3, f, ","); for (i in f) if (f[i] == "master" || f[i] == "slave") print f[i] }' | sort | uniq -c | tr -s ' ' | tr '\n' ' '; }
three_and_three() { [ "$(roles)" = " 3 master  3 slave " ]; }
wait_for 30 three_and_three || true
check "3 masters and 3 replicas (got: $(roles))" three_and_three
check "slots 0-16383 all assigned" bash -c "[ \"\$(redis-cli -p ${PORTS[0]} cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')\" = 16384 ]"

again=$(REDIS_CLUSTER_NODES="$NODES" timeout 60 sh "$PROV/create-cluster.sh" 2>&1)
check "a second run of create-cluster.sh is a no-op" grep -q 'already formed' <<< "$again"

# --- a tenant's keys, through any node ---------------------------------------
KEY='enrolment:{1504}:units:dinas-pendidikan'
redis-cli -c -p "${PORTS[0]}" set "$KEY" written >/dev/null
check "a {1504} key written via node 0 is read via node 5 (-c follows MOVED)" \
  bash -c "[ \"\$(redis-cli -c -p ${PORTS[5]} get '$KEY' | tr -d '\r')\" = written ]"

# --- nightly backup (backup.sh) and a restore from it ---------------------------
mkdir -p "$T/backup/20000101T000000Z"
touch -d '2000-01-01' "$T/backup/20000101T000000Z"
bout=$(REDIS_SEED="127.0.0.1:${PORTS[0]}" BACKUP_DIR="$T/backup" KEEP_DAYS=14 sh "$PROV/backup.sh" 2>&1) || echo "$bout"
round=$(find "$T/backup" -mindepth 1 -maxdepth 1 -type d -name '20*' ! -name 20000101T000000Z | head -n 1)
check "backup.sh saved one RDB per master" test "$(find "${round:-/nonexistent}" -name '*.rdb' 2>/dev/null | wc -l)" = 3
check "backup.sh pruned rounds older than KEEP_DAYS" test ! -e "$T/backup/20000101T000000Z"
restored=""
for rdb in "${round:-/nonexistent}"/*.rdb; do
  [ -f "$rdb" ] || continue
  rport=$((PORTS[5] + 1))
  while ! port_free "$rport"; do rport=$((rport + 1)); done
  redis-server --port "$rport" --bind 127.0.0.1 --dir "$(dirname "$rdb")" --dbfilename "$(basename "$rdb")" \
    --appendonly no --save "" --logfile "$T/restore.log" &
  rpid=$!
  wait_for 20 sh -c "[ \"\$(redis-cli -p $rport ping 2>/dev/null)\" = PONG ]" || true
  [ "$(redis-cli -p "$rport" get "$KEY" | tr -d '\r')" = written ] && restored=$rdb
  kill "$rpid"; wait "$rpid" 2>/dev/null || true
done
check "a Redis started from the backup serves the {1504} key" test -n "$restored"

# Restore through start-node.sh (marker file): a fresh node's PVC gets the
# master's RDB as dump.rdb; the node must load it, turn AOF on, drop the
# marker, and keep the data across a restart (now from its own AOF).
rdb_with_key=$restored
if [ -n "$rdb_with_key" ]; then
  PORTS[6]=$((PORTS[5] + 2))
  while ! port_free "${PORTS[6]}" || ! port_free $((PORTS[6] + 10000)); do PORTS[6]=$((PORTS[6] + 1)); done
  mkdir -p "$T/n6" && cp "$rdb_with_key" "$T/n6/dump.rdb" && touch "$T/n6/restore-from-rdb"
  start_node 6 127.0.0.1
  restored_get() { [ "$(rc "${PORTS[6]}" get "$KEY")" = written ]; }
  marker_gone() { [ ! -e "$T/n6/restore-from-rdb" ]; }
  check "start-node.sh restore: the node serves the key from dump.rdb" wait_for 30 restored_get
  check "start-node.sh restore: AOF turned on and the marker removed" wait_for 30 marker_gone
  check "start-node.sh restore: appendonly is yes" test "$(rc "${PORTS[6]}" config get appendonly | tail -n 1)" = yes
  kill "${PIDS[6]}"; wait "${PIDS[6]}" 2>/dev/null || true
  rm -f "$T/n6/dump.rdb"
  start_node 6 127.0.0.1
  check "after a restart the restored key comes from the node's own AOF" wait_for 30 restored_get
  kill "${PIDS[6]}"; wait "${PIDS[6]}" 2>/dev/null || true
fi

# --- a node comes back under a new IP ------------------------------------------
id5=$(rc "${PORTS[5]}" cluster myid)
kill "${PIDS[5]}"; wait "${PIDS[5]}" 2>/dev/null || true
start_node 5 127.0.0.2
check "start-node.sh rewrote nodes.conf's myself line to the new IP" \
  grep -q "^$id5 127.0.0.2:${PORTS[5]}@.* myself" "$T/n5/nodes.conf"
moved() { rc "${PORTS[0]}" cluster nodes | grep "^$id5 " | grep -q "127.0.0.2:${PORTS[5]}@.* connected"; }
check "the others learn node 5's new address under its old ID" wait_for 30 moved

# --- failover of the master that owns {1504} -----------------------------------
slot=$(rc "${PORTS[0]}" cluster keyslot "$KEY")
owner_port=$(rc "${PORTS[0]}" cluster nodes | awk -v s="$slot" '$3 ~ /master/ {
  for (i = 9; i <= NF; i++) { split($i, r, "-"); if (r[2] == "") r[2] = r[1]; if (s >= r[1] && s <= r[2]) { split($2, a, "[:@]"); print a[2] } } }')
owner_idx=-1
for i in 0 1 2 3 4 5; do [ "${PORTS[$i]}" = "$owner_port" ] && owner_idx=$i; done
check "found the master of slot $slot" test "$owner_idx" -ge 0
if [ "$owner_idx" -ge 0 ]; then
  kill "${PIDS[$owner_idx]}"; wait "${PIDS[$owner_idx]}" 2>/dev/null || true
  survivor=${PORTS[$(((owner_idx + 1) % 6))]}
  readable() { [ "$(redis-cli -c -p "$survivor" get "$KEY" 2>/dev/null | tr -d '\r')" = written ]; }
  check "after killing its master, {1504} is served by the promoted replica" wait_for 60 readable
fi

echo "redis cluster bootstrap: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
