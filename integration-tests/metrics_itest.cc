// Metrics on a real cluster: every component `cluster up` starts serves
// /metrics on its own port with the process series, the api-server counts a
// StatefulSet's create under kube-apiserver's names, and the
// controller-manager's queues report client-go's workqueue series.
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "common/testing/http_get.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

class MetricsTest : public ClusterFixture {
 protected:
  std::string Scrape(const std::string& component) {
    int port = 0;
    if (!absl::SimpleAtoi(ReadLine(dir_.Join("run/" + component + ".metrics.port")), &port)) {
      return "";
    }
    return testing::HttpGet(port, "/metrics");
  }
};

TEST_F(MetricsTest, EveryComponentServesItsSeries) {
  Apply(R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: sh, command: ["sh", "-c", "exec sleep 100000"]}]
)");
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
}

}  // namespace
}  // namespace ordo::itest
