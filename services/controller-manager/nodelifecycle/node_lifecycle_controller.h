// NodeLifecycleController watches nodes' heartbeats (their Leases in
// kube-node-lease and their Ready condition) as Kubernetes' node lifecycle
// controller does (reference §3.1):
//   - a node whose lease has not been renewed for grace_period (by this
//     controller's own clock: it notes when it saw each renewal, so clocks
//     need not agree) gets every condition Unknown (reason
//     NodeStatusUnknown, "Kubelet stopped posting node status."), its pods
//     Ready=False, and the taint node.kubernetes.io/unreachable, NoSchedule at
//     once and NoExecute through a rate limiter (eviction_rate nodes per
//     second, as --node-eviction-rate);
//   - a node whose agent reports Ready=False gets node.kubernetes.io/not-ready
//     instead; a Ready node loses both.
// With options.fence_after and an oracle, a node silent that much longer
// whose agent is known dead is fenced (out-of-service).
// Monitor() is one pass over every node; Run() calls it every
// monitor_period. Writes go through NodeWriter (one fake for tests).
// Thread-safety: Monitor from one thread at a time.
#pragma once

#include <stop_token>

#include "absl/container/flat_hash_map.h"
#include "common/api/resource_client.h"
#include "common/api/well_known.h"
#include "common/clock/clock.h"
#include "common/events/event_recorder.h"
#include "common/informer/indexer.h"
#include "common/workqueue/rate_limiter.h"
#include "services/controller-manager/controller_descriptor.h"

namespace ordo::nodelifecycle {

using api::kNotReadyTaint;
using api::kOutOfServiceTaint;
using api::kUnreachableTaint;

class NodeWriter {
 public:
  virtual ~NodeWriter() = default;
  virtual absl::Status UpdateNode(const core::v1::Node& node) = 0;        // spec (taints)
  virtual absl::Status UpdateNodeStatus(const core::v1::Node& node) = 0;  // conditions
  virtual absl::Status UpdatePodStatus(const core::v1::Pod& pod) = 0;
};

class ApiNodeWriter final : public NodeWriter {
 public:
  ApiNodeWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : nodes_(channel, clock), pods_(channel, clock) {}
  absl::Status UpdateNode(const core::v1::Node& n) override { return nodes_.Update(n).status(); }
  absl::Status UpdateNodeStatus(const core::v1::Node& n) override {
    return nodes_.UpdateStatus(n).status();
  }
  absl::Status UpdatePodStatus(const core::v1::Pod& p) override {
    return pods_.UpdateStatus(p).status();
  }

 private:
  api::ResourceClient<core::v1::Node> nodes_;
  api::ResourceClient<core::v1::Pod> pods_;
};

// Whether a node is known to be dead (not merely silent): the opt-in fence
// acts only on proof. PidFileOracle is the local cluster's proof: the agent's
// pid file names a process that no longer exists, and no container process
// of a pod bound to the node (containerID ordo://<pid>) is alive either: a
// dead agent with live containers is not a dead node, and fencing it would
// run two pods of one identity.
class DeathOracle {
 public:
  virtual ~DeathOracle() = default;
  virtual bool KnownDead(const std::string& node) = 0;
};

class PidFileOracle final : public DeathOracle {
 public:
  PidFileOracle(std::string run_dir, informer::Lister<core::v1::Pod> pods)
      : run_dir_(std::move(run_dir)), pods_(pods) {}
  bool KnownDead(const std::string& node) override;

 private:
  const std::string run_dir_;
  informer::Lister<core::v1::Pod> pods_;
};

struct NodeLifecycleOptions {
  absl::Duration grace_period = absl::Seconds(50);   // --node-monitor-grace-period
  absl::Duration monitor_period = absl::Seconds(5);  // --node-monitor-period
  double eviction_rate = 0.1;                        // NoExecute taints per second
  // The opt-in fence (reference §5 row 5): a node silent for grace_period +
  // fence_after whose agent `oracle` knows dead is tainted out-of-service
  // (value "ordo-fence", lifted again if the node comes back), so its pods
  // are released to other nodes. Zero (or no oracle): never.
  absl::Duration fence_after = absl::ZeroDuration();
  DeathOracle* oracle = nullptr;
  // Where NodeNotReady events go (null: nowhere).
  events::EventRecorder* events = nullptr;
};

inline constexpr char kFenceValue[] = "ordo-fence";

class NodeLifecycleController {
 public:
  NodeLifecycleController(informer::Lister<core::v1::Node> nodes,
                          informer::Lister<coordination::v1::Lease> leases,
                          informer::Lister<core::v1::Pod> pods, NodeWriter& writer, Clock& clock,
                          NodeLifecycleOptions options)
      : nodes_(nodes),
        leases_(leases),
        pods_(pods),
        writer_(writer),
        clock_(clock),
        options_(options),
        eviction_tokens_(clock, options.eviction_rate, 1) {}

  // One pass over every node; returns the first error (the pass goes on).
  absl::Status Monitor();
  void Run(std::stop_token stop);

 private:
  struct Seen {
    std::string renew_time;  // the lease's renewTime as last seen (serialized)
    absl::Time observed;     // when this controller saw it change
  };
  absl::Status MonitorNode(const core::v1::Node& node);
  absl::Status MarkUnknown(const core::v1::Node& node);
  absl::Status MarkPodsNotReady(const std::string& node);
  // Makes the node's taints those `want` says, NoExecute subject to the limiter.
  absl::Status SetTaints(const core::v1::Node& node, const std::string& key, bool fence);

  informer::Lister<core::v1::Node> nodes_;
  informer::Lister<coordination::v1::Lease> leases_;
  informer::Lister<core::v1::Pod> pods_;
  NodeWriter& writer_;
  Clock& clock_;
  const NodeLifecycleOptions options_;
  absl::flat_hash_map<std::string, Seen> seen_;
  workqueue::BucketRateLimiter eviction_tokens_;  // NoExecute taints, one at a time
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor NodeLifecycleControllerDescriptor();

}  // namespace ordo::nodelifecycle
