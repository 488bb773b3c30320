#!/usr/bin/env bash
# Store snapshots: a fresh api-server filled with SNAP_OBJECTS objects
# (ordo-bench's fill: 64 clients), then
#   save:    `ordoctl snapshot save` (the store streamed, checked whole, renamed)
#   status:  `ordoctl snapshot status` (read and hashed whole)
#   restore: `ordo-api-server --restore-from` into a new directory, until it serves
# A benchmark, not a test: `make bench-snapshot`.   SNAP_OBJECTS=100000
set -euo pipefail
cd "$(dirname "$0")/.."
OBJECTS=${SNAP_OBJECTS:-100000}
source bench/lib.sh
bench_init snapshot

now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.2f}')"; }

start_api_server
"$BIN/ordo-bench" --target ordo --server "$server" --workloads fill --objects "$OBJECTS" \
  --server-pid "${pids[0]}"
t=$(now)
ORDO_SERVER=$server KUBECONFIG= "$BIN/ordoctl" snapshot save "$work/snap.db"
echo "save    objects=$OBJECTS seconds=$(since "$t") bytes=$(stat -c %s "$work/snap.db")"
t=$(now)
"$BIN/ordoctl" snapshot status "$work/snap.db" >/dev/null
echo "status  objects=$OBJECTS seconds=$(since "$t")"
t=$(now)
start "$BIN/ordo-api-server" --restore-from "$work/snap.db" --data-dir "$work/restored" \
  --listen 127.0.0.1:0 --port-file "$work/restored.port" --log-level warn >"$work/restored.log" 2>&1
for _ in $(seq 600); do [ -s "$work/restored.port" ] && break; sleep 0.05; done
[ -s "$work/restored.port" ] || { cat "$work/restored.log"; exit 1; }
echo "restore objects=$OBJECTS seconds=$(since "$t") (until the restored api-server serves)"
