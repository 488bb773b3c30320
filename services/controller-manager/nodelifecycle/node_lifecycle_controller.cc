#include "services/controller-manager/nodelifecycle/node_lifecycle_controller.h"

#include <signal.h>

#include <cerrno>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "spdlog/spdlog.h"

namespace ordo::nodelifecycle {
namespace {

bool HasTaint(const core::v1::Node& node, const std::string& key, const std::string& effect) {
  for (const auto& t : node.spec().taints()) {
    if (t.key() == key && t.effect() == effect) return true;
  }
  return false;
}

}  // namespace

namespace {
bool ProcessGone(pid_t pid) { return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH; }
}  // namespace

bool PidFileOracle::KnownDead(const std::string& node) {
  std::ifstream in(run_dir_ + "/" + node + ".pid");
  pid_t pid = 0;
  if (!(in >> pid) || !ProcessGone(pid)) return false;  // no proof, or alive
  for (const auto& pod : pods_.ByIndex(informer::kNodeNameIndex, node)) {
    for (const auto& c : pod->status().container_statuses()) {
      absl::string_view id = c.container_id();
      pid_t container = 0;
      if (absl::ConsumePrefix(&id, "ordo://") && absl::SimpleAtoi(id, &container) &&
          container > 0 && !ProcessGone(container)) {
        return false;  // something of the node still runs
      }
    }
  }
  return true;
}

absl::Status NodeLifecycleController::Monitor() {
  absl::Status first;
  for (const auto& node : nodes_.List("", {})) {
    absl::Status s = MonitorNode(*node);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

void NodeLifecycleController::Run(std::stop_token stop) {
  while (SleepUntil(clock_, stop, clock_.Now() + options_.monitor_period)) {
    absl::Status s = Monitor();
    if (!s.ok()) spdlog::warn("node lifecycle: {}", std::string(s.message()));
  }
}

absl::Status NodeLifecycleController::MonitorNode(const core::v1::Node& node) {
  const std::string& name = node.metadata().name();
  absl::Time now = clock_.Now();
  auto lease = leases_.Get("kube-node-lease", name);
  std::string renew = lease == nullptr ? "" : lease->spec().renew_time().SerializeAsString();
  auto [it, inserted] = seen_.try_emplace(name, Seen{renew, now});
  if (it->second.renew_time != renew) it->second = {renew, now};
  bool expired = now - it->second.observed > options_.grace_period;
  std::string ready = api::NodeReadyStatus(node);
  if (expired && ready != "Unknown") {
    ORDO_RETURN_IF_ERROR(MarkUnknown(node));
    ORDO_RETURN_IF_ERROR(MarkPodsNotReady(name));
    // The node object just changed: its taints follow on the next pass, from a fresh copy.
    return absl::OkStatus();
  }
  if (ready == "Unknown" || ready == "False") {
    ORDO_RETURN_IF_ERROR(MarkPodsNotReady(name));
  }
  std::string key = ready == "Unknown" ? kUnreachableTaint : ready == "False" ? kNotReadyTaint : "";
  bool fence = ready == "Unknown" && options_.oracle != nullptr &&
               options_.fence_after > absl::ZeroDuration() &&
               now - it->second.observed > options_.grace_period + options_.fence_after &&
               options_.oracle->KnownDead(name);
  return SetTaints(node, key, fence);
}

absl::Status NodeLifecycleController::MarkUnknown(const core::v1::Node& node) {
  core::v1::Node updated = node;
  absl::Time now = clock_.Now();
  bool has_ready = false;
  for (auto& c : *updated.mutable_status()->mutable_conditions()) {
    has_ready = has_ready || c.type() == "Ready";
    if (c.status() != "Unknown") SetTimestamp(c.mutable_last_transition_time(), now);
    c.set_status("Unknown");
    c.set_reason("NodeStatusUnknown");
    c.set_message("Kubelet stopped posting node status.");
  }
  if (!has_ready) {
    auto* c = updated.mutable_status()->add_conditions();
    c->set_type("Ready");
    c->set_status("Unknown");
    c->set_reason("NodeStatusNeverUpdated");
    c->set_message("Kubelet never posted node status.");
    SetTimestamp(c->mutable_last_transition_time(), now);
  }
  spdlog::warn("node {}: no heartbeat for {}: Ready=Unknown", node.metadata().name(),
               absl::FormatDuration(options_.grace_period));
  ORDO_RETURN_IF_ERROR(writer_.UpdateNodeStatus(updated));
  if (options_.events != nullptr) {
    options_.events->Record(
        events::ReferenceTo(node, "v1", "Node"), events::kEventNormal, "NodeNotReady",
        absl::StrCat("Node ", node.metadata().name(), " status is now: NodeNotReady"));
  }
  return absl::OkStatus();
}

absl::Status NodeLifecycleController::MarkPodsNotReady(const std::string& node) {
  for (const auto& pod : pods_.ByIndex(informer::kNodeNameIndex, node)) {
    core::v1::Pod updated = *pod;
    bool changed = false;
    for (auto& c : *updated.mutable_status()->mutable_conditions()) {
      if (c.type() == "Ready" && c.status() != "False") {
        c.set_status("False");
        SetTimestamp(c.mutable_last_transition_time(), clock_.Now());
        changed = true;
      }
    }
    if (!changed) continue;
    absl::Status s = writer_.UpdatePodStatus(updated);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  return absl::OkStatus();
}

absl::Status NodeLifecycleController::SetTaints(const core::v1::Node& node, const std::string& key,
                                                bool fence) {
  core::v1::Node updated = node;
  auto* taints = updated.mutable_spec()->mutable_taints();
  bool changed = false;
  // Drop the lifecycle taints that no longer apply (our own fence included,
  // once the node is back; an admin's out-of-service taint stays).
  bool fenced = false;
  for (int i = taints->size() - 1; i >= 0; --i) {
    const auto& t = taints->Get(i);
    bool ours_fence = t.key() == kOutOfServiceTaint && t.value() == kFenceValue;
    fenced = fenced || ours_fence;
    if (((t.key() == kUnreachableTaint || t.key() == kNotReadyTaint) && t.key() != key) ||
        (ours_fence && key.empty())) {
      taints->DeleteSubrange(i, 1);
      changed = true;
    }
  }
  if (fence && !fenced) {
    auto* t = taints->Add();
    t->set_key(kOutOfServiceTaint);
    t->set_value(kFenceValue);
    t->set_effect("NoExecute");
    SetTimestamp(t->mutable_time_added(), clock_.Now());
    changed = true;
    spdlog::warn("node {}: agent known dead: fenced ({}={}:NoExecute)", node.metadata().name(),
                 kOutOfServiceTaint, kFenceValue);
  }
  if (!key.empty()) {
    if (!HasTaint(updated, key, "NoSchedule")) {
      auto* t = taints->Add();
      t->set_key(key);
      t->set_effect("NoSchedule");
      changed = true;
    }
    if (!HasTaint(updated, key, "NoExecute") && eviction_tokens_.TryTake()) {
      auto* t = taints->Add();
      t->set_key(key);
      t->set_effect("NoExecute");
      SetTimestamp(t->mutable_time_added(), clock_.Now());
      changed = true;
      spdlog::warn("node {}: tainted {}:NoExecute", node.metadata().name(), key);
    }
  }
  if (!changed) return absl::OkStatus();
  return writer_.UpdateNode(updated);
}

}  // namespace ordo::nodelifecycle
