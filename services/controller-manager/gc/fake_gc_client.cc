#include "services/controller-manager/gc/fake_gc_client.h"

#include <algorithm>

namespace ordo::testing {

using gc::ObjectNode;

void FakeGcClient::Publish(const ObjectNode& node) {
  auto dirty = graph_.Upsert(node);
  if (collector_ != nullptr) collector_->Enqueue(dirty);
}

void FakeGcClient::Erase(const std::string& uid) {
  objects_.erase(uid);
  auto dirty = graph_.Remove(uid);
  if (collector_ != nullptr) collector_->Enqueue(dirty);
}

void FakeGcClient::Put(ObjectNode node, bool visible) {
  absl::MutexLock lock(&mu_);
  objects_[node.uid] = node;
  if (visible) Publish(node);
}

void FakeGcClient::DeleteLocked(const std::string& uid, const std::string& propagation) {
  auto it = objects_.find(uid);
  if (it == objects_.end()) return;
  ObjectNode& node = it->second;
  if (propagation == "Orphan" && !node.HasFinalizer(gc::kOrphanFinalizer)) {
    node.finalizers.push_back(gc::kOrphanFinalizer);
  }
  if (propagation == "Foreground" && !node.HasFinalizer(gc::kForegroundFinalizer)) {
    node.finalizers.push_back(gc::kForegroundFinalizer);
  }
  if (node.finalizers.empty()) {
    Erase(uid);
    return;
  }
  node.deleting = true;
  Publish(node);
}

void FakeGcClient::UserDelete(const std::string& uid, const std::string& propagation) {
  absl::MutexLock lock(&mu_);
  DeleteLocked(uid, propagation);
}

bool FakeGcClient::Exists(const std::string& uid) {
  absl::MutexLock lock(&mu_);
  return objects_.contains(uid);
}

ObjectNode FakeGcClient::Object(const std::string& uid) {
  absl::MutexLock lock(&mu_);
  return objects_.at(uid);
}

std::vector<std::string> FakeGcClient::TakeActions() {
  absl::MutexLock lock(&mu_);
  return std::exchange(actions_, {});
}

absl::StatusOr<gc::OwnerState> FakeGcClient::LookupOwner(const meta::v1::OwnerReference& ref,
                                                         const std::string&) {
  absl::MutexLock lock(&mu_);
  auto it = objects_.find(ref.uid());
  if (it == objects_.end()) return gc::OwnerState::kAbsent;
  if (it->second.deleting && it->second.HasFinalizer(gc::kForegroundFinalizer)) {
    return gc::OwnerState::kWaitingOnDependents;
  }
  return gc::OwnerState::kPresent;
}

absl::Status FakeGcClient::Delete(const ObjectNode& node, const std::string& propagation) {
  absl::MutexLock lock(&mu_);
  actions_.push_back("delete " + node.Describe() + " " + propagation);
  DeleteLocked(node.uid, propagation);
  return absl::OkStatus();
}

absl::Status FakeGcClient::RemoveOwners(const ObjectNode& node,
                                        const absl::flat_hash_set<std::string>& owner_uids) {
  absl::MutexLock lock(&mu_);
  actions_.push_back("remove owners " + node.Describe());
  auto it = objects_.find(node.uid);
  if (it == objects_.end()) return absl::OkStatus();
  auto& owners = it->second.owners;
  owners.erase(std::remove_if(owners.begin(), owners.end(),
                              [&](const auto& ref) { return owner_uids.contains(ref.uid()); }),
               owners.end());
  Publish(it->second);
  return absl::OkStatus();
}

absl::Status FakeGcClient::RemoveFinalizer(const ObjectNode& node, const std::string& finalizer) {
  absl::MutexLock lock(&mu_);
  actions_.push_back("remove finalizer " + finalizer + " " + node.Describe());
  auto it = objects_.find(node.uid);
  if (it == objects_.end()) return absl::OkStatus();
  auto& fs = it->second.finalizers;
  fs.erase(std::remove(fs.begin(), fs.end(), finalizer), fs.end());
  if (it->second.deleting && fs.empty()) {
    Erase(node.uid);
  } else {
    Publish(it->second);
  }
  return absl::OkStatus();
}

}  // namespace ordo::testing
