#!/bin/sh
# `make up` builds the cluster's programs and no test (issue 21, item 12: a
# first `make up` once built every test too and took 21 minutes). Checks that
# make's plan for `up` builds the `binaries` target, not the whole build, and
# that `binaries` takes every program a cluster runs and no test source.
# Usage: make_up_builds_only_binaries.sh SOURCE_DIR BUILD_DIR
set -eu
source_dir=$1
build_dir=$2
fail() { echo "make_up_builds_only_binaries: $*" >&2; exit 1; }

plan=$(make -n -C "$source_dir" BUILD_DIR="$build_dir" up 2>/dev/null) || fail "make -n up failed"
echo "$plan" | grep -q -- "--target binaries" || fail "make up does not build only the binaries target: $plan"

direct=$(ninja -C "$build_dir" -t query binaries) || fail "ninja knows no binaries target"
for program in ordo-api-server ordo-scheduler ordo-controller-manager ordo-kubelet-agent \
               ordo-dns ordo-podapp ordoctl; do
  echo "$direct" | grep -q "bin/$program\$" || fail "binaries does not build bin/$program: $direct"
done
inputs=$(ninja -C "$build_dir" -t inputs binaries)
if echo "$inputs" | grep -E "_(i)?test\.cc\$"; then fail "binaries builds the tests above"; fi
echo "make up builds $(echo "$inputs" | grep -c '\.cc$') sources, no test"
