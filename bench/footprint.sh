#!/usr/bin/env bash
# The whole control plane's footprint (issue 20, item 8), in two parts.
#
# Cold start and idle: `ordoctl cluster up --nodes 3` on an empty data dir
# (its certificate authority and every component's certificate included: the
# api-server, controller-manager, scheduler, ordo-dns and three real agents),
# then a one-replica StatefulSet and its headless Service applied; the time
# from the start of `cluster up` until web-0.nginx.default.svc.cluster.local
# answers from ordo-dns (which it does only once web-0 is Running and Ready).
# Then, after FOOTPRINT_SETTLE seconds with that one pod, each of the seven
# processes' VmRSS, its anonymous RSS (heap and stacks: what it made itself)
# and its PSS (shared pages divided among the processes mapping them: the
# sum of PSS is what the set costs the machine, where the sum of RSS counts
# the shared libraries once per process), and the sums.
#
# With FOOTPRINT_PODS (10,000) pods: a fresh api-server, controller-manager,
# scheduler and ordo-dns, and FOOTPRINT_NODES hollow nodes in one
# ordo-kubelet-agent process (kubemark's way: pods are marked Running without processes). Kubernetes'
# default of 110 pods a node puts 10,000 pods on at least 91 nodes, so three
# real agents cannot hold them; the hollow process stands for the nodes and
# is reported on its own line. ordo-scale-bench creates StatefulSets of 100
# Parallel replicas (each with a headless Service; 99 at 10,000) and plain
# pods for the rest over 10 namespaces, and waits until every pod is Running;
# then the same RSS figures.
#
# A benchmark, not a test: `make bench-footprint`.
#   FOOTPRINT_SETTLE=10 FOOTPRINT_NODES=100 FOOTPRINT_PODS=10000
set -euo pipefail
cd "$(dirname "$0")/.."
SETTLE=${FOOTPRINT_SETTLE:-10}
NODES=${FOOTPRINT_NODES:-100}
PODS=${FOOTPRINT_PODS:-10000}
SETS=$((PODS * 99 / 10000))
PLAIN=$((PODS - SETS * 100))
source bench/lib.sh
bench_init footprint
cleanup_hooks+=('[ -d "$work/cluster/run" ] && "$BIN/ordoctl" cluster down --data-dir "$work/cluster" >/dev/null 2>&1')

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# "RSS anon PSS" of process $1, in KiB.
memory_kib() {
  local rss anon pss
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$1/status")
  anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$1/status")
  pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup")
  echo "$rss $anon $pss"
}

# Reads "NAME PID" lines; prints each process's memory in MiB and the sums.
report_memory() {
  local name pid
  printf '  %-24s %9s %9s %9s\n' "$1" "RSS MiB" "anon MiB" "PSS MiB"
  while read -r name pid; do
    [ -e "/proc/$pid/status" ] || { echo "no process $pid ($name)" >&2; exit 1; }
    echo "$name $(memory_kib "$pid")"
  done | awk '{ printf "  %-24s %9.1f %9.1f %9.1f\n", $1, $2 / 1024, $3 / 1024, $4 / 1024
                r += $2; a += $3; p += $4 }
              END { printf "  %-24s %9.1f %9.1f %9.1f\n", "total", r / 1024, a / 1024, p / 1024 }'
}

echo "== cold start: empty data dir to a pod Running and resolvable by DNS"
dir="$work/cluster"
t0=$(now)
"$BIN/ordoctl" cluster up --nodes 3 --data-dir "$dir" >"$work/up.out"
up_seconds=$(since "$t0")
dns_port=$(awk '$1 == "dns" { split($2, a, ":"); print a[2] }' "$work/up.out")
export KUBECONFIG="$dir/kubeconfig"
"$BIN/ordoctl" apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
    name: web
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ordo-podapp
        args: ["--port", "8080"]
EOF
# dig back to back (one costs ~5 ms here, which bounds the resolution).
answer=""
for _ in $(seq 2000); do
  answer=$(dig @127.0.0.1 -p "$dns_port" +short +time=1 +tries=1 web-0.nginx.default.svc.cluster.local A)
  [ -n "$answer" ] && break
  sleep 0.005
done
resolvable_seconds=$(since "$t0")
[ -n "$answer" ] || { echo "web-0 never resolved" >&2; exit 1; }
phase=$("$BIN/ordoctl" get pod web-0 -o jsonpath='{.status.phase}')
echo "  cluster up (3 nodes Ready)     ${up_seconds} s"
echo "  web-0 resolvable ($answer, $phase)  ${resolvable_seconds} s"

sleep "$SETTLE"
for name in api-server controller-manager scheduler dns node-1 node-2 node-3; do
  echo "$name $(cat "$dir/run/$name.pid")"
done | report_memory "idle, one pod (${SETTLE} s)"
"$BIN/ordoctl" cluster down --data-dir "$dir" >/dev/null
rm -rf "$dir"

echo "== $PODS pods: $SETS StatefulSets x 100 + $PLAIN pods, $NODES hollow nodes"
start_api_server
api=${pids[-1]}
start_hollow_nodes "$NODES"
hollow=${pids[-1]}
start_controllers
start "$BIN/ordo-dns" --server "$server" --listen 127.0.0.1:0 --port-file "$work/dns.port" \
  --log-level warn >"$work/dns.log" 2>&1
dns=$!
"$BIN/ordo-scale-bench" --server "$server" --namespaces 10 --sets "$SETS" --pods "$PLAIN" |
  grep -E 'pods_running|running_seconds|errors'
sleep "$SETTLE"
printf '%s\n' "api-server $api" "controller-manager $cm" "scheduler $scheduler" "dns $dns" |
  report_memory "$PODS pods (${SETTLE} s)"
echo "hollow-agent($NODES) $hollow" | report_memory "and the hollow nodes"
