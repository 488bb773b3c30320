#!/usr/bin/env bash
# The cost of a scrape (issue 19): a fresh api-server serving /metrics with
# METRICS_PODS pods stored (10,000 by default, created through the API), then
# METRICS_SCRAPES scrapes of its /metrics one after another, each timed by
# curl; prints the median, p99 and slowest, and the page's size.
# A benchmark, not a test: `make bench-metrics`.
set -euo pipefail
cd "$(dirname "$0")/.."
PODS=${METRICS_PODS:-10000}
SCRAPES=${METRICS_SCRAPES:-50}
source bench/lib.sh
bench_init metrics

start "$BIN/ordo-api-server" --data-dir "$work/store" --listen 127.0.0.1:0 \
  --port-file "$work/port" --metrics-listen 127.0.0.1:0 --metrics-port-file "$work/metrics.port" \
  --log-level warn >"$work/api.log" 2>&1
for _ in $(seq 100); do [ -s "$work/port" ] && [ -s "$work/metrics.port" ] && break; sleep 0.1; done
server="127.0.0.1:$(cat "$work/port")"
metrics="http://127.0.0.1:$(cat "$work/metrics.port")/metrics"

{
  echo "apiVersion: v1"; echo "kind: List"; echo "items:"
  for i in $(seq 0 $((PODS - 1))); do
    echo "- {apiVersion: v1, kind: Pod, metadata: {name: pod-$i, namespace: default, labels: {app: bench}}, spec: {containers: [{name: c, image: sh}]}}"
  done
} >"$work/pods.yaml"
start_s=$(date +%s.%N)
ORDO_SERVER=$server "$BIN/ordoctl" apply -f "$work/pods.yaml" >/dev/null
echo "created $PODS pods in $(awk -v a="$start_s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

curl -sf "$metrics" -o "$work/page.txt"
echo "page: $(wc -c <"$work/page.txt") bytes, $(grep -vc '^#' "$work/page.txt") series;" \
  "$(grep '^apiserver_storage_objects{resource="pods"}' "$work/page.txt")"
for _ in $(seq "$SCRAPES"); do
  curl -sf -o /dev/null -w '%{time_total}\n' "$metrics"
done | sort -g | awk '{ v[NR] = $1 } END {
  printf "%d scrapes: median %.1f ms, p99 %.1f ms, slowest %.1f ms\n", NR,
    v[int((NR + 1) / 2)] * 1000, v[int(NR * 0.99 + 0.5)] * 1000, v[NR] * 1000 }'
