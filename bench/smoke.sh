#!/usr/bin/env bash
# Every benchmark for a moment, with a few clients, failing on any error: a
# test in `make test` (ctest bench_smoke), so a benchmark can never break
# silently again (issue 20: `make bench` once reported 0 updates/s and 108,609
# errors and nothing noticed). It proves the benchmarks run; it measures
# nothing. Each script exits non-zero when its load had an error.
#   ordo-bench: every workload against ordo and ordo-tls (and, when etcd is
#               installed, ordo-etcd and etcd);
#   the scheduler, StatefulSet and scale benchmarks on a few hollow nodes;
#   the footprint benchmark: a cold start and 200 pods;
#   the DNS benchmark's batched runs (static, fresh and churn mixes, every
#   answer checked) and its metrics comparison, one second a run.
set -euo pipefail
cd "$(dirname "$0")/.."
export BIN=${BIN:-build/bin}
targets="ordo ordo-tls"
command -v etcd >/dev/null && targets="$targets ordo-etcd etcd"

step() { echo "== smoke: $*"; }

step "ordo-bench, every workload, against $targets"
BENCH_SECONDS=0.3 BENCH_TARGETS="$targets" BENCH_CLIENTS=4 BENCH_OBJECTS=200 BENCH_WATCHERS=2 \
  BENCH_MANY_WATCHERS=20 \
  BENCH_RATE=50 BENCH_SETTLE=0 BENCH_FLOOR_SAMPLES=20 bench/run.sh

step "scheduler"
SCHED_NODES=20 SCHED_PODS=40 SCHED_CLIENTS=4 bench/scheduler.sh

step "StatefulSet"
STS_NODES=5 STS_ORDERED=3 STS_PARALLEL=10 bench/statefulset.sh

step "scale"
SCALE_NODES=20 SCALE_SIZES=300 LIST_RUNS=1 bench/scale.sh

step "footprint"
FOOTPRINT_SETTLE=0 FOOTPRINT_NODES=5 FOOTPRINT_PODS=200 bench/footprint.sh

step "DNS (ordo-dns-load: the three mixes, the zone changing; then metrics on and off)"
DNS_DNSPERF=0 DNS_SECONDS=1 DNS_SERVICES=20 DNS_PROPAGATION_SAMPLES=3 bench/dns.sh
DNS_COMPARE_METRICS=1 DNS_SECONDS=1 DNS_SERVICES=20 DNS_PROPAGATION_SAMPLES=3 bench/dns.sh
echo "== smoke: every benchmark ran without an error"
