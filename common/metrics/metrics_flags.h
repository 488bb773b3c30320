// --metrics-listen and --metrics-port-file, which every ordo service takes,
// and the one call its main makes to honour them. Call from main() only.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "common/metrics/metrics.h"

namespace ordo::metrics {

// With --metrics-listen set: installs the work-queue metrics and serves
// /metrics there (the port in --metrics-port-file). Null when it is not set.
absl::StatusOr<std::unique_ptr<MetricsEndpoint>> ServeMetricsFromFlags();

}  // namespace ordo::metrics
