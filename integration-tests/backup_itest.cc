// Backups that restore, on real clusters of processes: three ordinals each
// write distinct data; a backup holds it (each claim's snapshot taken with
// the pod frozen while it rewrites a counter, so the copy is whole); the
// cluster and its data directory are destroyed (a claim backed up with
// Velero's hooks instead holds a whole counter too); a new cluster on the same
// storage location sees the backup, restores it, and every ordinal reads
// back exactly its own bytes in its own pod.
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

// Each ordinal writes 3 MB of its own random bytes and its name once (kept
// if the claim already holds them, as a restored one does), then rewrites
// a counter by rename, forever.
constexpr char kWeb[] = R"(apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, labels: {app: web}}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: writer
        image: sh
        command: ["sh", "-c", "[ -f /data/blob ] || { head -c 3000000 /dev/urandom > /data/blob.tmp && mv /data/blob.tmp /data/blob && hostname > /data/who; }; i=0; while :; do i=$((i+1)); printf '%s\n%s\n' $i $i > /data/c.tmp; mv /data/c.tmp /data/counter; sleep 0.02; done"]
        volumeMounts: [{name: www, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: www, labels: {app: web}}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: local-path
      resources: {requests: {storage: 10Mi}}
)";

// A pod with Velero's pre-hook, rewriting a counter on its claim.
constexpr char kHooked[] = R"(apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: hooked, labels: {app: hooked}}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: local-path
  resources: {requests: {storage: 1Mi}}
---
apiVersion: v1
kind: Pod
metadata:
  name: hooked
  labels: {app: hooked}
  annotations:
    pre.hook.backup.velero.io/command: '["/bin/sh", "-c", "touch /data/pre-hook-ran"]'
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: writer
    image: sh
    command: ["sh", "-c", "i=0; while :; do i=$((i+1)); printf '%s\n%s\n' $i $i > /data/c.tmp; mv /data/c.tmp /data/counter; sleep 0.02; done"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: hooked}
)";

class BackupTest : public ClusterFixture {
 protected:
  BackupTest() { extra_up_args_ = {"--backup-location", location_.path()}; }

  // "<sha256> <name>" of an ordinal's data, read inside its pod.
  std::string DataOf(const std::string& pod) {
    CommandResult r =
        Ordoctl({"exec", pod, "--", "sh", "-c", "sha256sum < /data/blob; cat /data/who"});
    EXPECT_EQ(r.exit_code, 0) << pod << ": " << r.err;
    return r.out;
  }
  bool WaitData(const std::string& pod) {
    return WaitFor(
        [&] {
          return Ordoctl({"exec", pod, "--", "test", "-f", "/data/who"}).exit_code == 0;
        },
        absl::Seconds(60));
  }

  testing::TempDir location_;
};

