// Test doubles of the volume controller's edges. FakeStorageWriter writes
// through one testing::FakeObjectStore (the api-server, whose caches the
// listers read: writes are visible at once, conflicts are ABORTED) and
// lists the writes made ("bind volume pv-1 to default/www-web-0",
// "update claim default/www-web-0", "volume pv-1 Released", ...).
// FakeVolumeProvisioner makes volumes without touching the disk and records
// what it provisioned and deleted. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/informer/indexer.h"
#include "common/testing/fake_object_store.h"
#include "services/controller-manager/storage/storage_writer.h"
#include "services/controller-manager/storage/volume_controller.h"
#include "services/controller-manager/storage/volume_provisioner.h"

namespace ordo::testing {

class FakeStorageWriter final : public storage::StorageWriter {
 public:
  explicit FakeStorageWriter(Clock& clock);

  FakeObjectStore store;
  // The store's caches, as the controller's informers would hold them.
  informer::Indexer<core::v1::PersistentVolumeClaim>& claims;
  informer::Indexer<core::v1::PersistentVolume>& volumes;
  informer::Indexer<storage::v1::StorageClass>& classes;
  informer::Indexer<core::v1::Pod>& pods;

  storage::VolumeListers Listers() {
    return {informer::Lister(claims),
            informer::Lister(volumes),
            informer::Lister(classes),
            informer::Lister(pods),
            store.Lister<snapshot::v1::VolumeSnapshot>(),
            store.Lister<snapshot::v1::VolumeSnapshotContent>()};
  }
  // Stores an object as a user would create it (uid "uid-NAME" unless set,
  // claims Pending), unlogged.
  void PutClaim(core::v1::PersistentVolumeClaim claim);
  void PutVolume(core::v1::PersistentVolume volume);
  void PutClass(storage::v1::StorageClass sc);
  void PutPod(core::v1::Pod pod);
  core::v1::PersistentVolumeClaim Claim(const std::string& name, const std::string& ns = "default");
  core::v1::PersistentVolume Volume(const std::string& name);
  // The controller's writes since the last call, in order.
  std::vector<std::string> TakeActions();

  absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& c) override {
    return store.Update(c);
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaimStatus(
      const core::v1::PersistentVolumeClaim& c) override {
    return store.UpdateStatus(c);
  }
  absl::StatusOr<core::v1::PersistentVolume> CreateVolume(
      const core::v1::PersistentVolume& v) override {
    return store.Create(v);
  }
  absl::StatusOr<core::v1::PersistentVolume> UpdateVolume(
      const core::v1::PersistentVolume& v) override {
    return store.Update(v);
  }
  absl::StatusOr<core::v1::PersistentVolume> UpdateVolumeStatus(
      const core::v1::PersistentVolume& v) override {
    return store.UpdateStatus(v);
  }
  absl::Status DeleteVolume(const std::string& name, const std::string& uid) override;
};

class FakeVolumeProvisioner final : public storage::VolumeProvisioner {
 public:
  bool Serves(const std::string& provisioner) const override {
    return provisioner == storage::kLocalPathProvisioner ||
           provisioner == storage::kSharedProvisioner;
  }
  absl::StatusOr<core::v1::PersistentVolume> Provision(const core::v1::PersistentVolumeClaim& claim,
                                                       const storage::v1::StorageClass& sc,
                                                       const std::string& pv_name,
                                                       const std::string& node,
                                                       const std::string& from) override;
  absl::Status Delete(const core::v1::PersistentVolume& volume) override;
  std::vector<std::string> TakeCalls();

 private:
  absl::Mutex mu_;
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::testing
