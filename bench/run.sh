#!/usr/bin/env bash
# Runs ordo-bench against a fresh ordo-api-server (plaintext: "ordo"; mutual
# TLS with RBAC, as clusters run it: "ordo-tls"; plaintext serving /metrics,
# so every call goes through the request-metrics interceptor: "ordo-metrics";
# over an etcd of its own, --store etcd: "ordo-etcd") and a fresh etcd
# (Debian's etcd-server, installed when missing), workload by workload, each
# on an empty store, and prints the figures and their ratios. A benchmark, not a test:
# `make bench` runs it; `make test` never does.
#   BENCH_SECONDS=5  BENCH_TARGETS="ordo ordo-tls ordo-etcd etcd"  BENCH_WORKLOADS="create create1 ..."
#   BENCH_PIN=1: the server on CPU 0 and ordo-bench on CPU 1, so the client's
#   own work (its half of TLS, say) does not take the server's CPU.
#   BENCH_CLIENTS=500 BENCH_OBJECTS=10000 (list; fill takes 10 times as many)
#   BENCH_WATCHERS=100 BENCH_RATE=500: the load's size (bench/smoke.sh shrinks it).
#   BENCH_MANY_WATCHERS=10000: watchmany, that many watches open at once on 100
#   connections, 20 writes/s: the server's RSS before and with them.
#   BENCH_SETTLE=10: seconds fill waits, the load over, before its settled RSS.
#   With create1, the floor under it too (ordo-write-floor: one fdatasync on
#   this disk + one loopback gRPC round trip, BENCH_FLOOR_SAMPLES=2000 each)
#   and each target's create1 p50 over it.
# A workload with any error prints ordo-bench's complaints and makes the run
# exit 1 once every workload has run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
SECS=${BENCH_SECONDS:-5}
TARGETS=${BENCH_TARGETS:-"ordo ordo-tls ordo-etcd etcd"}
WORKLOADS=${BENCH_WORKLOADS:-"create create1 update get getser cas watch watchmany list fill"}
CLIENTS=${BENCH_CLIENTS:-500}
OBJECTS=${BENCH_OBJECTS:-10000}
WATCHERS=${BENCH_WATCHERS:-100}
RATE=${BENCH_RATE:-500}
work=$(mktemp -d /tmp/ordo-bench.XXXXXX)
server_pid="" etcd_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null
  wait 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT

if [[ " $TARGETS " == *etcd* ]] && ! command -v etcd >/dev/null; then
  echo "installing etcd-server for the side-by-side run" >&2
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq etcd-server >/dev/null
fi

server_cpu=() client_cpu=()
if [ "${BENCH_PIN:-0}" = 1 ]; then server_cpu=(taskset -c 0) client_cpu=(taskset -c 1); fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts a fresh one-member etcd with its data in $1; sets etcd_pid and etcd_address.
start_etcd() {
  local port peer
  port=$(free_port); peer=$(free_port)
  "${server_cpu[@]}" etcd --data-dir "$1/data" --listen-client-urls "http://127.0.0.1:$port" \
    --advertise-client-urls "http://127.0.0.1:$port" --listen-peer-urls "http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "default=http://127.0.0.1:$peer" --log-level error >"$1/etcd.log" 2>&1 &
  etcd_pid=$!
  etcd_address="127.0.0.1:$port"
  for _ in $(seq 100); do
    "$BIN/ordo-bench" --target etcd --server "$etcd_address" --workloads get1 --seconds 0.1 >/dev/null 2>&1 && break
    sleep 0.1
  done
}

# Starts a fresh server of kind $1 (ordo, ordo-tls, ordo-metrics, ordo-etcd:
# ordo over an etcd of its own, or etcd); sets server_pid and address.
start() {
  local dir="$work/$1-$RANDOM"
  mkdir -p "$dir"
  tls_flags=() client_flags=() metrics_flags=()
  [ "$1" = ordo-metrics ] && metrics_flags=(--metrics-listen 127.0.0.1:0)
  if [ "$1" = ordo-tls ]; then
    "$BIN/ordoctl" certs init --data-dir "$dir" >/dev/null
    tls_flags=(--tls-cert-file "$dir/pki/api-server.crt" --tls-private-key-file
      "$dir/pki/api-server.key" --client-ca-file "$dir/pki/ca.crt")
    client_flags=(--kubeconfig "$dir/pki/admin.kubeconfig")
  fi
  store_flags=(--data-dir "$dir/store")
  if [ "$1" = ordo-etcd ]; then
    start_etcd "$dir"
    store_flags=(--store etcd --etcd-servers "$etcd_address")
  fi
  if [ "$1" != etcd ]; then
    "${server_cpu[@]}" "$BIN/ordo-api-server" "${store_flags[@]}" --listen 127.0.0.1:0 --port-file "$dir/port" \
      "${tls_flags[@]}" "${metrics_flags[@]}" --log-level warn >"$dir/log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
    address="127.0.0.1:$(cat "$dir/port")"
  else
    start_etcd "$dir"
    server_pid=$etcd_pid etcd_pid="" address=$etcd_address
  fi
}

