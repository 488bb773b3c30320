// The volume controller one sync at a time on fakes: binding (fit, smallest,
// pre-binding, one volume for two claims), the default class, provisioning
// (Immediate, WaitForFirstConsumer), reclaiming, protection and lost claims.
#include "services/controller-manager/storage/volume_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/events/fake_event_recorder.h"
#include "services/controller-manager/storage/fake_storage_writer.h"

namespace ordo::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class VolumeControllerTest : public ::testing::Test {
 protected:
  VolumeControllerTest() : controller_(fake_.Listers(), fake_, provisioner_, events_, clock_) {}

  static PersistentVolumeClaim Claim(const std::string& name, const std::string& size,
                                     std::optional<std::string> class_name = "",
                                     const std::string& mode = "ReadWriteOnce") {
    PersistentVolumeClaim c;
    c.mutable_metadata()->set_name(name);
    c.mutable_metadata()->set_namespace_("default");
    c.mutable_metadata()->add_finalizers(kClaimProtectionFinalizer);
    c.mutable_spec()->add_access_modes(mode);
    (*c.mutable_spec()->mutable_resources()->mutable_requests())["storage"] = size;
    if (class_name.has_value()) c.mutable_spec()->set_storage_class_name(*class_name);
    return c;
  }

  static PersistentVolume Volume(const std::string& name, const std::string& size,
                                 const std::string& class_name = "",
                                 const std::string& mode = "ReadWriteOnce") {
    PersistentVolume v;
    v.mutable_metadata()->set_name(name);
    (*v.mutable_spec()->mutable_capacity())["storage"] = size;
    v.mutable_spec()->add_access_modes(mode);
    v.mutable_spec()->set_storage_class_name(class_name);
    v.mutable_spec()->set_persistent_volume_reclaim_policy("Retain");
    v.mutable_spec()->mutable_host_path()->set_path("/srv/" + name);
    v.mutable_status()->set_phase("Available");
    return v;
  }

  static storage::v1::StorageClass Class(const std::string& name, const std::string& provisioner,
                                         const std::string& mode, bool is_default = false) {
    storage::v1::StorageClass sc;
    sc.mutable_metadata()->set_name(name);
    if (is_default)
      (*sc.mutable_metadata()->mutable_annotations())[kDefaultClassAnnotation] = "true";
    sc.set_provisioner(provisioner);
    sc.set_volume_binding_mode(mode);
    sc.set_reclaim_policy("Delete");
    return sc;
  }

  std::vector<std::string> SyncClaim(const std::string& name) {
    absl::Status s = controller_.Sync(VolumeController::ClaimKey("default", name));
    EXPECT_TRUE(s.ok()) << s;
    return fake_.TakeActions();
  }
  std::vector<std::string> SyncVolume(const std::string& name) {
    absl::Status s = controller_.Sync(VolumeController::VolumeKey(name));
    EXPECT_TRUE(s.ok()) << s;
    return fake_.TakeActions();
  }

  FakeClock clock_;
  testing::FakeStorageWriter fake_{clock_};
  testing::FakeVolumeProvisioner provisioner_;
  testing::FakeEventRecorder events_;
  VolumeController controller_;
};

TEST_F(VolumeControllerTest, BindsTheSmallestVolumeThatFits) {
  fake_.PutVolume(Volume("pv-big", "10Gi"));
  fake_.PutVolume(Volume("pv-small", "2Gi"));
  fake_.PutVolume(Volume("pv-tiny", "500Mi"));
  fake_.PutVolume(Volume("pv-other-class", "1Gi", "fast"));
  fake_.PutVolume(Volume("pv-rox", "1Gi", "", "ReadOnlyMany"));
  fake_.PutClaim(Claim("data", "1Gi"));
  EXPECT_THAT(SyncClaim("data"),
              ElementsAre("bind volume pv-small to default/data", "update claim default/data",
                          "claim default/data Bound"));
  auto claim = fake_.Claim("data");
  EXPECT_EQ(claim.spec().volume_name(), "pv-small");
  EXPECT_EQ(claim.status().capacity().at("storage"), "2Gi");
  EXPECT_EQ(fake_.Volume("pv-small").spec().claim_ref().uid(), claim.metadata().uid());
  EXPECT_THAT(SyncVolume("pv-small"), ElementsAre("volume pv-small Bound"));
  EXPECT_THAT(SyncClaim("data"), IsEmpty());  // settled
}

TEST_F(VolumeControllerTest, OneVolumeGoesToOneClaim) {
  fake_.PutVolume(Volume("pv-1", "1Gi"));
  fake_.PutClaim(Claim("a", "1Gi"));
  fake_.PutClaim(Claim("b", "1Gi"));
  SyncClaim("a");
  EXPECT_THAT(SyncClaim("b"), IsEmpty());
  EXPECT_EQ(fake_.Claim("a").spec().volume_name(), "pv-1");
  EXPECT_EQ(fake_.Claim("b").status().phase(), "Pending");
}

