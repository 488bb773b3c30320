#include "services/api-server/defaults.h"

#include "absl/strings/match.h"
#include "common/api/statefulset.h"

namespace ordo::apiserver {
namespace {

void DefaultProbe(core::v1::Probe& probe) {
  if (probe.timeout_seconds() == 0) probe.set_timeout_seconds(1);
  if (probe.period_seconds() == 0) probe.set_period_seconds(10);
  if (probe.success_threshold() == 0) probe.set_success_threshold(1);
  if (probe.failure_threshold() == 0) probe.set_failure_threshold(3);
  if (probe.has_http_get()) {
    if (probe.http_get().path().empty()) probe.mutable_http_get()->set_path("/");
    if (probe.http_get().scheme().empty()) probe.mutable_http_get()->set_scheme("HTTP");
  }
}

void DefaultContainer(core::v1::Container& c) {
  if (c.termination_message_path().empty()) c.set_termination_message_path("/dev/termination-log");
  if (c.termination_message_policy().empty()) c.set_termination_message_policy("File");
  if (c.image_pull_policy().empty()) {
    // Kubernetes: Always for ":latest" or an untagged image, else IfNotPresent.
    const std::string& image = c.image();
    size_t slash = image.rfind('/');
    std::string last = slash == std::string::npos ? image : image.substr(slash + 1);
    bool latest = absl::EndsWith(image, ":latest") ||
                  (last.find(':') == std::string::npos && last.find('@') == std::string::npos);
    c.set_image_pull_policy(latest ? "Always" : "IfNotPresent");
  }
  for (auto& port : *c.mutable_ports()) {
    if (port.protocol().empty()) port.set_protocol("TCP");
  }
  if (c.has_liveness_probe()) DefaultProbe(*c.mutable_liveness_probe());
  if (c.has_readiness_probe()) DefaultProbe(*c.mutable_readiness_probe());
  if (c.has_startup_probe()) DefaultProbe(*c.mutable_startup_probe());
}

}  // namespace

void DefaultPodSpec(core::v1::PodSpec& spec) {
  if (spec.restart_policy().empty()) spec.set_restart_policy("Always");
  if (spec.dns_policy().empty()) spec.set_dns_policy("ClusterFirst");
  if (!spec.has_termination_grace_period_seconds()) spec.set_termination_grace_period_seconds(30);
  if (spec.scheduler_name().empty()) spec.set_scheduler_name("default-scheduler");
  for (auto& c : *spec.mutable_containers()) DefaultContainer(c);
  for (auto& c : *spec.mutable_init_containers()) DefaultContainer(c);
  for (auto& v : *spec.mutable_volumes()) {
    if (!v.has_persistent_volume_claim() && !v.has_empty_dir() && !v.has_host_path()) {
      v.mutable_empty_dir();
    }
  }
}

void DefaultPod(core::v1::Pod& pod) { DefaultPodSpec(*pod.mutable_spec()); }

void DefaultService(core::v1::Service& svc) {
  auto& spec = *svc.mutable_spec();
  if (spec.type().empty()) spec.set_type("ClusterIP");
  if (spec.session_affinity().empty()) spec.set_session_affinity("None");
  for (auto& port : *spec.mutable_ports()) {
    if (port.protocol().empty()) port.set_protocol("TCP");
    if (!port.has_target_port()) port.mutable_target_port()->set_number_value(port.port());
  }
}

void DefaultEndpoints(core::v1::Endpoints& ep) {
  for (auto& subset : *ep.mutable_subsets()) {
    for (auto& port : *subset.mutable_ports()) {
      if (port.protocol().empty()) port.set_protocol("TCP");
    }
  }
}

void DefaultPersistentVolume(core::v1::PersistentVolume& pv) {
  auto& spec = *pv.mutable_spec();
  if (spec.persistent_volume_reclaim_policy().empty()) {
    spec.set_persistent_volume_reclaim_policy("Retain");
  }
  if (spec.volume_mode().empty()) spec.set_volume_mode("Filesystem");
}

void DefaultPersistentVolumeClaimSpec(core::v1::PersistentVolumeClaimSpec& spec) {
  if (spec.volume_mode().empty()) spec.set_volume_mode("Filesystem");
}

void DefaultPersistentVolumeClaim(core::v1::PersistentVolumeClaim& pvc) {
  DefaultPersistentVolumeClaimSpec(*pvc.mutable_spec());
}

void DefaultStatefulSet(apps::v1::StatefulSet& set) {
  auto& spec = *set.mutable_spec();
  if (spec.pod_management_policy().empty())
    spec.set_pod_management_policy(api::kOrderedReadyPodManagement);
  auto& strategy = *spec.mutable_update_strategy();
  if (strategy.type().empty()) {
    strategy.set_type(api::kRollingUpdateStrategy);
    strategy.mutable_rolling_update();
  }
  if (strategy.type() == api::kRollingUpdateStrategy && strategy.has_rolling_update()) {
    auto& ru = *strategy.mutable_rolling_update();
    if (!ru.has_partition()) ru.set_partition(0);
    // maxUnavailable is on (reference §5 row 3): default 1.
    if (!ru.has_max_unavailable()) ru.mutable_max_unavailable()->set_number_value(1);
  }
  auto& policy = *spec.mutable_persistent_volume_claim_retention_policy();
  if (policy.when_deleted().empty()) policy.set_when_deleted("Retain");
  if (policy.when_scaled().empty()) policy.set_when_scaled("Retain");
  if (!spec.has_replicas()) spec.set_replicas(api::kDefaultReplicas);
  if (!spec.has_revision_history_limit()) spec.set_revision_history_limit(10);
  DefaultPodSpec(*spec.mutable_template_()->mutable_spec());
  for (auto& claim : *spec.mutable_volume_claim_templates()) {
    DefaultPersistentVolumeClaimSpec(*claim.mutable_spec());
  }
}

namespace {
void DefaultSubjects(google::protobuf::RepeatedPtrField<rbac::v1::Subject>& subjects) {
  for (auto& s : subjects) {
    if (s.api_group().empty() && (s.kind() == "User" || s.kind() == "Group")) {
      s.set_api_group("rbac.authorization.k8s.io");
    }
  }
}
}  // namespace

void DefaultRoleBinding(rbac::v1::RoleBinding& binding) {
  DefaultSubjects(*binding.mutable_subjects());
}
void DefaultClusterRoleBinding(rbac::v1::ClusterRoleBinding& binding) {
  DefaultSubjects(*binding.mutable_subjects());
}

void DefaultStorageClass(storage::v1::StorageClass& sc) {
  if (sc.reclaim_policy().empty()) sc.set_reclaim_policy("Delete");
  if (sc.volume_binding_mode().empty()) sc.set_volume_binding_mode("Immediate");
}

void DefaultBackup(velero::v1::Backup& backup) {
  if (backup.spec().ttl().empty()) backup.mutable_spec()->set_ttl("720h0m0s");
}

void DefaultSchedule(velero::v1::Schedule& schedule) {
  auto& tmpl = *schedule.mutable_spec()->mutable_template_();
  if (tmpl.ttl().empty()) tmpl.set_ttl("720h0m0s");
}

void DefaultBackupStorageLocation(velero::v1::BackupStorageLocation& location) {
  auto& spec = *location.mutable_spec();
  if (spec.access_mode().empty()) spec.set_access_mode("ReadWrite");
  if (spec.backup_sync_period().empty()) spec.set_backup_sync_period("1m0s");
}

}  // namespace ordo::apiserver
