#include "services/api-server/authorization/node_restriction.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ordo::authorization {

bool NodeMayLabel(absl::string_view key) {
  size_t slash = key.find('/');
  if (slash == absl::string_view::npos) return true;
  absl::string_view domain = key.substr(0, slash);
  auto under = [&](absl::string_view d) {
    return domain == d || absl::EndsWith(domain, absl::StrCat(".", d));
  };
  if (under("node-restriction.kubernetes.io")) return false;
  if (!under("kubernetes.io") && !under("k8s.io")) return true;
  if (under("kubelet.kubernetes.io") || under("node.kubernetes.io")) return true;
  static constexpr absl::string_view kAllowed[] = {"kubernetes.io/hostname",
                                                   "kubernetes.io/arch",
                                                   "kubernetes.io/os",
                                                   "beta.kubernetes.io/arch",
                                                   "beta.kubernetes.io/os",
                                                   "topology.kubernetes.io/region",
                                                   "topology.kubernetes.io/zone",
                                                   "beta.kubernetes.io/instance-type"};
  return std::find(std::begin(kAllowed), std::end(kAllowed), key) != std::end(kAllowed);
}

absl::Status RestrictNodeLabels(const core::v1::Node& node, const core::v1::Node* old) {
  std::set<std::string> changed;
  const auto& labels = node.metadata().labels();
  for (const auto& [k, v] : labels) {
    if (old == nullptr || !old->metadata().labels().contains(k) ||
        old->metadata().labels().at(k) != v) {
      changed.insert(k);
    }
  }
  if (old != nullptr) {
    for (const auto& [k, v] : old->metadata().labels()) {
      if (!labels.contains(k)) changed.insert(k);
    }
  }
  std::vector<std::string> refused;
  for (const std::string& k : changed) {
    if (!NodeMayLabel(k)) refused.push_back(k);
  }
  if (refused.empty()) return absl::OkStatus();
  const std::string& name = node.metadata().name();
  std::string head = absl::StrCat("nodes \"", name, "\" is forbidden: ");
  return absl::PermissionDeniedError(
      old == nullptr
          ? absl::StrCat(head, "node \"", name, "\" is not allowed to set the following labels: ",
                         absl::StrJoin(refused, ", "))
          : absl::StrCat(head, "is not allowed to modify labels: ", absl::StrJoin(refused, ", ")));
}

}  // namespace ordo::authorization
