// Indexer<T> is an informer's local cache: objects keyed by "namespace/name"
// ("name" for cluster-scoped kinds), with secondary indexes computed by index
// functions (namespace, controller owner uid, spec.nodeName, label key=value,
// or any other). Objects are shared and immutable: callers get
// shared_ptr<const T> and must copy before changing one.
// All methods are safe to call concurrently.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "common/informer/lister_watcher.h"
#include "common/labels/selector.h"

namespace ordo::informer {

// "namespace/name", or "name" when the namespace is empty.
std::string KeyOf(const meta::v1::ObjectMeta& meta);
// Splits a key back; namespace is empty for cluster-scoped keys.
std::pair<std::string, std::string> SplitKey(const std::string& key);

template <typename T>
using IndexFunc = std::function<std::vector<std::string>(const T&)>;

// Common index functions.
inline constexpr char kNamespaceIndex[] = "namespace";
inline constexpr char kOwnerIndex[] = "owner";  // controller ownerReference uid
inline constexpr char kLabelIndex[] = "label";  // "key=value" for every label

template <typename T>
std::vector<std::string> NamespaceIndexFunc(const T& obj) {
  return {obj.metadata().namespace_()};
}

template <typename T>
std::vector<std::string> OwnerIndexFunc(const T& obj) {
  for (const auto& ref : obj.metadata().owner_references()) {
    if (ref.controller()) return {ref.uid()};
  }
  return {};
}

// For kinds with spec.nodeName (pods): add with AddIndex(kNodeNameIndex, ...).
inline constexpr char kNodeNameIndex[] = "nodeName";
template <typename T>
std::vector<std::string> NodeNameIndexFunc(const T& obj) {
  return {obj.spec().node_name()};
}

template <typename T>
std::vector<std::string> LabelIndexFunc(const T& obj) {
  std::vector<std::string> out;
  for (const auto& [k, v] : obj.metadata().labels()) out.push_back(k + "=" + v);
  return out;
}

template <typename T>
class Indexer {
 public:
  // The namespace, owner and label indexes are always present.
  Indexer() {
    AddIndex(kNamespaceIndex, NamespaceIndexFunc<T>);
    AddIndex(kOwnerIndex, OwnerIndexFunc<T>);
    AddIndex(kLabelIndex, LabelIndexFunc<T>);
  }

  // REQUIRES: called before any object is added.
  void AddIndex(const std::string& name, IndexFunc<T> fn) {
    absl::MutexLock lock(&mu_);
    index_funcs_[name] = std::move(fn);
  }

  // Stores `obj`; returns the object it replaced, or null.
  ObjectPtr<T> Upsert(ObjectPtr<T> obj) {
    absl::MutexLock lock(&mu_);
    std::string key = KeyOf(obj->metadata());
    ObjectPtr<T> old;
    if (auto it = items_.find(key); it != items_.end()) {
      old = it->second;
      Unindex(key, *old);
    }
    Index(key, *obj);
    items_[key] = std::move(obj);
    return old;
  }

  // Removes the object under `key`; returns it, or null.
  ObjectPtr<T> Remove(const std::string& key) {
    absl::MutexLock lock(&mu_);
    auto it = items_.find(key);
    if (it == items_.end()) return nullptr;
    ObjectPtr<T> old = it->second;
    Unindex(key, *old);
    items_.erase(it);
    return old;
  }

  ObjectPtr<T> Get(const std::string& key) {
    absl::ReaderMutexLock lock(&mu_);
    auto it = items_.find(key);
    return it == items_.end() ? nullptr : it->second;
  }

  std::vector<ObjectPtr<T>> List() {
    absl::ReaderMutexLock lock(&mu_);
    std::vector<ObjectPtr<T>> out;
    for (const auto& [key, obj] : items_) out.push_back(obj);
    return out;
  }

  std::vector<std::string> Keys() {
    absl::ReaderMutexLock lock(&mu_);
    std::vector<std::string> out;
    for (const auto& [key, obj] : items_) out.push_back(key);
    return out;
  }

  // Objects whose index `index` holds `value`, in key order.
  std::vector<ObjectPtr<T>> ByIndex(const std::string& index, const std::string& value) {
    absl::ReaderMutexLock lock(&mu_);
    std::vector<ObjectPtr<T>> out;
    auto idx = indexes_.find(index);
    if (idx == indexes_.end()) return out;
    auto keys = idx->second.find(value);
    if (keys == idx->second.end()) return out;
    for (const auto& key : keys->second) out.push_back(items_.at(key));
    return out;
  }

  size_t Size() {
    absl::ReaderMutexLock lock(&mu_);
    return items_.size();
  }

 private:
  void Index(const std::string& key, const T& obj) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const auto& [name, fn] : index_funcs_) {
      for (const auto& value : fn(obj)) indexes_[name][value].insert(key);
    }
  }
  void Unindex(const std::string& key, const T& obj) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const auto& [name, fn] : index_funcs_) {
      for (const auto& value : fn(obj)) {
        auto& keys = indexes_[name][value];
        keys.erase(key);
        if (keys.empty()) indexes_[name].erase(value);
      }
    }
  }

  absl::Mutex mu_;
  std::map<std::string, ObjectPtr<T>> items_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, IndexFunc<T>> index_funcs_ ABSL_GUARDED_BY(mu_);
  // index name -> value -> keys (ordered, so ByIndex is deterministic)
  absl::flat_hash_map<std::string, std::map<std::string, std::set<std::string>>> indexes_
      ABSL_GUARDED_BY(mu_);
};

// Lister<T> reads an informer's cache the way controllers do: by namespace
// and name, every object of a namespace matching a selector, or by an index
// of the cache. The objects are shared and immutable; a Lister only reads.
// Safe to use from any thread.
template <typename T>
class Lister {
 public:
  explicit Lister(Indexer<T>& indexer) : indexer_(indexer) {}

  ObjectPtr<T> Get(const std::string& ns, const std::string& name) const {
    return indexer_.Get(ns.empty() ? name : ns + "/" + name);
  }

  // Every object of the cache.
  std::vector<ObjectPtr<T>> List() const { return indexer_.List(); }

  // `ns` empty: every namespace.
  std::vector<ObjectPtr<T>> List(const std::string& ns,
                                 const labels::LabelSelector& selector) const {
    std::vector<ObjectPtr<T>> out;
    for (auto& obj : ns.empty() ? indexer_.List() : indexer_.ByIndex(kNamespaceIndex, ns)) {
      if (selector.Matches(obj->metadata().labels())) out.push_back(std::move(obj));
    }
    return out;
  }

  // The objects whose index `index` (added to the informer's Indexer before
  // it started) has `value`, in key order.
  std::vector<ObjectPtr<T>> ByIndex(const std::string& index, const std::string& value) const {
    return indexer_.ByIndex(index, value);
  }

 private:
  Indexer<T>& indexer_;
};

}  // namespace ordo::informer
