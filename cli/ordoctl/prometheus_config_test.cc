// The Prometheus configuration `cluster up --prometheus` writes: one job per
// kind of component, agents labelled with their node, the interval and the
// rules file; and the alerting rules compiled in from deploy/prometheus.
#include <gtest/gtest.h>

#include "cli/ordoctl/prometheus.h"

namespace ordo::ctl {
namespace {

TEST(PrometheusConfigTest, OneJobPerKindOfComponent) {
  std::string config = ScrapeConfig({{"api-server", "127.0.0.1:4001"},
                                     {"node-1", "127.0.0.1:4002"},
                                     {"node-2", "127.0.0.1:4003"},
                                     {"dns", "127.0.0.1:4004"}},
                                    absl::Seconds(2), "/data/prometheus/alerts.yml");
  EXPECT_EQ(config,
            "# Written by `ordoctl cluster up --prometheus`; rewritten at each up.\n"
            "global:\n"
            "  scrape_interval: 2s\n"
            "  evaluation_interval: 2s\n"
            "rule_files: [\"/data/prometheus/alerts.yml\"]\n"
            "scrape_configs:\n"
            "  - job_name: ordo-api-server\n"
            "    static_configs:\n"
            "      - targets: [\"127.0.0.1:4001\"]\n"
            "  - job_name: ordo-dns\n"
            "    static_configs:\n"
            "      - targets: [\"127.0.0.1:4004\"]\n"
            "  - job_name: ordo-kubelet-agent\n"
            "    static_configs:\n"
            "      - targets: [\"127.0.0.1:4002\"]\n"
            "        labels: {node: node-1}\n"
            "      - targets: [\"127.0.0.1:4003\"]\n"
            "        labels: {node: node-2}\n");
}

TEST(PrometheusConfigTest, TheAlertRulesAreBuiltIn) {
  const std::string& rules = AlertRules();
  for (const char* alert : {"StatefulSetRolloutStuck", "StatefulSetReplicasNotReady",
                            "NodeNotReady", "StoreFsyncSlow", "WorkQueueGrowing"}) {
    EXPECT_NE(rules.find(std::string("alert: ") + alert), std::string::npos) << alert;
  }
}

}  // namespace
}  // namespace ordo::ctl
