// HollowFleet pretends to be many nodes in one process, for scale tests: each
// registers and heartbeats like a real agent, and a pod bound to one of them
// is reported Running and Ready at once (an address from the node's podCIDR,
// no process) and its deletion is confirmed at once. Thread-safety: Run from
// one thread; it starts its own workers.
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "services/kubelet-agent/node_heartbeat.h"

namespace ordo::kubelet {

struct HollowOptions {
  std::string name_prefix = "hollow-node";
  int nodes = 1;
  NodeOptions node;  // name and pod_cidr are filled per node
  absl::Duration heartbeat_interval = absl::Seconds(10);
  int workers = 8;
};

class HollowFleet {
 public:
  HollowFleet(HollowOptions options, std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : options_(std::move(options)), channel_(std::move(channel)), clock_(clock) {}
  // Registers every node, then serves pods and heartbeats until `stop`.
  void Run(std::stop_token stop);

 private:
  const HollowOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  Clock& clock_;
};

}  // namespace ordo::kubelet
