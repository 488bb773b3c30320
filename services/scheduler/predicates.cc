#include "services/scheduler/predicates.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/tolerations.h"

namespace ordo::scheduler {

using api::Tolerates;
namespace {

bool MatchesRequirement(const core::v1::NodeSelectorRequirement& r,
                        const google::protobuf::Map<std::string, std::string>& values) {
  auto it = values.find(r.key());
  bool has = it != values.end();
  const std::string& op = r.operator_();
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  if (op == "In" || op == "NotIn") {
    bool in =
        has && std::find(r.values().begin(), r.values().end(), it->second) != r.values().end();
    return op == "In" ? in : !in;
  }
  if ((op == "Gt" || op == "Lt") && has && r.values_size() == 1) {
    int64_t have = 0, want = 0;
    if (!absl::SimpleAtoi(it->second, &have) || !absl::SimpleAtoi(r.values(0), &want)) return false;
    return op == "Gt" ? have > want : have < want;
  }
  return false;
}

}  // namespace

bool MatchesNodeSelector(const core::v1::NodeSelector& selector, const core::v1::Node& node) {
  google::protobuf::Map<std::string, std::string> fields;
  fields["metadata.name"] = node.metadata().name();
  for (const auto& term : selector.node_selector_terms()) {
    bool all = term.match_expressions_size() + term.match_fields_size() > 0;
    for (const auto& r : term.match_expressions())
      all = all && MatchesRequirement(r, node.metadata().labels());
    for (const auto& r : term.match_fields()) all = all && MatchesRequirement(r, fields);
    if (all) return true;
  }
  return false;
}

std::vector<std::string> Filter(const core::v1::Pod& pod, const Resources& requests,
                                const NodeInfo& info, const VolumeAffinities& volumes) {
  const core::v1::Node& node = *info.node;
  if (!info.ready) return {"node(s) were not ready"};
  if (node.spec().unschedulable()) return {"node(s) were unschedulable"};
  for (const auto& taint : node.spec().taints()) {
    if (taint.effect() != "NoSchedule" && taint.effect() != "NoExecute") continue;
    if (!Tolerates(pod.spec().tolerations(), taint)) {
      return {
          absl::StrCat("node(s) had untolerated taint {", taint.key(), ": ", taint.value(), "}")};
    }
  }
  const auto& labels = node.metadata().labels();
  for (const auto& [k, v] : pod.spec().node_selector()) {  // usually none
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v)
      return {"node(s) didn't match Pod's node affinity/selector"};
  }
  for (const auto& pv : volumes) {
    if (pv->spec().has_node_affinity() && pv->spec().node_affinity().has_required() &&
        !MatchesNodeSelector(pv->spec().node_affinity().required(), node)) {
      return {"node(s) had volume node affinity conflict"};
    }
  }
  std::vector<std::string> insufficient;
  if (info.requested.pods + 1 > info.allocatable.pods) insufficient.push_back("Too many pods");
  if (requests.milli_cpu > 0 &&
      info.requested.milli_cpu + requests.milli_cpu > info.allocatable.milli_cpu) {
    insufficient.push_back("Insufficient cpu");
  }
  if (requests.memory > 0 && info.requested.memory + requests.memory > info.allocatable.memory) {
    insufficient.push_back("Insufficient memory");
  }
  return insufficient;
}

int64_t Score(const std::string& owner, const Resources& requests, const NodeInfo& info) {
  auto left = [](int64_t capacity, int64_t used) -> int64_t {
    if (capacity <= 0) return 0;
    return std::max<int64_t>(0, (capacity - used) * 100 / capacity);
  };
  int64_t score =
      (left(info.allocatable.milli_cpu,
            info.requested.nonzero_milli_cpu + requests.nonzero_milli_cpu) +
       left(info.allocatable.memory, info.requested.nonzero_memory + requests.nonzero_memory)) /
      2;
  if (!owner.empty() && !info.pods_by_owner.empty()) {
    if (auto it = info.pods_by_owner.find(owner); it != info.pods_by_owner.end()) {
      score -= 10 * it->second;
    }
  }
  return score;
}

std::string FitErrorMessage(int total_nodes, const std::map<std::string, int>& reasons) {
  std::vector<std::string> parts;
  for (const auto& [reason, count] : reasons) parts.push_back(absl::StrCat(count, " ", reason));
  std::sort(parts.begin(), parts.end());
  if (total_nodes == 0) return "0/0 nodes are available: no nodes available to schedule pods.";
  return absl::StrCat("0/", total_nodes, " nodes are available: ", absl::StrJoin(parts, ", "), ".");
}

}  // namespace ordo::scheduler
