// Kubernetes resource quantities ("500m", "1Gi", "2", "1e3") as integers: the
// scheduler compares cpu in millicores and memory in bytes. Stateless.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ordo::quantity {

// Kubernetes' quantity grammar, the one every part of ordo checks against: a
// signed decimal number ("1", "-2", "1.5", ".5", "2.") and at most one of a
// binary SI suffix (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m k M G T P
// E) or an exponent ("1e3", "5E-2"). Nothing else, no spaces.
bool IsWellFormed(absl::string_view text);

// The JSON names of the API fields whose values are quantities (maps of them
// or single ones), which a manifest may spell as YAML numbers.
bool IsQuantityField(absl::string_view json_name);

// The quantity in thousandths of its unit ("500m" -> 500, "2" -> 2000,
// "1Ki" -> 1024000), rounded up as Kubernetes' MilliValue rounds. Values beyond
// int64 clamp to its maximum; negatives are refused.
absl::StatusOr<int64_t> ParseMilli(absl::string_view text);

// The quantity in whole units, rounded up ("1Gi" -> 1073741824, "500m" -> 1).
absl::StatusOr<int64_t> ParseValue(absl::string_view text);

// Millicores as Kubernetes prints them: "2" or "250m".
std::string FormatMilliCpu(int64_t millis);

}  // namespace ordo::quantity
