// NodeHeartbeat keeps one node alive in the api-server: Register() creates (or
// takes over) the Node with its capacity, allocatable, addresses, podCIDR,
// agent endpoint and a Ready condition; Beat() renews the node's Lease in
// kube-node-lease and, every status_interval or when the node was changed by
// someone else, re-posts the Ready condition. Hollow nodes use it too.
// Not synchronised: one thread drives one NodeHeartbeat.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"

namespace ordo::kubelet {

struct NodeOptions {
  std::string name;
  std::string address = "127.0.0.1";
  std::string pod_cidr;
  std::string cpu = "2";
  std::string memory = "4Gi";
  std::string max_pods = "110";
  int agent_port = 0;
  std::map<std::string, std::string> labels;
  absl::Duration lease_duration = absl::Seconds(40);
  absl::Duration status_interval = absl::Minutes(1);
  absl::Duration heartbeat_interval = absl::Seconds(10);  // how often Beat() is called
};

class NodeHeartbeat {
 public:
  NodeHeartbeat(NodeOptions options, api::ResourceClient<core::v1::Node>& nodes,
                api::ResourceClient<coordination::v1::Lease>& leases, Clock& clock)
      : options_(std::move(options)), nodes_(nodes), leases_(leases), clock_(clock) {}

  absl::Status Register();
  absl::Status Beat();

 private:
  absl::Status PostReady();
  absl::Status RenewLease();

  const NodeOptions options_;
  api::ResourceClient<core::v1::Node>& nodes_;
  api::ResourceClient<coordination::v1::Lease>& leases_;
  Clock& clock_;
  absl::Time last_status_ = absl::InfinitePast();
  absl::Time last_beat_ = absl::InfinitePast();  // the last successful lease renewal
  std::optional<coordination::v1::Lease> lease_;
};

// The node's capacity read from the machine: cpu count and MemTotal.
void DetectCapacity(NodeOptions& options);

}  // namespace ordo::kubelet
