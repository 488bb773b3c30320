#include "services/dns/zone_watcher.h"

#include <thread>

#include "common/informer/grpc_lister_watcher.h"
#include "ordo/core/v1/services.grpc.pb.h"
#include "spdlog/spdlog.h"

namespace ordo::dns {

ZoneWatcher::ZoneWatcher(std::shared_ptr<grpc::Channel> channel, Clock& clock, DnsServer& server)
    : server_(server),
      namespaces_(
          std::make_unique<
              informer::GrpcListerWatcher<core::v1::Namespaces, core::v1::Namespace,
                                          core::v1::NamespaceList, core::v1::NamespaceWatchEvent>>(
              channel),
          clock),
      services_(std::make_unique<informer::GrpcListerWatcher<core::v1::Services, core::v1::Service,
                                                             core::v1::ServiceList,
                                                             core::v1::ServiceWatchEvent>>(channel),
                clock),
      endpoints_(
          std::make_unique<
              informer::GrpcListerWatcher<core::v1::EndpointsService, core::v1::Endpoints,
                                          core::v1::EndpointsList, core::v1::EndpointsWatchEvent>>(
              channel),
          clock) {
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

bool ZoneWatcher::Synced() const {
  return namespaces_.HasSynced() && services_.HasSynced() && endpoints_.HasSynced();
}

void ZoneWatcher::Run(std::stop_token stop) {
  std::jthread a([this](std::stop_token s) { namespaces_.Run(s); });
  std::jthread b([this](std::stop_token s) { services_.Run(s); });
  std::jthread c([this](std::stop_token s) { endpoints_.Run(s); });
  bool announced = false;
  while (!stop.stop_requested()) {
    {
      absl::MutexLock lock(&mu_);
      // Wake on a change, or every 50 ms to notice the first sync and the stop.
      mu_.AwaitWithTimeout(absl::Condition(&dirty_), absl::Milliseconds(50));
      if (!dirty_ || !Synced()) continue;
      dirty_ = false;
    }
    auto zone = ZoneSnapshot::Build(namespaces_.indexer().List(), services_.indexer().List(),
                                    endpoints_.indexer().List(), ++serial_);
    server_.SetZone(std::move(zone));
    if (!announced) {
      spdlog::info("zone synced: answering");
      announced = true;
    }
  }
}

}  // namespace ordo::dns
