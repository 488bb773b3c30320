// SnapshotController is the snapshot.storage.k8s.io controller (the CSI
// external-snapshotter's common controller, for ordo's directory volumes).
// Keys "snapshot/<ns>/<name>" and "content/<name>", synced from listers:
//   snapshots  a VolumeSnapshot of a Bound claim gets a VolumeSnapshotContent
//              "snapcontent-<uid>" of its class (the named one, else the
//              driver's default): the volume as source, the node that holds
//              the data (a local volume's node; else a node running a pod that
//              uses the claim; else the first Ready node) named in
//              ordo.io/snapshot-node, and the directory the copy goes to
//              (class parameter `location`, else --snapshot-root, then the
//              content's name) in ordo.io/snapshot-dir. That node's agent
//              takes the copy and writes the content's status; the snapshot's
//              status mirrors it (readyToUse, creationTime, restoreSize as a
//              quantity, error). A snapshot of a content made before binds to
//              it when the content names it; such a content (source
//              snapshotHandle: a directory holding data, a backup's, say) is
//              ready once the directory is there. An unbound claim is
//              retried.
//   deletion   snapshots carry the finalizer
//              snapshot.storage.kubernetes.io/volumesnapshot-bound-protection:
//              when one is deleted, its content goes too if its policy is
//              Delete (with the data directory the controller named), then
//              the finalizer; a content whose snapshot is gone is handled the
//              same way.
// Thread-safety: as Controller.
#pragma once

#include "common/events/event_recorder.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/snapshot/v1/snapshot.pb.h"
#include "ordo/storage/v1/storage.pb.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"
#include "services/controller-manager/snapshot/snapshot_client.h"

namespace ordo::snapshot {

inline constexpr char kBoundProtectionFinalizer[] =
    "snapshot.storage.kubernetes.io/volumesnapshot-bound-protection";

struct SnapshotListers {
  informer::Lister<VolumeSnapshot> snapshots;
  informer::Lister<VolumeSnapshotContent> contents;
  informer::Lister<snapshot::v1::VolumeSnapshotClass> classes;
  informer::Lister<core::v1::PersistentVolumeClaim> claims;
  informer::Lister<core::v1::PersistentVolume> volumes;
  informer::Lister<storage::v1::StorageClass> storage_classes;
  informer::Lister<core::v1::Pod> pods;
  informer::Lister<core::v1::Node> nodes;
};

class SnapshotController final : public controller::Controller {
 public:
  // `snapshot_root`: where copies go when a class names no location.
  SnapshotController(SnapshotListers listers, SnapshotClient& client, events::EventRecorder& events,
                     Clock& clock, std::string snapshot_root)
      : Controller(clock),
        listers_(listers),
        client_(client),
        events_(events),
        clock_(clock),
        snapshot_root_(std::move(snapshot_root)) {}

  std::string Name() const override { return "snapshot-controller"; }
  absl::Status Sync(const std::string& key) override;

  informer::EventHandler<VolumeSnapshot> SnapshotHandler();
  informer::EventHandler<VolumeSnapshotContent> ContentHandler();

 private:
  absl::Status SyncSnapshot(const std::string& ns, const std::string& name);
  absl::Status SyncContent(const std::string& name);
  absl::Status DeleteSnapshot(const VolumeSnapshot& vs);
  // The content for a claim snapshot, or an error saying why not yet.
  absl::StatusOr<VolumeSnapshotContent> ContentFor(const VolumeSnapshot& vs);
  // The node that holds `volume`'s data and takes its copy.
  absl::StatusOr<std::string> NodeFor(const core::v1::PersistentVolume& volume,
                                      const core::v1::PersistentVolumeClaim& claim);
  // Writes the snapshot's status from its content's, if it changed.
  absl::Status MirrorStatus(const VolumeSnapshot& vs, const VolumeSnapshotContent* content,
                            const std::string& error);
  absl::Status DeleteContent(const VolumeSnapshotContent& content);
  // A content made before (source snapshotHandle): ready when its directory
  // is there, with its size; else its error.
  absl::Status ImportContent(const VolumeSnapshotContent& content);

  SnapshotListers listers_;
  SnapshotClient& client_;
  events::EventRecorder& events_;
  Clock& clock_;
  const std::string snapshot_root_;
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor SnapshotControllerDescriptor();

}  // namespace ordo::snapshot
