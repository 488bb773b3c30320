// ordo-scheduler: binds each unscheduled pod to a node (see scheduler.h).
#include <thread>

#include "absl/flags/flag.h"
#include "common/events/event_recorder.h"
#include "common/informer/shared_informer_factory.h"
#include "common/metrics/metrics.h"
#include "common/metrics/metrics_flags.h"
#include "common/security/client_flags.h"
#include "common/security/server_flags.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "services/scheduler/scheduler.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:10259",
          "HOST:PORT of this scheduler's own port (gRPC health; mutual TLS with --tls-cert-file, "
          "--tls-private-key-file and --client-ca-file); port 0 picks a free one");
ABSL_FLAG(std::string, port_file, "", "if set, the bound port is written here once serving");
ABSL_FLAG(std::string, server, "",
          "The api-server's address (default: the --kubeconfig's server, else 127.0.0.1:6443)");
ABSL_FLAG(std::string, scheduler_name, "default-scheduler", "Pods naming this scheduler are ours");
ABSL_FLAG(int, binders, 32, "Concurrent Bind calls");

namespace ordo {
namespace {

int RunScheduler() {
  auto dialed = security::DialFromFlags(absl::GetFlag(FLAGS_server));
  if (!dialed.ok()) {
    spdlog::error("{}", std::string(dialed.status().message()));
    return 2;
  }
  std::shared_ptr<grpc::Channel> channel = *dialed;
  auto serving =
      security::ServeComponentPort(absl::GetFlag(FLAGS_listen), absl::GetFlag(FLAGS_port_file));
  if (!serving.ok()) {
    spdlog::error("{}", std::string(serving.status().message()));
    return 2;
  }
  Clock& clock = SystemClock();
  informer::SharedInformerFactory informers(channel, clock);
  // Asked for first, so started first: pods are placed against known nodes.
  auto& nodes = informers.For<core::v1::Node>();
  auto& claims = informers.For<core::v1::PersistentVolumeClaim>();
  auto& volumes = informers.For<core::v1::PersistentVolume>();
  auto& classes = informers.For<storage::v1::StorageClass>();
  auto& pods = informers.For<core::v1::Pod>();
  scheduler::ApiSchedulerClient client(channel, clock);
  api::ResourceClient<core::v1::Event> event_client(channel, clock);
  events::ApiEventRecorder events(event_client, clock, absl::GetFlag(FLAGS_scheduler_name));
  scheduler::Scheduler scheduler(
      {informer::Lister(pods.indexer()), informer::Lister(claims.indexer()),
       informer::Lister(volumes.indexer()), informer::Lister(classes.indexer())},
      client, clock,
      {.name = absl::GetFlag(FLAGS_scheduler_name),
       .binders = absl::GetFlag(FLAGS_binders),
       .metrics = metrics::DefaultRegistry(),
       .events = &events});
  nodes.AddEventHandler(scheduler.NodeHandler());
  claims.AddEventHandler(scheduler.RetryHandler<core::v1::PersistentVolumeClaim>());
  volumes.AddEventHandler(scheduler.RetryHandler<core::v1::PersistentVolume>());
  classes.AddEventHandler(scheduler.RetryHandler<storage::v1::StorageClass>());
  pods.AddEventHandler(scheduler.PodHandler());
  informers.Start();
  std::jthread runner([&](std::stop_token stop) { scheduler.Run(stop); });
  spdlog::info("scheduler running");
  server::WaitForShutdownSignal();
  runner.request_stop();
  runner.join();
  informers.Stop();
  serving->server->Shutdown();
  return 0;
}

}  // namespace
}  // namespace ordo

int main(int argc, char** argv) {
  ordo::server::BlockShutdownSignals();
  ordo::server::ParseFlags(argc, argv, "ordo-scheduler --server HOST:PORT: places pods on nodes");
  ordo::server::InitLogging("scheduler");
  // Kept for the life of the process: /metrics serves until exit.
  auto metrics_endpoint = ordo::metrics::ServeMetricsFromFlags();
  if (!metrics_endpoint.ok()) {
    spdlog::error("{}", std::string(metrics_endpoint.status().message()));
    return 1;
  }
  return ordo::RunScheduler();
}
