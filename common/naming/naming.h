// Kubernetes' name rules (apimachinery validation): DNS-1123 labels and
// subdomains, qualified names (label keys) and label values. Each check returns
// the problems found, worded as Kubernetes words them; empty means valid.
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ordo::naming {

inline constexpr int kDns1123LabelMaxLength = 63;
inline constexpr int kDns1123SubdomainMaxLength = 253;

// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
std::vector<std::string> IsDns1123Label(absl::string_view value);
// Dot-separated DNS-1123 labels, at most 253 characters.
std::vector<std::string> IsDns1123Subdomain(absl::string_view value);
// A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name at
// most 63 characters of `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
std::vector<std::string> IsQualifiedName(absl::string_view value);
// A label value: empty, or at most 63 characters shaped like a name.
std::vector<std::string> IsValidLabelValue(absl::string_view value);

}  // namespace ordo::naming
