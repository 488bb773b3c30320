// Metrics on a real cluster started with a real Prometheus (`cluster up
// --prometheus`): every component serves /metrics on its own port with the
// process series and its own, under Kubernetes' names, in an exposition
// promtool finds no fault with; Prometheus scrapes every one of them, and
// its kube_statefulset_status_replicas_ready is the set's ready count.
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "common/testing/http_get.h"
#include "integration-tests/harness/cluster_fixture.h"
#include "integration-tests/harness/prometheus_query.h"

namespace ordo::itest {
namespace {

class MetricsTest : public ClusterFixture {
 protected:
  MetricsTest() { extra_up_args_ = {"--prometheus", "--prometheus-scrape-interval", "1s"}; }

  std::string Scrape(const std::string& component) {
    int port = 0;
    if (!absl::SimpleAtoi(ReadLine(dir_.Join("run/" + component + ".metrics.port")), &port)) {
      return "";
    }
    return testing::HttpGet(port, "/metrics");
  }

  int PrometheusPort() {
    const std::string url = ReadLine(dir_.Join("run/prometheus.url"));
    int port = 0;
    return absl::SimpleAtoi(url.substr(url.rfind(':') + 1), &port) ? port : 0;
  }
  std::vector<google::protobuf::Value> Query(const std::string& promql) {
    return PrometheusQuery(PrometheusPort(), promql);
  }
};

TEST_F(MetricsTest, EveryComponentServesItsSeries) {
  Apply(SleepingWeb(2));
  ASSERT_TRUE(WaitAllReady({"web-0", "web-1"}));
  for (const char* component :
       {"api-server", "controller-manager", "scheduler", "dns", "node-1", "node-2", "node-3"}) {
    std::string page = Scrape(component);
    EXPECT_NE(page.find("200 OK"), std::string::npos) << component << ": " << page;
    EXPECT_NE(page.find("\nprocess_resident_memory_bytes "), std::string::npos) << component;
    EXPECT_NE(page.find("\nprocess_open_fds "), std::string::npos) << component;
  }
  std::string api = Scrape("api-server");
  EXPECT_NE(
      api.find(
          R"(apiserver_request_total{code="201",group="apps",resource="statefulsets",subresource="",verb="create"} 1)"),
      std::string::npos)
      << api.substr(0, 4000);
  EXPECT_NE(
      api.find(
          R"(apiserver_request_duration_seconds_count{group="",resource="pods",subresource="status",verb="update"})"),
      std::string::npos);
  std::string cm = Scrape("controller-manager");
  EXPECT_NE(cm.find(R"(workqueue_adds_total{name="statefulset-controller"})"), std::string::npos)
      << cm.substr(0, 4000);
  EXPECT_NE(cm.find(R"(workqueue_depth{name="statefulset-controller"})"), std::string::npos);
  EXPECT_NE(cm.find(R"(workqueue_work_duration_seconds_count{name="statefulset-controller"})"),
            std::string::npos);
  // Each component's own series, one at least of each family.
  const std::vector<std::pair<const char*, std::vector<const char*>>> own = {
      {"api-server",
       {"\nordo_store_fsync_duration_seconds_bucket{",
        "\nordo_store_commit_group_transactions_count ", "\nordo_store_event_window_events ",
        "\nordo_store_watchers_cut_off_total ",
        R"(apiserver_storage_objects{resource="statefulsets.apps"} 1)",
        R"(apiserver_registered_watchers{group="",version="v1",kind="Pod"})"}},
      {"controller-manager",
       {R"(leader_election_master_status{name="ordo-controller-manager"} 1)",
        R"(kube_statefulset_replicas{namespace="default",statefulset="web"} 2)",
        R"(kube_pod_status_ready{namespace="default",pod="web-0",)",
        R"(kube_node_status_condition{node="node-1",condition="Ready",status="true"} 1)"}},
      {"scheduler",
       {R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} 2)",
        "\nscheduler_pod_scheduling_duration_seconds_count 2", "\nscheduler_pending_pods{"}},
      {"node-1",
       {"\nkubelet_running_pods ", "\nkubelet_pod_start_duration_seconds_bucket{",
        "\nprober_probe_total{", "\nordo_kubelet_container_restarts_total "}},
      {"dns",
       {"\ncoredns_dns_requests_total{", "\ncoredns_dns_responses_total{",
        "\nordo_dns_packet_cache_hits_total ", "\nordo_dns_zone_snapshot_age_seconds "}},
  };
  for (const auto& [component, lines] : own) {
    std::string page = Scrape(component);
    for (const char* line : lines) {
      EXPECT_NE(page.find(line), std::string::npos) << component << ": " << line;
    }
    // The exposition is one promtool accepts without a complaint.
    CommandResult check = RunCommand("/usr/bin/promtool", {"check", "metrics"}, {},
                                     page.substr(page.find("\r\n\r\n") + 4));
    EXPECT_EQ(check.exit_code, 0) << component << ": " << check.out << check.err;
  }

  // Prometheus scrapes every component, and sees the set's two ready pods.
  bool all_up = WaitFor(
      [&] {
        auto up = Query("up");
        if (up.size() != 7) return false;
        for (const auto& series : up) {
          if (SeriesValue(series) != "1") return false;
        }
        return true;
      },
      absl::Seconds(60));
  EXPECT_TRUE(all_up) << Query("up").size() << " targets";
  bool ready_seen = WaitFor(
      [&] {
        auto ready = Query(R"(kube_statefulset_status_replicas_ready{statefulset="web"})");
        return ready.size() == 1 && SeriesValue(ready[0]) == "2";
      },
      absl::Seconds(60));
  EXPECT_TRUE(ready_seen);
}

}  // namespace
}  // namespace ordo::itest
