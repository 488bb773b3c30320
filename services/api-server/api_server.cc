#include "services/api-server/api_server.h"

#include "absl/strings/str_cat.h"
#include "common/api/pod_conditions.h"
#include "common/clock/timestamp.h"
#include "common/labels/selector.h"
#include "common/status/status_macros.h"
#include "services/api-server/authorization/bootstrap_policy.h"
#include "services/api-server/object_access.h"

namespace ordo::apiserver {
namespace {

constexpr const char* kBuiltinNamespaces[] = {"default", "kube-system", "kube-public",
                                              "kube-node-lease"};

absl::Status TerminatingError(const std::string& ns) {
  return absl::FailedPreconditionError(absl::StrCat("unable to create new content in namespace ",
                                                    ns, " because it is being terminated"));
}

bool IsPodReady(const core::v1::Pod& pod) {
  for (const auto& c : pod.status().conditions()) {
    if (c.type() == "Ready") return c.status() == "True";
  }
  return false;
}

}  // namespace

ApiServer::ApiServer(store::Store& store, Clock& clock, const ServiceIpRange& service_ips)
    : store_(store),
      clock_(clock),
      service_ips_(std::make_unique<ServiceIpAllocator>(service_ips, store)) {
  for (const KindStrategy& strategy : AllStrategies()) {
    registries_.emplace(
        strategy.info->kind,
        std::make_unique<Registry>(strategy, store_, clock_,
                                   [this](const std::string& ns) { return CheckNamespace(ns); }));
  }
  registry("Service").set_companions(service_ips_.get());
}

std::vector<Registry*> ApiServer::registries() {
  std::vector<Registry*> out;
  for (auto& [kind, registry] : registries_) out.push_back(registry.get());
  return out;
}

Registry& ApiServer::registry(absl::string_view kind) {
  auto it = registries_.find(kind);
  if (it == registries_.end()) std::abort();
  return *it->second;
}

absl::Status ApiServer::Bootstrap() {
  auto create = [&](const char* kind, const Message& obj) {
    auto created = registry(kind).Create(obj);
    bool ok = created.ok() || created.status().code() == absl::StatusCode::kAlreadyExists;
    return ok ? absl::OkStatus() : created.status();
  };
  for (const char* name : kBuiltinNamespaces) {
    core::v1::Namespace ns;
    ns.mutable_metadata()->set_name(name);
    if (absl::Status s = create("Namespace", ns); !s.ok()) return s;
  }
  // The default RBAC policy: created when missing, never overwritten.
  authorization::RbacObjects policy = authorization::BootstrapPolicy();
  for (const auto& role : policy.cluster_roles) {
    if (absl::Status s = create("ClusterRole", role); !s.ok()) return s;
  }
  for (const auto& binding : policy.cluster_role_bindings) {
    if (absl::Status s = create("ClusterRoleBinding", binding); !s.ok()) return s;
  }
  ORDO_ASSIGN_OR_RETURN(ListResult services, registry("Service").List({}));
  std::vector<core::v1::Service> stored;
  for (const auto& item : services.items) {
    stored.push_back(static_cast<const core::v1::Service&>(*item));
  }
  return service_ips_->Repair(stored);
}

absl::Status ApiServer::EnsureKubernetesService(int port) {
  core::v1::Service service;
  service.mutable_metadata()->set_name("kubernetes");
  service.mutable_metadata()->set_namespace_("default");
  (*service.mutable_metadata()->mutable_labels())["component"] = "apiserver";
  (*service.mutable_metadata()->mutable_labels())["provider"] = "kubernetes";
  service.mutable_spec()->set_cluster_ip(service_ips_->range().At(0));
  auto* https = service.mutable_spec()->add_ports();
  https->set_name("https");
  https->set_port(443);
  https->set_protocol("TCP");
  https->mutable_target_port()->set_number_value(port);
  auto created = registry("Service").Create(service);
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  return absl::OkStatus();
}

absl::Status ApiServer::StartNamespaceCache() {
  auto cache = NamespaceCache::Start(store_, registry("Namespace"));
  if (!cache.ok()) return cache.status();
  namespace_cache_ = *std::move(cache);
  return absl::OkStatus();
}

absl::Status ApiServer::CheckNamespace(const std::string& ns) {
  switch (namespace_cache_ != nullptr ? namespace_cache_->Lookup(ns)
                                      : NamespaceCache::State::kUnknown) {
    case NamespaceCache::State::kActive:
      return absl::OkStatus();
    case NamespaceCache::State::kTerminating:
      return TerminatingError(ns);
    case NamespaceCache::State::kUnknown:
      break;  // not seen yet, or just deleted here: the store knows
  }
  auto got = registry("Namespace").Get("", ns);
  if (!got.ok()) return got.status();
  if (NamespaceCache::StateOf(static_cast<const core::v1::Namespace&>(**got)) ==
      NamespaceCache::State::kTerminating) {
    return TerminatingError(ns);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ApiServer::NamespaceHasObjects(const std::string& ns) {
  for (const auto& info : AllResources()) {
    if (!info.namespaced) continue;
    ORDO_ASSIGN_OR_RETURN(store::ListResult first,
                          store_.ListAt(info.Prefix(ns), "", 1, 0, store::RestCount::kSkip));
    if (!first.kvs.empty()) return true;
  }
  return false;
}

absl::StatusOr<MessagePtr> ApiServer::DeleteNamespace(const meta::v1::DeleteRequest& request) {
  for (const char* builtin : kBuiltinNamespaces) {
    if (request.name() == builtin) {
      return absl::FailedPreconditionError(absl::StrCat(
          "namespaces \"", request.name(), "\" is forbidden: this namespace may not be deleted"));
    }
  }
  Registry& namespaces = registry("Namespace");
  ORDO_ASSIGN_OR_RETURN(bool has_objects, NamespaceHasObjects(request.name()));
  if (has_objects) {
    ORDO_RETURN_IF_ERROR(namespaces
                             .GuaranteedUpdate("", request.name(), "",
                                               [](Message& m) {
                                                 auto& ns = static_cast<core::v1::Namespace&>(m);
                                                 ns.mutable_status()->set_phase("Terminating");
                                                 for (const auto& f : ns.metadata().finalizers()) {
                                                   if (f == "kubernetes") return absl::OkStatus();
                                                 }
                                                 ns.mutable_metadata()->add_finalizers(
                                                     "kubernetes");
                                                 return absl::OkStatus();
                                               })
                             .status());
    if (namespace_cache_ != nullptr) namespace_cache_->Forget(request.name());
  }
  auto deleted = namespaces.Delete(request);
  // This api-server's creates see the deletion at once, not when the watch brings it.
  if (deleted.ok() && namespace_cache_ != nullptr) namespace_cache_->Forget(request.name());
  return deleted;
}

absl::StatusOr<MessagePtr> ApiServer::Bind(const core::v1::Binding& binding) {
  const std::string& pod_name = binding.metadata().name();
  if (binding.target().name().empty()) {
    return status::InvalidError("Binding", pod_name,
                                {status::Required(FieldPath("target").Child("name"))});
  }
  if (!binding.target().kind().empty() && binding.target().kind() != "Node") {
    return status::InvalidError("Binding", pod_name,
                                {status::NotSupported(FieldPath("target").Child("kind"),
                                                      binding.target().kind(), {"Node"})});
  }
  Registry& pods = registry("Pod");
  absl::Time now = clock_.Now();
  return pods.GuaranteedUpdate(
      binding.metadata().namespace_(), pod_name, binding.metadata().resource_version(),
      [&](Message& m) -> absl::Status {
        auto& pod = static_cast<core::v1::Pod&>(m);
        if (pod.metadata().has_deletion_timestamp()) {
          return pods.Conflict(pod.metadata().namespace_(), pod_name,
                               "pod is being deleted, cannot be assigned to a host");
        }
        if (!pod.spec().node_name().empty()) {
          return pods.Conflict(pod.metadata().namespace_(), pod_name,
                               absl::StrCat("pod ", pod_name, " is already assigned to node \"",
                                            pod.spec().node_name(), "\""));
        }
        pod.mutable_spec()->set_node_name(binding.target().name());
        api::SetPodCondition(*pod.mutable_status(), "PodScheduled", "True", "", "", now);
        return absl::OkStatus();
      });
}

absl::StatusOr<MessagePtr> ApiServer::Evict(const policy::v1::Eviction& eviction) {
  const std::string& ns = eviction.metadata().namespace_().empty()
                              ? std::string("default")
                              : eviction.metadata().namespace_();
  const std::string& name = eviction.metadata().name();
  Registry& pods = registry("Pod");
  meta::v1::DeleteRequest del = eviction.delete_options();
  del.set_namespace_(ns);
  del.set_name(name);
  for (int attempt = 0; attempt < 8; ++attempt) {
    ORDO_ASSIGN_OR_RETURN(MessagePtr pod_msg, pods.Get(ns, name));
    const auto& pod = static_cast<const core::v1::Pod&>(*pod_msg);
    // Terminal, pending and already-terminating pods never count against a budget.
    const std::string& phase = pod.status().phase();
    if (pod.metadata().has_deletion_timestamp() || phase == "Succeeded" || phase == "Failed" ||
        phase == "Pending") {
      return pods.Delete(del);
    }
    meta::v1::ListOptions in_ns;
    in_ns.set_namespace_(ns);
    Registry& budgets = registry("PodDisruptionBudget");
    ORDO_ASSIGN_OR_RETURN(ListResult pdbs, budgets.List(in_ns));
    std::vector<const policy::v1::PodDisruptionBudget*> matching;
    for (const auto& item : pdbs.items) {
      const auto& pdb = static_cast<const policy::v1::PodDisruptionBudget&>(*item);
      auto selector = labels::LabelSelector::FromProto(pdb.spec().selector());
      if (!selector.ok() || selector->Empty()) continue;
      if (selector->Matches(pod.metadata().labels())) matching.push_back(&pdb);
    }
    if (matching.empty()) return pods.Delete(del);
    if (matching.size() > 1) {
      return absl::InternalError(
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does "
          "not support.");
    }
    const auto& pdb = *matching.front();
    if (pdb.status().observed_generation() < pdb.metadata().generation()) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "Cannot evict pod as it would violate the pod's disruption budget. The disruption "
          "budget ",
          pdb.metadata().name(), " is still being processed by the server."));
    }
    // An unready pod may go when the budget is met anyway (IfHealthyBudget) or always
    // (AlwaysAllow).
    bool unhealthy = !IsPodReady(pod);
    bool unhealthy_may_go =
        unhealthy && (pdb.spec().unhealthy_pod_eviction_policy() == "AlwaysAllow" ||
                      pdb.status().current_healthy() >= pdb.status().desired_healthy());
    if (unhealthy_may_go) return pods.Delete(del);
    if (pdb.status().disruptions_allowed() <= 0) {
      return absl::ResourceExhaustedError(
          absl::StrCat("Cannot evict pod as it would violate the pod's disruption budget. The "
                       "disruption budget ",
                       pdb.metadata().name(), " needs ", pdb.status().desired_healthy(),
                       " healthy pods and has ", pdb.status().current_healthy(), " currently"));
    }
    // Spend one disruption, conditional on the budget not having moved.
    policy::v1::PodDisruptionBudget spent = pdb;
    spent.mutable_status()->set_disruptions_allowed(pdb.status().disruptions_allowed() - 1);
    SetTimestamp(&(*spent.mutable_status()->mutable_disrupted_pods())[name], clock_.Now());
    auto updated = budgets.UpdateStatus(spent);
    if (!updated.ok()) {
      if (updated.status().code() == absl::StatusCode::kAborted) continue;
      return updated.status();
    }
    return pods.Delete(del);
  }
  return absl::AbortedError("eviction: the disruption budget kept changing; try again");
}

