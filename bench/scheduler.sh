#!/usr/bin/env bash
# The scheduler benchmark: a fresh api-server, SCHED_NODES hollow nodes (one
# ordo-kubelet-agent --hollow process), then two measurements with
# ordo-scheduler-bench:
#   backlog: SCHED_PODS pods created while no scheduler runs, then the
#            scheduler starts and binds them all (the scheduler's own rate);
#   stream:  SCHED_PODS more pods created while it runs (create and bind
#            together, all on the same two cores).
# Every bind is a durable write. A benchmark, not a test: `make bench-scheduler`.
#   SCHED_NODES=5000 SCHED_PODS=10000 SCHED_CLIENTS=64
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${SCHED_NODES:-5000}
PODS=${SCHED_PODS:-10000}
CLIENTS=${SCHED_CLIENTS:-64}
source bench/lib.sh
bench_init sched

start_api_server
start_hollow_nodes "$NODES"
echo "== backlog: $PODS pods waiting, then the scheduler starts"
"$BIN/ordo-scheduler-bench" --server "$server" --pods "$PODS" --clients "$CLIENTS" \
  --prefix backlog --create_only
"$BIN/ordo-scheduler-bench" --server "$server" --pods "$PODS" --prefix backlog --await_existing &
waiter=$!
sleep 1  # let it open its watch before the first bind
"$BIN/ordo-scheduler" --server "$server" --log-level warn >"$work/scheduler.log" 2>&1 &
pids+=($!)
wait "$waiter"
echo "== stream: $PODS pods created while the scheduler runs"
"$BIN/ordo-scheduler-bench" --server "$server" --pods "$PODS" --clients "$CLIENTS" --prefix stream
