#!/usr/bin/env bash
# The reference point for `make bench-dns`: NSD (apt install nsd), the
# authoritative server the issue compares against, serving the same records
# (a headless `nginx` of 100 pods, DNS_SERVICES ClusterIP services) under the
# same pinning (server on CPU 0, dnsperf on CPU 1) and the same query mix, so
# what dnsperf itself can drive on this machine is measured too.
# A benchmark, not a test: `make bench-dns-reference`.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${DNS_SERVICES:-1000}
SECONDS_RUN=${DNS_SECONDS:-10}
for tool in nsd dnsperf; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool is not installed"; exit 1; }
done
source bench/lib.sh
bench_init dns-reference
port=$((20000 + RANDOM % 20000))

{
  echo '$ORIGIN cluster.local.'
  echo '$TTL 30'
  echo '@ IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 1'
  echo '@ IN NS ns.dns.cluster.local.'
  for i in $(seq 0 99); do
    echo "nginx.default.svc IN A 10.1.0.$((i + 1))"
    echo "web-$i.nginx.default.svc IN A 10.1.0.$((i + 1))"
    echo "_web._tcp.nginx.default.svc IN SRV 0 1 80 web-$i.nginx.default.svc.cluster.local."
  done
  for i in $(seq 0 $((SERVICES - 1))); do
    echo "svc-$i.default.svc IN A 10.96.$((i / 250 + 1)).$((i % 250 + 1))"
  done
} >"$work/cluster.local.zone"
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
untrack_udp_port "$port"
for _ in $(seq 100); do
  [ -n "$(dig @127.0.0.1 -p "$port" +short svc-0.default.svc.cluster.local 2>/dev/null)" ] && break
  sleep 0.1
done

write_dns_queries "$work/queries.txt" "$SERVICES"
cpu() { process_ticks $(pgrep -f "nsd -d -c $work/nsd.conf"); }  # main, xfrd, the server
run_dnsperf_load "$port" "NSD $(/usr/sbin/nsd -v 2>&1 | head -1 | awk '{ print $3 }')" cpu

run_batched_load "$port" "NSD" cpu
