// ordoctl health: asks a server's grpc.health.v1 whether it is serving, for
// compose health checks and scripts. Any ordo server answers (the
// api-server, a node agent, ordo-dns's gRPC port if it has one).
#include "cli/ordoctl/commands.h"
#include "common/server/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ordo::ctl {

int Health(const Args& args, Context& ctx) {
  std::string address = args.positional.size() > 1 ? args.positional[1] : ctx.server;
  auto stub = grpc::health::v1::Health::NewStub(Dial(ctx, address));
  grpc::ClientContext call;
  call.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(3)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status s = stub->Check(&call, request, &response);
  if (!s.ok()) {
    ctx.err << "error: " << address << ": " << s.error_message() << "\n";
    return 1;
  }
  ctx.out << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace ordo::ctl
