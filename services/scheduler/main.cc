// ordo-scheduler: binds each unscheduled pod to a node (see scheduler.h).
#include <thread>

#include "absl/flags/flag.h"
#include "common/server/channel.h"
#include "common/server/server_main.h"
#include "services/scheduler/scheduler.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, server, "127.0.0.1:6443", "The api-server's address");
ABSL_FLAG(std::string, scheduler_name, "default-scheduler", "Pods naming this scheduler are ours");
ABSL_FLAG(int, binders, 32, "Concurrent Bind calls");
ABSL_FLAG(std::string, log_level, "info", "trace|debug|info|warn|error");

int main(int argc, char** argv) {
  ordo::server::BlockShutdownSignals();
  ordo::server::ParseFlags(argc, argv, "ordo-scheduler --server HOST:PORT: places pods on nodes");
  ordo::server::InitLogging("scheduler", absl::GetFlag(FLAGS_log_level));
  auto channel = ordo::server::NewChannel(absl::GetFlag(FLAGS_server));
  ordo::scheduler::Scheduler scheduler(
      channel, ordo::SystemClock(),
      {.name = absl::GetFlag(FLAGS_scheduler_name), .binders = absl::GetFlag(FLAGS_binders)});
  std::jthread runner([&](std::stop_token stop) { scheduler.Run(stop); });
  spdlog::info("scheduler running against {}", absl::GetFlag(FLAGS_server));
  ordo::server::WaitForShutdownSignal();
  return 0;
}
