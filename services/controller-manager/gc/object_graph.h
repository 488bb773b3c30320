// ObjectGraph is the garbage collector's picture of ownership: every object
// it watches, by uid, with its owner references, deletion state and
// finalizers, and the reverse index owner uid -> dependents. Changes report
// which uids the collector must look at again: the object itself when its
// owners or deletion state changed, and an object's dependents (and owners,
// for foreground deletion) when it goes away.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "common/api/resource_info.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::gc {

inline constexpr char kOrphanFinalizer[] = "orphan";
inline constexpr char kForegroundFinalizer[] = "foregroundDeletion";

struct ObjectNode {
  const api::ResourceInfo* info = nullptr;
  std::string ns;
  std::string name;
  std::string uid;
  std::vector<meta::v1::OwnerReference> owners;
  bool deleting = false;
  std::vector<std::string> finalizers;

  bool HasFinalizer(const std::string& f) const;
  // "pods default/web-0"
  std::string Describe() const;
};

ObjectNode NodeOf(const api::ResourceInfo& info, const meta::v1::ObjectMeta& meta);

class ObjectGraph {
 public:
  // Adds or replaces a node; returns the uids to look at.
  std::vector<std::string> Upsert(ObjectNode node);
  // Removes a node; returns the uids to look at (its dependents and owners).
  std::vector<std::string> Remove(const std::string& uid);

  std::optional<ObjectNode> Get(const std::string& uid);
  std::vector<ObjectNode> Dependents(const std::string& owner_uid);
  size_t Size();

 private:
  std::vector<std::string> RemoveLocked(const std::string& uid) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, ObjectNode> nodes_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> dependents_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::gc
