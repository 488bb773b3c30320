#!/usr/bin/env bash
# The DNS benchmark (issue 7): a fresh api-server holding a headless Service
# `nginx` of 100 pods (its Endpoints written directly, hostnames web-0..99)
# and DNS_SERVICES ClusterIP services; ordo-dns pinned to CPU 0 and dnsperf
# to CPU 1, a query mix after dns.md §5.3: 40% ClusterIP service A, 15%
# headless service A (100 RRs, TC for clients without EDNS), 10% pod A, 5%
# SRV, 15% search-expanded NXDOMAIN, 15% AAAA NODATA.
#   1. throughput: dnsperf self-paced (-q 100) for DNS_SECONDS;
#   2. latency at half that rate (-Q), with dnsperf's latency histogram;
#   3. the batched client (ordo-dns-load) on the same mix, then on mostly-new
#      names (the fresh mix: NXDOMAINs no cache has seen), then on a zone
#      that changes DNS_CHURN_RATE (100) times a second (ordo-dns-churn
#      moving the pods of a headless Service while the load runs);
#   with the server's CPU seconds per 100,000 queries, and for each batched
#   run its packet cache's hit rate and the zone snapshots it built (read from
#   its /metrics, which costs about 1%: DNS_COMPARE_METRICS=1 below). Every
#   answer of a batched run must carry its question and NOERROR or NXDOMAIN
#   (ordo-dns-load --strict), or the benchmark fails.
# A benchmark, not a test: `make bench-dns` (installs dnsperf, NSD and Knot).
# DNS_COMPARE_METRICS=1 measures instead the cost of metrics: a second
# ordo-dns serving /metrics, both loaded by ordo-dns-load in turn A B B A
# (this disk and CPU drift within a run), and the ratio of their queries/s.
# DNS_PROFILE=FILE records a perf profile (linux-perf) of the server's run.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${DNS_SERVICES:-1000}
SECONDS_RUN=${DNS_SECONDS:-10}
DNSPERF=${DNS_DNSPERF:-1}  # 0: only the batched runs (bench/smoke.sh, without dnsperf)
[ "${DNS_COMPARE_METRICS:-0}" = 1 ] && DNSPERF=0
[ "$DNSPERF" = 0 ] || command -v dnsperf >/dev/null ||
  { echo "dnsperf is not installed (apt install dnsperf)"; exit 1; }
source bench/lib.sh
bench_init dns

start_api_server

{
  echo "apiVersion: v1"; echo "kind: List"; echo "items:"
  echo "- {apiVersion: v1, kind: Service, metadata: {name: nginx, namespace: default}, spec: {clusterIP: None, ports: [{name: web, port: 80}]}}"
  echo "- apiVersion: v1"
  echo "  kind: Endpoints"
  echo "  metadata: {name: nginx, namespace: default}"
  echo "  subsets:"
  echo "  - ports: [{name: web, port: 80, protocol: TCP}]"
  echo "    addresses:"
  for i in $(seq 0 99); do echo "    - {ip: 10.1.0.$((i + 1)), hostname: web-$i}"; done
  for i in $(seq 0 $((SERVICES - 1))); do
    echo "- {apiVersion: v1, kind: Service, metadata: {name: svc-$i, namespace: default}, spec: {clusterIP: 10.96.$((i / 250 + 1)).$((i % 250 + 1)), ports: [{name: http, port: 80}]}}"
  done
} >"$work/objects.yaml"
ORDO_SERVER=$server "$BIN/ordoctl" apply -f "$work/objects.yaml" >/dev/null

# Starts ordo-dns on CPU 0 (NAME names its files; more flags may follow) and
# waits until it answers from the zone; sets dns_pid and port.
start_dns() {
  local name=$1
  shift
  taskset -c 0 "$BIN/ordo-dns" --server "$server" --listen 127.0.0.1:0 --port-file "$work/$name.port" \
    --upstream 127.0.0.1:9 --log-level warn "$@" >"$work/$name.log" 2>&1 &
  dns_pid=$!
  pids+=($dns_pid)
  for _ in $(seq 100); do [ -s "$work/$name.port" ] && break; sleep 0.1; done
  port=$(cat "$work/$name.port")
  await_answer "$port" svc-0.default.svc.cluster.local || true
  untrack_udp_port "$port"
}

if [ "${DNS_COMPARE_METRICS:-0}" = 1 ]; then
  start_dns dns
else
  start_dns dns --metrics-listen 127.0.0.1:0 --metrics-port-file "$work/dns.metrics-port"
  metrics_port=$(cat "$work/dns.metrics-port")
fi

# "HITS MISSES ZONE_BUILDS" of ordo-dns's packet cache and zone, from /metrics.
dns_counters() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '
    /^ordo_dns_packet_cache_hits_total/ { h = $2 } /^ordo_dns_packet_cache_misses_total/ { m = $2 }
    /^ordo_dns_zone_build_seconds_count/ { z = $2 } END { printf "%d %d %d\n", h, m, z }'
}
# Prints the hit rate and zone builds since the counters $1 (dns_counters).
report_cache_since() {
  echo "$1 $(dns_counters)" | awk '{ h = $4 - $1; m = $5 - $2; printf "packet cache: %d hits of %d lookups = %.1f%%; zone snapshots built: %d\n",
    h, h + m, h + m ? 100 * h / (h + m) : 0, $6 - $3 }'
}

