// PodGC force-deletes pods no kubelet will ever confirm (reference §3.4,
// Kubernetes' pod GC):
//   - pods bound to a Node that no longer exists, once they have been seen
//     orphaned for `quarantine` (the node may only be late in the cache);
//   - terminating pods on a node that is not Ready and carries the
//     node.kubernetes.io/out-of-service taint (non-graceful node shutdown):
//     the admin (or the fence) has said the node is down, so waiting for it
//     is pointless; shared volumes attached to it are let go at once
//     (the ordo.io/attached-node annotation cleared) so the replacement can
//     attach elsewhere;
//   - and, as Kubernetes' attach/detach controller, a shared volume no pod
//     of its node uses any more (a force delete, or pods GC'd off a deleted
//     Node) is detached from a deleted node at once, and from a node that is
//     not Ready after `force_detach_after` (6 min; 0 never): the node cannot
//     unmount it, and the replacement pod waits for it (Multi-Attach error).
// Pass() is one sweep. Thread-safety: Pass from one thread at a time.
#pragma once

#include <stop_token>

#include "absl/container/flat_hash_map.h"
#include "common/api/resource_client.h"
#include "common/api/well_known.h"
#include "common/clock/clock.h"
#include "common/informer/indexer.h"
#include "services/controller-manager/controller_descriptor.h"

namespace ordo::nodelifecycle {

using api::kAttachedNodeAnnotation;
using api::kOutOfServiceTaint;

class PodGcWriter {
 public:
  virtual ~PodGcWriter() = default;
  // A grace-0 delete of exactly the pod with `uid`: no kubelet confirmation.
  virtual absl::Status ForceDeletePod(const std::string& ns, const std::string& name,
                                      const std::string& uid) = 0;
  virtual absl::Status UpdateVolume(const core::v1::PersistentVolume& volume) = 0;
};

class ApiPodGcWriter final : public PodGcWriter {
 public:
  ApiPodGcWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : pods_(channel, clock), volumes_(channel, clock) {}
  absl::Status ForceDeletePod(const std::string& ns, const std::string& name,
                              const std::string& uid) override;
  absl::Status UpdateVolume(const core::v1::PersistentVolume& v) override {
    return volumes_.Update(v).status();
  }

 private:
  api::ResourceClient<core::v1::Pod> pods_;
  api::ResourceClient<core::v1::PersistentVolume> volumes_;
};

struct PodGcOptions {
  // How long a pod bound to a vanished node waits before it is force-deleted.
  absl::Duration quarantine = absl::Seconds(40);
  // How long a volume no pod uses stays attached to a node that is not Ready.
  absl::Duration force_detach_after = absl::Minutes(6);
};

class PodGC {
 public:
  PodGC(informer::Lister<core::v1::Node> nodes, informer::Lister<core::v1::Pod> pods,
        informer::Lister<core::v1::PersistentVolume> volumes, PodGcWriter& writer, Clock& clock,
        PodGcOptions options = {})
      : nodes_(nodes),
        pods_(pods),
        volumes_(volumes),
        writer_(writer),
        clock_(clock),
        options_(options) {}

  absl::Status Pass();
  void Run(std::stop_token stop, absl::Duration period);

 private:
  informer::Lister<core::v1::Node> nodes_;
  informer::Lister<core::v1::Pod> pods_;
  informer::Lister<core::v1::PersistentVolume> volumes_;
  PodGcWriter& writer_;
  Clock& clock_;
  struct NodeState {
    bool ready = false;
    bool out_of_service = false;  // tainted and not Ready
  };
  using NodeStates = absl::flat_hash_map<std::string, NodeState>;  // by node name

  // Detaches volumes attached to a node that will not let them go.
  absl::Status ReleaseVolumes(absl::Time now, const NodeStates& nodes,
                              const std::vector<std::shared_ptr<const core::v1::Pod>>& pods);

  const PodGcOptions options_;
  absl::flat_hash_map<std::string, absl::Time> orphaned_since_;  // pod uid
  absl::flat_hash_map<std::string, absl::Time> unused_since_;    // attached volume name
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor PodGcControllerDescriptor();

}  // namespace ordo::nodelifecycle
