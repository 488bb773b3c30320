// Start-up pieces every ordo service shares: logging set-up, a gRPC server with
// health checking and reflection on --listen (port 0 picks a free port, logged
// and returned), and waiting for SIGINT/SIGTERM. Call from main() only.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ordo::server {

// Parses flags, accepting Kubernetes-style dashed names (--data-dir) for
// Abseil's underscored ones (--data_dir). Returns the positional arguments.
std::vector<char*> ParseFlags(int argc, char** argv, const char* usage);

// Sets up spdlog for a service named `name` ("api-server") from the flags
// every service takes: --log-level, --v and --log-format (logging.h). Exits
// with status 2, naming the flag, when one is bad.
void InitLogging(const std::string& name);

// The shortest interval between a client's keepalive pings that a server
// accepts as not abusive.
inline constexpr int kMinClientPingIntervalMs = 5'000;

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

// Builds and starts a server on `listen` ("127.0.0.1:0") serving `services`,
// plus grpc.health.v1 and server reflection of every ordo service, with
// messages up to kMaxMessageBytes either way, gzip and deflate accepted (gRPC's
// default), keepalive enforcement as above, and `credentials` (mutual TLS,
// security/credentials.h); null serves plaintext, for benchmarks and tools.
// `interceptors` see every call (the api-server's request metrics).
absl::StatusOr<StartedServer> StartGrpcServer(
    const std::string& listen, const std::vector<grpc::Service*>& services,
    std::shared_ptr<grpc::ServerCredentials> credentials = nullptr,
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors = {});

// Writes `port` to `path` atomically (write a temporary file, then rename), so
// a reader never sees a partial number.
absl::Status WritePortFile(const std::string& path, int port);

// A loopback TCP port nothing listens on now (the kernel's pick), for a
// program that cannot report the port it bound (Prometheus, etcd).
absl::StatusOr<int> FreeLoopbackPort();

// Blocks SIGINT and SIGTERM in this thread and every thread it starts later, so
// WaitForShutdownSignal can take them. Call first thing in main().
void BlockShutdownSignals();
// Blocks until SIGINT or SIGTERM arrives. REQUIRES: BlockShutdownSignals() ran.
void WaitForShutdownSignal();

}  // namespace ordo::server
