#include "services/controller-manager/gc/garbage_collector.h"

#include "spdlog/spdlog.h"

namespace ordo::gc {

void GarbageCollector::Enqueue(const std::vector<std::string>& uids) {
  for (const auto& uid : uids) {
    if (!uid.empty()) queue().Add(uid);
  }
}

absl::Status GarbageCollector::Sync(const std::string& uid) {
  auto node = graph_.Get(uid);
  if (!node.has_value()) return absl::OkStatus();
  if (node->deleting) {
    if (node->HasFinalizer(kOrphanFinalizer)) return OrphanDependents(*node);
    if (node->HasFinalizer(kForegroundFinalizer)) return DeleteDependents(*node);
    return absl::OkStatus();
  }
  return CollectIfOwnerless(*node);
}

absl::Status GarbageCollector::OrphanDependents(const ObjectNode& node) {
  for (const auto& dependent : graph_.Dependents(node.uid)) {
    absl::Status s = client_.RemoveOwners(dependent, {node.uid});
    if (!s.ok()) return s;
  }
  spdlog::info("gc: orphaned the dependents of {}", node.Describe());
  return client_.RemoveFinalizer(node, kOrphanFinalizer);
}

absl::Status GarbageCollector::DeleteDependents(const ObjectNode& node) {
  bool blocked = false;
  for (const auto& dependent : graph_.Dependents(node.uid)) {
    for (const auto& ref : dependent.owners) {
      if (ref.uid() == node.uid && ref.block_owner_deletion()) blocked = true;
    }
    if (dependent.deleting) continue;
    bool has_own = !graph_.Dependents(dependent.uid).empty();
    absl::Status s = client_.Delete(dependent, has_own ? "Foreground" : "Background");
    if (!s.ok()) return s;
  }
  // The graph tells us when the last blocking dependent has gone.
  if (blocked) return absl::OkStatus();
  spdlog::info("gc: the dependents of {} are gone", node.Describe());
  return client_.RemoveFinalizer(node, kForegroundFinalizer);
}

absl::Status GarbageCollector::CollectIfOwnerless(const ObjectNode& node) {
  if (node.owners.empty()) return absl::OkStatus();
  absl::flat_hash_set<std::string> dangling, waiting;
  bool solid = false;
  for (const auto& ref : node.owners) {
    OwnerState state;
    auto seen = graph_.Get(ref.uid());
    if (seen.has_value()) {
      state = seen->deleting && seen->HasFinalizer(kForegroundFinalizer)
                  ? OwnerState::kWaitingOnDependents
                  : OwnerState::kPresent;
    } else {
      // Not in the graph: perhaps not there yet. Ask the api-server.
      auto looked_up = client_.LookupOwner(ref, node.ns);
      if (!looked_up.ok()) return looked_up.status();
      state = *looked_up;
    }
    if (state == OwnerState::kAbsent) dangling.insert(ref.uid());
    if (state == OwnerState::kWaitingOnDependents) waiting.insert(ref.uid());
    if (state == OwnerState::kPresent) solid = true;
  }
  if (solid) {
    if (dangling.empty() && waiting.empty()) return absl::OkStatus();
    for (const auto& uid : waiting) dangling.insert(uid);
    return client_.RemoveOwners(node, dangling);
  }
  std::string propagation = waiting.empty() ? "Background" : "Foreground";
  spdlog::info("gc: deleting {} ({}): its owners are gone", node.Describe(), propagation);
  return client_.Delete(node, propagation);
}

}  // namespace ordo::gc
