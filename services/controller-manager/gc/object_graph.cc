#include "services/controller-manager/gc/object_graph.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ordo::gc {

bool ObjectNode::HasFinalizer(const std::string& f) const {
  return std::find(finalizers.begin(), finalizers.end(), f) != finalizers.end();
}

std::string ObjectNode::Describe() const {
  return absl::StrCat(info->resource, " ", ns.empty() ? name : absl::StrCat(ns, "/", name));
}

ObjectNode NodeOf(const api::ResourceInfo& info, const meta::v1::ObjectMeta& meta) {
  ObjectNode node;
  node.info = &info;
  node.ns = meta.namespace_();
  node.name = meta.name();
  node.uid = meta.uid();
  node.owners.assign(meta.owner_references().begin(), meta.owner_references().end());
  node.deleting = meta.has_deletion_timestamp();
  node.finalizers.assign(meta.finalizers().begin(), meta.finalizers().end());
  return node;
}

namespace {
bool SameOwners(const ObjectNode& a, const ObjectNode& b) {
  if (a.owners.size() != b.owners.size()) return false;
  for (size_t i = 0; i < a.owners.size(); ++i) {
    if (a.owners[i].SerializeAsString() != b.owners[i].SerializeAsString()) return false;
  }
  return true;
}
}  // namespace

std::vector<std::string> ObjectGraph::Upsert(ObjectNode node) {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> dirty;
  auto it = nodes_.find(node.uid);
  bool changed = it == nodes_.end() || !SameOwners(it->second, node) ||
                 it->second.deleting != node.deleting || it->second.finalizers != node.finalizers;
  if (it != nodes_.end()) {
    for (const auto& ref : it->second.owners) {
      auto deps = dependents_.find(ref.uid());
      if (deps == dependents_.end()) continue;
      deps->second.erase(node.uid);
      if (deps->second.empty()) dependents_.erase(deps);
    }
  }
  for (const auto& ref : node.owners) dependents_[ref.uid()].insert(node.uid);
  if (changed) {
    dirty.push_back(node.uid);
    // An owner waiting on its dependents hears of each change among them.
    if (node.deleting) {
      for (const auto& ref : node.owners) dirty.push_back(ref.uid());
    }
  }
  std::string uid = node.uid;
  nodes_[uid] = std::move(node);
  return dirty;
}

std::vector<std::string> ObjectGraph::RemoveLocked(const std::string& uid) {
  std::vector<std::string> dirty;
  auto it = nodes_.find(uid);
  if (it == nodes_.end()) return dirty;
  for (const auto& ref : it->second.owners) {
    dirty.push_back(ref.uid());  // a foreground owner may now finish
    auto deps = dependents_.find(ref.uid());
    if (deps == dependents_.end()) continue;
    deps->second.erase(uid);
    if (deps->second.empty()) dependents_.erase(deps);
  }
  if (auto deps = dependents_.find(uid); deps != dependents_.end()) {
    dirty.insert(dirty.end(), deps->second.begin(), deps->second.end());
  }
  nodes_.erase(it);
  return dirty;
}

std::vector<std::string> ObjectGraph::Remove(const std::string& uid) {
  absl::MutexLock lock(&mu_);
  return RemoveLocked(uid);
}

std::optional<ObjectNode> ObjectGraph::Get(const std::string& uid) {
  absl::MutexLock lock(&mu_);
  auto it = nodes_.find(uid);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

std::vector<ObjectNode> ObjectGraph::Dependents(const std::string& owner_uid) {
  absl::MutexLock lock(&mu_);
  std::vector<ObjectNode> out;
  auto deps = dependents_.find(owner_uid);
  if (deps == dependents_.end()) return out;
  for (const auto& uid : deps->second) {
    auto it = nodes_.find(uid);
    if (it != nodes_.end()) out.push_back(it->second);
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectNode& a, const ObjectNode& b) { return a.name < b.name; });
  return out;
}

size_t ObjectGraph::Size() {
  absl::MutexLock lock(&mu_);
  return nodes_.size();
}

}  // namespace ordo::gc
