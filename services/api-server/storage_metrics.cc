#include "services/api-server/storage_metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace ordo::apiserver {
namespace {

prometheus::Histogram& OneHistogram(prometheus::Registry& registry, const std::string& name,
                                    const std::string& help,
                                    prometheus::Histogram::BucketBoundaries buckets) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, buckets);
}

prometheus::Histogram::BucketBoundaries Doubling(double first, int count) {
  prometheus::Histogram::BucketBoundaries out;
  for (double b = first; count-- > 0; b *= 2) out.push_back(b);
  return out;
}

prometheus::ClientMetric GaugeOf(double value,
                                 std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  metric.label = std::move(labels);
  return metric;
}

}  // namespace

StoreMetrics::StoreMetrics(prometheus::Registry& registry)
    : group_size_(OneHistogram(registry, "ordo_store_commit_group_transactions",
                               "Transactions written together in one durable group commit.",
                               Doubling(1, 12))),
      // etcd's etcd_disk_wal_fsync_duration_seconds buckets: 1 ms to 8 s.
      fsync_(OneHistogram(registry, "ordo_store_fsync_duration_seconds",
                          "Duration of a group commit's durable write (RocksDB WAL write and "
                          "fsync) in seconds.",
                          Doubling(0.001, 14))),
      events_(prometheus::BuildCounter()
                  .Name("ordo_store_events_total")
                  .Help("Changes written to the store.")
                  .Register(registry)
                  .Add({})),
      window_events_(prometheus::BuildGauge()
                         .Name("ordo_store_event_window_events")
                         .Help("Recent events held for watchers to resume from.")
                         .Register(registry)
                         .Add({})),
      window_capacity_(prometheus::BuildGauge()
                           .Name("ordo_store_event_window_capacity")
                           .Help("How many recent events the window holds at most "
                                 "(--event-window).")
                           .Register(registry)
                           .Add({})),
      cut_off_(prometheus::BuildCounter()
                   .Name("ordo_store_watchers_cut_off_total")
                   .Help("Watchers that fell behind the event window and were told to relist.")
                   .Register(registry)
                   .Add({})) {}

void StoreMetrics::GroupCommitted(const store::GroupCommit& commit) {
  group_size_.Observe(static_cast<double>(commit.transactions));
  fsync_.Observe(absl::ToDoubleSeconds(commit.durable_write));
  events_.Increment(static_cast<double>(commit.events));
  window_events_.Set(static_cast<double>(commit.window_events));
  window_capacity_.Set(static_cast<double>(commit.window_capacity));
}

void StoreMetrics::WatcherCutOff() { cut_off_.Increment(); }

std::vector<prometheus::MetricFamily> StoredStateCollector::Collect() const {
  prometheus::MetricFamily objects{"apiserver_storage_objects",
                                   "Objects of each resource in the store, counted at scrape.",
                                   prometheus::MetricType::Gauge,
                                   {}};
  prometheus::MetricFamily watchers{"apiserver_registered_watchers",
                                    "Watches of each kind open now.",
                                    prometheus::MetricType::Gauge,
                                    {}};
  for (Registry* registry : api_.registries()) {
    const api::ResourceInfo& info = registry->info();
    // A count of the keys under the kind's prefix: no object is parsed, and
    // a store that cannot answer leaves the kind out.
    auto first = api_.store().ListAt(info.Prefix(""), "", 1, 0, store::RestCount::kCount);
    if (!first.ok()) continue;
    const size_t stored = first->kvs.size() + static_cast<size_t>(first->remaining.value_or(0));
    const std::string resource =
        info.group.empty() ? info.resource : absl::StrCat(info.resource, ".", info.group);
    objects.metric.push_back(GaugeOf(static_cast<double>(stored), {{"resource", resource}}));
    watchers.metric.push_back(
        GaugeOf(static_cast<double>(registry->open_watches()),
                {{"group", info.group}, {"version", info.version}, {"kind", info.kind}}));
  }
  return {std::move(objects), std::move(watchers)};
}

}  // namespace ordo::apiserver
