// LeaderElector lets several controller-manager replicas run while only one
// acts, client-go's way: the leader holds a coordination/v1 Lease
// (holderIdentity, renewTime, leaseDurationSeconds) and renews it every
// retry_period; another replica takes the lease only once it has gone
// unrenewed for lease_duration, and every write is a compare-and-swap on the
// lease's resourceVersion, so two replicas never both believe they lead after
// a write. Leadership lost (no successful renewal for renew_deadline) stops
// the leader's work before anyone else can take over (renew_deadline <
// lease_duration). Times are read from the injected Clock; replicas are
// assumed to share a clock (one machine, or NTP), as renewTime is compared
// with local now. Thread-safety: TryAcquireOrRenew and Run from one thread;
// IsLeader from any.
#pragma once

#include <atomic>
#include <functional>
#include <stop_token>
#include <string>

#include "common/api/resource_client.h"
#include "common/clock/clock.h"

namespace ordo::controller {

struct LeaderElectionConfig {
  std::string lease_namespace = "kube-system";
  std::string lease_name = "ordo-controller-manager";
  std::string identity;
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
};

class LeaderElector {
 public:
  LeaderElector(LeaderElectionConfig config, api::ResourceClient<coordination::v1::Lease>& leases,
                Clock& clock)
      : config_(std::move(config)), leases_(leases), clock_(clock) {}

  // One attempt to take or keep the lease; returns whether this replica leads.
  bool TryAcquireOrRenew();
  // Until `stop`: wins the lease, runs `lead` on this thread with a token that
  // is stopped when leadership is lost (or `stop` comes), and competes again.
  void Run(std::stop_token stop, const std::function<void(std::stop_token)>& lead);
  bool IsLeader() const { return leader_.load(); }

 private:
  const LeaderElectionConfig config_;
  api::ResourceClient<coordination::v1::Lease>& leases_;
  Clock& clock_;
  std::atomic<bool> leader_{false};
};

}  // namespace ordo::controller
