#!/bin/sh
# Prints the path of a Go tool the tests or benchmarks use (grpcurl, buf,
# CoreDNS), building it from the Go module proxy the first time, at a pinned
# version, into $ORDO_TOOLS_DIR (default build/tools). Never part of ordo's
# runtime.
# Usage: tools/go_tool.sh grpcurl|buf|protoc-gen-go|protoc-gen-go-grpc|coredns
set -eu
tools_dir=${ORDO_TOOLS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/tools}
case "$1" in
  grpcurl) module=github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4 ;;
  buf) module=github.com/bufbuild/buf/cmd/buf@v1.75.0 ;;
  protoc-gen-go) module=google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12 ;;
  protoc-gen-go-grpc) module=google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1 ;;
  coredns) module=github.com/coredns/coredns@v1.14.7 ;;  # bench/dns_reference.sh only
  *) echo "go_tool.sh: unknown tool $1" >&2; exit 2 ;;
esac
bin="$tools_dir/$1-${module##*@}"
mkdir -p "$tools_dir/gobin-$1"
# One build per tool at a time (go_prefetch.sh may be building it already).
exec 9> "$tools_dir/$1.lock"
flock 9
if [ ! -x "$bin" ]; then
  PATH="$PATH:/usr/local/go/bin" GOBIN="$tools_dir/gobin-$1" GOFLAGS=-mod=mod \
    go install "$module" >&2
  mv "$tools_dir/gobin-$1/$1" "$bin"
fi
echo "$bin"
