// The api-server's maintenance service (ordo.maintenance.v1.Maintenance):
// Snapshot streams the whole store at one revision in the snapshot file
// format (common/store/snapshot.h), read from the store's consistent list, so
// writes go on while it streams. Callers need `get` on `snapshots` in API
// group `ordo.io`. Sync gRPC API: a thread per snapshot. The service holds
// `store` and `gate`, which must outlive it; thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <memory>

#include "common/store/store.h"
#include "services/api-server/access_gate.h"

namespace ordo::apiserver {

std::unique_ptr<grpc::Service> NewMaintenanceService(store::Store& store, const AccessGate& gate);

}  // namespace ordo::apiserver
