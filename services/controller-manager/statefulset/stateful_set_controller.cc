#include "services/controller-manager/statefulset/stateful_set_controller.h"

#include "absl/strings/str_cat.h"
#include "services/controller-manager/statefulset/pod_identity.h"
#include "spdlog/spdlog.h"

namespace ordo::statefulset {

using apps::v1::ControllerRevision;
using apps::v1::StatefulSet;
using core::v1::Pod;

StatefulSetController::StatefulSetController(StatefulSetListers listers, StatefulSetClients clients,
                                             StatefulSetControl& control, Clock& clock)
    : Controller(clock), listers_(listers), clients_(clients), control_(control) {}

informer::EventHandler<StatefulSet> StatefulSetController::SetHandler() {
  auto enqueue = [this](const informer::ObjectPtr<StatefulSet>& set) {
    queue().Add(informer::KeyOf(set->metadata()));
  };
  return {enqueue, [enqueue](const auto&, const auto& set) { enqueue(set); }, enqueue};
}

informer::EventHandler<Pod> StatefulSetController::PodHandler() {
  return {[this](const PodPtr& pod) { OnPodChange(nullptr, pod); },
          [this](const PodPtr& old_pod, const PodPtr& pod) { OnPodChange(old_pod, pod); },
          [this](const PodPtr& pod) { EnqueueController(pod->metadata()); }};
}

informer::EventHandler<ControllerRevision> StatefulSetController::RevisionHandler() {
  auto enqueue = [this](const informer::ObjectPtr<ControllerRevision>& r) {
    EnqueueController(r->metadata());
  };
  return {enqueue, [enqueue](const auto&, const auto& r) { enqueue(r); }, enqueue};
}

void StatefulSetController::EnqueueController(const meta::v1::ObjectMeta& meta) {
  for (const auto& ref : meta.owner_references()) {
    if (!ref.controller() || ref.kind() != "StatefulSet") continue;
    auto set = listers_.sets.Get(meta.namespace_(), ref.name());
    if (set != nullptr && set->metadata().uid() == ref.uid()) {
      queue().Add(informer::KeyOf(set->metadata()));
    }
  }
}

void StatefulSetController::EnqueueMatchingSets(const Pod& pod) {
  for (const auto& set : listers_.sets.List(pod.metadata().namespace_(), {})) {
    auto selector = labels::LabelSelector::FromProto(set->spec().selector());
    if (selector.ok() && !selector->Empty() && selector->Matches(pod.metadata().labels())) {
      queue().Add(informer::KeyOf(set->metadata()));
    }
  }
}

void StatefulSetController::OnPodChange(const PodPtr& old_pod, const PodPtr& pod) {
  if (old_pod != nullptr &&
      old_pod->metadata().resource_version() == pod->metadata().resource_version()) {
    return;
  }
  std::string owner = ControllerUid(pod->metadata());
  if (old_pod != nullptr && ControllerUid(old_pod->metadata()) != owner) {
    EnqueueController(old_pod->metadata());
  }
  if (!owner.empty()) {
    EnqueueController(pod->metadata());
    return;
  }
  if (pod->metadata().has_deletion_timestamp()) return;  // orphans being deleted: no one
  EnqueueMatchingSets(*pod);
}

absl::Status StatefulSetController::CanAdopt(const StatefulSet& set) {
  auto fresh = clients_.sets.GetStatefulSet(set.metadata().namespace_(), set.metadata().name());
  if (!fresh.ok()) return fresh.status();
  if (fresh->metadata().uid() != set.metadata().uid()) {
    return absl::AbortedError(absl::StrCat(
        "original StatefulSet ", set.metadata().namespace_(), "/", set.metadata().name(),
        " is gone: got uid ", fresh->metadata().uid(), ", wanted ", set.metadata().uid()));
  }
  if (fresh->metadata().has_deletion_timestamp()) {
    return absl::AbortedError(absl::StrCat(set.metadata().namespace_(), "/", set.metadata().name(),
                                           " has just been deleted at ",
                                           fresh->metadata().deletion_timestamp().seconds()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PodPtr>> StatefulSetController::ClaimPods(
    const StatefulSet& set, const labels::LabelSelector& selector) {
  const std::string& uid = set.metadata().uid();
  bool deleting = set.metadata().has_deletion_timestamp();
  std::optional<absl::Status> can_adopt;
  std::vector<PodPtr> owned;
  for (const auto& pod : listers_.pods.List(set.metadata().namespace_(), {})) {
    std::string owner = ControllerUid(pod->metadata());
    bool matches = selector.Matches(pod->metadata().labels()) && IsMemberOf(set, *pod);
    if (owner == uid) {
      if (matches || deleting) {
        owned.push_back(pod);
        continue;
      }
      Pod released = *pod;  // no longer ours: let it go
      auto* refs = released.mutable_metadata()->mutable_owner_references();
      refs->erase(std::remove_if(refs->begin(), refs->end(),
                                 [&](const auto& ref) { return ref.uid() == uid; }),
                  refs->end());
      absl::Status s = clients_.pods.UpdatePod(released).status();
      if (!s.ok() && !absl::IsNotFound(s)) return s;
      continue;
    }
    if (!owner.empty() || !matches || deleting || pod->metadata().has_deletion_timestamp()) {
      continue;
    }
    if (!can_adopt.has_value()) can_adopt = CanAdopt(set);
    if (!can_adopt->ok()) return *can_adopt;
    Pod adopted = *pod;
    *adopted.mutable_metadata()->add_owner_references() = ControllerRefOf(set);
    auto updated = clients_.pods.UpdatePod(adopted);
    if (absl::IsNotFound(updated.status())) continue;
    if (!updated.ok()) return updated.status();
    owned.push_back(std::make_shared<const Pod>(std::move(*updated)));
  }
  return owned;
}

absl::StatusOr<std::vector<RevisionPtr>> StatefulSetController::ClaimRevisions(
    const StatefulSet& set, const labels::LabelSelector& selector) {
  const std::string& uid = set.metadata().uid();
  std::optional<absl::Status> can_adopt;
  std::vector<RevisionPtr> owned;
  for (const auto& r : listers_.revisions.List(set.metadata().namespace_(), selector)) {
    std::string owner = ControllerUid(r->metadata());
    if (owner == uid) {
      owned.push_back(r);
      continue;
    }
    if (!owner.empty() || set.metadata().has_deletion_timestamp()) continue;
    if (!can_adopt.has_value()) can_adopt = CanAdopt(set);
    if (!can_adopt->ok()) return *can_adopt;
    ControllerRevision adopted = *r;
    *adopted.mutable_metadata()->add_owner_references() = ControllerRefOf(set);
    auto updated = clients_.revisions.UpdateRevision(adopted);
    if (absl::IsNotFound(updated.status())) continue;
    if (!updated.ok()) return updated.status();
    owned.push_back(std::make_shared<const ControllerRevision>(std::move(*updated)));
  }
  return owned;
}

absl::Status StatefulSetController::Sync(const std::string& key) {
  auto [ns, name] = informer::SplitKey(key);
  auto set = listers_.sets.Get(ns, name);
  if (set == nullptr) return absl::OkStatus();  // deleted: the GC removes its pods
  auto selector = labels::LabelSelector::FromProto(set->spec().selector());
  if (!selector.ok() || selector->Empty()) {
    // Not transient: retrying cannot help until the set changes.
    spdlog::error("statefulset {}: bad selector: {}", key,
                  selector.ok() ? "empty" : std::string(selector.status().message()));
    return absl::OkStatus();
  }
  auto revisions = ClaimRevisions(*set, *selector);
  if (!revisions.ok()) return revisions.status();
  auto pods = ClaimPods(*set, *selector);
  if (!pods.ok()) return pods.status();
  auto again = control_.Sync(*set, *pods, std::move(*revisions));
  if (!again.ok()) return again.status();
  if (*again != absl::InfiniteDuration()) queue().AddAfter(key, *again);
  return absl::OkStatus();
}

}  // namespace ordo::statefulset
