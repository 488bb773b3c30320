#!/usr/bin/env bash
# Whole backups and restores on a one-node local cluster (`ordoctl cluster up
# --backup-location`): a StatefulSet of three ordinals, BACKUP_MB MiB of
# random data in each claim.
#   backup:  `ordoctl backup create --wait` (objects, a frozen snapshot of each
#            claim, its data moved into the location, every file hashed into
#            the manifest), beside `tar -c` of the same three directories,
#            each twice (A B B A: this disk slows after a burst of writes);
#   restore: the cluster and its data directory destroyed, a new one on the
#            same location, `ordoctl restore create --wait` until every claim
#            is Bound with its data copied back (every file checked against
#            the manifest first), between two `tar -x` of that tar file.
# A benchmark, not a test: `make bench-backup`.   BACKUP_MB=333 (BACKUP_LOG=1: the backup's log)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
MB=${BACKUP_MB:-333}
work=$(mktemp -d /var/tmp/ordo-backup-bench.XXXXXX)
dir=$work/cluster
location=$work/location
cleanup() { "$BIN/ordoctl" cluster down --data-dir "$dir" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
up() { "$BIN/ordoctl" cluster up --nodes 1 --data-dir "$dir" --backup-location "$location" >/dev/null; }
export KUBECONFIG=$dir/kubeconfig
ctl() { "$BIN/ordoctl" "$@"; }
now() { date +%s.%N; }
wait_for() { for _ in $(seq 12000); do "$@" && return 0; sleep 0.05; done; echo "timed out: $*" >&2; return 1; }
has_blob() { ctl exec "$1" -- test -f /data/blob 2>/dev/null; }
bound() { [ "$(ctl get pvc "$1" -o jsonpath='{.status.phase}' 2>/dev/null)" = Bound ]; }

up
ctl apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: fill, labels: {app: fill}}
spec:
  serviceName: fill
  replicas: 3
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: fill}}
  template:
    metadata: {labels: {app: fill}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: sh
        command: ["sh", "-c", "[ -f /data/blob ] || { head -c $((MB << 20)) /dev/urandom > /data/blob.tmp && mv /data/blob.tmp /data/blob; }; exec sleep 100000"]
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data, labels: {app: fill}}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: local-path
      resources: {requests: {storage: 1Gi}}
YAML
for i in 0 1 2; do wait_for has_blob "fill-$i"; done
dirs=()
for i in 0 1 2; do
  pv=$(ctl get pvc "data-fill-$i" -o jsonpath='{.spec.volumeName}')
  dirs+=("$(ctl get pv "$pv" -o json | python3 -c 'import json,sys; s=json.load(sys.stdin)["spec"]; print((s.get("local") or s.get("hostPath"))["path"])')")
done
sync
# This disk's write speed falls after a burst, so whichever runs second is
# slower: each side runs twice, in the order A B B A, and the means are compared.
tar_c() { t=$(now); tar -cf "$work/tar.out" "${dirs[@]}" 2>/dev/null; sync; python3 -c "print($(now) - $t)"; }
backup() { t=$(now); ctl backup create "$1" --selector app=fill --wait >/dev/null; sync; python3 -c "print($(now) - $t)"; }
tar_c1=$(tar_c); rm -f "$work/tar.out"; sync
backup1=$(backup b1)
[ -n "${BACKUP_LOG:-}" ] && ctl backup logs b1 >&2
backup2=$(backup b2)
tar_c2=$(tar_c)
tar_x() { rm -rf "$work/untar"; mkdir "$work/untar"; t=$(now); tar -xf "$work/tar.out" -C "$work/untar"; sync; python3 -c "print($(now) - $t)"; }
tar_x1=$(tar_x); rm -rf "$work/untar"; sync

ctl cluster down --data-dir "$dir" >/dev/null
rm -rf "$dir"
up
wait_for sh -c "'$BIN/ordoctl' backup get b1 2>/dev/null | grep -q Completed"
t=$(now)
ctl restore create r1 --from-backup b1 --wait >/dev/null
for i in 0 1 2; do wait_for bound "data-fill-$i"; done
sync
restore_s=$(python3 -c "print($(now) - $t)")
tar_x2=$(tar_x); rm -rf "$work/untar" "$work/tar.out"
for i in 0 1 2; do wait_for has_blob "fill-$i"; done
python3 -c "
mb = 3 * $MB
b = ($backup1 + $backup2) / 2; tc = ($tar_c1 + $tar_c2) / 2
r = $restore_s; tx = ($tar_x1 + $tar_x2) / 2
print(f'backup   data={mb} MiB backup={b:.2f}s ({mb/b:.0f} MiB/s; runs {$backup1:.2f} {$backup2:.2f}) tar-c={tc:.2f}s ({mb/tc:.0f} MiB/s; runs {$tar_c1:.2f} {$tar_c2:.2f}) ratio={b/tc:.2f}')
print(f'restore  data={mb} MiB restore={r:.2f}s ({mb/r:.0f} MiB/s) tar-x={tx:.2f}s ({mb/tx:.0f} MiB/s; runs {$tar_x1:.2f} {$tar_x2:.2f}) ratio={r/tx:.2f}')"