stop() {
  local pid
  for pid in $server_pid $etcd_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  server_pid="" etcd_pid=""
}

run() {  # target workload -> prints ordo-bench's line
  local target=$1 w=$2 args=(--seconds "$SECS")
  case $w in
    create1) args+=(--workloads create1) ;;
    cas) args+=(--workloads cas --clients $(((CLIENTS + 9) / 10))) ;;
    watch) args+=(--workloads watch --watchers "$WATCHERS" --rate "$RATE") ;;
    watchmany) args+=(--workloads watch --watchers "${BENCH_MANY_WATCHERS:-10000}" --rate 20 --channels 100) ;;
    list) args+=(--workloads list --objects "$OBJECTS") ;;
    fill) args+=(--workloads fill --objects $((OBJECTS * 10)) --settle_seconds "${BENCH_SETTLE:-10}") ;;
    *) args+=(--workloads "$w" --clients "$CLIENTS") ;;
  esac
  local base=${target%%-*}  # ordo-tls, ordo-metrics and ordo-etcd are ordo to ordo-bench
  start "$target"
  local status=0
  "${client_cpu[@]}" "$BIN/ordo-bench" --target "$base" --server "$address" --server-pid "$server_pid" \
    "${client_flags[@]}" "${args[@]}" >"$work/out" 2>"$work/errors" || status=$?
  grep -v conflicts_retried "$work/out" | sed "s/target=$base /target=$target /" || true
  if [ "$status" != 0 ]; then
    echo "$w against $target FAILED (exit $status):" >&2
    sed 's/^/  /' "$work/errors" >&2
    touch "$work/failed"
  fi
  stop
}

declare -A result
for w in $WORKLOADS; do
  for t in $TARGETS; do
    line=$(run "$t" "$w")
    echo "$line"
    result[$t.$w]=$line
  done
done

# Ratios of target $1 to target $2: throughput for the rate workloads,
# latency for the others.
field() { grep -o "\b$2=[0-9.]*" <<<"$1" | head -1 | cut -d= -f2; }
ratios() {
  local a b o e k keys
  for w in $WORKLOADS; do
    o=${result[$1.$w]:-}; e=${result[$2.$w]:-}
    [ -n "$o" ] && [ -n "$e" ] || continue
    case $w in
      create1) keys=p50 ;;
      watch) keys="lag_p99 delivered" ;;  # ordo cuts slow watchers off; etcd does not
      watchmany) keys="lag_p99 delivered rss_watching" ;;
      list) keys=p99 ;;
      fill) keys="rss settled_anon" ;;
      *) keys=throughput ;;
    esac
    for k in $keys; do
      a=$(field "$o" "$k"); b=$(field "$e" "$k")
      [ -n "$a" ] && [ -n "$b" ] && python3 -c "print(f'  {\"$w\":8} $k: $1 {$a} $2 {$b} ratio {($a/$b if $b else float(\"nan\")):.2f}')"
    done
  done
}

# The floor under a single client's create (issue 20, item 7): one fdatasync
# of a WAL record on this disk plus one loopback gRPC round trip of the same
# pod, pinned as the api-server and ordo-bench are.
if [[ " $WORKLOADS " == *" create1 "* ]]; then
  mkdir -p "$work/floor"
  "${server_cpu[@]}" "$BIN/ordo-write-floor" --serve --port-file "$work/floor/port" 2>/dev/null &
  floor_pid=$!
  for _ in $(seq 100); do [ -s "$work/floor/port" ] && break; sleep 0.1; done
  floor=$("${client_cpu[@]}" "$BIN/ordo-write-floor" --echo "127.0.0.1:$(cat "$work/floor/port")" \
    --dir "$work/floor" --samples "${BENCH_FLOOR_SAMPLES:-2000}") || touch "$work/failed"
  kill "$floor_pid"; wait "$floor_pid" 2>/dev/null || true
  echo "$floor"
  floor_ms=$(field "$floor" floor_p50)
  for t in $TARGETS; do
    p50=$(field "${result[$t.create1]:-}" p50)
    [ -n "$p50" ] && [ -n "$floor_ms" ] &&
      python3 -c "print(f'  create1 p50 / floor: $t {$p50} / {$floor_ms} = {$p50/$floor_ms:.2f} (aim for ordo: 1.2)')"
  done
fi

echo
echo "ordo / etcd:"
ratios ordo etcd
if [[ " $TARGETS " == *" ordo-etcd "* ]]; then
  echo "ordo-on-etcd / etcd (aim: creates at least 0.8x):"
  ratios ordo-etcd etcd
fi
echo
echo "ordo-tls / ordo (the cost of mutual TLS and RBAC on the same machine, same run):"
ratios ordo-tls ordo
echo
echo "ordo-metrics / ordo (the cost of request metrics, same run):"
ratios ordo-metrics ordo

if [ -e "$work/failed" ]; then
  echo "some workloads failed (see above)" >&2
  exit 1
fi
