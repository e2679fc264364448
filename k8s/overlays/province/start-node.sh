#!/bin/sh
# Starts one Redis Cluster node.  A rescheduled pod gets a new IP: rewrite the
# "myself" line of nodes.conf so the node rejoins under its old node ID, and
# announce the new IP to the other nodes.
#   POD_IP            this pod's IP (downward API)
#   REDIS_CONF        default /etc/redis/redis.conf
#   REDIS_NODES_CONF  default /data/nodes.conf (cluster-config-file)
# Extra arguments go to redis-server.
set -eu
conf=${REDIS_CONF:-/etc/redis/redis.conf}
nodes=${REDIS_NODES_CONF:-/data/nodes.conf}
if [ -f "$nodes" ]; then
  sed -i -e "/myself/ s/[0-9]\{1,3\}\(\.[0-9]\{1,3\}\)\{3\}/${POD_IP}/" "$nodes"
fi
exec redis-server "$conf" --cluster-announce-ip "${POD_IP}" "$@"
