#!/bin/sh
# Builds every Go tool the tests use (tools/go_tool.sh) and the Go example
# client's dependencies, so that the Go module proxy's downloads and the Go
# compiles happen beside the C++ build rather than inside ctest, where each
# would hold a test slot and the tests that need it. `make test` starts it in
# the background; go_tool.sh takes a lock per tool, so a test that needs a
# tool still being built here waits for it instead of building it twice.
# Failures are left to the tests that need the tool: they report them.
# Usage: tools/go_prefetch.sh (logs to stdout)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
PATH="$PATH:/usr/local/go/bin"
start=$(date +%s)
for tool in protoc-gen-go protoc-gen-go-grpc grpcurl buf; do
  "$root/tools/go_tool.sh" "$tool" || echo "go_prefetch: $tool failed" >&2
  echo "go_prefetch: $tool ready at +$(($(date +%s) - start)) s"
done
# The example client's modules, compiled into the Go build cache.
cd "$root/examples/clients/go" &&
  GOFLAGS=-mod=mod go build google.golang.org/grpc google.golang.org/grpc/credentials \
    google.golang.org/protobuf/encoding/protojson sigs.k8s.io/yaml \
    google.golang.org/genproto/googleapis/rpc/errdetails ||
  echo "go_prefetch: the Go client's modules failed" >&2
echo "go_prefetch: done at +$(($(date +%s) - start)) s"
