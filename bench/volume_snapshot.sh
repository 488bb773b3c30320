#!/usr/bin/env bash
# Volume snapshots on a one-node local cluster (`ordoctl cluster up`):
#   copy:   SNAP_MB MiB of random data in each of three claims (shared class);
#           a VolumeSnapshot of each at once, timed until all are readyToUse,
#           beside `tar` of the same three directories on the same disk;
#   freeze: SNAP_FREEZES snapshots, one after another, of a claim whose pod
#           rewrites a file continuously: how long the pod was stopped for
#           each (ordo.io/snapshot-frozen-ms), p50 and p99.
# A benchmark, not a test: `make bench-volume-snapshot`.   SNAP_MB=333 SNAP_FREEZES=20
#   SNAP_TMPDIR=/mnt/xfs: run it on another file system (one with reflinks: copy-on-write).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
MB=${SNAP_MB:-333}
FREEZES=${SNAP_FREEZES:-20}
dir=$(mktemp -d "${SNAP_TMPDIR:-/var/tmp}/ordo-volume-snapshot-bench.XXXXXX")
cleanup() { "$BIN/ordoctl" cluster down --data-dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"$BIN/ordoctl" cluster up --nodes 1 --data-dir "$dir" >/dev/null
export KUBECONFIG=$dir/kubeconfig
ctl() { "$BIN/ordoctl" "$@"; }
now() { date +%s.%N; }

claim_and_pod() {  # name command
  ctl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: $1}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: shared
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: sh
    command: ["sh", "-c", "$2"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: $1}
YAML
}
snapshot() {  # name claim
  printf '%s\n' 'apiVersion: snapshot.storage.k8s.io/v1' 'kind: VolumeSnapshot' \
    "metadata: {name: $1}" "spec: {source: {persistentVolumeClaimName: $2}}" | ctl apply -f - >/dev/null
}
ready() { ctl get volumesnapshot "$1" -o json 2>/dev/null | python3 -c \
  'import json,sys; sys.exit(0 if json.load(sys.stdin).get("status",{}).get("readyToUse") else 1)'; }
wait_for() { for _ in $(seq 6000); do "$@" && return 0; sleep 0.05; done; echo "timed out: $*" >&2; return 1; }

for i in 0 1 2; do
  claim_and_pod "fill-$i" "head -c $((MB << 20)) /dev/urandom > /data/blob.tmp && mv /data/blob.tmp /data/blob; sleep 100000"
done
for i in 0 1 2; do wait_for ctl exec "fill-$i" -- test -f /data/blob; done
sync
# This disk's write speed falls after a burst, so whichever runs second is
# slower: each side runs twice, A B B A, and the means are compared.
tar_run() { local t; t=$(now); tar -cf "$dir/tar.out" -C "$dir/storage/shared" .; sync; python3 -c "print($(now) - $t)"; rm -f "$dir/tar.out"; }
snap_run() {  # suffix
  local t; t=$(now)
  for i in 0 1 2; do snapshot "fill-$i-snap$1" "fill-$i"; done
  for i in 0 1 2; do wait_for ready "fill-$i-snap$1"; done
  sync; python3 -c "print($(now) - $t)"
}
tar1=$(tar_run); snap1=$(snap_run a); snap2=$(snap_run b); tar2=$(tar_run)
frozen_ms() {  # snapshot: how long its pod was stopped, which is how long the copy took
  local content
  content=$(ctl get volumesnapshot "$1" -o jsonpath='{.status.boundVolumeSnapshotContentName}')
  ctl get volumesnapshotcontent "$content" -o json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["metadata"]["annotations"]["ordo.io/snapshot-frozen-ms"])'
}
copies=$(for i in 0 1 2; do frozen_ms "fill-$i-snapb"; done | tr '\n' ' ')
python3 -c "mb=3*$MB; s=($snap1+$snap2)/2; t=($tar1+$tar2)/2; print(f'copy    data={mb} MiB snapshots={s:.2f}s ({mb/s:.0f} MiB/s; runs {$snap1:.2f} {$snap2:.2f}) tar={t:.2f}s ({mb/t:.0f} MiB/s; runs {$tar1:.2f} {$tar2:.2f}) ratio={s/t:.2f}'); print('copy    each claim copied (its pod frozen) in ms: $copies')"

claim_and_pod writer "i=0; while :; do i=\$((i+1)); echo \$i > /data/c.tmp; mv /data/c.tmp /data/counter; done"
wait_for ctl exec writer -- test -f /data/counter
frozen=()
for n in $(seq "$FREEZES"); do
  snapshot "writer-$n" writer
  wait_for ready "writer-$n"
  content=$(ctl get volumesnapshot "writer-$n" -o json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["status"]["boundVolumeSnapshotContentName"])')
  frozen+=("$(ctl get volumesnapshotcontent "$content" -o json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["metadata"]["annotations"]["ordo.io/snapshot-frozen-ms"])')")
done
python3 - "${frozen[@]}" <<'PY'
import sys
v = sorted(int(x) for x in sys.argv[1:])
p = lambda q: v[min(len(v) - 1, int(q * len(v)))]
print(f"freeze  snapshots={len(v)} frozen_ms p50={p(0.5)} p99={p(0.99)} max={v[-1]}")
PY
