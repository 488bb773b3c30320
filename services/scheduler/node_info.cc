#include "services/scheduler/node_info.h"

#include "common/quantity/quantity.h"

namespace ordo::scheduler {

Resources PodRequests(const core::v1::Pod& pod) {
  Resources r;
  r.pods = 1;
  for (const auto& c : pod.spec().containers()) {
    const auto& req = c.resources().requests();
    int64_t cpu = 0, memory = 0;
    if (auto it = req.find("cpu"); it != req.end())
      cpu = quantity::ParseMilli(it->second).value_or(0);
    if (auto it = req.find("memory"); it != req.end())
      memory = quantity::ParseValue(it->second).value_or(0);
    r.milli_cpu += cpu;
    r.memory += memory;
    r.nonzero_milli_cpu += cpu > 0 ? cpu : 100;
    r.nonzero_memory += memory > 0 ? memory : 200 << 20;
  }
  return r;
}

Resources Allocatable(const core::v1::Node& node) {
  Resources r;
  const auto& a = node.status().allocatable();
  if (auto it = a.find("cpu"); it != a.end())
    r.milli_cpu = quantity::ParseMilli(it->second).value_or(0);
  if (auto it = a.find("memory"); it != a.end())
    r.memory = quantity::ParseValue(it->second).value_or(0);
  if (auto it = a.find("pods"); it != a.end())
    r.pods = quantity::ParseValue(it->second).value_or(0);
  return r;
}

std::string ControllerUid(const core::v1::Pod& pod) {
  for (const auto& ref : pod.metadata().owner_references()) {
    if (ref.controller()) return ref.uid();
  }
  return "";
}

bool NodeReady(const core::v1::Node& node) {
  for (const auto& c : node.status().conditions()) {
    if (c.type() == "Ready") return c.status() == "True";
  }
  return false;
}

NodeInfo MakeNodeInfo(std::shared_ptr<const core::v1::Node> node) {
  NodeInfo info;
  info.ready = NodeReady(*node);
  info.allocatable = Allocatable(*node);
  info.node = std::move(node);
  return info;
}

}  // namespace ordo::scheduler
