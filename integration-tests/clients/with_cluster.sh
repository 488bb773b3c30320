#!/bin/sh
# Runs a command against a fresh process cluster: `ordoctl cluster up` with one
# node in a new directory, then the command with KUBECONFIG (the admin's,
# mutual TLS), ORDO_SERVER (the api-server's address) and ORDO_PKI (the
# cluster's certificate directory) exported, then
# `cluster down`. Exits with the command's status; on failure it prints the
# tail of every component's log.
# Usage: with_cluster.sh BIN_DIR COMMAND [ARGS...]
set -eu
bin_dir=$1
shift
work=$(mktemp -d)
trap '"$bin_dir/ordoctl" cluster down --data-dir "$work" > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$bin_dir/ordoctl" cluster up --nodes 1 --data-dir "$work" --crash-backoff 1s
KUBECONFIG="$work/kubeconfig"
ORDO_SERVER=$(cat "$work/run/server")
ORDO_PKI="$work/pki"
export KUBECONFIG ORDO_SERVER ORDO_PKI
status=0
"$@" || status=$?
if [ "$status" -ne 0 ]; then
  for log in "$work"/logs/*; do echo "== $log" >&2; tail -15 "$log" >&2; done
fi
exit "$status"
