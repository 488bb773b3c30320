#!/usr/bin/env bash
# The scalability envelope (issue 23): Kubernetes' tested 5,000 nodes and
# 150,000 pods, on this machine. For each size in SCALE_SIZES (total pods), a
# fresh cluster: api-server, SCALE_NODES hollow nodes, scheduler,
# controller-manager and ordo-dns; then ordo-scale-bench creates size×1400/150000
# StatefulSets of 100 Parallel replicas (each with a headless Service) plus
# size/15 plain pods, over size/1500 namespaces (1,500 pods each), and waits
# until every pod is Running. Then, with the load done:
#   - a full list of every pod through `ordoctl get pods -A` (pages of 500)
#     and a namespace's pods, LIST_RUNS times each (the slowest is reported);
#   - the p99 of every mutating call the api-server answered during the run
#     (its apiserver_request_duration_seconds histogram, Kubernetes' SLO
#     measure: the upper bound of the bucket holding the 99th percentile);
#   - each component's CPU seconds over the run, and its share of a core in
#     10 s with every pod running and nothing created;
#   - each component's RSS, the store's size on disk;
#   - ordo-dns: its slowest zone build during the run (histogram bucket),
#     then a restart: seconds to its first full zone, and that build's time;
#   - the api-server killed with -9, then the seconds until it serves again.
# Last, a table of each figure at each size and how it grew.
# A benchmark, not a test: `make bench-scale` (about 15 minutes at 150,000).
#   SCALE_NODES=5000 SCALE_SIZES="15000 150000" LIST_RUNS=5
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${SCALE_NODES:-5000}
SIZES=${SCALE_SIZES:-15000 150000}
LIST_RUNS=${LIST_RUNS:-5}
source bench/lib.sh
results=$(mktemp /tmp/ordo-scale-results.XXXXXX)
trap 'rm -f "$results"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
wait_file() { for _ in $(seq 300); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
metrics() { curl -sf "http://127.0.0.1:$(cat "$1")/metrics"; }
# Runs CMD... every 50 ms until it succeeds; fails after SECONDS, naming WHAT.
within() {
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 20; i++)); do "$@" && return 0; sleep 0.05; done
  echo "gave up waiting ${seconds}s for $what" >&2
  return 1
}
record() { echo "$size $1 $2" >>"$results"; printf '  %-34s %s\n' "$1" "$2"; }

# The upper bound of the histogram bucket holding quantile Q of the series
# matching the regex SERIES (summed across its label sets), from stdin.
bucket_quantile() {
  awk -v series="$2" '$0 ~ series && match($0, /le="[^"]*"/) {
      count[substr($0, RSTART + 4, RLENGTH - 5)] += $NF
    }
    END { for (le in count) print (le == "+Inf" ? "inf" : le), count[le] }' |
    sort -g | awk -v q="$1" '{ le[NR] = $1; n[NR] = $2 }
      END {
        if (NR == 0 || n[NR] == 0) { print "n/a"; exit }
        for (i = 1; i <= NR; i++) if (n[i] >= q * n[NR]) { print le[i]; exit }
      }'
}

