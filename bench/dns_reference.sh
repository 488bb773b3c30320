#!/usr/bin/env bash
# The reference points for `make bench-dns`: the servers users run, serving
# the same records as ordo-dns there (a headless `nginx` of 100 pods,
# DNS_SERVICES ClusterIP services) from one zone file, each alone on CPU 0
# with the client on CPU 1:
#   NSD (the authoritative server the DNS issue named), with dnsperf too, so
#     what dnsperf itself can drive on this machine is measured;
#   Knot DNS (Debian's knot), one UDP worker;
#   CoreDNS (built from the Go module proxy by tools/go_tool.sh), the `file`
#     plugin, GOMAXPROCS=1: what Kubernetes clusters run, minus its
#     kubernetes plugin, which would need a Kubernetes API to read.
# Each gets the batched client's static mix (as fast as answered, then at
# half that rate and at 75,000/s) and its fresh mix (names never asked
# before), as bench/dns.sh gives ordo-dns. DNS_SERVERS picks some
# ("nsd knot coredns"). A benchmark, not a test: `make bench-dns-reference`.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${DNS_SERVICES:-1000}
SECONDS_RUN=${DNS_SECONDS:-10}
SERVERS=${DNS_SERVERS:-nsd knot coredns}
for tool in nsd knotd dnsperf; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "$tool is not installed (make bench-deps)"; exit 1; }
done
source bench/lib.sh
bench_init dns-reference

{
  echo '$ORIGIN cluster.local.'
  echo '$TTL 30'
  echo '@ IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 1'
  echo '@ IN NS ns.dns.cluster.local.'
  echo 'ns.dns IN A 10.96.0.10'
  for i in $(seq 0 99); do
    echo "nginx.default.svc IN A 10.1.0.$((i + 1))"
    echo "web-$i.nginx.default.svc IN A 10.1.0.$((i + 1))"
    echo "_web._tcp.nginx.default.svc IN SRV 0 1 80 web-$i.nginx.default.svc.cluster.local."
  done
  for i in $(seq 0 $((SERVICES - 1))); do
    echo "svc-$i.default.svc IN A 10.96.$((i / 250 + 1)).$((i % 250 + 1))"
  done
} >"$work/cluster.local.zone"
write_dns_queries "$work/queries.txt" "$SERVICES"
write_dns_queries "$work/fresh.txt" "$SERVICES" fresh

# Waits until the server on port $1 answers from the zone, and stops
# tracking its port.
await_answers() {
  untrack_udp_port "$1"
  await_answer "$1" svc-0.default.svc.cluster.local 300 && return
  echo "the server on port $1 never answered" >&2
  exit 1
}

# Runs the batched mixes against port $1 for the server named $2, whose CPU
# ticks cpu() reports, then stops the last process started.
measure() {
  run_batched_load "$1" "$2" cpu
  run_batched_mix "$1" "$2" cpu "$work/fresh.txt"
  kill "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
}

run_nsd() {
  local port=$((20000 + RANDOM % 20000))
  cat >"$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$port
  server-count: 1
  username: ""
  zonesdir: "$work"
  database: ""
  pidfile: "$work/nsd.pid"
  xfrdfile: "$work/xfrd.state"
  zonelistfile: "$work/zone.list"
  logfile: "$work/nsd.log"
  hide-version: yes
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: cluster.local
  zonefile: cluster.local.zone
CONF
  start taskset -c 0 /usr/sbin/nsd -d -c "$work/nsd.conf"
  await_answers "$port"
  cpu() { process_ticks $(pgrep -f "nsd -d -c $work/nsd.conf"); }  # main, xfrd, the server
  local name="NSD $(/usr/sbin/nsd -v 2>&1 | head -1 | awk '{ print $3 }')"
  run_dnsperf_load "$port" "$name" cpu
  measure "$port" "$name"
}

run_knot() {
  local port=$((20000 + RANDOM % 20000))
  mkdir -p "$work/knot"
  cat >"$work/knot.conf" <<CONF
server:
  listen: 127.0.0.1@$port
  rundir: "$work/knot"
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
log:
  - target: stderr
    any: warning
database:
  storage: "$work/knot"
zone:
  - domain: cluster.local
    file: "$work/cluster.local.zone"
    storage: "$work/knot"
    zonefile-sync: -1
    journal-content: none
CONF
  start taskset -c 0 /usr/sbin/knotd -c "$work/knot.conf"
  local knot_pid=${pids[-1]}
  await_answers "$port"
  cpu() { process_ticks "$knot_pid"; }
  measure "$port" "Knot DNS $(/usr/sbin/knotd --version | awk '{ print $NF }')"
}

run_coredns() {
  local port=$((20000 + RANDOM % 20000)) coredns
  echo "(building CoreDNS from the Go module proxy, the first time: a few minutes)"
  coredns=$(tools/go_tool.sh coredns)
  cat >"$work/Corefile" <<CONF
cluster.local:$port {
  bind 127.0.0.1
  file $work/cluster.local.zone
}
CONF
  start env GOMAXPROCS=1 taskset -c 0 "$coredns" -conf "$work/Corefile" -quiet
  local coredns_pid=${pids[-1]}
  await_answers "$port"
  cpu() { process_ticks "$coredns_pid"; }
  measure "$port" "CoreDNS $("$coredns" -version | awk '/CoreDNS-/ { sub("CoreDNS-", ""); print; exit }')"
}

for server in $SERVERS; do
  echo "#### $server"
  "run_$server"
done
