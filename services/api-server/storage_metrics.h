// The api-server's storage metrics. StoreMetrics is the store's observer: it
// records each group commit (ordo_store_commit_group_transactions, the
// durable write as ordo_store_fsync_duration_seconds with etcd's WAL fsync
// buckets, the event window's occupancy) and each watcher cut off for being
// slow. StoredStateCollector reads, at scrape time, what kube-apiserver
// reports about stored state: apiserver_storage_objects{resource} and
// apiserver_registered_watchers{group,version,kind}.
// Thread-safety: both are safe from any thread.
#pragma once

#include <memory>
#include <vector>

#include "common/store/store_observer.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "services/api-server/api_server.h"

namespace ordo::apiserver {

class StoreMetrics final : public store::StoreObserver {
 public:
  explicit StoreMetrics(prometheus::Registry& registry);
  void GroupCommitted(const store::GroupCommit& commit) override;
  void WatcherCutOff() override;

 private:
  prometheus::Histogram& group_size_;
  prometheus::Histogram& fsync_;
  prometheus::Counter& events_;
  prometheus::Gauge& window_events_;
  prometheus::Gauge& window_capacity_;
  prometheus::Counter& cut_off_;
};

class StoredStateCollector final : public prometheus::Collectable {
 public:
  // `api` must outlive every scrape.
  explicit StoredStateCollector(ApiServer& api) : api_(api) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  ApiServer& api_;
};

}  // namespace ordo::apiserver
