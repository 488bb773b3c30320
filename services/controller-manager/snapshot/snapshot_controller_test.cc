// The snapshot controller over a fake api-server: a snapshot of a bound
// claim gets its content on the node that holds the data, mirrors the
// status the node writes, waits for an unbound claim, and on deletion takes
// its content and data with it (policy Delete) or leaves them (Retain).
#include "services/controller-manager/snapshot/snapshot_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/api/well_known.h"
#include "common/clock/fake_clock.h"
#include "common/events/fake_event_recorder.h"
#include "services/controller-manager/snapshot/fake_snapshot_client.h"

namespace ordo::snapshot {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class SnapshotControllerTest : public ::testing::Test {
 protected:
  SnapshotControllerTest() {
    storage::v1::StorageClass local;
    local.mutable_metadata()->set_name("local-path");
    local.set_provisioner("ordo.io/local-path");
    client_.store.Put(local);
    storage::v1::StorageClass shared = local;
    shared.mutable_metadata()->set_name("shared");
    shared.set_provisioner("ordo.io/shared");
    client_.store.Put(shared);
    for (const char* driver : {"ordo.io/local-path", "ordo.io/shared"}) {
      v1::VolumeSnapshotClass c;
      c.mutable_metadata()->set_name(absl::StrCat("snap-", driver + 8));
      (*c.mutable_metadata()->mutable_annotations())[api::kDefaultSnapshotClassAnnotation] = "true";
      c.set_driver(driver);
      c.set_deletion_policy("Delete");
      client_.store.Put(c);
    }
    for (const char* name : {"node-2", "node-1"}) {
      core::v1::Node node;
      node.mutable_metadata()->set_name(name);
      auto* ready = node.mutable_status()->add_conditions();
      ready->set_type("Ready");
      ready->set_status("True");
      client_.store.Put(node);
    }
  }

  // A Bound claim www-<name> on volume pv-<name> of `storage_class`, local
  // ones pinned to node-2.
  void PutClaim(const std::string& name, const std::string& storage_class, bool bound = true) {
    core::v1::PersistentVolume pv;
    pv.mutable_metadata()->set_name("pv-" + name);
    pv.mutable_spec()->set_storage_class_name(storage_class);
    if (storage_class == "local-path") {
      pv.mutable_spec()->mutable_local()->set_path("/data/" + name);
      auto* req = pv.mutable_spec()
                      ->mutable_node_affinity()
                      ->mutable_required()
                      ->add_node_selector_terms()
                      ->add_match_expressions();
      req->set_key("kubernetes.io/hostname");
      req->set_operator_("In");
      req->add_values("node-2");
    }
    client_.store.Put(pv);
    core::v1::PersistentVolumeClaim claim;
    claim.mutable_metadata()->set_name("www-" + name);
    claim.mutable_metadata()->set_namespace_("default");
    if (bound) {
      claim.mutable_spec()->set_volume_name("pv-" + name);
      claim.mutable_status()->set_phase("Bound");
    } else {
      claim.mutable_status()->set_phase("Pending");
    }
    client_.store.Put(claim);
  }

  v1::VolumeSnapshot PutSnapshot(const std::string& name, const std::string& claim) {
    v1::VolumeSnapshot vs;
    vs.mutable_metadata()->set_name(name);
    vs.mutable_metadata()->set_namespace_("default");
    vs.mutable_spec()->mutable_source()->set_persistent_volume_claim_name(claim);
    return client_.store.Put(vs);
  }

  // Syncs the snapshot until nothing changes (at most a few passes).
  absl::Status Settle(const std::string& name) {
    absl::Status s;
    for (int i = 0; i < 4; ++i) s = controller_.Sync("snapshot/default/" + name);
    return s;
  }

  std::shared_ptr<const v1::VolumeSnapshotContent> ContentOf(const v1::VolumeSnapshot& vs) {
    return client_.store.Find<v1::VolumeSnapshotContent>("", "snapcontent-" + vs.metadata().uid());
  }

