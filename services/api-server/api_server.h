// ApiServer is the api-server's logic behind its gRPC services: one Registry
// per kind over a shared Store and Clock, the default namespaces, and the
// subresources that span more than one plain CRUD call: pod binding, pod
// eviction (honouring PodDisruptionBudgets), StatefulSet scale, and namespace
// deletion. The gRPC layer (typed_services.h) only converts and delegates.
// All methods are safe to call concurrently.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock/clock.h"
#include "common/store/store.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/policy/v1/policy.pb.h"
#include "services/api-server/namespace_cache.h"
#include "services/api-server/registry.h"
#include "services/api-server/service_ip_allocator.h"

namespace ordo::apiserver {

class ApiServer {
 public:
  // Services' cluster IPs come from `service_ips` (--service-cluster-ip-range).
  ApiServer(store::Store& store, Clock& clock,
            const ServiceIpRange& service_ips = DefaultServiceIpRange());

  // Creates the namespaces every cluster has (default, kube-system,
  // kube-public, kube-node-lease) and the default RBAC policy when they are
  // missing, and gives Services stored without an address key their key.
  absl::Status Bootstrap();
  // The `kubernetes` Service in `default` (the range's first address, port
  // 443 to the api-servers' `port`), as every Kubernetes cluster has it;
  // created when missing. Its Endpoints are EndpointReconciler's.
  absl::Status EnsureKubernetesService(int port);
  // Answers which namespaces take creates from a watched cache from now on
  // (NamespaceCache), rather than a store read per create. Call once, before
  // serving.
  absl::Status StartNamespaceCache();
  const ServiceIpAllocator& service_ips() const { return *service_ips_; }

  Registry& registry(absl::string_view kind);
  // Every kind's registry, in kind order.
  std::vector<Registry*> registries();
  store::Store& store() { return store_; }
  Clock& clock() { return clock_; }

  // Sets spec.nodeName and PodScheduled=True. ABORTED if the pod is already
  // bound (to any node) or being deleted.
  absl::StatusOr<MessagePtr> Bind(const core::v1::Binding& binding);
  // Deletes a pod unless that would break its PodDisruptionBudget:
  // RESOURCE_EXHAUSTED "Cannot evict pod as it would violate the pod's
  // disruption budget." as Kubernetes' 429.
  absl::StatusOr<MessagePtr> Evict(const policy::v1::Eviction& eviction);
  absl::StatusOr<apps::v1::Scale> GetScale(const std::string& ns, const std::string& name);
  absl::StatusOr<apps::v1::Scale> UpdateScale(const apps::v1::Scale& scale);
  // A namespace with objects in it goes Terminating (held by the "kubernetes"
  // finalizer until it is empty); an empty one goes at once. The built-in
  // namespaces cannot be deleted.
  absl::StatusOr<MessagePtr> DeleteNamespace(const meta::v1::DeleteRequest& request);

 private:
  absl::Status CheckNamespace(const std::string& ns);
  absl::StatusOr<bool> NamespaceHasObjects(const std::string& ns);

  store::Store& store_;
  Clock& clock_;
  std::unique_ptr<ServiceIpAllocator> service_ips_;
  std::map<std::string, std::unique_ptr<Registry>, std::less<>> registries_;
  std::unique_ptr<NamespaceCache> namespace_cache_;  // goes before the registries
};

}  // namespace ordo::apiserver
