// FakeGcClient is the garbage collector's api-server in tests: objects by
// uid, each write applied at once and, like a watch would, reflected in the
// ObjectGraph (with the uids it dirties enqueued on the collector). Deletes
// honour finalizers and propagation policies as the api-server does; a
// deleted pod is gone at once (no kubelet). Writes are logged in order
// ("delete pods default/web-0 Background", "remove owners pods default/web-1",
// "remove finalizer orphan statefulsets default/web"). Thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/controller-manager/gc/garbage_collector.h"
#include "services/controller-manager/gc/gc_client.h"

namespace ordo::testing {

class FakeGcClient final : public gc::GcClient {
 public:
  explicit FakeGcClient(gc::ObjectGraph& graph) : graph_(graph) {}
  // The collector to tell of dirtied uids (set before syncing).
  void set_collector(gc::GarbageCollector* collector) { collector_ = collector; }

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
  void Publish(const gc::ObjectNode& node) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Erase(const std::string& uid) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DeleteLocked(const std::string& uid, const std::string& propagation)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  gc::ObjectGraph& graph_;
  gc::GarbageCollector* collector_ = nullptr;
  absl::Mutex mu_;
  std::map<std::string, gc::ObjectNode> objects_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> actions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::testing
