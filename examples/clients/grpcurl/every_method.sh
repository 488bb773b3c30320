#!/bin/sh
# Calls every method of every service of every ordo gRPC server in a cluster
# through the servers' reflection alone: the api-server at ORDO_SERVER, then
# the kubelet-agent of each node (found from the Nodes it lists). Each method
# gets the empty request `{}` as JSON; a streaming one is ended after 2 s.
#
#   ORDO_SERVER=127.0.0.1:6443 ORDO_PKI=.ordo/pki GRPCURL=grpcurl examples/clients/grpcurl/every_method.sh
#
# ORDO_PKI names the cluster's certificate directory (ca.crt, admin.crt,
# admin.key: `ordoctl cluster up` makes them); without it the api-server is
# called in plaintext and the agents are skipped (they serve only TLS).
#
# A call passes when the server answered it as a method it serves: any reply,
# or a status that judges the request (InvalidArgument, NotFound, ...). It
# fails on Unimplemented, on a service reflection names but the server does
# not expose, and on any other code (Unknown, Internal, Unavailable, ...),
# which an empty request must never cause. Run against a scratch
# cluster: it calls ShutdownPods too.
set -eu
server=${ORDO_SERVER:-127.0.0.1:6443}
grpcurl=${GRPCURL:-grpcurl}
pki=${ORDO_PKI:-}
fail() { echo "every_method: $*" >&2; exit 1; }
if [ -n "$pki" ]; then
  tls="-cacert $pki/ca.crt -cert $pki/admin.crt -key $pki/admin.key"
else
  tls="-plaintext"
fi
# shellcheck disable=SC2086 # $tls is a list of flags
call() { "$grpcurl" $tls "$@"; }

# grpcurl exits 0 on OK and 64 + the gRPC code on an error status. Accepted:
# OK, and InvalidArgument (3) through OutOfRange (11), the codes that judge a
# request; DeadlineExceeded (4) is how a stream cut at -max-time ends.
acceptable() {
  case $1 in
    0 | 6[7-9] | 7[0-5]) return 0 ;;
    *) return 1 ;;
  esac
}

# Calls every method of every service `address` lists; prints the count.
call_every_method() {
  address=$1
  count=0
  services=$(call "$address" list) || fail "$address: cannot list services: $services"
  for service in $services; do
    for method in $(call "$address" list "$service"); do
      code=0
      out=$(call -max-time 2 -d '{}' "$address" "$service/${method##*.}" 2>&1) || code=$?
      acceptable "$code" || fail "$address $service/${method##*.}: exit $code: $out"
      case $out in *"does not expose"* | *"Symbol not found"*) fail "$address $method: $out" ;; esac
      count=$((count + 1))
    done
  done
  echo "$address: called $count methods"
}

call_every_method "$server"
[ -n "$pki" ] || exit 0

# Each node's agent: its first address and the kubelet endpoint's port, from
# the api-server's Nodes (status.addresses, status.daemon_endpoints; the port's
# field is `Port`, capitalised, as in Kubernetes' DaemonEndpoint).
nodes=$(call -d '{}' "$server" ordo.core.v1.Nodes/List) || fail "Nodes/List: $nodes"
agents=$(echo "$nodes" | python3 -c '
import json, sys
for node in json.load(sys.stdin).get("items", []):
    status = node.get("status", {})
    port = status.get("daemon_endpoints", {}).get("kubelet_endpoint", {}).get("Port")
    address = status.get("addresses", [{}])[0].get("address")
    if port and address:
        print(f"{address}:{port}")')
[ -n "$agents" ] || fail "no node names a kubelet endpoint: $nodes"
for agent in $agents; do call_every_method "$agent"; done
