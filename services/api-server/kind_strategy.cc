#include "services/api-server/kind_strategy.h"

#include <cstdlib>

#include "services/api-server/defaults.h"
#include "services/api-server/object_access.h"

namespace ordo::apiserver {
namespace {

// Adapts typed functions to the Message-based strategy.
template <typename T>
class Builder {
 public:
  explicit Builder(absl::string_view kind) {
    s_.info = &ResourceFor(kind);
    s_.prototype = &T::default_instance();
  }
  Builder& Defaults(void (*fn)(T&)) {
    s_.apply_defaults = [fn](Message& m) { fn(static_cast<T&>(m)); };
    return *this;
  }
  Builder& Validate(FieldErrors (*fn)(const T&)) {
    s_.validate = [fn](const Message& m) { return fn(static_cast<const T&>(m)); };
    return *this;
  }
  Builder& ValidateUpdate(FieldErrors (*fn)(const T&, const T&)) {
    s_.validate_update = [fn](const Message& a, const Message& b) {
      return fn(static_cast<const T&>(a), static_cast<const T&>(b));
    };
    return *this;
  }
  Builder& ValidateStatus(FieldErrors (*fn)(const T&, const T&)) {
    s_.validate_status = [fn](const Message& a, const Message& b) {
      return fn(static_cast<const T&>(a), static_cast<const T&>(b));
    };
    return *this;
  }
  Builder& PrepareForCreate(void (*fn)(T&)) {
    s_.prepare_for_create = [fn](Message& m) { fn(static_cast<T&>(m)); };
    return *this;
  }
  Builder& PrepareForUpdate(void (*fn)(T&, const T&)) {
    s_.prepare_for_update = [fn](Message& updated, const Message& old) {
      fn(static_cast<T&>(updated), static_cast<const T&>(old));
    };
    return *this;
  }
  Builder& Admit(void (*fn)(T&)) {
    s_.admit = [fn](Message& m) { fn(static_cast<T&>(m)); };
    return *this;
  }
  Builder& GracePeriod(int64_t (*fn)(const T&, std::optional<int64_t>)) {
    s_.grace_period = [fn](const Message& m, std::optional<int64_t> requested) {
      return fn(static_cast<const T&>(m), requested);
    };
    return *this;
  }
  KindStrategy Build() { return s_; }

