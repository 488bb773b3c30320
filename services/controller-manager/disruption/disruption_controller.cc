#include "services/controller-manager/disruption/disruption_controller.h"

#include <google/protobuf/util/message_differencer.h>

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/statefulset.h"
#include "common/api/well_known.h"
#include "common/clock/timestamp.h"
#include "common/labels/selector.h"

namespace ordo::disruption {
namespace {

// An int-or-string against `total`: a number, or a percentage rounded up.
int Scaled(const google::protobuf::Value& v, int total) {
  if (v.has_number_value()) return static_cast<int>(v.number_value());
  std::string s = v.string_value();
  if (!s.empty() && s.back() == '%') s.pop_back();
  double percent = 0;
  if (!absl::SimpleAtod(s, &percent)) return 0;
  return static_cast<int>(std::ceil(percent * total / 100.0));
}

}  // namespace

PodDisruptionBudgetStatus ComputeStatus(
    const PodDisruptionBudget& pdb, const std::vector<std::shared_ptr<const core::v1::Pod>>& pods,
    informer::Lister<apps::v1::StatefulSet>& sets, absl::Time now) {
  const auto& spec = pdb.spec();
  // Expected pods from the controllers' scale: each StatefulSet once.
  int from_controllers = 0;
  absl::flat_hash_set<std::string> counted;
  for (const auto& pod : pods) {
    const meta::v1::OwnerReference* owner = nullptr;
    for (const auto& ref : pod->metadata().owner_references()) {
      if (ref.controller() && ref.kind() == "StatefulSet") owner = &ref;
    }
    if (owner == nullptr) {
      ++from_controllers;
      continue;
    }
    if (!counted.insert(owner->uid()).second) continue;
    auto set = sets.Get(pod->metadata().namespace_(), owner->name());
    // A pod whose set is gone counts for itself.
    from_controllers += set == nullptr ? 1 : api::DesiredReplicas(set->spec());
  }
  int expected = 0, desired = 0;
  if (spec.has_min_available() && spec.min_available().has_number_value()) {
    expected = static_cast<int>(pods.size());
    desired = static_cast<int>(spec.min_available().number_value());
  } else if (spec.has_min_available()) {
    expected = from_controllers;
    desired = Scaled(spec.min_available(), expected);
  } else if (spec.has_max_unavailable()) {
    expected = from_controllers;
    desired = std::max(0, expected - Scaled(spec.max_unavailable(), expected));
  } else {
    expected = static_cast<int>(pods.size());
  }
  PodDisruptionBudgetStatus status;
  absl::flat_hash_set<std::string> present;
  int healthy = 0;
  for (const auto& pod : pods) {
    present.insert(pod->metadata().name());
    bool recently_disrupted = false;
    auto it = pdb.status().disrupted_pods().find(pod->metadata().name());
    if (it != pdb.status().disrupted_pods().end() &&
        FromTimestamp(it->second) + absl::Minutes(2) > now) {
      recently_disrupted = true;
      (*status.mutable_disrupted_pods())[it->first] = it->second;
    }
    if (api::IsPodReady(*pod) && !pod->metadata().has_deletion_timestamp() && !recently_disrupted) {
      ++healthy;
    }
  }
  status.set_observed_generation(pdb.metadata().generation());
  status.set_expected_pods(expected);
  status.set_desired_healthy(desired);
  status.set_current_healthy(healthy);
  status.set_disruptions_allowed(std::max(0, healthy - desired));
  bool allowed = status.disruptions_allowed() > 0;
  meta::v1::Condition condition;
  for (const auto& c : pdb.status().conditions()) {
    if (c.type() == "DisruptionAllowed") condition = c;
  }
  std::string want = allowed ? "True" : "False";
  if (condition.status() != want) SetTimestamp(condition.mutable_last_transition_time(), now);
  condition.set_type("DisruptionAllowed");
  condition.set_status(want);
  condition.set_reason(allowed ? "SufficientPods" : "InsufficientPods");
  condition.set_observed_generation(pdb.metadata().generation());
  *status.add_conditions() = condition;
  return status;
}

informer::EventHandler<PodDisruptionBudget> DisruptionController::PdbHandler() {
  auto enqueue = [this](const auto& p) { queue().Add(informer::KeyOf(p->metadata())); };
  return {enqueue, [enqueue](const auto&, const auto& p) { enqueue(p); }, nullptr};
}

informer::EventHandler<core::v1::Pod> DisruptionController::PodHandler() {
  auto enqueue = [this](const auto& pod) { EnqueueNamespace(pod->metadata().namespace_()); };
  return {enqueue, [enqueue](const auto&, const auto& p) { enqueue(p); }, enqueue};
}

informer::EventHandler<apps::v1::StatefulSet> DisruptionController::SetHandler() {
  auto enqueue = [this](const auto& set) { EnqueueNamespace(set->metadata().namespace_()); };
  return {enqueue, [enqueue](const auto&, const auto& s) { enqueue(s); }, enqueue};
}

void DisruptionController::EnqueueNamespace(const std::string& ns) {
  for (const auto& pdb : pdbs_.List(ns, {})) queue().Add(informer::KeyOf(pdb->metadata()));
}

absl::Status DisruptionController::Sync(const std::string& key) {
  auto [ns, name] = informer::SplitKey(key);
  auto pdb = pdbs_.Get(ns, name);
  if (pdb == nullptr) return absl::OkStatus();
  auto selector = labels::LabelSelector::FromProto(pdb->spec().selector());
  if (!selector.ok()) return absl::OkStatus();  // not transient
  PodDisruptionBudgetStatus status =
      ComputeStatus(*pdb, pods_.List(ns, *selector), sets_, clock_.Now());
  if (google::protobuf::util::MessageDifferencer::Equals(status, pdb->status())) {
    return absl::OkStatus();
  }
  PodDisruptionBudget updated = *pdb;
  *updated.mutable_status() = status;
  // Under the version read: an eviction's decrement in between must not be undone.
  return writer_.UpdateStatus(updated);
}

}  // namespace ordo::disruption
