// ZoneWatcher keeps a DnsServer's zone in step with the api-server: informers
// on Namespaces, Services and Endpoints mark the zone dirty on every change,
// and one thread rebuilds the snapshot whenever it is dirty (so a burst of
// changes costs one rebuild), no sooner after the last build than that build
// took, and hands it to the server. Until every informer
// has listed once, the server keeps its unsynced zone (SERVFAIL).
// Thread-safety: Run from one thread; the informers' handlers from theirs.
#pragma once

#include <grpcpp/grpcpp.h>

#include <stop_token>

#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/informer/shared_informer_factory.h"
#include "services/dns/server.h"

namespace ordo::dns {

class ZoneWatcher {
 public:
  ZoneWatcher(std::shared_ptr<grpc::Channel> channel, Clock& clock, DnsServer& server);
  void Run(std::stop_token stop);

 private:
  void MarkDirty();

  Clock& clock_;
  DnsServer& server_;
  informer::SharedInformerFactory informers_;
  informer::SharedInformer<core::v1::Namespace>& namespaces_;
  informer::SharedInformer<core::v1::Service>& services_;
  informer::SharedInformer<core::v1::Endpoints>& endpoints_;
  absl::Mutex mu_;
  bool dirty_ ABSL_GUARDED_BY(mu_) = true;
  uint32_t serial_ = 0;
};

}  // namespace ordo::dns
