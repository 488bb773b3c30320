# Shared by the benchmark scripts (source it): a scratch directory removed on
# exit with every process started through `start`, a fresh api-server, and
# hollow nodes.
#   bench_init NAME         work dir /tmp/ordo-NAME-bench.XXXXXX in $work
#   start CMD...            run in the background, killed on exit
#   start_api_server        sets $server (HOST:PORT)
#   start_hollow_nodes N    N hollow nodes, waits until they are Ready
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
