#!/usr/bin/env bash
# The compose cluster's two commands (make compose-up / compose-down).
#   up:   docker-compose up -d, copies the admin's kubeconfig out of the
#         cluster's pki volume to .ordo-compose/kubeconfig (naming
#         127.0.0.1:PORT, and 127.0.0.1:PORT_2 with docker-compose.ha.yml), then waits until every node is Ready and prints
#         them, with the KUBECONFIG to export. Harmless when it is already up.
#   down: docker-compose down; the volumes (the store, pods' data) stay,
#         unless WIPE=1.
# Expects the images (make images) and build/bin/ordoctl.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
PORT=${ORDO_API_PORT:-6443}
export KUBECONFIG=$PWD/.ordo-compose/kubeconfig
ordoctl=$BUILD_DIR/bin/ordoctl
nodes=(node-1 node-2 node-3)

case "${1:-}" in
  up)
    docker image inspect ordo:latest >/dev/null 2>&1 ||
      { echo "compose: no image ordo:latest: run 'make images' first" >&2; exit 1; }
    start=$(date +%s.%N)
    since=$(date -u +%Y-%m-%dT%H:%M:%SZ)  # a node counts once its lease is renewed after this
    docker-compose up -d
    # The api-server is healthy once `up -d` returns (the others depend on it).
    mkdir -p .ordo-compose
    # The api-servers as the host reaches them (the HA file's second on ORDO_API_PORT_2).
    servers=127.0.0.1:$PORT
    if docker-compose config --services | grep -qx api-server-2; then
      servers=$servers,127.0.0.1:${ORDO_API_PORT_2:-6444}
    fi
    docker-compose exec -T api-server cat /etc/ordo/pki/admin.kubeconfig |
      sed -E "s#server: https://.*#server: https://$servers#" >"$KUBECONFIG.tmp"
    chmod 600 "$KUBECONFIG.tmp" && mv "$KUBECONFIG.tmp" "$KUBECONFIG"
    deadline=$(($(date +%s) + 120))
    while :; do
      ready=0
      for n in "${nodes[@]}"; do
        status=$("$ordoctl" get node "$n" \
          -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) || true
        renewed=$("$ordoctl" get lease "$n" -n kube-node-lease \
          -o 'jsonpath={.spec.renewTime}' 2>/dev/null) || true
        # Ready, and renewed since this start: not a status left from before.
        if [ "$status" = True ] && [[ ! "$renewed" < "$since" ]]; then ready=$((ready + 1)); fi
      done
      [ "$ready" = "${#nodes[@]}" ] && break
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "compose: only $ready of ${#nodes[@]} nodes Ready after 120 s; docker-compose ps:" >&2
        docker-compose ps >&2
        exit 1
      fi
      sleep 0.2
    done
    awk -v s="$start" -v e="$(date +%s.%N)" \
      'BEGIN { printf "compose: every node Ready %.1f s after docker-compose up\n", e - s }'
    "$ordoctl" get nodes -o wide
    echo "prometheus http://127.0.0.1:${ORDO_PROMETHEUS_PORT:-9090}"
    echo "export KUBECONFIG=$KUBECONFIG"
    ;;
  down)
    if [ "${WIPE:-0}" = 1 ]; then docker-compose down -v; else docker-compose down; fi
    ;;
  *)
    echo "usage: deploy/compose.sh up|down" >&2
    exit 2
    ;;
esac
