#include "services/controller-manager/gc/fake_gc_client.h"

#include <algorithm>

namespace ordo::testing {

using gc::ObjectNode;

std::optional<ObjectNode> FakeGcClient::Find(const std::string& uid) {
  std::optional<ObjectNode> found;
  api::ForEachKind([&]<typename T>() {
    for (const auto& obj : store.Cache<T>().List()) {
      if (!found.has_value() && obj->metadata().uid() == uid) {
        found = gc::NodeOf(api::KindTraits<T>::Info(), obj->metadata());
      }
    }
  });
  return found;
}

void FakeGcClient::ReflectLocked(const ObjectNode& node) {
  std::optional<ObjectNode> now = Find(node.uid);
  auto dirty = now.has_value() ? graph_.Upsert(*now) : graph_.Remove(node.uid);
  if (collector_ != nullptr) collector_->Enqueue(dirty);
}

void FakeGcClient::Put(ObjectNode node, bool visible) {
  absl::MutexLock lock(&mu_);
  FakeObjectStore::VisitKind(node.info->resource, [&]<typename T>() {
    T obj;
    auto& meta = *obj.mutable_metadata();
    meta.set_namespace_(node.ns);
    meta.set_name(node.name);
    meta.set_uid(node.uid);
    for (const auto& ref : node.owners) *meta.add_owner_references() = ref;
    for (const auto& f : node.finalizers) meta.add_finalizers(f);
    store.Put(obj);
  });
  if (visible) ReflectLocked(node);
}

void FakeGcClient::DeleteLocked(const ObjectNode& node, const std::string& propagation) {
  FakeObjectStore::VisitKind(node.info->resource, [&]<typename T>() {
    store
        .Delete<T>(node.ns, node.name,
                   {.uid = node.uid, .grace_period_seconds = 0, .propagation_policy = propagation})
        .IgnoreError();  // gone already: nothing to do
  });
  ReflectLocked(node);
}

template <typename Edit>
void FakeGcClient::EditLocked(const ObjectNode& node, Edit edit) {
  FakeObjectStore::VisitKind(node.info->resource, [&]<typename T>() {
    auto obj = store.Find<T>(node.ns, node.name);
    if (obj == nullptr || obj->metadata().uid() != node.uid) return;
    T edited = *obj;
    edit(*edited.mutable_metadata());
    store.Update(edited).IgnoreError();  // single-threaded tests: no conflict
  });
  ReflectLocked(node);
}

void FakeGcClient::UserDelete(const std::string& uid, const std::string& propagation) {
  absl::MutexLock lock(&mu_);
  if (auto node = Find(uid); node.has_value()) DeleteLocked(*node, propagation);
}

bool FakeGcClient::Exists(const std::string& uid) { return Find(uid).has_value(); }

ObjectNode FakeGcClient::Object(const std::string& uid) { return Find(uid).value(); }

std::vector<std::string> FakeGcClient::TakeActions() {
  absl::MutexLock lock(&mu_);
  return std::exchange(actions_, {});
}

absl::StatusOr<gc::OwnerState> FakeGcClient::LookupOwner(const meta::v1::OwnerReference& ref,
                                                         const std::string&) {
  std::optional<ObjectNode> owner = Find(ref.uid());
  if (!owner.has_value()) return gc::OwnerState::kAbsent;
  if (owner->deleting && owner->HasFinalizer(gc::kForegroundFinalizer)) {
    return gc::OwnerState::kWaitingOnDependents;
  }
  return gc::OwnerState::kPresent;
}

absl::Status FakeGcClient::Delete(const ObjectNode& node, const std::string& propagation) {
  absl::MutexLock lock(&mu_);
  actions_.push_back("delete " + node.Describe() + " " + propagation);
  DeleteLocked(node, propagation);
  return absl::OkStatus();
}

absl::Status FakeGcClient::RemoveOwners(const ObjectNode& node,
                                        const absl::flat_hash_set<std::string>& owner_uids) {
  absl::MutexLock lock(&mu_);
  actions_.push_back("remove owners " + node.Describe());
  EditLocked(node, [&](meta::v1::ObjectMeta& meta) {
    auto* owners = meta.mutable_owner_references();
    owners->erase(std::remove_if(owners->begin(), owners->end(),
                                 [&](const auto& ref) { return owner_uids.contains(ref.uid()); }),
                  owners->end());
  });
  return absl::OkStatus();
}

absl::Status FakeGcClient::RemoveFinalizer(const ObjectNode& node, const std::string& finalizer) {
  absl::MutexLock lock(&mu_);
  actions_.push_back("remove finalizer " + finalizer + " " + node.Describe());
  EditLocked(node, [&](meta::v1::ObjectMeta& meta) {
    auto* fs = meta.mutable_finalizers();
    fs->erase(std::remove(fs->begin(), fs->end(), finalizer), fs->end());
  });
  return absl::OkStatus();
}

}  // namespace ordo::testing
