#include "services/controller-manager/statefulset/fake_stateful_set_cluster.h"

#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"

namespace ordo::testing {

using apps::v1::ControllerRevision;
using apps::v1::StatefulSet;
using core::v1::PersistentVolumeClaim;
using core::v1::Pod;

namespace {

// The log line of one store action, or empty for what tests do not follow.
std::string Describe(const Action& action) {
  if (!action.subresource.empty()) return "";
  if (action.resource == "pods") return absl::StrCat(action.verb, " pod ", action.name);
  if (action.resource == "persistentvolumeclaims") {
    if (action.verb != "update") return absl::StrCat(action.verb, " pvc ", action.name);
    std::string owners;
    const auto& claim = static_cast<const PersistentVolumeClaim&>(*action.after);
    for (const auto& ref : claim.metadata().owner_references()) {
      absl::StrAppend(&owners, owners.empty() ? "" : ",", ref.kind(), "/", ref.name());
    }
    return absl::StrCat("own pvc ", action.name, " by ", owners.empty() ? "none" : owners);
  }
  if (action.resource == "controllerrevisions") {
    auto number = [](const auto& obj) {
      return static_cast<const ControllerRevision&>(*obj).revision();
    };
    if (action.verb == "create") return absl::StrCat("create revision ", number(action.after));
    if (action.verb == "delete") return absl::StrCat("delete revision ", number(action.before));
    return absl::StrCat("update revision ", number(action.before), " to ", number(action.after));
  }
  return "";
}

}  // namespace

FakeStatefulSetCluster::FakeStatefulSetCluster(Clock& clock)
    : store(clock),
      sets(store.Cache<StatefulSet>()),
      pods(store.Cache<Pod>()),
      claims(store.Cache<PersistentVolumeClaim>()),
      revisions(store.Cache<ControllerRevision>()),
      nodes(store.Cache<core::v1::Node>()),
      clock_(clock) {}

statefulset::StatefulSetListers FakeStatefulSetCluster::Listers() {
  return {informer::Lister(sets), informer::Lister(pods), informer::Lister(claims),
          informer::Lister(revisions), informer::Lister(nodes)};
}

std::vector<std::string> FakeStatefulSetCluster::TakeActions() {
  std::vector<std::string> out;
  for (const auto& action : store.TakeActions()) {
    std::string line = Describe(action);
    if (!line.empty()) out.push_back(std::move(line));
  }
  return out;
}

StatefulSet FakeStatefulSetCluster::PutSet(StatefulSet set) {
  if (set.metadata().namespace_().empty()) set.mutable_metadata()->set_namespace_("default");
  if (auto old = sets.Get(informer::KeyOf(set.metadata())); old != nullptr) {
    *set.mutable_metadata() = old->metadata();
    *set.mutable_status() = old->status();
  }
  return store.Put(std::move(set));
}

StatefulSet FakeStatefulSetCluster::GetSet(const std::string& name, const std::string& ns) {
  auto set = store.Find<StatefulSet>(ns, name);
  return set == nullptr ? StatefulSet() : *set;
}

Pod FakeStatefulSetCluster::GetPod(const std::string& name, const std::string& ns) {
  auto pod = store.Find<Pod>(ns, name);
  return pod == nullptr ? Pod() : *pod;
}

bool FakeStatefulSetCluster::HasPod(const std::string& name, const std::string& ns) {
  return store.Find<Pod>(ns, name) != nullptr;
}

void FakeStatefulSetCluster::PutPod(Pod pod) {
  if (pod.status().phase().empty()) pod.mutable_status()->set_phase("Pending");
  store.Put(std::move(pod));
}

void FakeStatefulSetCluster::SetReady(const std::string& name, bool ready, const std::string& ns) {
  Pod pod = GetPod(name, ns);
  pod.mutable_status()->set_phase("Running");
  core::v1::PodCondition* condition = nullptr;
  for (auto& c : *pod.mutable_status()->mutable_conditions()) {
    if (c.type() == "Ready") condition = &c;
  }
  if (condition == nullptr) {
    condition = pod.mutable_status()->add_conditions();
    condition->set_type("Ready");
  }
  std::string status = ready ? "True" : "False";
  if (condition->status() != status) {
    condition->set_status(status);
    SetTimestamp(condition->mutable_last_transition_time(), clock_.Now());
  }
  store.Put(std::move(pod));
}

void FakeStatefulSetCluster::SetPhase(const std::string& name, const std::string& phase,
                                      const std::string& ns) {
  Pod pod = GetPod(name, ns);
  pod.mutable_status()->set_phase(phase);
  store.Put(std::move(pod));
}

void FakeStatefulSetCluster::FinishTerminating() {
  for (const auto& pod : pods.List()) {
    if (pod->metadata().has_deletion_timestamp()) {
      store.Remove<Pod>(pod->metadata().namespace_(), pod->metadata().name());
    }
  }
}

void FakeStatefulSetCluster::UserDeletePod(const std::string& name, const std::string& ns) {
  Pod pod = GetPod(name, ns);
  SetTimestamp(pod.mutable_metadata()->mutable_deletion_timestamp(), clock_.Now());
  store.Put(std::move(pod));
}

}  // namespace ordo::testing