run_size() (
  size=$1
  sets=$((size * 1400 / 150000))
  plain=$((size / 15))
  namespaces=$((size / 1500))
  [ "$namespaces" -ge 1 ] || namespaces=1
  bench_init scale
  echo "== $size pods: $sets StatefulSets x 100 + $plain pods in $namespaces namespaces, $NODES hollow nodes"
  start "$BIN/ordo-api-server" --data-dir "$work/store" --listen 127.0.0.1:0 \
    --port-file "$work/port" --metrics-listen 127.0.0.1:0 --metrics-port-file "$work/api.mport" \
    --log-level warn >"$work/api.log" 2>&1
  api=$!
  wait_file "$work/port"
  server="127.0.0.1:$(cat "$work/port")"
  start_hollow_nodes "$NODES"
  hollow=${pids[-1]}
  start_controllers
  start_dns() {
    rm -f "$work/dns.port" "$work/dns.mport"
    start "$BIN/ordo-dns" --server "$server" --listen 127.0.0.1:0 --port-file "$work/dns.port" \
      --metrics-listen 127.0.0.1:0 --metrics-port-file "$work/dns.mport" --log-level warn \
      >>"$work/dns.log" 2>&1
    dns=$!
  }
  start_dns

  "$BIN/ordo-scale-bench" --server "$server" --namespaces "$namespaces" --sets "$sets" \
    --pods "$plain" | tee "$work/bench.out"
  for f in running_seconds create_p99_ms probe_p99_ms probe_max_ms; do
    record "$f" "$(awk -v f="$f" '$2 == f { print $3 }' "$work/bench.out")"
  done
  record mutating_p99_le_seconds "$(metrics "$work/api.mport" |
    bucket_quantile 0.99 '^apiserver_request_duration_seconds_bucket.*verb="(create|update|patch|delete)"')"
  record dns_zone_build_max_le_seconds "$(metrics "$work/dns.mport" |
    bucket_quantile 1.0 '^ordo_dns_zone_build_seconds_bucket')"

  listed=0
  slowest=0
  for _ in $(seq "$LIST_RUNS"); do
    t0=$(now)
    listed=$("$BIN/ordoctl" --server "$server" get pods -A --chunk-size 500 -o name | wc -l)
    slowest=$(awk -v a="$slowest" -v b="$(since "$t0")" 'BEGIN { print (b > a ? b : a) }')
  done
  echo "  (a full list has $listed pods)"
  record list_all_slowest_seconds "$slowest"
  slowest=0
  for _ in $(seq "$LIST_RUNS"); do
    t0=$(now)
    "$BIN/ordoctl" --server "$server" get pods -n scale-0 -o name >/dev/null
    slowest=$(awk -v a="$slowest" -v b="$(since "$t0")" 'BEGIN { print (b > a ? b : a) }')
  done
  record list_namespace_slowest_seconds "$slowest"

  # Where the two cores went: each component's CPU seconds until now, then
  # in a 10 s window with the pods running and nothing created (the steady
  # load: node heartbeats, controllers' resyncs, ordo-dns' rebuilds).
  local -A before
  for c in api cm scheduler hollow dns; do
    record "cpu_${c}_seconds" "$(awk -v t="$(process_ticks "${!c}")" 'BEGIN { print t / 100 }')"
    before[$c]=$(process_ticks "${!c}")
  done
  sleep 10
  for c in api cm scheduler hollow dns; do
    record "steady_cpu_${c}_percent" \
      "$(awk -v a="${before[$c]}" -v b="$(process_ticks "${!c}")" 'BEGIN { print (b - a) / 10 }')"
  done

  record rss_api_server_mib "$(rss_mib "$api")"
  record rss_controller_manager_mib "$(rss_mib "$cm")"
  record rss_scheduler_mib "$(rss_mib "$scheduler")"
  record rss_hollow_agent_mib "$(rss_mib "$hollow")"
  record rss_ordo_dns_mib "$(rss_mib "$dns")"
  record store_mib "$(du -sm "$work/store" | cut -f1)"

  # ordo-dns from nothing: list Namespaces, Services and Endpoints, build once.
  kill "$dns"
  wait "$dns" 2>/dev/null || true
  t0=$(now)
  start_dns
  wait_file "$work/dns.mport"
  zone_built() {
    metrics "$work/dns.mport" 2>/dev/null |
      awk '/^ordo_dns_zone_build_seconds_count/ { n = $2 } END { exit !(n >= 1) }'
  }
  within 120 "ordo-dns to build its zone" zone_built
  record dns_restart_to_zone_seconds "$(since "$t0")"
  record dns_full_zone_build_seconds "$(metrics "$work/dns.mport" |
    awk '/^ordo_dns_zone_build_seconds_sum/ { printf "%.3f", $2 }')"

  # The store reopened after a kill -9: from the restart to the first answer.
  kill -9 "$api"
  wait "$api" 2>/dev/null || true
  rm -f "$work/port"
  t0=$(now)
  start "$BIN/ordo-api-server" --data-dir "$work/store" --listen "$server" \
    --port-file "$work/port" --log-level warn >>"$work/api.log" 2>&1
  api_answers() { "$BIN/ordoctl" --server "$server" get ns default -o name >/dev/null 2>&1; }
  within 120 "the api-server to answer again" api_answers
  record store_reopen_seconds "$(since "$t0")"
)

for size in $SIZES; do run_size "$size"; done

echo "== each figure by size (and the growth from the first size to the last)"
awk -v sizes="$(echo "$SIZES" | tr ' ' '\n' | sort -n | tr '\n' ' ')" '
  { v[$2, $1] = $3; names[$2] }
  END {
    n = split(sizes, order, " ")
    printf "%-34s", "figure"; for (i = 1; i <= n; i++) printf " %12s", order[i]; printf " %8s\n", "growth"
    for (f in names) {
      printf "%-34s", f
      for (i = 1; i <= n; i++) printf " %12s", v[f, order[i]]
      a = v[f, order[1]] + 0; b = v[f, order[n]] + 0
      if (n > 1 && a > 0) printf " %7.1fx", b / a
      printf "\n"
    }
  }' "$results" | sort
