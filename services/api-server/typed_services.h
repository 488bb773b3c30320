// The gRPC face of the api-server: one typed callback service per kind, each a
// thin adapter that converts the request, runs the ApiServer/Registry call on
// an Executor (store commits block until their fsync, and gRPC's own threads
// must not), and finishes with the converted status. Watches are
// ServerWriteReactors fed by a WatchSource; a slow client never blocks the
// store, and falls out with OUT_OF_RANGE when the event window passes it.
// Create with MakeServices(); the services live as long as the returned object.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "common/server/executor.h"
#include "services/api-server/api_server.h"

namespace ordo::apiserver {

// Every gRPC service of the api-server, ready to register.
class ApiServices {
 public:
  virtual ~ApiServices() = default;
  virtual std::vector<grpc::Service*> services() = 0;
};

// `unary` runs blocking request handlers; `watch` feeds watch streams.
std::unique_ptr<ApiServices> MakeServices(ApiServer& api, server::Executor& unary,
                                          server::Executor& watch);

}  // namespace ordo::apiserver
