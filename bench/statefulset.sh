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
NODES=${STS_NODES:-100}
ORDERED=${STS_ORDERED:-100}
PARALLEL=${STS_PARALLEL:-1000}
source bench/lib.sh
bench_init sts

start_api_server
start_hollow_nodes "$NODES"
"$BIN/ordo-scheduler" --server "$server" --log-level warn >"$work/scheduler.log" 2>&1 &
pids+=($!)
"$BIN/ordo-controller-manager" --server "$server" --log-level warn >"$work/cm.log" 2>&1 &
pids+=($!)
echo "== ordered: 0 -> $ORDERED replicas, OrderedReady"
"$BIN/ordo-statefulset-bench" --server "$server" --replicas "$ORDERED" --policy OrderedReady
echo "== parallel: 0 -> $PARALLEL replicas, Parallel"
"$BIN/ordo-statefulset-bench" --server "$server" --replicas "$PARALLEL" --policy Parallel
