// EndpointReconciler keeps the `kubernetes` Service's Endpoints naming every
// live api-server of a cluster whose api-servers share one store (--store
// etcd), as Kubernetes' lease reconciler does (pkg/controlplane/reconcilers):
// each api-server holds a Lease in kube-system (label
// apiserver.kubernetes.io/identity=kube-apiserver, holderIdentity its
// HOST:PORT) and renews it; the Endpoints list the holders of every Lease not
// yet expired, one subset per port (local clusters give each api-server a
// port of its own). An api-server that stops removes itself at once; one
// that dies drops out when its Lease expires. One api-server alone works the
// same way. Thread-safe: each method is one pass over the store.
#pragma once

#include <stop_token>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "services/api-server/api_server.h"

namespace ordo::apiserver {

class EndpointReconciler {
 public:
  // Kubernetes' master lease TTL is 15 s, renewed every 10 s (a third).
  static constexpr absl::Duration kLeaseDuration = absl::Seconds(15);

  EndpointReconciler(ApiServer& api, Clock& clock, std::string host, int port,
                     absl::Duration lease_duration = kLeaseDuration);

  // Renews this api-server's Lease (creating it if missing), then sets the
  // Endpoints to the holders of every unexpired Lease.
  absl::Status Reconcile();
  // Deletes this api-server's Lease and sets the Endpoints to the others:
  // what a clean shutdown does.
  absl::Status Remove();
  // Reconciles every third of the lease duration until `stop`, then Removes.
  void Run(std::stop_token stop);

  // The Lease name of the api-server at `address` (HOST:PORT).
  static std::string LeaseName(const std::string& address);

 private:
  absl::Status Renew();
  absl::Status SetEndpoints();

  ApiServer& api_;
  Clock& clock_;
  const std::string host_;
  const int port_;
  const std::string address_;
  const absl::Duration lease_duration_;
};

}  // namespace ordo::apiserver
