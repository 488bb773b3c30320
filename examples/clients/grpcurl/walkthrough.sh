#!/bin/sh
# A gRPC user's first minutes with ordo through grpcurl, using the server's
# reflection alone (no .proto files on the client). Run against a plaintext
# api-server (ordo-api-server --data-dir D --listen 127.0.0.1:6443); for a
# TLS one, replace -plaintext with -cacert ca.crt -cert admin.crt -key admin.key.
#
#   ORDO_SERVER=127.0.0.1:6443 GRPCURL=grpcurl examples/clients/grpcurl/walkthrough.sh
#
# Exits non-zero, naming the step, at the first thing that does not work.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
server=${ORDO_SERVER:-127.0.0.1:6443}
grpcurl=${GRPCURL:-grpcurl}
call() { "$grpcurl" -plaintext "$@"; }
fail() { echo "walkthrough: $*" >&2; exit 1; }

# 1. Every service the server lists can be described, method by method, and
#    so can each method's request and response messages.
services=$(call "$server" list)
echo "$services" | grep -qx ordo.apps.v1.StatefulSets || fail "StatefulSets is not listed"
echo "$services" | grep -qx grpc.health.v1.Health || fail "Health is not listed"
for service in $services; do
  call "$server" describe "$service" > /dev/null || fail "cannot describe $service"
  for method in $(call "$server" list "$service"); do
    for message in $(call "$server" describe "$method" |
                     sed -n 's/.*rpc [A-Za-z]* ( \(stream \)*\.\([^ ]*\) ) returns ( \(stream \)*\.\([^ ]*\) ).*/\2 \4/p'); do
      call "$server" describe "$message" > /dev/null || fail "cannot describe $message ($method)"
    done
  done
done
echo "described $(echo "$services" | wc -l) services"

# 2. The health service, as a load balancer or orchestrator asks it.
call "$server" grpc.health.v1.Health/Check | grep -q '"SERVING"' || fail "Health/Check is not SERVING"

# 3. A StatefulSet created from a JSON file (-d @ reads the request from stdin)...
call -d @ "$server" ordo.apps.v1.StatefulSets/Create < "$here/web-statefulset.json" > /dev/null ||
  fail "StatefulSets/Create"
# ...comes back by name, defaulted by the server.
got=$(call -d '{"namespace": "default", "name": "web"}' "$server" ordo.apps.v1.StatefulSets/Get) ||
  fail "StatefulSets/Get"
echo "$got" | grep -q '"pod_management_policy": "OrderedReady"' || fail "Get did not return the defaulted set: $got"

# 4. A watch streams the current objects, then every change; -max-time ends it.
events=$(call -max-time 3 -d '{"namespace": "default"}' "$server" ordo.apps.v1.StatefulSets/Watch || true)
echo "$events" | grep -q '"type": "ADDED"' || fail "Watch sent no ADDED event: $events"

# 5. A bad request is refused with the field named, in google.rpc.BadRequest.
if bad=$(echo '{"metadata": {"name": "Bad_Name"}}' |
         call -d @ "$server" ordo.apps.v1.StatefulSets/Create 2>&1); then
  fail "a bad name was accepted"
fi
echo "$bad" | grep -q 'InvalidArgument' || fail "a bad name did not give InvalidArgument: $bad"
echo "$bad" | grep -q 'metadata.name' || fail "the error does not name metadata.name: $bad"

echo "walkthrough: every step passed"
