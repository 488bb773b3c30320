#!/bin/sh
# The API's compatibility checks (proto/buf.yaml): `buf lint`, and
# `buf breaking` against the protos of the previous commit (HEAD~1). A commit
# that breaks the API on purpose says so in a line starting "API-Break:" of
# its message (and in proto/README.md's change log); its breaks are printed,
# not failed. buf is built from the Go module proxy (tools/go_tool.sh).
# Usage: tools/check_protos.sh lint|breaking
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
buf=$("$root/tools/go_tool.sh" buf)
cd "$root"
case "$1" in
  lint) exec "$buf" lint proto ;;
  breaking)
    if ! git rev-parse -q --verify HEAD~1 > /dev/null; then
      echo "check_protos: no previous commit to compare with"
      exit 0
    fi
    if "$buf" breaking proto --against ".git#ref=HEAD~1,subdir=proto"; then
      echo "check_protos: no breaking change against HEAD~1"
    elif git log -1 --format=%B | grep -q '^API-Break:'; then
      echo "check_protos: the breaks above are declared by HEAD's API-Break line"
    else
      echo "check_protos: breaking changes against HEAD~1 (declare a deliberate one with an API-Break: line)" >&2
      exit 1
    fi ;;
  *) echo "usage: check_protos.sh lint|breaking" >&2; exit 2 ;;
esac
