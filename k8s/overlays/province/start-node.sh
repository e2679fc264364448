#!/bin/sh
# Starts one Redis Cluster node.  A rescheduled pod gets a new IP: rewrite the
# "myself" line of nodes.conf so the node rejoins under its old node ID, and
# announce the new IP to the other nodes.
set -eu
if [ -f /data/nodes.conf ]; then
  sed -i -e "/myself/ s/[0-9]\{1,3\}\(\.[0-9]\{1,3\}\)\{3\}/${POD_IP}/" /data/nodes.conf
fi
exec redis-server /etc/redis/redis.conf --cluster-announce-ip "${POD_IP}"
