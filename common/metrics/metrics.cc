#include "common/metrics/metrics.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/metrics/process_collector.h"

namespace ordo::metrics {
namespace {

std::shared_ptr<ProcessCollector> TheProcessCollector() {
  static const auto* collector =
      new std::shared_ptr<ProcessCollector>(std::make_shared<ProcessCollector>());
  return *collector;
}

}  // namespace

std::shared_ptr<prometheus::Registry> DefaultRegistry() {
  // Never destroyed: metrics are touched from threads that may outlive main.
  static const auto* registry =
      new std::shared_ptr<prometheus::Registry>(std::make_shared<prometheus::Registry>());
  return *registry;
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Serve(
    const std::string& address, const std::string& port_file) {
  if (address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics-listen ", address, ": expected HOST:PORT"));
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // civetweb's option list: one listening address, two worker threads.
    exposer = std::make_unique<prometheus::Exposer>(
        std::vector<std::string>{"listening_ports", address, "num_threads", "2"});
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("--metrics-listen ", address, ": ", e.what()));
  }
  exposer->RegisterCollectable(DefaultRegistry());
  exposer->RegisterCollectable(TheProcessCollector());
  std::vector<int> ports = exposer->GetListeningPorts();
  const int port = ports.empty() ? 0 : ports[0];
  if (!port_file.empty()) {
    const std::string part = port_file + ".part";
    std::ofstream(part) << port << "\n";
    std::rename(part.c_str(), port_file.c_str());
  }
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(exposer), port));
}

void MetricsEndpoint::Add(std::shared_ptr<prometheus::Collectable> collectable) {
  exposer_->RegisterCollectable(collectable);
  added_.push_back(std::move(collectable));
}

}  // namespace ordo::metrics