 private:
  KindStrategy s_;
};

// Kubernetes' QoS class: BestEffort without requests or limits, Guaranteed when
// every container's cpu and memory limits equal its requests, else Burstable.
std::string QosClass(const core::v1::PodSpec& spec) {
  bool any = false, guaranteed = true;
  for (const auto& c : spec.containers()) {
    const auto& r = c.resources();
    any = any || !r.requests().empty() || !r.limits().empty();
    for (const char* name : {"cpu", "memory"}) {
      auto lim = r.limits().find(name);
      if (lim == r.limits().end()) {
        guaranteed = false;
        continue;
      }
      auto req = r.requests().find(name);
      if (req != r.requests().end() && req->second != lim->second) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

// The DefaultTolerationSeconds admission plugin: pods ride out a node that is
// not-ready or unreachable for 300 s before taint eviction deletes them. It
// admits updates too, so a pod replaced from its original manifest keeps them.
void AddDefaultTolerations(core::v1::Pod& pod) {
  core::v1::PodSpec& spec = *pod.mutable_spec();
  for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
    bool covered = false;
    for (const auto& t : spec.tolerations()) {
      bool effect = t.effect().empty() || t.effect() == "NoExecute";
      covered =
          covered || (effect && (t.key() == key || (t.key().empty() && t.operator_() == "Exists")));
    }
    if (covered) continue;
    auto* t = spec.add_tolerations();
    t->set_key(key);
    t->set_operator_("Exists");
    t->set_effect("NoExecute");
    t->set_toleration_seconds(300);
  }
}

void PreparePod(core::v1::Pod& pod) {
  pod.clear_status();
  pod.mutable_status()->set_phase("Pending");
  pod.mutable_status()->set_qos_class(QosClass(pod.spec()));
}

int64_t PodGracePeriod(const core::v1::Pod& pod, std::optional<int64_t> requested) {
  // An unscheduled or finished pod has no kubelet to confirm: delete at once.
  if (pod.spec().node_name().empty()) return 0;
  if (pod.status().phase() == "Succeeded" || pod.status().phase() == "Failed") return 0;
  int64_t grace = requested.value_or(pod.spec().termination_grace_period_seconds());
  return grace < 0 ? 1 : grace;
}

template <typename T>
void ResetStatus(T& obj) {
  obj.clear_status();
}

void PrepareNamespace(core::v1::Namespace& ns) {
  ns.clear_status();
  ns.mutable_status()->set_phase("Active");
}

// Storage protection (Kubernetes' admission plugin StorageObjectInUseProtection):
// a claim or volume is not removed while in use; the volume controller lifts it.
void AddFinalizer(meta::v1::ObjectMeta& meta, const std::string& finalizer) {
  for (const auto& f : meta.finalizers()) {
    if (f == finalizer) return;
  }
  meta.add_finalizers(finalizer);
}

void PreparePersistentVolume(core::v1::PersistentVolume& pv) {
  pv.clear_status();
  pv.mutable_status()->set_phase("Pending");
  AddFinalizer(*pv.mutable_metadata(), "kubernetes.io/pv-protection");
}

void PreparePersistentVolumeClaim(core::v1::PersistentVolumeClaim& pvc) {
  pvc.clear_status();
  pvc.mutable_status()->set_phase("Pending");
  AddFinalizer(*pvc.mutable_metadata(), "kubernetes.io/pvc-protection");
}

// As Kubernetes' service strategy: an update that leaves the cluster IP out
// (`kubectl replace` of the original manifest) keeps the allocated one.
void KeepClusterIp(core::v1::Service& updated, const core::v1::Service& old) {
  auto& spec = *updated.mutable_spec();
  if (spec.type() == "ExternalName") return;
  if (spec.cluster_ip().empty() && spec.cluster_ips_size() == 0) {
    spec.set_cluster_ip(old.spec().cluster_ip());
  }
  if (spec.cluster_ips_size() == 0 && spec.cluster_ip() == old.spec().cluster_ip()) {
    *spec.mutable_cluster_ips() = old.spec().cluster_ips();
  }
}

FieldErrors PodStatusUpdate(const core::v1::Pod& updated, const core::v1::Pod&) {
  return ValidatePodStatus(updated);
}

std::vector<KindStrategy>* BuildAll() {
  using namespace core::v1;  // NOLINT: a table of every core kind
  auto* all = new std::vector<KindStrategy>{
      Builder<Namespace>("Namespace")
          .Validate(ValidateNamespace)
          .PrepareForCreate(PrepareNamespace)
          .Build(),
      Builder<Pod>("Pod")
          .Defaults(DefaultPod)
          .Validate(ValidatePod)
          .ValidateUpdate(ValidatePodUpdate)
          .ValidateStatus(PodStatusUpdate)
          .PrepareForCreate(PreparePod)
          .Admit(AddDefaultTolerations)
          .GracePeriod(PodGracePeriod)
          .Build(),
      Builder<Node>("Node").Validate(ValidateNode).Build(),
      Builder<Service>("Service")
          .Defaults(DefaultService)
          .PrepareForUpdate(KeepClusterIp)
          .Validate(ValidateService)
          .ValidateUpdate(ValidateServiceUpdate)
          .PrepareForCreate(ResetStatus<Service>)
          .Build(),
      Builder<Endpoints>("Endpoints")
          .Defaults(DefaultEndpoints)
          .Validate(ValidateEndpoints)
          .Build(),
      Builder<PersistentVolume>("PersistentVolume")
          .Defaults(DefaultPersistentVolume)
          .Validate(ValidatePersistentVolume)
          .PrepareForCreate(PreparePersistentVolume)
          .Build(),
      Builder<PersistentVolumeClaim>("PersistentVolumeClaim")
          .Defaults(DefaultPersistentVolumeClaim)
          .Validate(ValidatePersistentVolumeClaim)
          .ValidateUpdate(ValidatePersistentVolumeClaimUpdate)
          .PrepareForCreate(PreparePersistentVolumeClaim)
          .Build(),
      Builder<Event>("Event").Validate(ValidateEvent).Build(),
      Builder<apps::v1::StatefulSet>("StatefulSet")
          .Defaults(DefaultStatefulSet)
          .Validate(ValidateStatefulSet)
          .ValidateUpdate(ValidateStatefulSetUpdate)
          .ValidateStatus(ValidateStatefulSetStatus)
          .PrepareForCreate(ResetStatus<apps::v1::StatefulSet>)
          .Build(),
      Builder<apps::v1::ControllerRevision>("ControllerRevision")
          .Validate(ValidateControllerRevision)
          .ValidateUpdate(ValidateControllerRevisionUpdate)
          .Build(),
      Builder<storage::v1::StorageClass>("StorageClass")
          .Defaults(DefaultStorageClass)
          .Validate(ValidateStorageClass)
          .ValidateUpdate(ValidateStorageClassUpdate)
          .Build(),
      Builder<policy::v1::PodDisruptionBudget>("PodDisruptionBudget")
          .Validate(ValidatePodDisruptionBudget)
          .PrepareForCreate(ResetStatus<policy::v1::PodDisruptionBudget>)
          .Build(),
      Builder<coordination::v1::Lease>("Lease").Validate(ValidateLease).Build(),
      Builder<rbac::v1::Role>("Role").Validate(ValidateRole).Build(),
      Builder<rbac::v1::ClusterRole>("ClusterRole").Validate(ValidateClusterRole).Build(),
      Builder<rbac::v1::RoleBinding>("RoleBinding")
          .Defaults(DefaultRoleBinding)
          .Validate(ValidateRoleBinding)
          .ValidateUpdate(ValidateRoleBindingUpdate)
          .Build(),
      Builder<rbac::v1::ClusterRoleBinding>("ClusterRoleBinding")
          .Defaults(DefaultClusterRoleBinding)
          .Validate(ValidateClusterRoleBinding)
          .ValidateUpdate(ValidateClusterRoleBindingUpdate)
          .Build(),
      Builder<snapshot::v1::VolumeSnapshotClass>("VolumeSnapshotClass")
          .Validate(ValidateVolumeSnapshotClass)
          .ValidateUpdate(ValidateVolumeSnapshotClassUpdate)
          .Build(),
      Builder<snapshot::v1::VolumeSnapshot>("VolumeSnapshot")
          .Validate(ValidateVolumeSnapshot)
          .ValidateUpdate(ValidateVolumeSnapshotUpdate)
          .PrepareForCreate(ResetStatus<snapshot::v1::VolumeSnapshot>)
          .Build(),
      Builder<snapshot::v1::VolumeSnapshotContent>("VolumeSnapshotContent")
          .Validate(ValidateVolumeSnapshotContent)
          .ValidateUpdate(ValidateVolumeSnapshotContentUpdate)
          .Build(),
      Builder<velero::v1::Backup>("Backup")
          .Defaults(DefaultBackup)
          .Validate(ValidateBackup)
          .ValidateUpdate(ValidateBackupUpdate)
          .PrepareForCreate(ResetStatus<velero::v1::Backup>)
          .Build(),
      Builder<velero::v1::Restore>("Restore")
          .Validate(ValidateRestore)
          .ValidateUpdate(ValidateRestoreUpdate)
          .PrepareForCreate(ResetStatus<velero::v1::Restore>)
          .Build(),
      Builder<velero::v1::Schedule>("Schedule")
          .Defaults(DefaultSchedule)
          .Validate(ValidateSchedule)
          .PrepareForCreate(ResetStatus<velero::v1::Schedule>)
          .Build(),
      Builder<velero::v1::BackupStorageLocation>("BackupStorageLocation")
          .Defaults(DefaultBackupStorageLocation)
          .Validate(ValidateBackupStorageLocation)
          .PrepareForCreate(ResetStatus<velero::v1::BackupStorageLocation>)
          .Build(),
  };
  return all;
}

}  // namespace

const std::vector<KindStrategy>& AllStrategies() {
  static const std::vector<KindStrategy>* all = BuildAll();
  return *all;
}

const KindStrategy& StrategyFor(absl::string_view kind) {
  for (const auto& s : AllStrategies()) {
    if (s.info->kind == kind) return s;
  }
  std::abort();
}

}  // namespace ordo::apiserver
