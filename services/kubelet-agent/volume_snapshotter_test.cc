// Taking a volume snapshot on the node: the copy, and how it is made
// consistent — nothing to do without pods, pods frozen for the copy, or the
// pods' Velero hooks run before and after it (and a failing hook fails it).
#include "services/kubelet-agent/volume_snapshotter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "common/api/well_known.h"
#include "common/clock/fake_clock.h"
#include "common/testing/temp_dir.h"
#include "services/kubelet-agent/fakes.h"

namespace ordo::kubelet {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class VolumeSnapshotterTest : public ::testing::Test {
 protected:
  VolumeSnapshotterTest() : network_(*CidrPodNetwork::Loopback("127.1.2.0/24")) {
    config_.node_name = "node-1";
    config_.root_dir = dir_.Join("root");
    manager_ =
        std::make_unique<PodManager>(config_, runtime_, *network_, checkpoint_, pod_api_, clock_);
    std::filesystem::create_directories(dir_.Join("data/sub"));
    std::ofstream(dir_.Join("data/counter")) << "7";
    std::ofstream(dir_.Join("data/sub/log")) << "abc";
    pod_api_.SetClaimPath("www", dir_.Join("data"));
    core::v1::PersistentVolume pv;
    pv.mutable_metadata()->set_name("pv-www");
    pv.mutable_spec()->mutable_host_path()->set_path(dir_.Join("data"));
    pv.mutable_spec()->mutable_claim_ref()->set_namespace_("default");
    pv.mutable_spec()->mutable_claim_ref()->set_name("www");
    api_.store.Put(pv);
    snapshotter_ = std::make_unique<VolumeSnapshotter>("node-1", api_, *manager_, runtime_,
                                                       api_.store.Lister<core::v1::Pod>(), clock_);
  }

  snapshot::v1::VolumeSnapshotContent PutContent(const std::string& node = "node-1") {
    snapshot::v1::VolumeSnapshotContent c;
    c.mutable_metadata()->set_name("snapcontent-1");
    auto& annotations = *c.mutable_metadata()->mutable_annotations();
    annotations[api::kSnapshotNodeAnnotation] = node;
    annotations[api::kSnapshotDirAnnotation] = dir_.Join("snapshots/snapcontent-1");
    c.mutable_spec()->mutable_source()->set_volume_handle("pv-www");
    c.mutable_spec()->set_deletion_policy("Delete");
    c.mutable_spec()->set_driver("ordo.io/shared");
    return api_.store.Put(c);
  }

  // A running pod using claim www, its container started by the manager.
  void RunPod(std::map<std::string, std::string> annotations = {}) {
    auto pod = std::make_shared<core::v1::Pod>();
    pod->mutable_metadata()->set_name("web-0");
    pod->mutable_metadata()->set_namespace_("default");
    pod->mutable_metadata()->set_uid("uid-web-0");
    pod->mutable_metadata()->mutable_annotations()->insert(annotations.begin(), annotations.end());
    pod->mutable_spec()->set_node_name("node-1");
    auto* c = pod->mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("sh");
    auto* v = pod->mutable_spec()->add_volumes();
    v->set_name("www");
    v->mutable_persistent_volume_claim()->set_claim_name("www");
    manager_->Sync({pod}, true);
    ASSERT_EQ(runtime_.launches().size(), 1u);
    core::v1::Pod running = *pod;
    running.mutable_status()->set_phase("Running");
    api_.store.Put(running);
  }

  snapshot::v1::VolumeSnapshotContent Stored() {
    return *api_.store.Find<snapshot::v1::VolumeSnapshotContent>("", "snapcontent-1");
  }

  testing::TempDir dir_;
  FakeClock clock_;
  testing::FakeContainerRuntime runtime_;
  testing::MemoryCheckpoint checkpoint_;
  testing::FakePodApi pod_api_{clock_};
  testing::FakeSnapshotContentApi api_{clock_};
  std::unique_ptr<CidrPodNetwork> network_;
  AgentConfig config_;
  std::unique_ptr<PodManager> manager_;
  std::unique_ptr<VolumeSnapshotter> snapshotter_;
};

TEST_F(VolumeSnapshotterTest, WithoutPodsTheDirectoryIsCopiedAndReported) {
  auto content = PutContent();
  ASSERT_TRUE(snapshotter_->IsMine(content));
  EXPECT_FALSE(snapshotter_->IsMine(PutContent("node-2")));
  content = PutContent();
  ASSERT_TRUE(snapshotter_->Take(content).ok());
  EXPECT_EQ(testing::ReadFile(dir_.Join("snapshots/snapcontent-1/counter")), "7");
  EXPECT_EQ(testing::ReadFile(dir_.Join("snapshots/snapcontent-1/sub/log")), "abc");
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("snapshots/snapcontent-1.partial")));
  auto stored = Stored();
  EXPECT_TRUE(stored.status().ready_to_use());
  EXPECT_EQ(stored.status().restore_size(), 4);
  EXPECT_EQ(stored.status().snapshot_handle(), dir_.Join("snapshots/snapcontent-1"));
  EXPECT_EQ(stored.status().creation_time(), absl::ToUnixNanos(clock_.Now()));
  EXPECT_EQ(stored.metadata().annotations().at(api::kSnapshotConsistencyAnnotation), "none");
  EXPECT_FALSE(snapshotter_->IsMine(stored));  // taken
}

TEST_F(VolumeSnapshotterTest, APodUsingTheClaimIsFrozenForTheCopy) {
  RunPod();
  int pid = runtime_.launches().empty() ? 0 : 1000;
  ASSERT_TRUE(snapshotter_->Take(PutContent()).ok());
  EXPECT_THAT(runtime_.signals(), ElementsAre(Pair(pid, SIGSTOP), Pair(pid, SIGCONT)));
  EXPECT_EQ(Stored().metadata().annotations().at(api::kSnapshotConsistencyAnnotation), "frozen");
  EXPECT_THAT(runtime_.execs(), IsEmpty());
}

TEST_F(VolumeSnapshotterTest, VeleroHooksRunInsteadOfAFreeze) {
  RunPod({{"pre.hook.backup.velero.io/command", R"(["/bin/sh", "-c", "sync"])"},
          {"post.hook.backup.velero.io/command", "/bin/true"}});
  ASSERT_TRUE(snapshotter_->Take(PutContent()).ok());
  EXPECT_THAT(runtime_.execs(),
              ElementsAre(ElementsAre("/bin/sh", "-c", "sync"), ElementsAre("/bin/true")));
  EXPECT_THAT(runtime_.signals(), IsEmpty());
  EXPECT_EQ(Stored().metadata().annotations().at(api::kSnapshotConsistencyAnnotation), "hooks");
}

TEST_F(VolumeSnapshotterTest, AFailingPreHookFailsTheSnapshotUnlessToldToContinue) {
  RunPod({{"pre.hook.backup.velero.io/command", "/bin/fsfreeze"}});
  runtime_.SetExecResult(1, "boom");
  EXPECT_FALSE(snapshotter_->Take(PutContent()).ok());
  auto stored = Stored();
  EXPECT_FALSE(stored.status().ready_to_use());
  EXPECT_EQ(stored.status().error().message(), "pre hook of pod default/web-0 exited with 1: boom");
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("snapshots/snapcontent-1")));
  EXPECT_FALSE(snapshotter_->IsMine(stored));  // failed: the controller reports it
}

}  // namespace
}  // namespace ordo::kubelet
