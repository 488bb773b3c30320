// The gRPC face of the api-server: one callback service per kind, each a thin
// adapter that converts the request, calls the Registry or ApiServer and
// finishes with the converted status. Writes and gets run on gRPC's thread and
// writes finish when their group commit is on disk (no thread waits for the
// fsync); lists and subresources run on the `unary` Executor. List and Watch
// are raw methods answering with bytes built from the store (wire.h). A slow
// watcher never blocks the store; it falls out with OUT_OF_RANGE when the
// event window passes it.
// Create with MakeServices(); the services live as long as the returned object.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "common/server/executor.h"
#include "services/api-server/access_gate.h"
#include "services/api-server/api_server.h"

namespace ordo::apiserver {

// Every gRPC service of the api-server, ready to register.
class ApiServices {
 public:
  virtual ~ApiServices() = default;
  virtual std::vector<grpc::Service*> services() = 0;
};

// `unary` runs blocking request handlers; `watch` feeds watch streams.
// Every call is first put to the authorizer and refused with Kubernetes'
// Forbidden text as PERMISSION_DENIED; every write (and every refused one)
// goes to the audit log with its outcome. authorization.k8s.io's access
// reviews are served too.
std::unique_ptr<ApiServices> MakeServices(ApiServer& api, server::Executor& unary,
                                          server::Executor& watch, AccessControl access = {});

}  // namespace ordo::apiserver
