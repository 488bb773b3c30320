# Shared by the benchmark scripts (source it): a scratch directory removed on
# exit with every process started through `start`, a fresh api-server, and
# hollow nodes.
#   bench_init NAME         work dir /tmp/ordo-NAME-bench.XXXXXX in $work
#   start CMD...            run in the background, killed on exit
#   start_api_server        sets $server (HOST:PORT)
#   start_hollow_nodes N    N hollow nodes, waits until they are Ready
#   start_controllers       the scheduler and the controller-manager; sets
#                           $scheduler and $cm (their pids)
#   untrack_udp_port P      exempt UDP port P from connection tracking
#   write_dns_queries F N [MIX]
#                           the DNS benchmarks' query mix over N services into
#                           F: static (default), fresh or churn (see below)
#   await_answer P NAME [N] until the DNS server on port P answers NAME,
#                           polling every 0.1 s N times (default 100);
#                           fails if it never does
#   process_ticks PID...    user + system clock ticks of the processes
#   report_server_cpu T Q   T ticks over Q queries, per 100,000 queries
#   run_dnsperf_load P NAME CPU_FN
#                           dnsperf against port P as fast as answered (-c
#                           $DNS_CLIENTS, -q $DNS_OUTSTANDING); sets $qps
#   run_batched_load P NAME CPU_FN
#                           ordo-dns-load against port P as fast as answered,
#                           then at half that rate and at 75,000/s (needs
#                           $work/queries.txt)
#   run_batched_mix P NAME CPU_FN F [FLAGS]
#                           ordo-dns-load with the queries of F as fast as
#                           answered, once; FLAGS go to ordo-dns-load
BIN=${BIN:-build/bin}
pids=()
cleanup_hooks=()  # commands run on exit, before the processes are killed

bench_init() {
  work=$(mktemp -d "/tmp/ordo-$1-bench.XXXXXX")
  trap 'for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT
}

start() {
  "$@" &
  pids+=($!)
}

start_api_server() {
  start "$BIN/ordo-api-server" --data-dir "$work/store" --listen 127.0.0.1:0 \
    --port-file "$work/port" --log-level warn >"$work/api.log" 2>&1
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  server="127.0.0.1:$(cat "$work/port")"
}

start_hollow_nodes() {
  start "$BIN/ordo-kubelet-agent" --server "$server" --hollow --hollow-nodes "$1" \
    --node-name hollow --cpu 32 --memory 256Gi --log-level warn >"$work/hollow.log" 2>&1
  "$BIN/ordo-scheduler-bench" --server "$server" --wait_nodes "$1" --pods 0 | grep nodes
}

start_controllers() {
  start "$BIN/ordo-scheduler" --server "$server" --listen 127.0.0.1:0 --log-level warn \
    >"$work/scheduler.log" 2>&1
  scheduler=$!
  start "$BIN/ordo-controller-manager" --server "$server" --listen 127.0.0.1:0 --log-level warn \
    --storage-root "$work/volumes" --snapshot-root "$work/snapshots" >"$work/cm.log" 2>&1
  cm=$!
}