  FakeClock clock_;
  testing::FakeSnapshotClient client_{clock_};
  testing::FakeEventRecorder events_;
  SnapshotController controller_{client_.Listers(), client_, events_, clock_, "/snapshots"};
};

TEST_F(SnapshotControllerTest, ALocalClaimIsCopiedOnItsNodeAndTheStatusFollowsTheContent) {
  PutClaim("web-0", "local-path");
  v1::VolumeSnapshot vs = PutSnapshot("web-0-1", "www-web-0");
  ASSERT_TRUE(Settle("web-0-1").ok());
  auto content = ContentOf(vs);
  ASSERT_NE(content, nullptr);
  const auto& annotations = content->metadata().annotations();
  EXPECT_EQ(annotations.at(api::kSnapshotNodeAnnotation), "node-2");
  EXPECT_EQ(annotations.at(api::kSnapshotDirAnnotation),
            "/snapshots/snapcontent-" + vs.metadata().uid());
  EXPECT_EQ(content->spec().volume_snapshot_ref().uid(), vs.metadata().uid());
  EXPECT_EQ(content->spec().source().volume_handle(), "pv-web-0");
  EXPECT_EQ(content->spec().driver(), "ordo.io/local-path");
  EXPECT_EQ(content->spec().volume_snapshot_class_name(), "snap-local-path");
  EXPECT_EQ(content->spec().deletion_policy(), "Delete");
  auto stored = client_.store.Find<v1::VolumeSnapshot>("default", "web-0-1");
  EXPECT_THAT(stored->metadata().finalizers(), ElementsAre(kBoundProtectionFinalizer));
  EXPECT_EQ(stored->status().bound_volume_snapshot_content_name(), content->metadata().name());
  EXPECT_FALSE(stored->status().ready_to_use());

  // The node's agent took the copy.
  v1::VolumeSnapshotContent taken = *content;
  taken.mutable_status()->set_ready_to_use(true);
  taken.mutable_status()->set_restore_size(3 << 20);
  taken.mutable_status()->set_creation_time(absl::ToUnixNanos(clock_.Now()));
  taken.mutable_status()->set_snapshot_handle("/snapshots/x");
  ASSERT_TRUE(client_.store.UpdateStatus(taken).ok());
  ASSERT_TRUE(Settle("web-0-1").ok());
  stored = client_.store.Find<v1::VolumeSnapshot>("default", "web-0-1");
  EXPECT_TRUE(stored->status().ready_to_use());
  EXPECT_EQ(stored->status().restore_size(), "3Mi");
  EXPECT_EQ(stored->status().creation_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_FALSE(stored->status().has_error());
}

TEST_F(SnapshotControllerTest, AnUnboundClaimIsSaidAndRetried) {
  PutClaim("web-1", "local-path", /*bound=*/false);
  v1::VolumeSnapshot vs = PutSnapshot("web-1-1", "www-web-1");
  absl::Status s = Settle("web-1-1");
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  auto stored = client_.store.Find<v1::VolumeSnapshot>("default", "web-1-1");
  EXPECT_EQ(stored->status().error().message(),
            "persistentvolumeclaim \"www-web-1\" is not bound yet");
  EXPECT_EQ(ContentOf(vs), nullptr);
  PutClaim("web-1", "local-path");
  ASSERT_TRUE(Settle("web-1-1").ok());
  EXPECT_NE(ContentOf(vs), nullptr);
  EXPECT_FALSE(client_.store.Find<v1::VolumeSnapshot>("default", "web-1-1")->status().has_error());
}

TEST_F(SnapshotControllerTest, ASharedClaimIsCopiedWhereItsPodRunsElseOnAReadyNode) {
  PutClaim("db-0", "shared");
  v1::VolumeSnapshot first = PutSnapshot("db-0-1", "www-db-0");
  ASSERT_TRUE(Settle("db-0-1").ok());
  EXPECT_EQ(ContentOf(first)->metadata().annotations().at(api::kSnapshotNodeAnnotation),
            "node-1");  // no pod: the first Ready node
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("db-0");
  pod.mutable_metadata()->set_namespace_("default");
  pod.mutable_spec()->set_node_name("node-2");
  auto* volume = pod.mutable_spec()->add_volumes();
  volume->set_name("www");
  volume->mutable_persistent_volume_claim()->set_claim_name("www-db-0");
  pod.mutable_status()->set_phase("Running");
  client_.store.Put(pod);
  v1::VolumeSnapshot second = PutSnapshot("db-0-2", "www-db-0");
  ASSERT_TRUE(Settle("db-0-2").ok());
  EXPECT_EQ(ContentOf(second)->metadata().annotations().at(api::kSnapshotNodeAnnotation), "node-2");
}

// A content made by hand (or by a restore) around a directory that holds
// data: ready once the directory is there, and its snapshot binds to it.
TEST_F(SnapshotControllerTest, AContentMadeBeforeIsReadyWhenItsDataIsThere) {
  v1::VolumeSnapshotContent content;
  content.mutable_metadata()->set_name("restored-www-web-0");
  content.mutable_spec()->mutable_source()->set_snapshot_handle("/backups/b1/www-web-0");
  content.mutable_spec()->mutable_volume_snapshot_ref()->set_namespace_("default");
  content.mutable_spec()->mutable_volume_snapshot_ref()->set_name("from-backup");
  content.mutable_spec()->set_deletion_policy("Retain");
  content.mutable_spec()->set_driver("ordo.io/local-path");
  client_.store.Put(content);
  v1::VolumeSnapshot vs;
  vs.mutable_metadata()->set_name("from-backup");
  vs.mutable_metadata()->set_namespace_("default");
  vs.mutable_spec()->mutable_source()->set_volume_snapshot_content_name("restored-www-web-0");
  client_.store.Put(vs);

  // Not there (yet): the content says so.
  ASSERT_TRUE(controller_.Sync("content/restored-www-web-0").ok());
  auto stored = client_.store.Find<v1::VolumeSnapshotContent>("", "restored-www-web-0");
  EXPECT_FALSE(stored->status().ready_to_use());
  EXPECT_EQ(stored->status().error().message(),
            "snapshotHandle /backups/b1/www-web-0: no directory /backups/b1/www-web-0");

  client_.store.Put(content);  // a fresh content, the directory now there
  client_.SetDataSize("/backups/b1/www-web-0", 2048);
  ASSERT_TRUE(controller_.Sync("content/restored-www-web-0").ok());
  stored = client_.store.Find<v1::VolumeSnapshotContent>("", "restored-www-web-0");
  EXPECT_TRUE(stored->status().ready_to_use());
  EXPECT_EQ(stored->status().restore_size(), 2048);
  ASSERT_TRUE(Settle("from-backup").ok());
  auto bound = client_.store.Find<v1::VolumeSnapshot>("default", "from-backup");
  EXPECT_TRUE(bound->status().ready_to_use());
  EXPECT_EQ(bound->status().bound_volume_snapshot_content_name(), "restored-www-web-0");
  EXPECT_EQ(bound->status().restore_size(), "2Ki");
}

TEST_F(SnapshotControllerTest, AClassOfAnotherDriverIsRefused) {
  PutClaim("web-0", "local-path");
  v1::VolumeSnapshot vs;
  vs.mutable_metadata()->set_name("wrong");
  vs.mutable_metadata()->set_namespace_("default");
  vs.mutable_spec()->mutable_source()->set_persistent_volume_claim_name("www-web-0");
  vs.mutable_spec()->set_volume_snapshot_class_name("snap-shared");
  client_.store.Put(vs);
  EXPECT_FALSE(Settle("wrong").ok());
  EXPECT_THAT(
      client_.store.Find<v1::VolumeSnapshot>("default", "wrong")->status().error().message(),
      HasSubstr("is for driver ordo.io/shared, not the claim's ordo.io/local-path"));
}

TEST_F(SnapshotControllerTest, DeletingASnapshotTakesItsContentAndDataUnlessRetained) {
  PutClaim("web-0", "local-path");
  v1::VolumeSnapshot vs = PutSnapshot("web-0-1", "www-web-0");
  ASSERT_TRUE(Settle("web-0-1").ok());
  auto content = ContentOf(vs);
  ASSERT_NE(content, nullptr);
  ASSERT_TRUE(client_.store.Delete<v1::VolumeSnapshot>("default", "web-0-1").ok());
  ASSERT_NE(client_.store.Find<v1::VolumeSnapshot>("default", "web-0-1"), nullptr);  // finalizer
  ASSERT_TRUE(Settle("web-0-1").ok());
  EXPECT_EQ(client_.store.Find<v1::VolumeSnapshot>("default", "web-0-1"), nullptr);
  EXPECT_EQ(ContentOf(vs), nullptr);
  EXPECT_THAT(client_.removed(), ElementsAre("/snapshots/" + content->metadata().name()));

  // Retain keeps both.
  v1::VolumeSnapshotClass retain =
      *client_.store.Find<v1::VolumeSnapshotClass>("", "snap-local-path");
  retain.set_deletion_policy("Retain");
  client_.store.Put(retain);
  v1::VolumeSnapshot kept = PutSnapshot("web-0-2", "www-web-0");
  ASSERT_TRUE(Settle("web-0-2").ok());
  ASSERT_TRUE(client_.store.Delete<v1::VolumeSnapshot>("default", "web-0-2").ok());
  ASSERT_TRUE(Settle("web-0-2").ok());
  EXPECT_EQ(client_.store.Find<v1::VolumeSnapshot>("default", "web-0-2"), nullptr);
  EXPECT_NE(ContentOf(kept), nullptr);
  EXPECT_EQ(client_.removed().size(), 1u);
}

}  // namespace
}  // namespace ordo::snapshot