# How soon a new name answers: from the acknowledged create of a Service to
# the first answer with its address, DNS_PROPAGATION_SAMPLES times, polled
# over UDP back to back by one process (bench/dns_propagation.py; polling
# with dig measured dig's own ~30 ms start).
python3 bench/dns_propagation.py "$BIN/ordoctl" "$server" "$port" "${DNS_PROPAGATION_SAMPLES:-20}" |
  sort -n >"$work/propagation.txt"
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
awk '{ v[NR] = $1 } END { printf "create to answer, %d Services: p50 %.2f ms, max %.2f ms\n",
  NR, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }' "$work/propagation.txt"

write_dns_queries "$work/queries.txt" "$SERVICES"

if [ "${DNS_COMPARE_METRICS:-0}" = 1 ]; then
  port_plain=$port plain_pid=$dns_pid
  start_dns dns-metrics --metrics-listen 127.0.0.1:0
  port_m=$port port=$port_plain dns_pid=$plain_pid
  declare -A total=([plain]=0 [metrics]=0)
  for run in plain metrics metrics plain; do
    p=$port; [ "$run" = metrics ] && p=$port_m
    q=$(taskset -c 1 "$BIN/ordo-dns-load" --port "$p" --queries "$work/queries.txt" \
      --seconds "$SECONDS_RUN" --outstanding 500 --strict | awk '/Queries per second/ { print int($4) }')
    echo "$run: $q queries/s"
    [ "${q:-0}" -gt 0 ] || { echo "ordo-dns ($run) answered nothing" >&2; exit 1; }
    total[$run]=$((total[$run] + q))
  done
  echo "metrics on / off, mean of two runs each: $((total[metrics] / 2)) / $((total[plain] / 2)) =" \
    "$(awk -v a="${total[metrics]}" -v b="${total[plain]}" 'BEGIN { printf "%.3f", a / b }')"
  exit 0
fi

cpu() { process_ticks "$dns_pid"; }
if [ -n "${DNS_PROFILE:-}" ]; then  # a perf profile of the server during the run
  perf record -e cpu-clock -F 1999 -g -o "$DNS_PROFILE" -p "$dns_pid" -- sleep "$SECONDS_RUN" \
    >/dev/null 2>&1 &
fi
if [ "$DNSPERF" = 1 ]; then
  run_dnsperf_load "$port" ordo-dns cpu
  half=$((qps / 2))
  echo "== latency at half that rate: -Q $half (dnsperf -v: one line per answer, its latency last)"
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$SECONDS_RUN" -c 10 -T 1 \
    -q 100 -t 1 -Q "$half" -v >"$work/half.txt" 2>&1 || true
  grep -E "Queries (completed|lost)|Queries per second|Average Latency" "$work/half.txt"
  awk '$1 == ">" { print $NF }' "$work/half.txt" | sort -g >"$work/latencies.txt"
  awk '{ v[NR] = $1 } END { if (NR) printf "latency over %d answers: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
    NR, v[int(NR * 0.5)] * 1000, v[int(NR * 0.99)] * 1000, v[NR] * 1000 }' "$work/latencies.txt"
fi

# dnsperf sends and receives one packet per system call and tops out near
# 100,000 queries/s on one core of this machine, whatever answers it (NSD
# too: `make bench-dns-reference`). ordo-dns-load batches 64 packets a call,
# so the server, not the client, is what runs out.
before=$(dns_counters)
run_batched_load "$port" "ordo-dns" cpu
report_cache_since "$before"

write_dns_queries "$work/fresh.txt" "$SERVICES" fresh
before=$(dns_counters)
run_batched_mix "$port" ordo-dns cpu "$work/fresh.txt" --strict
report_cache_since "$before"

# The zone changing while it is asked: ordo-dns-churn (on CPU 1 beside the
# client; it sleeps between updates) moves one pod of the headless Service
# `churn` a time. The load starts once churn-0 answers.
churn_rate=${DNS_CHURN_RATE:-100}
write_dns_queries "$work/churn.txt" "$SERVICES" churn
taskset -c 1 "$BIN/ordo-dns-churn" --server "$server" --rate "$churn_rate" \
  --seconds "$(awk -v s="$SECONDS_RUN" 'BEGIN { print s + 2 }')" >"$work/churn.log" 2>&1 &
churn_pid=$!
pids+=($churn_pid)
await_answer "$port" churn-0.churn.default.svc.cluster.local || true
echo "(the zone changes $churn_rate times a second during the next run)"
before=$(dns_counters)
run_batched_mix "$port" ordo-dns cpu "$work/churn.txt" --strict
report_cache_since "$before"
wait "$churn_pid" || { cat "$work/churn.log"; echo "ordo-dns-churn failed" >&2; exit 1; }
cat "$work/churn.log"
