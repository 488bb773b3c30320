// NodeInfo is the scheduler's view of one node: the Node object and the sum of
// what the pods placed on it request (cpu in millicores, memory in bytes, pod
// count, pods per owner). PodRequests reads a pod's requests. Plain values;
// the Scheduler guards them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::scheduler {

struct Resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t pods = 0;
  // For scoring only, Kubernetes' "non-zero" requests: a container that asks
  // for nothing counts as 100m cpu and 200Mi, so empty pods still spread.
  int64_t nonzero_milli_cpu = 0;
  int64_t nonzero_memory = 0;
};

// The sum of the containers' requests (unparseable quantities count as 0:
// validation refused them at admission).
Resources PodRequests(const core::v1::Pod& pod);
// The node's allocatable resources.
Resources Allocatable(const core::v1::Node& node);
// The uid of the pod's controller owner, or "" when it has none.
std::string ControllerUid(const core::v1::Pod& pod);

struct NodeInfo {
  std::shared_ptr<const core::v1::Node> node;
  // Read off `node` once per change, not once per pod.
  bool ready = false;
  Resources allocatable;
  Resources requested;
  absl::flat_hash_map<std::string, int> pods_by_owner;
};

// Whether the node's Ready condition is True.
bool NodeReady(const core::v1::Node& node);
// A NodeInfo for `node` with nothing placed on it yet.
NodeInfo MakeNodeInfo(std::shared_ptr<const core::v1::Node> node);

}  // namespace ordo::scheduler
