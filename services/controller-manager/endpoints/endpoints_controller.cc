#include "services/controller-manager/endpoints/endpoints_controller.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/api/well_known.h"

namespace ordo::endpoints {
namespace {

using core::v1::EndpointAddress;
using core::v1::EndpointPort;
using core::v1::EndpointSubset;
using core::v1::Pod;
using core::v1::Service;

bool Selects(const Service& svc, const Pod& pod) {
  if (svc.spec().selector().empty()) return false;
  for (const auto& [k, v] : svc.spec().selector()) {
    auto it = pod.metadata().labels().find(k);
    if (it == pod.metadata().labels().end() || it->second != v) return false;
  }
  return true;
}

// The port the pod serves for a Service port; nullopt when it has none.
std::optional<int> ResolvePort(const core::v1::ServicePort& sp, const Pod& pod) {
  const auto& target = sp.target_port();
  if (target.has_string_value()) {
    for (const auto& c : pod.spec().containers()) {
      for (const auto& p : c.ports()) {
        if (p.name() == target.string_value()) return p.container_port();
      }
    }
    return std::nullopt;
  }
  if (target.has_number_value() && target.number_value() > 0) {
    return static_cast<int>(target.number_value());
  }
  return sp.port();
}

}  // namespace

absl::Status ApiEndpointsWriter::Delete(const std::string& ns, const std::string& name) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(ns);
  request.set_name(name);
  absl::Status s = client_.Delete(request).status();
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

std::vector<EndpointSubset> DesiredSubsets(const Service& svc,
                                           const std::vector<std::shared_ptr<const Pod>>& pods) {
  // Pods grouped by their resolved port list (serialized as the map key).
  std::map<std::string, EndpointSubset> by_ports;
  for (const auto& pod : pods) {
    if (pod->status().pod_ip().empty() || !Selects(svc, *pod)) continue;
    const std::string& phase = pod->status().phase();
    if (phase == "Succeeded" || phase == "Failed") continue;
    bool publish_all = svc.spec().publish_not_ready_addresses();
    bool terminating = pod->metadata().has_deletion_timestamp();
    if (terminating && !publish_all) continue;
    std::vector<EndpointPort> ports;
    bool missing = false;
    for (const auto& sp : svc.spec().ports()) {
      auto port = ResolvePort(sp, *pod);
      if (!port.has_value()) {
        missing = true;
        break;
      }
      EndpointPort ep;
      ep.set_name(sp.name());
      ep.set_port(*port);
      ep.set_protocol(sp.protocol().empty() ? "TCP" : sp.protocol());
      ports.push_back(std::move(ep));
    }
    if (missing) continue;  // Kubernetes leaves a pod out that lacks a named port
    std::string key;
    for (const auto& p : ports) key += p.SerializeAsString() + "|";
    EndpointSubset& subset = by_ports[key];
    if (subset.ports().empty()) subset.mutable_ports()->Assign(ports.begin(), ports.end());
    EndpointAddress address;
    address.set_ip(pod->status().pod_ip());
    address.set_node_name(pod->spec().node_name());
    if (!pod->spec().hostname().empty() && pod->spec().subdomain() == svc.metadata().name()) {
      address.set_hostname(pod->spec().hostname());
    }
    auto* ref = address.mutable_target_ref();
    ref->set_kind("Pod");
    ref->set_namespace_(pod->metadata().namespace_());
    ref->set_name(pod->metadata().name());
    ref->set_uid(pod->metadata().uid());
    bool ready = publish_all || (api::IsPodReady(*pod) && !terminating);
    *(ready ? subset.add_addresses() : subset.add_not_ready_addresses()) = std::move(address);
  }
  std::vector<EndpointSubset> out;
  for (auto& [key, subset] : by_ports) {
    for (auto* list : {subset.mutable_addresses(), subset.mutable_not_ready_addresses()}) {
      std::sort(list->begin(), list->end(),
                [](const auto& a, const auto& b) { return a.ip() < b.ip(); });
    }
    out.push_back(std::move(subset));
  }
  return out;
}

informer::EventHandler<Service> EndpointsController::ServiceHandler() {
  auto enqueue = [this](const informer::ObjectPtr<Service>& s) {
    queue().Add(informer::KeyOf(s->metadata()));
  };
  return {enqueue, [enqueue](const auto&, const auto& s) { enqueue(s); }, enqueue};
}

informer::EventHandler<Pod> EndpointsController::PodHandler() {
  return {[this](const auto& pod) { EnqueueServicesOf(*pod); },
          [this](const auto& old_pod, const auto& pod) {
            EnqueueServicesOf(*old_pod);  // labels may have changed
            EnqueueServicesOf(*pod);
          },
          [this](const auto& pod) { EnqueueServicesOf(*pod); }};
}

void EndpointsController::EnqueueServicesOf(const Pod& pod) {
  for (const auto& svc : listers_.services.List(pod.metadata().namespace_(), {})) {
    if (Selects(*svc, pod)) queue().Add(informer::KeyOf(svc->metadata()));
  }
}

absl::Status EndpointsController::Sync(const std::string& key) {
  auto [ns, name] = informer::SplitKey(key);
  auto svc = listers_.services.Get(ns, name);
  auto current = listers_.endpoints.Get(ns, name);
  if (svc == nullptr) {
    return current == nullptr ? absl::OkStatus() : writer_.Delete(ns, name);
  }
  if (svc->spec().selector().empty()) return absl::OkStatus();  // someone else's Endpoints
  auto subsets = DesiredSubsets(*svc, listers_.pods.List(ns, {}));
  core::v1::Endpoints want;
  want.set_api_version("v1");
  want.set_kind("Endpoints");
  want.mutable_metadata()->set_namespace_(ns);
  want.mutable_metadata()->set_name(name);
  *want.mutable_metadata()->mutable_labels() = svc->metadata().labels();
  want.mutable_subsets()->Assign(subsets.begin(), subsets.end());
  if (current == nullptr) {
    absl::Status s = writer_.Create(want);
    return absl::IsAlreadyExists(s) ? absl::AbortedError("endpoints exist; cache behind") : s;
  }
  bool same = current->subsets_size() == want.subsets_size();
  for (int i = 0; same && i < want.subsets_size(); ++i) {
    same = google::protobuf::util::MessageDifferencer::Equals(current->subsets(i), want.subsets(i));
  }
  if (same) {
    same = current->metadata().labels().size() == want.metadata().labels().size();
    for (const auto& [k, v] : want.metadata().labels()) {
      auto it = current->metadata().labels().find(k);
      same = same && it != current->metadata().labels().end() && it->second == v;
    }
  }
  if (same) return absl::OkStatus();
  core::v1::Endpoints update = want;
  update.mutable_metadata()->set_resource_version(current->metadata().resource_version());
  update.mutable_metadata()->set_uid(current->metadata().uid());
  return writer_.Update(update);
}

}  // namespace ordo::endpoints
