#!/bin/sh
# Bootstraps the Redis Cluster once: 6 nodes, 3 masters with 1 replica each.
# Idempotent: exits 0 when the nodes already form a cluster.
set -eu
NODES=6
SVC="redis-cluster.${POD_NAMESPACE}.svc.cluster.local"
addrs=""
i=0
while [ "$i" -lt "$NODES" ]; do
  host="redis-cluster-$i.$SVC"
  until [ "$(redis-cli -h "$host" -p 6379 ping 2>/dev/null)" = PONG ]; do
    echo "waiting for $host"; sleep 2
  done
  ip=$(getent hosts "$host" | awk '{print $1; exit}')
  addrs="$addrs $ip:6379"
  i=$((i + 1))
done
known=$(redis-cli -h "redis-cluster-0.$SVC" -p 6379 cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')
if [ "${known:-1}" -gt 1 ]; then
  echo "cluster already formed ($known nodes known); nothing to do"
  redis-cli -h "redis-cluster-0.$SVC" -p 6379 cluster info | head -n 7
  exit 0
fi
echo "creating cluster from:$addrs"
# shellcheck disable=SC2086
redis-cli --cluster create $addrs --cluster-replicas 1 --cluster-yes
until redis-cli -h "redis-cluster-0.$SVC" -p 6379 cluster info | grep -q '^cluster_state:ok'; do
  echo "waiting for cluster_state:ok"; sleep 2
done
redis-cli --cluster check "redis-cluster-0.$SVC:6379" || true
