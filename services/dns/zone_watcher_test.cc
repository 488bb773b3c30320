// ZoneWatcher before its first sync: with the api-server unreachable it waits
// without burning a core (it once spun on its own dirty flag, ~94 % of a CPU)
// and leaves the server's zone unsynced, so the cluster zone answers SERVFAIL.
#include "services/dns/zone_watcher.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clock/clock.h"

namespace ordo::dns {
namespace {

absl::Duration ProcessCpuTime() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return absl::DurationFromTimeval(usage.ru_utime) + absl::DurationFromTimeval(usage.ru_stime);
}

TEST(ZoneWatcherTest, WaitsForAnUnreachableApiServerWithoutSpinning) {
  ServerOptions options;
  options.zone.zone = "cluster.local";
  DnsServer server(options);
  // Port 1 on loopback: every connection is refused, so no informer syncs.
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  ZoneWatcher watcher(channel, SystemClock(), server);
  absl::Duration cpu_before = ProcessCpuTime();
  absl::Time wall_before = absl::Now();
  std::jthread run([&](std::stop_token stop) { watcher.Run(stop); });
  // A measuring window, not a wait for a condition: a spinning watcher uses
  // the whole second of a core; a waiting one a few milliseconds.
  absl::Notification never;
  never.WaitForNotificationWithTimeout(absl::Seconds(1));
  absl::Duration cpu = ProcessCpuTime() - cpu_before;
  absl::Duration wall = absl::Now() - wall_before;
  run.request_stop();
  run.join();
  EXPECT_LT(cpu, wall * 0.25) << "the watcher used " << cpu << " of CPU in " << wall;
  EXPECT_FALSE(server.zone()->synced());
}

}  // namespace
}  // namespace ordo::dns