absl::StatusOr<apps::v1::Scale> ApiServer::GetScale(const std::string& ns,
                                                    const std::string& name) {
  ORDO_ASSIGN_OR_RETURN(MessagePtr msg, registry("StatefulSet").Get(ns, name));
  const auto& set = static_cast<const apps::v1::StatefulSet&>(*msg);
  apps::v1::Scale scale;
  scale.set_api_version("autoscaling/v1");
  scale.set_kind("Scale");
  auto* m = scale.mutable_metadata();
  m->set_name(set.metadata().name());
  m->set_namespace_(set.metadata().namespace_());
  m->set_uid(set.metadata().uid());
  m->set_resource_version(set.metadata().resource_version());
  *m->mutable_creation_timestamp() = set.metadata().creation_timestamp();
  scale.mutable_spec()->set_replicas(set.spec().replicas());
  scale.mutable_status()->set_replicas(set.status().replicas());
  auto selector = labels::LabelSelector::FromProto(set.spec().selector());
  if (selector.ok()) scale.mutable_status()->set_selector(selector->ToString());
  return scale;
}

absl::StatusOr<apps::v1::Scale> ApiServer::UpdateScale(const apps::v1::Scale& scale) {
  if (scale.spec().replicas() < 0) {
    return status::InvalidError(
        "Scale.autoscaling", scale.metadata().name(),
        {status::Invalid(FieldPath("spec").Child("replicas"), absl::StrCat(scale.spec().replicas()),
                         "must be greater than or equal to 0")});
  }
  ORDO_RETURN_IF_ERROR(
      registry("StatefulSet")
          .GuaranteedUpdate(scale.metadata().namespace_(), scale.metadata().name(),
                            scale.metadata().resource_version(),
                            [&](Message& m) {
                              static_cast<apps::v1::StatefulSet&>(m).mutable_spec()->set_replicas(
                                  scale.spec().replicas());
                              return absl::OkStatus();
                            })
          .status());
  return GetScale(scale.metadata().namespace_(), scale.metadata().name());
}

}  // namespace ordo::apiserver
