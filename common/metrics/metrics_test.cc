// Metrics: the process series read /proc; a named work queue's series
// follow its adds, waits, work and retries (on a fake clock); the endpoint
// serves the exposition over HTTP and refuses a bad or taken address.
#include "common/metrics/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock/fake_clock.h"
#include "common/metrics/process_collector.h"
#include "common/metrics/workqueue_metrics.h"
#include "common/testing/http_get.h"
#include "common/workqueue/work_queue.h"
#include "prometheus/counter.h"
#include "prometheus/text_serializer.h"

namespace ordo::metrics {
namespace {

using ::testing::HasSubstr;

std::string Exposition(const prometheus::Collectable& c) {
  return prometheus::TextSerializer().Serialize(c.Collect());
}

// The value of the series line starting with `series` ("" when absent).
std::string Value(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return "";
  at += series.size() + 2;
  return text.substr(at, text.find('\n', at) - at);
}

TEST(MetricsTest, TheProcessSeriesComeFromProc) {
  std::string text = "\n" + Exposition(ProcessCollector());
  EXPECT_GT(std::stod(Value(text, "process_resident_memory_bytes")), 1e6);
  EXPECT_GT(std::stod(Value(text, "process_open_fds")), 2);
  EXPECT_GE(std::stod(Value(text, "process_threads")), 1);
  EXPECT_GE(std::stod(Value(text, "process_cpu_seconds_total")), 0);
  double started = std::stod(Value(text, "process_start_time_seconds"));
  EXPECT_NEAR(started, absl::ToUnixSeconds(absl::Now()), 3600);
}

TEST(MetricsTest, ANamedQueueReportsClientGosSeries) {
  auto registry = std::make_shared<prometheus::Registry>();
  workqueue::SetQueueMetricsProvider(WorkQueueMetricsProvider(registry));
  FakeClock clock;
  workqueue::WorkQueue queue(clock);
  queue.SetName("statefulset");
  queue.Add("default/web");
  queue.Add("default/db");
  queue.Add("default/web");  // merged
  std::string text = "\n" + Exposition(*registry);
  EXPECT_EQ(Value(text, R"(workqueue_depth{name="statefulset"})"), "2");
  EXPECT_EQ(Value(text, R"(workqueue_adds_total{name="statefulset"})"), "2");

  clock.Advance(absl::Seconds(2));
  std::string key;
  ASSERT_TRUE(queue.TryGet(&key));
  clock.Advance(absl::Milliseconds(500));
  queue.Done(key);
  queue.AddRateLimited(key);
  text = "\n" + Exposition(*registry);
  EXPECT_EQ(Value(text, R"(workqueue_depth{name="statefulset"})"), "1");
  EXPECT_EQ(Value(text, R"(workqueue_queue_duration_seconds_count{name="statefulset"})"), "1");
  EXPECT_EQ(Value(text, R"(workqueue_queue_duration_seconds_sum{name="statefulset"})"), "2");
  EXPECT_EQ(Value(text, R"(workqueue_work_duration_seconds_sum{name="statefulset"})"), "0.5");
  EXPECT_EQ(Value(text, R"(workqueue_retries_total{name="statefulset"})"), "1");
  workqueue::SetQueueMetricsProvider(nullptr);
}

TEST(MetricsTest, TheEndpointServesTheExpositionOverHttp) {
  auto& requests = prometheus::BuildCounter()
                       .Name("ordo_test_requests_total")
                       .Help("A test counter.")
                       .Register(*DefaultRegistry())
                       .Add({{"verb", "create"}});
  requests.Increment(3);
  auto endpoint = MetricsEndpoint::Serve("127.0.0.1:0", "");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ASSERT_GT((*endpoint)->port(), 0);
  std::string page = testing::HttpGet((*endpoint)->port(), "/metrics");
  EXPECT_THAT(page, HasSubstr("200 OK"));
  EXPECT_THAT(page, HasSubstr("ordo_test_requests_total{verb=\"create\"} 3"));
  EXPECT_THAT(page, HasSubstr("process_open_fds "));

  auto taken = MetricsEndpoint::Serve(absl::StrCat("127.0.0.1:", (*endpoint)->port()), "");
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(MetricsEndpoint::Serve("no-port", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ordo::metrics
