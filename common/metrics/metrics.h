// Prometheus metrics, through prometheus-cpp (the exposition format is the
// library's, not ours): the process's one Registry every component adds its
// families to, the process_* series every service exports, and the /metrics
// endpoint a service serves on --metrics-listen.
// Thread-safety: the registry and its metrics are safe from any thread;
// MetricsEndpoint serves on threads of its own until destroyed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace ordo::metrics {

// The process's registry (made on first use, with the process collector).
std::shared_ptr<prometheus::Registry> DefaultRegistry();

// Serves DefaultRegistry() and the process metrics at http://ADDRESS/metrics.
class MetricsEndpoint {
 public:
  // `address` is HOST:PORT (port 0 picks a free one); `port_file`, if set,
  // receives the bound port once serving. INVALID_ARGUMENT or UNAVAILABLE
  // (the port is taken) name the address.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Serve(const std::string& address,
                                                                const std::string& port_file);
  int port() const { return port_; }
  // Also serves what `collectable` reports, from the next scrape on; it is
  // kept alive as long as the endpoint.
  void Add(std::shared_ptr<prometheus::Collectable> collectable);

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port)
      : exposer_(std::move(exposer)), port_(port) {}

  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
  std::vector<std::shared_ptr<prometheus::Collectable>> added_;
};

}  // namespace ordo::metrics
