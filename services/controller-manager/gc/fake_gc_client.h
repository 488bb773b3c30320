// FakeGcClient is the garbage collector's api-server in tests, over one
// testing::FakeObjectStore: objects are typed objects of their kinds there;
// each write goes to the store (which honours finalizers and propagation
// policies as the api-server does) and, like a watch would, the result is
// reflected in the ObjectGraph (with the uids it dirties enqueued on the
// collector). A deleted pod is gone at once (grace 0: there is no kubelet).
// Writes are logged in order ("delete pods default/web-0 Background",
// "remove owners pods default/web-1", "remove finalizer orphan statefulsets
// default/web"). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_object_store.h"
#include "services/controller-manager/gc/garbage_collector.h"
#include "services/controller-manager/gc/gc_client.h"

namespace ordo::testing {

class FakeGcClient final : public gc::GcClient {
 public:
  FakeGcClient(gc::ObjectGraph& graph, Clock& clock) : store(clock), graph_(graph) {}
  // The collector to tell of dirtied uids (set before syncing).
  void set_collector(gc::GarbageCollector* collector) { collector_ = collector; }

  FakeObjectStore store;

  // Stores an object; `visible` also puts it in the graph (else only the
  // api-server has it: the graph lags).
  void Put(gc::ObjectNode node, bool visible = true);
  // A user's delete with a propagation policy.
  void UserDelete(const std::string& uid, const std::string& propagation);
  bool Exists(const std::string& uid);
  gc::ObjectNode Object(const std::string& uid);
  std::vector<std::string> TakeActions();

  absl::StatusOr<gc::OwnerState> LookupOwner(const meta::v1::OwnerReference& ref,
                                             const std::string& ns) override;
  absl::Status Delete(const gc::ObjectNode& node, const std::string& propagation) override;
  absl::Status RemoveOwners(const gc::ObjectNode& node,
                            const absl::flat_hash_set<std::string>& owner_uids) override;
  absl::Status RemoveFinalizer(const gc::ObjectNode& node, const std::string& finalizer) override;

 private:
  // The stored object with `uid`, of any kind.
  std::optional<gc::ObjectNode> Find(const std::string& uid);
  void DeleteLocked(const gc::ObjectNode& node, const std::string& propagation)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Rewrites the stored object's metadata with `edit`.
  template <typename Edit>
  void EditLocked(const gc::ObjectNode& node, Edit edit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Tells the graph what the store now holds for `node` (as a watch event).
  void ReflectLocked(const gc::ObjectNode& node) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  gc::ObjectGraph& graph_;
  gc::GarbageCollector* collector_ = nullptr;
  absl::Mutex mu_;
  std::vector<std::string> actions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::testing
