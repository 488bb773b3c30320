#include "common/metrics/workqueue_metrics.h"

#include "common/metrics/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace ordo::metrics {
namespace {

// client-go's buckets: 10 ns to 10 s, by tens.
prometheus::Histogram::BucketBoundaries DurationBuckets() {
  prometheus::Histogram::BucketBoundaries buckets;
  for (double b = 1e-8; b < 20; b *= 10) buckets.push_back(b);
  return buckets;
}

struct Families {
  explicit Families(prometheus::Registry& r)
      : depth(prometheus::BuildGauge()
                  .Name("workqueue_depth")
                  .Help("Items waiting in the queue now.")
                  .Register(r)),
        adds(prometheus::BuildCounter()
                 .Name("workqueue_adds_total")
                 .Help("Items added to the queue.")
                 .Register(r)),
        queued(prometheus::BuildHistogram()
                   .Name("workqueue_queue_duration_seconds")
                   .Help("Seconds an item waited in the queue before a worker took it.")
                   .Register(r)),
        worked(prometheus::BuildHistogram()
                   .Name("workqueue_work_duration_seconds")
                   .Help("Seconds a worker spent on an item.")
                   .Register(r)),
        retries(prometheus::BuildCounter()
                    .Name("workqueue_retries_total")
                    .Help("Items put back to be retried after a failure.")
                    .Register(r)) {}
  prometheus::Family<prometheus::Gauge>& depth;
  prometheus::Family<prometheus::Counter>& adds;
  prometheus::Family<prometheus::Histogram>& queued;
  prometheus::Family<prometheus::Histogram>& worked;
  prometheus::Family<prometheus::Counter>& retries;
};

class PrometheusQueueMetrics final : public workqueue::QueueMetrics {
 public:
  PrometheusQueueMetrics(Families& f, const std::string& name)
      : depth_(f.depth.Add({{"name", name}})),
        adds_(f.adds.Add({{"name", name}})),
        queued_(f.queued.Add({{"name", name}}, DurationBuckets())),
        worked_(f.worked.Add({{"name", name}}, DurationBuckets())),
        retries_(f.retries.Add({{"name", name}})) {}
  void Added() override { adds_.Increment(); }
  void Depth(int depth) override { depth_.Set(depth); }
  void Waited(absl::Duration d) override { queued_.Observe(absl::ToDoubleSeconds(d)); }
  void Worked(absl::Duration d) override { worked_.Observe(absl::ToDoubleSeconds(d)); }
  void Retried() override { retries_.Increment(); }

 private:
  prometheus::Gauge& depth_;
  prometheus::Counter& adds_;
  prometheus::Histogram& queued_;
  prometheus::Histogram& worked_;
  prometheus::Counter& retries_;
};

}  // namespace

workqueue::QueueMetricsProvider WorkQueueMetricsProvider(
    std::shared_ptr<prometheus::Registry> registry) {
  auto families = std::make_shared<Families>(*registry);
  return [registry, families](const std::string& name) -> std::unique_ptr<workqueue::QueueMetrics> {
    return std::make_unique<PrometheusQueueMetrics>(*families, name);
  };
}

void InstallWorkQueueMetrics() {
  workqueue::SetQueueMetricsProvider(WorkQueueMetricsProvider(DefaultRegistry()));
}

}  // namespace ordo::metrics
