#include "common/metrics/metrics_flags.h"

#include "absl/flags/flag.h"
#include "common/metrics/workqueue_metrics.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT to serve Prometheus metrics on (http://HOST:PORT/metrics; port 0 picks a "
          "free one); empty: no metrics");
ABSL_FLAG(std::string, metrics_port_file, "",
          "if set, the metrics port is written here once serving");

namespace ordo::metrics {

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> ServeMetricsFromFlags() {
  const std::string listen = absl::GetFlag(FLAGS_metrics_listen);
  if (listen.empty()) return nullptr;
  InstallWorkQueueMetrics();
  auto endpoint = MetricsEndpoint::Serve(listen, absl::GetFlag(FLAGS_metrics_port_file));
  if (endpoint.ok())
    spdlog::info("metrics on http://{}/metrics (port {})", listen, (*endpoint)->port());
  return endpoint;
}

}  // namespace ordo::metrics
