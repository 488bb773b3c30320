// VolumeController is ordo's PersistentVolume controller (reference §2.12,
// issue 6): one queue of claim keys ("claim/<ns>/<name>") and volume keys
// ("volume/<name>"), each synced level-triggered from listers.
//   claims   a claim without a class gets the default class; an unbound claim
//            binds to a volume pre-bound to it, else to the smallest Available
//            volume of its class and access modes that holds its request
//            (the volume's claimRef is written first, with its
//            resourceVersion: of two claims racing for one volume one wins,
//            the other retries); with no volume, a class ordo provisions
//            makes one: at once (Immediate) or once the scheduler has chosen a
//            node (WaitForFirstConsumer, the `volume.kubernetes.io/selected-node`
//            annotation). A claim whose volume vanished is Lost. A claim
//            whose dataSource is a VolumeSnapshot is provisioned once the
//            snapshot is readyToUse, as a copy of its data.
//   volumes  Available without a claim, Bound with one, Released when their
//            claim is gone; Released volumes are reclaimed by policy: Delete
//            removes the storage (when ordo made it) and the volume, Retain
//            keeps both.
//   protection  a claim being deleted keeps `kubernetes.io/pvc-protection`
//            while a pod that has not finished uses it; a volume keeps
//            `kubernetes.io/pv-protection` while it is Bound.
// Thread-safety: as Controller.
#pragma once

#include "common/api/well_known.h"
#include "common/events/event_recorder.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "ordo/snapshot/v1/snapshot.pb.h"
#include "ordo/storage/v1/storage.pb.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"
#include "services/controller-manager/storage/storage_writer.h"
#include "services/controller-manager/storage/volume_provisioner.h"

namespace ordo::storage {

using api::kDefaultClassAnnotation;
using api::kSelectedNodeAnnotation;
inline constexpr char kClaimProtectionFinalizer[] = "kubernetes.io/pvc-protection";
inline constexpr char kVolumeProtectionFinalizer[] = "kubernetes.io/pv-protection";

struct VolumeListers {
  informer::Lister<PersistentVolumeClaim> claims;
  informer::Lister<PersistentVolume> volumes;
  informer::Lister<storage::v1::StorageClass> classes;
  informer::Lister<core::v1::Pod> pods;
  // A claim's dataSource: the snapshot and the content holding its data.
  informer::Lister<snapshot::v1::VolumeSnapshot> snapshots;
  informer::Lister<snapshot::v1::VolumeSnapshotContent> snapshot_contents;
};

// The default StorageClass among `classes` (annotated is-default-class), or null.
std::shared_ptr<const storage::v1::StorageClass> DefaultClass(
    informer::Lister<storage::v1::StorageClass>& classes);

class VolumeController final : public controller::Controller {
 public:
  VolumeController(VolumeListers listers, StorageWriter& writer, VolumeProvisioner& provisioner,
                   events::EventRecorder& events, Clock& clock)
      : Controller(clock),
        listers_(listers),
        writer_(writer),
        provisioner_(provisioner),
        events_(events) {}

  std::string Name() const override { return "persistentvolume-controller"; }
  absl::Status Sync(const std::string& key) override;

  static std::string ClaimKey(const std::string& ns, const std::string& name);
  static std::string VolumeKey(const std::string& name);

  informer::EventHandler<PersistentVolumeClaim> ClaimHandler();
  informer::EventHandler<PersistentVolume> VolumeHandler();
  informer::EventHandler<storage::v1::StorageClass> ClassHandler();
  informer::EventHandler<core::v1::Pod> PodHandler();

 private:
  absl::Status SyncClaim(const std::string& ns, const std::string& name);
  absl::Status SyncVolume(const std::string& name);
  absl::Status SyncBoundClaim(const PersistentVolumeClaim& claim);
  absl::Status Bind(const PersistentVolumeClaim& claim, const PersistentVolume& volume);
  absl::Status MarkClaimBound(const PersistentVolumeClaim& claim, const PersistentVolume& volume);
  absl::Status Provision(const PersistentVolumeClaim& claim);
  // The directory a claim's dataSource snapshot holds ("" without one);
  // UNAVAILABLE until the snapshot is ready.
  absl::StatusOr<std::string> SnapshotDataOf(const PersistentVolumeClaim& claim);
  absl::Status Reclaim(const PersistentVolume& volume);
  std::shared_ptr<const PersistentVolume> FindVolumeFor(const PersistentVolumeClaim& claim);
  bool ClaimInUse(const PersistentVolumeClaim& claim);
  absl::Status SetVolumePhase(const PersistentVolume& volume, const std::string& phase,
                              const std::string& message = "");

  VolumeListers listers_;
  StorageWriter& writer_;
  VolumeProvisioner& provisioner_;
  events::EventRecorder& events_;
};

// The controller-manager's entry for this controller (registration.cc); it
// also creates the default StorageClasses when the options ask for them.
controller::ControllerDescriptor VolumeControllerDescriptor();

}  // namespace ordo::storage