TEST_F(BackupTest, ANewClusterOnTheSameLocationRestoresEveryOrdinalsBytes) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  std::map<std::string, std::string> before;
  for (const char* pod : {"web-0", "web-1", "web-2"}) {
    ASSERT_TRUE(WaitData(pod)) << pod;
    before[pod] = DataOf(pod);
    EXPECT_NE(before[pod].find(pod), std::string::npos) << before[pod];
  }
  EXPECT_NE(before["web-0"], before["web-1"]);

  CommandResult backup = Ordoctl({"backup", "create", "b1", "--selector", "app=web", "--wait"});
  ASSERT_EQ(backup.exit_code, 0) << backup.out << backup.err;
  EXPECT_NE(backup.out.find("Backup completed with status: Completed"), std::string::npos)
      << backup.out;
  CommandResult described = Ordoctl({"backup", "describe", "b1"});
  EXPECT_NE(described.out.find("Volume snapshots completed:  3"), std::string::npos)
      << described.out;
  EXPECT_NE(described.out.find("default/www-web-2:  3000"), std::string::npos) << described.out;
  CommandResult logs = Ordoctl({"backup", "logs", "b1"});
  EXPECT_NE(logs.out.find("claim default/www-web-1"), std::string::npos) << logs.out << logs.err;
  // Each claim was copied with its pod frozen: the counter in the backup is whole.
  const std::string backup_dir = location_.Join("backups/b1");
  for (const char* claim : {"www-web-0", "www-web-1", "www-web-2"}) {
    std::string counter =
        testing::ReadFile(absl::StrCat(backup_dir, "/volumes/default/", claim, "/counter"));
    std::vector<std::string> lines = absl::StrSplit(counter, '\n');
    ASSERT_EQ(lines.size(), 3u) << claim << ": " << counter;
    EXPECT_EQ(lines[0], lines[1]) << claim;
  }
  EXPECT_TRUE(std::filesystem::exists(backup_dir +
                                      "/resources/statefulsets.apps/namespaces/default/web.yaml"));

  // With Velero's hooks the pod is not frozen: its pre-hook runs first, and
  // the counter in the backup is whole all the same.
  Apply(kHooked);
  ASSERT_TRUE(WaitReady("hooked", true, absl::Seconds(60)));
  ASSERT_TRUE(WaitFor(
      [&] {
        return Ordoctl({"exec", "hooked", "--", "test", "-f", "/data/counter"}).exit_code == 0;
      },
      absl::Seconds(30)));
  CommandResult hooked =
      Ordoctl({"backup", "create", "b-hooked", "--selector", "app=hooked", "--wait"});
  ASSERT_EQ(hooked.exit_code, 0) << hooked.out << hooked.err;
  EXPECT_NE(Ordoctl({"backup", "describe", "b-hooked"}).out.find("default/hooked:  "),
            std::string::npos);
  EXPECT_NE(Ordoctl({"backup", "describe", "b-hooked"}).out.find(", hooks"), std::string::npos);
  const std::string hooked_data = location_.Join("backups/b-hooked/volumes/default/hooked");
  EXPECT_TRUE(std::filesystem::exists(hooked_data + "/pre-hook-ran"));
  std::vector<std::string> hooked_lines =
      absl::StrSplit(testing::ReadFile(hooked_data + "/counter"), '\n');
  ASSERT_EQ(hooked_lines.size(), 3u);
  EXPECT_EQ(hooked_lines[0], hooked_lines[1]);

  // The cluster and all its data go; a new one starts on the same location.
  CommandResult down = Ordoctl({"cluster", "down", "--data-dir", dir_.path()});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    std::filesystem::remove_all(entry.path());
  }
  SetUp();
  ASSERT_FALSE(GetPod("web-0").has_value());
  ASSERT_TRUE(WaitFor(
      [&] {
        return Ordoctl({"backup", "get", "b1"}).out.find("Completed") != std::string::npos;
      },
      absl::Seconds(60)));

  CommandResult restore = Ordoctl({"restore", "create", "r1", "--from-backup", "b1", "--wait"});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  ASSERT_TRUE(WaitAllReady({"web-0", "web-1", "web-2"}, absl::Seconds(120)));
  for (const char* pod : {"web-0", "web-1", "web-2"}) {
    EXPECT_EQ(DataOf(pod), before[pod]) << pod;
  }
  // Restoring again leaves what exists alone and says so.
  CommandResult again = Ordoctl({"restore", "create", "r2", "--from-backup", "b1", "--wait"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  CommandResult again_logs = Ordoctl({"restore", "logs", "r2"});
  EXPECT_NE(again_logs.out.find("statefulsets.apps default/web already exists: left as it is"),
            std::string::npos)
      << again_logs.out << again_logs.err;

  // Deleting the backup takes its data from the location.
  ASSERT_EQ(Ordoctl({"backup", "delete", "b1"}).exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(backup_dir); }, absl::Seconds(30)));
}

}  // namespace
}  // namespace ordo::itest
