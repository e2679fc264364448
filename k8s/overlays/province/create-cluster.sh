#!/bin/sh
# Bootstraps the Redis Cluster once: 6 nodes, 3 masters with 1 replica each.
# Idempotent: exits 0 at once when the nodes already form a cluster.
#   REDIS_CLUSTER_NODES  "host:port ..." (default: the 6 StatefulSet pods)
set -eu
if [ -z "${REDIS_CLUSTER_NODES:-}" ]; then
  SVC="redis-cluster.${POD_NAMESPACE:-pelita}.svc.cluster.local"
  REDIS_CLUSTER_NODES="redis-cluster-0.$SVC:6379 redis-cluster-1.$SVC:6379 redis-cluster-2.$SVC:6379 redis-cluster-3.$SVC:6379 redis-cluster-4.$SVC:6379 redis-cluster-5.$SVC:6379"
fi
addrs=""
for node in $REDIS_CLUSTER_NODES; do
  host=${node%:*}
  port=${node##*:}
  until [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = PONG ]; do
    echo "waiting for $node"; sleep 2
  done
  # redis-cli --cluster create wants IP addresses.
  ip=$(getent ahostsv4 "$host" | awk '{print $1; exit}')
  [ -n "$ip" ] || { echo "cannot resolve $host" >&2; exit 1; }
  addrs="$addrs $ip:$port"
done
first=${REDIS_CLUSTER_NODES%% *}
info() { redis-cli -h "${first%:*}" -p "${first##*:}" cluster info | tr -d '\r'; }
known=$(info | sed -n 's/^cluster_known_nodes://p')
if [ "${known:-1}" -gt 1 ]; then
  echo "cluster already formed ($known nodes known); nothing to do"
  info | head -n 7
  exit 0
fi
echo "creating cluster from:$addrs"
# shellcheck disable=SC2086
redis-cli --cluster create $addrs --cluster-replicas 1 --cluster-yes
until info | grep -q '^cluster_state:ok'; do
  echo "waiting for cluster_state:ok"; sleep 1
done
echo "cluster formed"
info | head -n 7
