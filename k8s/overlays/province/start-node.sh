#!/bin/sh
# Starts one Redis Cluster node.  A rescheduled pod gets a new IP: rewrite the
# "myself" line of nodes.conf so the node rejoins under its old node ID, and
# announce the new IP to the other nodes.
#
# Restore: if $REDIS_DATA/restore-from-rdb exists, the node starts with AOF
# off so that it loads $REDIS_DATA/dump.rdb (Redis 7 ignores the RDB while AOF
# is on), then turns AOF on (Redis writes a fresh AOF from the loaded data)
# and removes the marker once that rewrite has finished.
#
#   POD_IP            this pod's IP (downward API)
#   REDIS_CONF        default /etc/redis/redis.conf
#   REDIS_DATA        default /data (the PVC: AOF, nodes.conf)
#   REDIS_PORT        default 6379
# Extra arguments go to redis-server.
set -eu
conf=${REDIS_CONF:-/etc/redis/redis.conf}
data=${REDIS_DATA:-/data}
port=${REDIS_PORT:-6379}
if [ -f "$data/nodes.conf" ]; then
  sed -i -e "/myself/ s/[0-9]\{1,3\}\(\.[0-9]\{1,3\}\)\{3\}/${POD_IP}/" "$data/nodes.conf"
fi
if [ -f "$data/restore-from-rdb" ]; then
  echo "start-node.sh: restoring from $data/dump.rdb"
  (
    until [ "$(redis-cli -h "$POD_IP" -p "$port" ping 2>/dev/null)" = PONG ]; do sleep 1; done
    redis-cli -h "$POD_IP" -p "$port" config set appendonly yes >/dev/null
    until redis-cli -h "$POD_IP" -p "$port" info persistence | tr -d '\r' |
        grep -q '^aof_rewrite_in_progress:0' &&
      redis-cli -h "$POD_IP" -p "$port" info persistence | tr -d '\r' | grep -q '^aof_enabled:1' &&
      redis-cli -h "$POD_IP" -p "$port" info persistence | tr -d '\r' | grep -q '^aof_rewrite_scheduled:0'; do
      sleep 1
    done
    rm -f "$data/restore-from-rdb"
    echo "start-node.sh: restore done, AOF on"
  ) &
  exec redis-server "$conf" --cluster-announce-ip "${POD_IP}" --appendonly no "$@"
fi
exec redis-server "$conf" --cluster-announce-ip "${POD_IP}" "$@"
