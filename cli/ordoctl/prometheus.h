// `ordoctl cluster up --prometheus`: a real Prometheus (Debian's package)
// scraping every component of a local cluster. ScrapeConfig writes its
// configuration (one job per kind of component, Kubernetes' job names
// prefixed ordo-, each agent labelled with its node) and the alerting rules
// of deploy/prometheus/alerts.yml, compiled in. Pure functions and a file
// writer; single-threaded, like the rest of ordoctl.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ordo::ctl {

struct ScrapeTarget {
  std::string component;  // "api-server", "dns", "node-2", ...
  std::string address;    // HOST:PORT of its /metrics
};

// prometheus.yml for `targets`, scraped every `interval`, with the rules
// file at `rules_path`.
std::string ScrapeConfig(const std::vector<ScrapeTarget>& targets, absl::Duration interval,
                         const std::string& rules_path);

// deploy/prometheus/alerts.yml as it was built in.
const std::string& AlertRules();

}  // namespace ordo::ctl
