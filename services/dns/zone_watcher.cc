#include "services/dns/zone_watcher.h"

#include "spdlog/spdlog.h"

namespace ordo::dns {

ZoneWatcher::ZoneWatcher(std::shared_ptr<grpc::Channel> channel, Clock& clock, DnsServer& server)
    : clock_(clock),
      server_(server),
      informers_(std::move(channel), clock),
      namespaces_(informers_.For<core::v1::Namespace>()),
      services_(informers_.For<core::v1::Service>()),
      endpoints_(informers_.For<core::v1::Endpoints>()) {
  namespaces_.AddEventHandler({[this](const auto&) { MarkDirty(); },
                               [this](const auto&, const auto&) { MarkDirty(); },
                               [this](const auto&) { MarkDirty(); }});
  services_.AddEventHandler({[this](const auto&) { MarkDirty(); },
                             [this](const auto&, const auto&) { MarkDirty(); },
                             [this](const auto&) { MarkDirty(); }});
  endpoints_.AddEventHandler({[this](const auto&) { MarkDirty(); },
                              [this](const auto&, const auto&) { MarkDirty(); },
                              [this](const auto&) { MarkDirty(); }});
}

void ZoneWatcher::MarkDirty() {
  absl::MutexLock lock(&mu_);
  dirty_ = true;
}

void ZoneWatcher::Run(std::stop_token stop) {
  informers_.Start();
  bool announced = false;
  absl::Time next_build = absl::InfinitePast();
  while (!stop.stop_requested()) {
    // Until every informer has listed once there is no zone to build; waiting
    // on dirty_ then would spin (the zone starts dirty), so poll the sync.
    if (!informers_.WaitForCacheSync(stop)) break;
    // A build reads the whole zone (1.8 s at 150,000 endpoints): the next one
    // waits as long as the last took, so while changes stream in builds hold
    // half a core, not all of it, and the changes of the wait go into one.
    if (!SleepUntil(clock_, stop, next_build)) break;
    {
      absl::MutexLock lock(&mu_);
      // Wake on a change, or every 50 ms to notice the stop.
      mu_.AwaitWithTimeout(absl::Condition(&dirty_), absl::Milliseconds(50));
      if (!dirty_) continue;
      dirty_ = false;
    }
    const absl::Time start = clock_.Now();
    auto zone = ZoneSnapshot::Build(namespaces_.indexer().List(), services_.indexer().List(),
                                    endpoints_.indexer().List(), ++serial_);
    const absl::Duration build_time = clock_.Now() - start;
    server_.SetZone(std::move(zone), build_time);
    next_build = clock_.Now() + build_time;
    if (!announced) {
      spdlog::info("zone synced: answering");
      announced = true;
    }
  }
  informers_.Stop();
}

}  // namespace ordo::dns
