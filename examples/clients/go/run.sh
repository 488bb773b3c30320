#!/bin/sh
# Builds and runs the Go example client: generates Go stubs from proto/ (with
# protoc-gen-go and protoc-gen-go-grpc from the Go module proxy, pinned in
# tools/go_tool.sh) into a work directory beside a copy of main.go, then runs
# it against KUBECONFIG and ORDO_SERVER with the docs' examples/web.yaml.
# Usage: run.sh [WORK_DIR]   (default build/examples/clients/go/work)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${1:-$root/build/examples/clients/go/work}
PATH="$PATH:/usr/local/go/bin"
rm -rf "$work" && mkdir -p "$work"
cp "$here/main.go" "$here/go.mod" "$here/go.sum" "$work/"
protoc -I "$root/proto" \
  --plugin=protoc-gen-go="$("$root/tools/go_tool.sh" protoc-gen-go)" \
  --plugin=protoc-gen-go-grpc="$("$root/tools/go_tool.sh" protoc-gen-go-grpc)" \
  --go_out="$work" --go_opt=module=ordo.io/api \
  --go-grpc_out="$work" --go-grpc_opt=module=ordo.io/api \
  $(cd "$root/proto" && find ordo -name '*.proto' | sort)
cd "$work"
GOFLAGS=-mod=mod go run . "$root/examples/web.yaml"