TEST_F(VolumeControllerTest, TheVolumeIsTakenUnderItsResourceVersion) {
  // A claim bound from a stale cache must not steal the volume: the write of
  // the volume's claimRef carries the version it was read at.
  fake_.PutVolume(Volume("pv-1", "1Gi"));
  auto stale = fake_.Volume("pv-1");
  fake_.PutClaim(Claim("a", "1Gi"));
  SyncClaim("a");
  PersistentVolume steal = stale;
  steal.mutable_spec()->mutable_claim_ref()->set_name("b");
  EXPECT_TRUE(absl::IsAborted(fake_.UpdateVolume(steal).status()));
}

TEST_F(VolumeControllerTest, PreBindingIsHonouredBothWays) {
  fake_.PutVolume(Volume("pv-small", "1Gi"));
  fake_.PutVolume(Volume("pv-chosen", "5Gi"));
  auto claim = Claim("named", "1Gi");
  claim.mutable_spec()->set_volume_name("pv-chosen");
  fake_.PutClaim(claim);
  SyncClaim("named");
  EXPECT_EQ(fake_.Claim("named").status().phase(), "Bound");
  EXPECT_EQ(fake_.Volume("pv-chosen").spec().claim_ref().name(), "named");

  auto reserved = Volume("pv-reserved", "8Gi");
  reserved.mutable_spec()->mutable_claim_ref()->set_namespace_("default");
  reserved.mutable_spec()->mutable_claim_ref()->set_name("wanted");
  fake_.PutVolume(reserved);
  fake_.PutClaim(Claim("wanted", "1Gi"));
  fake_.PutClaim(Claim("other", "1Gi"));
  SyncClaim("other");  // pv-small, never the reserved one
  EXPECT_EQ(fake_.Claim("other").spec().volume_name(), "pv-small");
  SyncClaim("wanted");
  EXPECT_EQ(fake_.Claim("wanted").spec().volume_name(), "pv-reserved");
}

TEST_F(VolumeControllerTest, AClaimWithoutAClassGetsTheDefault) {
  fake_.PutClass(Class("local-path", kLocalPathProvisioner, "WaitForFirstConsumer", true));
  fake_.PutClaim(Claim("data", "1Gi", std::nullopt));
  EXPECT_THAT(SyncClaim("data"), ElementsAre("update claim default/data"));
  EXPECT_EQ(fake_.Claim("data").spec().storage_class_name(), "local-path");
}

TEST_F(VolumeControllerTest, WaitForFirstConsumerProvisionsOnTheChosenNode) {
  fake_.PutClass(Class("local-path", kLocalPathProvisioner, "WaitForFirstConsumer", true));
  fake_.PutClaim(Claim("www-web-0", "1Gi", "local-path"));
  EXPECT_THAT(SyncClaim("www-web-0"), IsEmpty());  // no consumer yet
  EXPECT_THAT(provisioner_.TakeCalls(), IsEmpty());
  auto claim = fake_.Claim("www-web-0");
  (*claim.mutable_metadata()->mutable_annotations())[kSelectedNodeAnnotation] = "node-2";
  fake_.PutClaim(claim);
  EXPECT_THAT(SyncClaim("www-web-0"),
              ElementsAre("create volume pvc-uid-www-web-0", "update claim default/www-web-0",
                          "claim default/www-web-0 Bound"));
  EXPECT_THAT(provisioner_.TakeCalls(), ElementsAre("provision pvc-uid-www-web-0 on node-2"));
  EXPECT_EQ(fake_.Claim("www-web-0").spec().volume_name(), "pvc-uid-www-web-0");
  EXPECT_THAT(events_.Take(), ::testing::Contains("Normal ProvisioningSucceeded Successfully "
                                                  "provisioned volume pvc-uid-www-web-0"));
}

TEST_F(VolumeControllerTest, ImmediateClassesProvisionAtOnce) {
  fake_.PutClass(Class("shared", kSharedProvisioner, "Immediate"));
  fake_.PutClaim(Claim("data", "1Gi", "shared"));
  SyncClaim("data");
  EXPECT_THAT(provisioner_.TakeCalls(), ElementsAre("provision pvc-uid-data on any"));
  EXPECT_EQ(fake_.Claim("data").status().phase(), "Bound");
}

