#!/usr/bin/env bash
# The StatefulSet controller benchmark: a fresh api-server, STS_NODES hollow
# nodes (one ordo-kubelet-agent --hollow process: pods turn Running and Ready
# as soon as they are bound), the scheduler and the controller-manager; then
#   ordered:  a set scaled 0 -> STS_ORDERED replicas, OrderedReady;
#   parallel: a set scaled 0 -> STS_PARALLEL replicas, Parallel.
# A benchmark, not a test: `make bench-statefulset`.
#   STS_NODES=100 STS_ORDERED=100 STS_PARALLEL=1000
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
NODES=${STS_NODES:-100}
ORDERED=${STS_ORDERED:-100}
PARALLEL=${STS_PARALLEL:-1000}
work=$(mktemp -d /tmp/ordo-sts-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$BIN/ordo-api-server" --data-dir "$work/store" --listen 127.0.0.1:0 --port-file "$work/port" \
  --log-level warn >"$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
server="127.0.0.1:$(cat "$work/port")"
"$BIN/ordo-kubelet-agent" --server "$server" --hollow --hollow-nodes "$NODES" --node-name hollow \
  --cpu 32 --memory 256Gi --log-level warn >"$work/hollow.log" 2>&1 &
pids+=($!)
"$BIN/ordo-scheduler-bench" --server "$server" --wait_nodes "$NODES" --pods 0 | grep nodes
"$BIN/ordo-scheduler" --server "$server" --log-level warn >"$work/scheduler.log" 2>&1 &
pids+=($!)
"$BIN/ordo-controller-manager" --server "$server" --log-level warn >"$work/cm.log" 2>&1 &
pids+=($!)
echo "== ordered: 0 -> $ORDERED replicas, OrderedReady"
"$BIN/ordo-statefulset-bench" --server "$server" --replicas "$ORDERED" --policy OrderedReady
echo "== parallel: 0 -> $PARALLEL replicas, Parallel"
"$BIN/ordo-statefulset-bench" --server "$server" --replicas "$PARALLEL" --policy Parallel
