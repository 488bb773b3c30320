// Volume snapshots on a real cluster of processes: a pod rewrites a counter
// file as fast as it can while its claim is snapshotted (frozen, then with
// Velero's hooks), each snapshot holds a whole file, and a new claim made
// from a snapshot starts with exactly its data.
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/resource_client.h"
#include "common/api/well_known.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

// A claim of the shared class and a pod that rewrites /data/counter by
// rename ("N\nN\n"), forever.
std::string WriterWithClaim(const std::string& name, const std::string& annotations = "{}") {
  return absl::StrCat(R"(apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: )",
                      name, R"(}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: shared
  resources: {requests: {storage: 1Mi}}
---
apiVersion: v1
kind: Pod
metadata:
  name: )",
                      name, R"(
  annotations: )",
                      annotations, R"(
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: writer
    image: sh
    command: ["sh", "-c", "i=0; while :; do i=$((i+1)); printf '%s\n%s\n' $i $i > /data/c.tmp; mv /data/c.tmp /data/counter; sleep 0.02; done"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: )",
                      name, R"(}
)");
}

std::string Snapshot(const std::string& name, const std::string& claim) {
  return absl::StrCat(R"(apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: {name: )",
                      name, R"(}
spec:
  source: {persistentVolumeClaimName: )",
                      claim, "}\n");
}

class VolumeSnapshotTest : public ClusterFixture {
 protected:
  void SetUp() override {
    ClusterFixture::SetUp();
    snapshots_ = std::make_unique<api::ResourceClient<snapshot::v1::VolumeSnapshot>>(channel_,
                                                                                     SystemClock());
    contents_ = std::make_unique<api::ResourceClient<snapshot::v1::VolumeSnapshotContent>>(
        channel_, SystemClock());
  }

  bool WaitRunning(const std::string& pod) {
    return WaitFor(
        [&] {
          auto p = GetPod(pod);
          return p.has_value() && p->status().phase() == "Running";
        },
        absl::Seconds(30));
  }

  // Waits until `pod` has written its counter once.
  bool WaitWriting(const std::string& pod) {
    return WaitRunning(pod) &&
           WaitFor(
               [&] {
                 return Ordoctl({"exec", pod, "--", "cat", "/data/counter"}).exit_code == 0;
               },
               absl::Seconds(30));
  }

  // Waits until snapshot `name` is readyToUse and its content says how it
  // was made consistent (the agent writes that just after the status);
  // returns the content.
  std::optional<snapshot::v1::VolumeSnapshotContent> WaitReadyToUse(const std::string& name) {
    std::optional<snapshot::v1::VolumeSnapshotContent> content;
    bool ready = WaitFor(
        [&] {
          auto vs = snapshots_->Get("default", name);
          if (!vs.ok() || !vs->status().ready_to_use()) return false;
          auto c = contents_->Get("", vs->status().bound_volume_snapshot_content_name());
          if (!c.ok() ||
              !c->metadata().annotations().contains(api::kSnapshotConsistencyAnnotation)) {
            return false;
          }
          content = *c;
          return true;
        },
        absl::Seconds(30));
    if (!ready) {
      auto vs = snapshots_->Get("default", name);
      ADD_FAILURE() << name << " not ready: " << (vs.ok() ? vs->DebugString() : "missing");
      return std::nullopt;
    }
    return content;
  }

  // The counter in a snapshot: both lines whole and equal.
  static void ExpectWholeCounter(const std::string& dir) {
    std::string text = testing::ReadFile(dir + "/counter");
    std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 2u) << text;
    EXPECT_EQ(lines[0], lines[1]) << text;
    EXPECT_GT(std::stoll(lines[0]), 0);
  }

  std::unique_ptr<api::ResourceClient<snapshot::v1::VolumeSnapshot>> snapshots_;
  std::unique_ptr<api::ResourceClient<snapshot::v1::VolumeSnapshotContent>> contents_;
};

