// TaintEviction deletes pods from nodes whose NoExecute taints they do not
// tolerate (Kubernetes' taint-eviction controller, reference §3.2): at once
// when no toleration matches, at taint.timeAdded + tolerationSeconds when
// one matches with a limit, never when one matches without. The delete is
// graceful (a pod on an unreachable node stays Terminating: at most one pod
// per identity), after the condition DisruptionTarget=True (reason
// DeletionByTaintManager) is set. Pass() handles every tainted node and says
// when the next deadline falls. Thread-safety: Pass from one thread at a time.
#pragma once

#include <stop_token>

#include "absl/time/time.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/events/event_recorder.h"
#include "common/informer/indexer.h"
#include "services/controller-manager/controller_descriptor.h"

namespace ordo::nodelifecycle {

class PodEvictor {
 public:
  virtual ~PodEvictor() = default;
  virtual absl::Status UpdatePodStatus(const core::v1::Pod& pod) = 0;
  // A graceful delete of exactly the pod with `uid`.
  virtual absl::Status DeletePod(const std::string& ns, const std::string& name,
                                 const std::string& uid) = 0;
};

class ApiPodEvictor final : public PodEvictor {
 public:
  ApiPodEvictor(std::shared_ptr<grpc::Channel> channel, Clock& clock) : pods_(channel, clock) {}
  absl::Status UpdatePodStatus(const core::v1::Pod& pod) override {
    return pods_.UpdateStatus(pod).status();
  }
  absl::Status DeletePod(const std::string& ns, const std::string& name,
                         const std::string& uid) override;

 private:
  api::ResourceClient<core::v1::Pod> pods_;
};

class TaintEviction {
 public:
  // TaintManagerEviction events about the pods it deletes go to `events`
  // (null: nowhere).
  TaintEviction(informer::Lister<core::v1::Node> nodes, informer::Lister<core::v1::Pod> pods,
                PodEvictor& evictor, Clock& clock, events::EventRecorder* events = nullptr)
      : nodes_(nodes), pods_(pods), evictor_(evictor), clock_(clock), events_(events) {}

  // Evicts what is due; returns the time until the next pod falls due
  // (InfiniteDuration: none waiting).
  absl::Duration Pass();
  // Passes every `period` (or sooner when a deadline comes) until `stop`.
  void Run(std::stop_token stop, absl::Duration period);

 private:
  informer::Lister<core::v1::Node> nodes_;
  informer::Lister<core::v1::Pod> pods_;
  PodEvictor& evictor_;
  Clock& clock_;
  events::EventRecorder* const events_;
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor TaintEvictionControllerDescriptor();

}  // namespace ordo::nodelifecycle