# Connection tracking: Docker's NAT rules make this kernel track every UDP
# packet, a per-packet cost to both ends that a DNS server at these rates is
# deployed without. Exempts the port (as root, with nft) until exit;
# DNS_CONNTRACK=1 keeps tracking, for comparison.
untrack_udp_port() {
  local tracking=on
  if [ "${DNS_CONNTRACK:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v nft >/dev/null; then
    nft -f - <<EOF && tracking=off
table ip ordo_bench_$1 {
  chain pre { type filter hook prerouting priority raw; udp dport $1 notrack; udp sport $1 notrack; }
  chain out { type filter hook output priority raw; udp dport $1 notrack; udp sport $1 notrack; }
}
EOF
    cleanup_hooks+=("nft delete table ip ordo_bench_$1 2>/dev/null")
  fi
  echo "connection tracking of UDP port $1: $tracking"
}

# 20,000 queries in a fixed shuffled order. The static mix, after dns.md
# §5.3: 40% ClusterIP service A, 15% headless service A, 10% pod A, 5% SRV,
# 15% search-expanded NXDOMAIN, 15% AAAA NODATA; over ~3,100 names, so a
# server's packet cache answers nearly all of it. The fresh mix: 90% names
# never asked before (ordo-dns-load replaces a leading `*` label on every
# send): 45% random pod names under the headless Service, 30% random Service
# names, 15% those search-expanded, all NXDOMAIN; 10% the static mix. The
# churn mix: 20% the pods of the Service ordo-dns-churn keeps moving
# (churn-0..19), 80% the static mix.
write_dns_queries() {
  awk -v n="$2" -v mix="${3:-static}" '
    function known(r) { r = rand() * 100;
      if (r < 40) return sprintf("svc-%d.default.svc.cluster.local A", int(rand() * n));
      if (r < 55) return "nginx.default.svc.cluster.local A";
      if (r < 65) return sprintf("web-%d.nginx.default.svc.cluster.local A", int(rand() * 100));
      if (r < 70) return "_web._tcp.nginx.default.svc.cluster.local SRV";
      if (r < 85) return sprintf("svc-%d.default.svc.cluster.local.default.svc.cluster.local A", int(rand() * n));
      return sprintf("svc-%d.default.svc.cluster.local AAAA", int(rand() * n)) }
    BEGIN { srand(7); for (i = 0; i < 20000; i++) {
      if (mix == "static") { print known(); continue }
      r = rand() * 100;
      if (mix == "fresh" && r < 45) print "*.nginx.default.svc.cluster.local A";
      else if (mix == "fresh" && r < 75) print "*.default.svc.cluster.local A";
      else if (mix == "fresh" && r < 90) print "*.default.svc.cluster.local.default.svc.cluster.local A";
      else if (mix == "churn" && r < 20) printf "churn-%d.churn.default.svc.cluster.local A\n", int(rand() * 20);
      else print known() } }' >"$1"
}

await_answer() {
  local _
  for _ in $(seq "${3:-100}"); do
    [ -n "$(dig @127.0.0.1 -p "$1" +short "$2" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  return 1
}

process_ticks() {
  # Fields 14 and 15 of stat, counted after the command name, which may hold
  # spaces ("nsd: server 1").
  local p
  for p in "$@"; do sed 's/.*) //' "/proc/$p/stat"; done | awk '{ s += $12 + $13 } END { print s + 0 }'
}

report_server_cpu() {
  awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v q="$2" \
    'BEGIN { printf "server CPU: %.2f s for %d queries = %.3f CPU-s per 100,000 queries\n", t / hz, q, t / hz / q * 100000 }'
}

run_dnsperf_load() {
  local port=$1 name=$2 cpu_fn=$3 before after clients=${DNS_CLIENTS:-10} window=${DNS_OUTSTANDING:-100}
  echo "== throughput: dnsperf -c $clients -q $window, ${SECONDS_RUN}s, $name on CPU 0, dnsperf on CPU 1"
  before=$($cpu_fn)
  /usr/bin/time -f "dnsperf CPU: %U user + %S system s" taskset -c 1 dnsperf -s 127.0.0.1 \
    -p "$port" -d "$work/queries.txt" -l "$SECONDS_RUN" -c "$clients" -T 1 -q "$window" -t 1 \
    >"$work/max.txt"
  after=$($cpu_fn)
  grep -E "Queries (sent|completed|lost)|Queries per second|Average Latency|Response codes" "$work/max.txt"
  qps=$(awk '/Queries per second/ { print int($4) }' "$work/max.txt")
  report_server_cpu $((after - before)) "$(awk '/Queries completed/ { print $3 }' "$work/max.txt")"
}

run_batched_load() {
  local port=$1 name=$2 cpu_fn=$3 before after qps
  echo "== throughput, batched client: ordo-dns-load --outstanding 500, ${SECONDS_RUN}s, $name on CPU 0, the client on CPU 1"
  before=$($cpu_fn)
  /usr/bin/time -f "client CPU: %U user + %S system s" taskset -c 1 "$BIN/ordo-dns-load" \
    --port "$port" --queries "$work/queries.txt" --seconds "$SECONDS_RUN" --outstanding 500 \
    >"$work/batched.txt"
  after=$($cpu_fn)
  cat "$work/batched.txt"
  qps=$(awk '/Queries per second/ { print int($4) }' "$work/batched.txt")
  report_server_cpu $((after - before)) "$(awk '/Queries completed/ { print $3 }' "$work/batched.txt")"
  local rate why
  for rate in $((qps / 2)) 75000; do
    why="half that rate"
    [ "$rate" = 75000 ] && why="half the 150,000 target"
    echo "== latency at $rate/s, batched client ($why)"
    taskset -c 1 "$BIN/ordo-dns-load" --port "$port" --queries "$work/queries.txt" \
      --seconds "$SECONDS_RUN" --outstanding 500 --rate "$rate"
  done
}

run_batched_mix() {
  local port=$1 name=$2 cpu_fn=$3 file=$4 before after rc=0
  shift 4
  echo "== $(basename "$file" .txt) mix, batched client: ordo-dns-load --outstanding 500, ${SECONDS_RUN}s, $name on CPU 0, the client on CPU 1"
  before=$($cpu_fn)
  taskset -c 1 "$BIN/ordo-dns-load" --port "$port" --queries "$file" --seconds "$SECONDS_RUN" \
    --outstanding 500 "$@" >"$work/mix.txt" || rc=$?
  after=$($cpu_fn)
  cat "$work/mix.txt"
  report_server_cpu $((after - before)) "$(awk '/Queries completed/ { print $3 }' "$work/mix.txt")"
  return $rc
}