TEST_F(VolumeSnapshotTest, AWritingPodIsFrozenForItsSnapshotWhichRestoresIntoANewClaim) {
  Apply(WriterWithClaim("frozen"));
  ASSERT_TRUE(WaitWriting("frozen"));
  Apply(Snapshot("frozen-1", "frozen"));
  auto content = WaitReadyToUse("frozen-1");
  ASSERT_TRUE(content.has_value());
  EXPECT_EQ(content->metadata().annotations().at(api::kSnapshotConsistencyAnnotation), "frozen");
  const std::string dir = content->status().snapshot_handle();
  EXPECT_TRUE(absl::StartsWith(dir, dir_.Join("storage/snapshots/snapcontent-"))) << dir;
  ExpectWholeCounter(dir);
  EXPECT_GT(content->status().restore_size(), 0);
  CommandResult got = Ordoctl({"get", "volumesnapshot", "frozen-1"});
  EXPECT_NE(got.out.find("frozen-1"), std::string::npos) << got.out << got.err;

  // A claim made from the snapshot starts with exactly its data.
  std::string counter = testing::ReadFile(dir + "/counter");
  Apply(R"(apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: restored}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: shared
  resources: {requests: {storage: 1Mi}}
  dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: frozen-1}
---
apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: reader
    image: sh
    command: ["sh", "-c", "sleep 1000"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: restored}
)");
  ASSERT_TRUE(WaitRunning("reader"));
  CommandResult read = Ordoctl({"exec", "reader", "--", "cat", "/data/counter"});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, counter);

  // Data kept outside the cluster (a copy of the snapshot's directory, as a
  // backup holds it) comes back the same way: a content made by hand around
  // it, a snapshot of that content, a claim from the snapshot.
  std::string kept = dir_.Join("kept-outside");
  std::filesystem::copy(dir, kept, std::filesystem::copy_options::recursive);
  Apply(absl::StrCat(R"(apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshotContent
metadata: {name: kept}
spec:
  deletionPolicy: Retain
  driver: ordo.io/shared
  source: {snapshotHandle: )",
                     kept, R"(}
  volumeSnapshotRef: {namespace: default, name: from-kept}
---
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: {name: from-kept}
spec:
  source: {volumeSnapshotContentName: kept}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: from-kept}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: shared
  resources: {requests: {storage: 1Mi}}
  dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: from-kept}
)"));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto claim = api::ResourceClient<core::v1::PersistentVolumeClaim>(channel_, SystemClock())
                         .Get("default", "from-kept");
        return claim.ok() && claim->status().phase() == "Bound";
      },
      absl::Seconds(30)));
  auto claim = api::ResourceClient<core::v1::PersistentVolumeClaim>(channel_, SystemClock())
                   .Get("default", "from-kept");
  auto volume = api::ResourceClient<core::v1::PersistentVolume>(channel_, SystemClock())
                    .Get("", claim->spec().volume_name());
  ASSERT_TRUE(volume.ok());
  EXPECT_EQ(testing::ReadFile(volume->spec().host_path().path() + "/counter"), counter);

  // Deleting the snapshot (policy Delete) takes its content and data.
  ASSERT_EQ(Ordoctl({"delete", "volumesnapshot", "frozen-1"}).exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(dir); }, absl::Seconds(30)));
  EXPECT_TRUE(WaitFor([&] { return !contents_->Get("", content->metadata().name()).ok(); },
                      absl::Seconds(30)));
}

TEST_F(VolumeSnapshotTest, VeleroHooksRunInThePodAroundItsSnapshot) {
  Apply(WriterWithClaim(
      "hooked",
      R"({"pre.hook.backup.velero.io/command": "[\"/bin/sh\", \"-c\", \"touch /data/pre-hook-ran\"]"})"));
  ASSERT_TRUE(WaitWriting("hooked"));
  Apply(Snapshot("hooked-1", "hooked"));
  auto content = WaitReadyToUse("hooked-1");
  ASSERT_TRUE(content.has_value());
  EXPECT_EQ(content->metadata().annotations().at(api::kSnapshotConsistencyAnnotation), "hooks");
  const std::string dir = content->status().snapshot_handle();
  EXPECT_TRUE(std::filesystem::exists(dir + "/pre-hook-ran"));
  ExpectWholeCounter(dir);
}

// examples/replicated.yaml: ordinal 0 takes writes, the others copy them
// through its stable DNS name and refuse their own.
TEST_F(VolumeSnapshotTest, TheReplicationExampleFollowsItsPrimaryByName) {
  CommandResult applied =
      Ordoctl({"apply", "-f", std::string(ORDO_SOURCE_DIR) + "/examples/replicated.yaml"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  for (const char* pod : {"db-0", "db-1", "db-2"}) {
    ASSERT_TRUE(WaitFor([&] { return GetPod(pod).has_value(); }, absl::Seconds(60))) << pod;
    ASSERT_TRUE(WaitReady(pod, true, absl::Seconds(60))) << pod;
  }
  auto put = [&](const std::string& from, const std::string& target, const std::string& body) {
    return Ordoctl({"exec", from, "--", "python3", "-c",
                    absl::StrCat("import urllib.request as u, urllib.error as e\n"
                                 "try:\n"
                                 "  r = u.urlopen(u.Request('http://",
                                 target, ".db/data', data=b'", body,
                                 "', method='PUT'), timeout=5)\n"
                                 "  print(r.status)\n"
                                 "except e.HTTPError as x:\n"
                                 "  print(x.code)\n")});
  };
  CommandResult written = put("db-1", "db-0", "hello from the primary");
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(written.out, "200\n");
  for (const char* follower : {"db-1", "db-2"}) {
    EXPECT_TRUE(WaitFor(
        [&] {
          return Ordoctl({"exec", follower, "--", "cat", "/data/data.txt"}).out ==
                 "hello from the primary";
        },
        absl::Seconds(30)))
        << follower;
  }
  EXPECT_EQ(put("db-0", "db-2", "mine").out, "409\n");  // a follower takes no writes
}

}  // namespace
}  // namespace ordo::itest
