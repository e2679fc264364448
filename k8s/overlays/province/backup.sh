#!/bin/sh
# Snapshot of every Redis master into BACKUP_DIR/<UTC stamp>/ (one RDB per
# master, fetched with `redis-cli --rdb` over the replication protocol, checked
# with redis-check-rdb), plus the cluster's node/slot map; prunes old rounds.
#   REDIS_SEED  host:port of any node (default redis:6379)
#   BACKUP_DIR  default /backup;  KEEP_DAYS  default 14
# Works for a single Redis (dev) and for a Redis Cluster.
set -eu
seed=${REDIS_SEED:-redis:6379}
dir=${BACKUP_DIR:-/backup}
keep=${KEEP_DAYS:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work="$dir/.partial-$stamp"
mkdir -p "$work"
cli() { redis-cli -h "${seed%:*}" -p "${seed##*:}" "$@" | tr -d '\r'; }
if [ "$(cli info cluster | sed -n 's/^cluster_enabled://p')" = 1 ]; then
  cli cluster nodes > "$work/nodes.txt"
  # Masters that serve slots: "<ip:port>,<node id>".
  masters=$(awk '$3 ~ /master/ && $3 !~ /fail/ && $9 != "" { split($2, a, "@"); print a[1] "," $1 }' "$work/nodes.txt")
else
  masters="$seed,single"
fi
[ -n "$masters" ] || { echo "no master found via $seed" >&2; exit 1; }
for m in $masters; do
  addr=${m%,*}
  id=${m#*,}
  redis-cli -h "${addr%:*}" -p "${addr##*:}" --rdb "$work/$id.rdb" >/dev/null
  redis-check-rdb "$work/$id.rdb" >/dev/null || { echo "corrupt RDB from $addr" >&2; exit 1; }
  echo "saved $addr ($id): $(wc -c < "$work/$id.rdb") bytes"
done
mv "$work" "$dir/$stamp"
find "$dir" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +"$keep" -exec rm -rf {} +
echo "backup $dir/$stamp complete"
