#!/bin/sh
# Runs a command against a fresh plaintext ordo-api-server: starts the server
# on a free port over a new data directory, exports ORDO_SERVER=127.0.0.1:PORT,
# runs the command, stops the server, and exits with the command's status.
# Usage: with_api_server.sh BIN_DIR COMMAND [ARGS...]
set -eu
bin_dir=$1
shift
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin_dir/ordo-api-server" --data-dir "$work/store" --listen 127.0.0.1:0 \
  --port-file "$work/port" 2> "$work/api-server.log" &
pid=$!
# Wait for the port file, up to 30 s; a server that exits early fails at once.
tries=0
until [ -s "$work/port" ]; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/api-server.log" >&2; exit 1; }
  tries=$((tries + 1))
  [ "$tries" -le 300 ] || { echo "ordo-api-server did not start in 30 s" >&2; exit 1; }
  sleep 0.1
done
ORDO_SERVER="127.0.0.1:$(cat "$work/port")"
export ORDO_SERVER
status=0
"$@" || status=$?
[ "$status" -eq 0 ] || tail -20 "$work/api-server.log" >&2
exit "$status"
