#include "cli/ordoctl/prometheus.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/ordoctl/prometheus_alerts.h"

namespace ordo::ctl {
namespace {

// The job a component's metrics belong to: one per kind of component, so a
// rule or dashboard sums over every node's agent.
std::string JobOf(const std::string& component) {
  if (absl::StartsWith(component, "node-")) return "ordo-kubelet-agent";
  return absl::StrCat("ordo-", component);
}

}  // namespace

std::string ScrapeConfig(const std::vector<ScrapeTarget>& targets, absl::Duration interval,
                         const std::string& rules_path) {
  const std::string every = absl::StrCat(absl::ToInt64Seconds(interval), "s");
  std::string out = absl::StrCat(
      "# Written by `ordoctl cluster up --prometheus`; rewritten at each up.\n"
      "global:\n"
      "  scrape_interval: ",
      every, "\n  evaluation_interval: ", every, "\nrule_files: [\"", rules_path,
      "\"]\nscrape_configs:\n");
  std::map<std::string, std::vector<const ScrapeTarget*>> by_job;
  for (const auto& t : targets) by_job[JobOf(t.component)].push_back(&t);
  for (const auto& [job, members] : by_job) {
    absl::StrAppend(&out, "  - job_name: ", job, "\n    static_configs:\n");
    for (const ScrapeTarget* t : members) {
      absl::StrAppend(&out, "      - targets: [\"", t->address, "\"]\n");
      if (job == "ordo-kubelet-agent")
        absl::StrAppend(&out, "        labels: {node: ", t->component, "}\n");
    }
  }
  return out;
}

const std::string& AlertRules() {
  static const auto* rules = new std::string(kAlertRulesYaml);
  return *rules;
}

}  // namespace ordo::ctl
