// GcClient is the garbage collector's edge to the api-server: live reads of
// owners (the graph may lag behind: an owner created after its dependent may
// not have reached it yet, so absence is always confirmed here) and the few
// writes the collector makes. ApiGcClient is the real one over GenericClient;
// FakeGcClient (fake_gc_client.h) keeps objects in memory.
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "common/api/generic_client.h"
#include "common/api/object_meta.h"
#include "services/controller-manager/gc/object_graph.h"

namespace ordo::gc {

enum class OwnerState {
  kAbsent,               // not found, or the name now holds another uid
  kPresent,              // there (or of a kind we cannot look up: kept, to be safe)
  kWaitingOnDependents,  // being deleted in the foreground
};

class GcClient {
 public:
  virtual ~GcClient() = default;
  // The owner `ref` points at, looked up in `ns` if its kind is namespaced.
  virtual absl::StatusOr<OwnerState> LookupOwner(const meta::v1::OwnerReference& ref,
                                                 const std::string& ns) = 0;
  // Deletes exactly `node` (uid precondition) with a propagation policy.
  virtual absl::Status Delete(const ObjectNode& node, const std::string& propagation) = 0;
  // Drops `node`'s owner references to the given uids.
  virtual absl::Status RemoveOwners(const ObjectNode& node,
                                    const absl::flat_hash_set<std::string>& owner_uids) = 0;
  virtual absl::Status RemoveFinalizer(const ObjectNode& node, const std::string& finalizer) = 0;
};

class ApiGcClient final : public GcClient {
 public:
  explicit ApiGcClient(api::GenericClient& client) : client_(client) {}
  absl::StatusOr<OwnerState> LookupOwner(const meta::v1::OwnerReference& ref,
                                         const std::string& ns) override;
  absl::Status Delete(const ObjectNode& node, const std::string& propagation) override;
  absl::Status RemoveOwners(const ObjectNode& node,
                            const absl::flat_hash_set<std::string>& owner_uids) override;
  absl::Status RemoveFinalizer(const ObjectNode& node, const std::string& finalizer) override;

 private:
  // Read, change the metadata, write back; retried on conflict.
  absl::Status UpdateMeta(const ObjectNode& node,
                          const std::function<void(meta::v1::ObjectMeta&)>& change);

  api::GenericClient& client_;
};

// The ResourceInfo of an owner reference's apiVersion and kind; null if unknown.
const api::ResourceInfo* ResourceOfOwner(const meta::v1::OwnerReference& ref);

}  // namespace ordo::gc