// A claim restored from a VolumeSnapshot waits for the snapshot to be ready,
// then is provisioned as a copy of its data.
TEST_F(VolumeControllerTest, AClaimFromASnapshotWaitsForItThenStartsAsItsCopy) {
  fake_.PutClass(Class("shared", kSharedProvisioner, "Immediate"));
  PersistentVolumeClaim claim = Claim("restored", "1Gi", "shared");
  claim.mutable_spec()->mutable_data_source()->set_api_group("snapshot.storage.k8s.io");
  claim.mutable_spec()->mutable_data_source()->set_kind("VolumeSnapshot");
  claim.mutable_spec()->mutable_data_source()->set_name("web-0-1");
  fake_.PutClaim(claim);
  absl::Status waiting = controller_.Sync(VolumeController::ClaimKey("default", "restored"));
  EXPECT_EQ(waiting.message(), "volumesnapshot \"web-0-1\" not found");
  snapshot::v1::VolumeSnapshot vs;
  vs.mutable_metadata()->set_name("web-0-1");
  vs.mutable_metadata()->set_namespace_("default");
  vs.mutable_status()->set_bound_volume_snapshot_content_name("snapcontent-1");
  vs.mutable_status()->set_ready_to_use(false);
  fake_.store.Put(vs);
  waiting = controller_.Sync(VolumeController::ClaimKey("default", "restored"));
  EXPECT_EQ(waiting.message(), "waiting for volumesnapshot \"web-0-1\" to be ready to use");
  EXPECT_THAT(provisioner_.TakeCalls(), IsEmpty());
  snapshot::v1::VolumeSnapshotContent content;
  content.mutable_metadata()->set_name("snapcontent-1");
  content.mutable_status()->set_snapshot_handle("/snapshots/snapcontent-1");
  content.mutable_status()->set_ready_to_use(true);
  fake_.store.Put(content);
  vs.mutable_status()->set_ready_to_use(true);
  fake_.store.Put(vs);
  SyncClaim("restored");
  EXPECT_THAT(provisioner_.TakeCalls(),
              ElementsAre("provision pvc-uid-restored on any from /snapshots/snapcontent-1"));
  EXPECT_EQ(fake_.Claim("restored").status().phase(), "Bound");
}

TEST_F(VolumeControllerTest, AnotherProvisionersClassIsLeftAlone) {
  fake_.PutClass(Class("ebs", "ebs.csi.aws.com", "Immediate"));
  fake_.PutClaim(Claim("data", "1Gi", "ebs"));
  EXPECT_THAT(SyncClaim("data"), IsEmpty());
  EXPECT_THAT(provisioner_.TakeCalls(), IsEmpty());
}

TEST_F(VolumeControllerTest, ReleasedVolumesAreReclaimedByPolicy) {
  fake_.PutClass(Class("shared", kSharedProvisioner, "Immediate"));
  fake_.PutClaim(Claim("gone", "1Gi", "shared"));
  SyncClaim("gone");
  provisioner_.TakeCalls();
  fake_.claims.Remove("default/gone");
  EXPECT_THAT(SyncVolume("pvc-uid-gone"), ElementsAre("delete volume pvc-uid-gone"));
  EXPECT_THAT(provisioner_.TakeCalls(), ElementsAre("delete pvc-uid-gone"));

  fake_.PutVolume(Volume("kept", "1Gi"));  // Retain
  fake_.PutClaim(Claim("user", "1Gi"));
  SyncClaim("user");
  fake_.claims.Remove("default/user");
  EXPECT_THAT(SyncVolume("kept"), ElementsAre("volume kept Released"));
  EXPECT_THAT(provisioner_.TakeCalls(), IsEmpty());
  // A Released volume is not handed to the next claim.
  fake_.PutClaim(Claim("next", "1Gi"));
  EXPECT_THAT(SyncClaim("next"), IsEmpty());
}

TEST_F(VolumeControllerTest, AClaimInUseIsNotRemoved) {
  fake_.PutClaim(Claim("www-web-0", "1Gi"));
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_status()->set_phase("Running");
  auto* v = pod.mutable_spec()->add_volumes();
  v->set_name("www");
  v->mutable_persistent_volume_claim()->set_claim_name("www-web-0");
  fake_.PutPod(pod);
  auto claim = fake_.Claim("www-web-0");
  claim.mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
  fake_.PutClaim(claim);
  EXPECT_THAT(SyncClaim("www-web-0"), IsEmpty());  // web-0 still uses it
  pod.mutable_status()->set_phase("Succeeded");
  fake_.PutPod(pod);
  EXPECT_THAT(SyncClaim("www-web-0"), ElementsAre("update claim default/www-web-0"));
  EXPECT_EQ(fake_.claims.Get("default/www-web-0"), nullptr);
}

TEST_F(VolumeControllerTest, ABoundClaimWhoseVolumeVanishedIsLost) {
  fake_.PutVolume(Volume("pv-1", "1Gi"));
  fake_.PutClaim(Claim("data", "1Gi"));
  SyncClaim("data");
  fake_.volumes.Remove("pv-1");
  EXPECT_THAT(SyncClaim("data"), ElementsAre("claim default/data Lost"));
}

}  // namespace
}  // namespace ordo::storage
