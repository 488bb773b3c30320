// VolumeSnapshotter takes the copies the snapshot controller gives this node
// (VolumeSnapshotContents annotated ordo.io/snapshot-node with its name):
// the volume's directory is copied (copy-on-write where the file system
// offers it: common/fs/copy_tree.h) into the content's ordo.io/snapshot-dir,
// consistently:
//   hooks   when a running pod here that uses the claim carries Velero's
//           annotations (pre.hook.backup.velero.io/command, a JSON array or a
//           plain command; .../container, default the first; .../timeout,
//           default 30s; .../on-error, Fail (default) or Continue), the pre
//           hook runs in it before the copy and the post hook
//           (post.hook.backup.velero.io/...) after;
//   frozen  otherwise every container of those pods is stopped (SIGSTOP to its
//           process group) for the copy and continued after, so no file is
//           half-written in the copy;
//   none    no running pod here uses the claim.
// The status is written (snapshotHandle, creationTime, restoreSize,
// readyToUse, or the error), then the mode and how long pods were frozen as
// annotations (ordo.io/snapshot-consistency, ordo.io/snapshot-frozen-ms). The copy goes to
// DIR.partial and is renamed to DIR once whole. Take runs on one thread at a time (a worker of the
// agent's queue).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/informer/indexer.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/snapshot/v1/snapshot.pb.h"
#include "services/kubelet-agent/container_runtime.h"
#include "services/kubelet-agent/pod_manager.h"

namespace ordo::kubelet {

inline constexpr char kFrozenMillisAnnotation[] = "ordo.io/snapshot-frozen-ms";

// The snapshotter's edge to the api-server.
class SnapshotContentApi {
 public:
  virtual ~SnapshotContentApi() = default;
  virtual absl::StatusOr<core::v1::PersistentVolume> GetVolume(const std::string& name) = 0;
  // Writes `content`'s status, then its annotations.
  virtual absl::Status Report(const snapshot::v1::VolumeSnapshotContent& content) = 0;
};

class GrpcSnapshotContentApi final : public SnapshotContentApi {
 public:
  GrpcSnapshotContentApi(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : volumes_(channel, clock), contents_(channel, clock) {}
  absl::StatusOr<core::v1::PersistentVolume> GetVolume(const std::string& name) override {
    return volumes_.Get("", name);
  }
  absl::Status Report(const snapshot::v1::VolumeSnapshotContent& content) override;

 private:
  api::ResourceClient<core::v1::PersistentVolume> volumes_;
  api::ResourceClient<snapshot::v1::VolumeSnapshotContent> contents_;
};

class VolumeSnapshotter {
 public:
  // `pods_here`: the pods bound to this node (the agent's informer).
  VolumeSnapshotter(std::string node, SnapshotContentApi& api, PodManager& pods,
                    ContainerRuntime& runtime, informer::Lister<core::v1::Pod> pods_here,
                    Clock& clock)
      : node_(std::move(node)),
        api_(api),
        pods_(pods),
        runtime_(runtime),
        pods_here_(pods_here),
        clock_(clock) {}

  // Whether `content` is this node's to take and not taken (nor failed) yet.
  bool IsMine(const snapshot::v1::VolumeSnapshotContent& content) const;
  // Takes the copy and reports it on the content; a failure is reported
  // there too (status.error) and returned.
  absl::Status Take(const snapshot::v1::VolumeSnapshotContent& content);

 private:
  struct Outcome {
    std::string consistency;
    absl::Duration frozen;
    int64_t bytes = 0;
  };
  absl::StatusOr<Outcome> Copy(const snapshot::v1::VolumeSnapshotContent& content);
  // Runs `phase`'s ("pre"/"post") Velero hook of `pod`, if it has one.
  absl::Status RunHook(const core::v1::Pod& pod, const std::string& phase);

  const std::string node_;
  SnapshotContentApi& api_;
  PodManager& pods_;
  ContainerRuntime& runtime_;
  informer::Lister<core::v1::Pod> pods_here_;
  Clock& clock_;
};

}  // namespace ordo::kubelet
