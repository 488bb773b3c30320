#include "services/controller-manager/state_metrics.h"

#include <string>

namespace ordo::controller {
namespace {

using Labels = std::vector<prometheus::ClientMetric::Label>;

prometheus::MetricFamily Gauges(const std::string& name, const std::string& help) {
  return prometheus::MetricFamily{name, help, prometheus::MetricType::Gauge, {}};
}

void Add(prometheus::MetricFamily& family, Labels labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

// "True" -> "true": kube-state-metrics' condition and phase label values
// for a condition's status.
std::string ConditionValue(const std::string& status) {
  if (status == "True") return "true";
  if (status == "False") return "false";
  return "unknown";
}

void StatefulSetSeries(const std::vector<informer::ObjectPtr<apps::v1::StatefulSet>>& sets,
                       std::vector<prometheus::MetricFamily>& out) {
  struct Field {
    const char* name;
    const char* help;
    std::function<double(const apps::v1::StatefulSet&)> value;
  };
  const Field fields[] = {
      {"kube_statefulset_replicas", "Pods the StatefulSet asks for (spec.replicas).",
       [](const auto& s) { return s.spec().has_replicas() ? s.spec().replicas() : 1; }},
      {"kube_statefulset_status_replicas", "Pods the StatefulSet has (status.replicas).",
       [](const auto& s) { return s.status().replicas(); }},
      {"kube_statefulset_status_replicas_ready", "Of its pods, those Ready (status.readyReplicas).",
       [](const auto& s) { return s.status().ready_replicas(); }},
      {"kube_statefulset_status_replicas_current",
       "Of its pods, those at the current revision (status.currentReplicas).",
       [](const auto& s) { return s.status().current_replicas(); }},
      {"kube_statefulset_status_replicas_updated",
       "Of its pods, those at the update revision (status.updatedReplicas).",
       [](const auto& s) { return s.status().updated_replicas(); }},
      {"kube_statefulset_status_replicas_available",
       "Of its pods, those Ready for minReadySeconds (status.availableReplicas).",
       [](const auto& s) { return s.status().available_replicas(); }},
      {"kube_statefulset_metadata_generation",
       "The StatefulSet's metadata.generation: bumped by each change of its spec.",
       [](const auto& s) { return static_cast<double>(s.metadata().generation()); }},
      {"kube_statefulset_status_observed_generation",
       "The generation the controller last acted on (status.observedGeneration).",
       [](const auto& s) { return static_cast<double>(s.status().observed_generation()); }},
  };
  for (const Field& field : fields) {
    prometheus::MetricFamily family = Gauges(field.name, field.help);
    for (const auto& set : sets) {
      Add(family,
          {{"namespace", set->metadata().namespace_()}, {"statefulset", set->metadata().name()}},
          field.value(*set));
    }
    out.push_back(std::move(family));
  }
  prometheus::MetricFamily current =
      Gauges("kube_statefulset_status_current_revision",
             "1 for the revision (label) the StatefulSet's current pods were made from.");
  prometheus::MetricFamily update =
      Gauges("kube_statefulset_status_update_revision",
             "1 for the revision (label) a rollout brings the StatefulSet's pods to.");
  for (const auto& set : sets) {
    const std::string& ns = set->metadata().namespace_();
    const std::string& name = set->metadata().name();
    Add(current,
        {{"namespace", ns}, {"statefulset", name}, {"revision", set->status().current_revision()}},
        1);
    Add(update,
        {{"namespace", ns}, {"statefulset", name}, {"revision", set->status().update_revision()}},
        1);
  }
  out.push_back(std::move(current));
  out.push_back(std::move(update));
}

void PodSeries(const std::vector<informer::ObjectPtr<core::v1::Pod>>& pods,
               std::vector<prometheus::MetricFamily>& out) {
  prometheus::MetricFamily ready =
      Gauges("kube_pod_status_ready",
             "1 for the status (condition label) of the pod's Ready condition, 0 for the others.");
  for (const auto& pod : pods) {
    std::string status;  // no Ready condition: not reported, as kube-state-metrics
    for (const auto& c : pod->status().conditions()) {
      if (c.type() == "Ready") status = ConditionValue(c.status());
    }
    if (status.empty()) continue;
    for (const char* condition : {"true", "false", "unknown"}) {
      Add(ready,
          {{"namespace", pod->metadata().namespace_()},
           {"pod", pod->metadata().name()},
           {"uid", pod->metadata().uid()},
           {"condition", condition}},
          status == condition ? 1 : 0);
    }
  }
  out.push_back(std::move(ready));
}

void ClaimSeries(const std::vector<informer::ObjectPtr<core::v1::PersistentVolumeClaim>>& claims,
                 std::vector<prometheus::MetricFamily>& out) {
  prometheus::MetricFamily phase = Gauges("kube_persistentvolumeclaim_status_phase",
                                          "1 for the claim's phase (label), 0 for the others.");
  for (const auto& claim : claims) {
    for (const char* p : {"Lost", "Bound", "Pending"}) {
      Add(phase,
          {{"namespace", claim->metadata().namespace_()},
           {"persistentvolumeclaim", claim->metadata().name()},
           {"phase", p}},
          claim->status().phase() == p ? 1 : 0);
    }
  }
  out.push_back(std::move(phase));
}

void NodeSeries(const std::vector<informer::ObjectPtr<core::v1::Node>>& nodes,
                std::vector<prometheus::MetricFamily>& out) {
  prometheus::MetricFamily conditions =
      Gauges("kube_node_status_condition",
             "1 for the status (label) of each condition of the node, 0 for the others.");
  for (const auto& node : nodes) {
    for (const auto& c : node->status().conditions()) {
      const std::string status = ConditionValue(c.status());
      for (const char* value : {"true", "false", "unknown"}) {
        Add(conditions,
            {{"node", node->metadata().name()}, {"condition", c.type()}, {"status", value}},
            status == value ? 1 : 0);
      }
    }
  }
  out.push_back(std::move(conditions));
}

}  // namespace

StateMetrics::Caches StateMetrics::CachesOf(informer::SharedInformerFactory& informers) {
  auto& sets = informers.For<apps::v1::StatefulSet>();
  auto& pods = informers.For<core::v1::Pod>();
  auto& claims = informers.For<core::v1::PersistentVolumeClaim>();
  auto& nodes = informers.For<core::v1::Node>();
  return Caches{.sets = &sets.indexer(),
                .pods = &pods.indexer(),
                .claims = &claims.indexer(),
                .nodes = &nodes.indexer(),
                .synced = [&sets, &pods, &claims, &nodes] {
                  return sets.HasSynced() && pods.HasSynced() && claims.HasSynced() &&
                         nodes.HasSynced();
                }};
}

void StateMetrics::Lead(Caches caches) {
  absl::MutexLock lock(&mu_);
  caches_ = std::move(caches);
}

void StateMetrics::Stop() {
  absl::MutexLock lock(&mu_);
  caches_.reset();
}

std::vector<prometheus::MetricFamily> StateMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  absl::MutexLock lock(&mu_);
  if (!caches_ || !caches_->synced()) return out;
  StatefulSetSeries(caches_->sets->List(), out);
  PodSeries(caches_->pods->List(), out);
  ClaimSeries(caches_->claims->List(), out);
  NodeSeries(caches_->nodes->List(), out);
  return out;
}

}  // namespace ordo::controller
