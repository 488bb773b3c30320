// The one conversion between absl::Status and grpc::Status. Absl and gRPC codes
// match one to one; payloads of an absl::Status travel as google.rpc.Status
// details (so a BadRequest reaches any gRPC client) and come back as payloads.
// Stateless functions; safe from any thread.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ordo::status {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ordo::status
