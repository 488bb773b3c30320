// Validation of storage.k8s.io (StorageClass), policy (PodDisruptionBudget) and
// coordination.k8s.io (Lease).
#include "absl/strings/str_cat.h"
#include "common/naming/naming.h"
#include "services/api-server/object_access.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using status::Invalid;
using status::Quote;
using status::Required;

FieldErrors ValidateStorageClass(const storage::v1::StorageClass& sc) {
  FieldErrors errs =
      ValidateObjectMeta(sc.metadata(), false, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  if (sc.provisioner().empty()) {
    errs.push_back(Required(FieldPath("provisioner")));
  } else {
    for (const auto& p : naming::IsQualifiedName(sc.provisioner())) {
      errs.push_back(Invalid(FieldPath("provisioner"), Quote(sc.provisioner()), p));
    }
  }
  Append(errs,
         ValidateOneOf(sc.reclaim_policy(), {"Retain", "Delete"}, FieldPath("reclaimPolicy")));
  Append(errs, ValidateOneOf(sc.volume_binding_mode(), {"Immediate", "WaitForFirstConsumer"},
                             FieldPath("volumeBindingMode")));
  return errs;
}

FieldErrors ValidateStorageClassUpdate(const storage::v1::StorageClass& updated,
                                       const storage::v1::StorageClass& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  auto immutable = [&](bool same, absl::string_view field, const std::string& value) {
    if (!same) errs.push_back(Invalid(FieldPath(field), value, "field is immutable"));
  };
  immutable(updated.provisioner() == old.provisioner(), "provisioner",
            Quote(updated.provisioner()));
  immutable(updated.reclaim_policy() == old.reclaim_policy(), "reclaimPolicy",
            Quote(updated.reclaim_policy()));
  immutable(updated.volume_binding_mode() == old.volume_binding_mode(), "volumeBindingMode",
            Quote(updated.volume_binding_mode()));
  bool same_parameters = updated.parameters().size() == old.parameters().size();
  for (const auto& [k, v] : updated.parameters()) {
    auto it = old.parameters().find(k);
    same_parameters = same_parameters && it != old.parameters().end() && it->second == v;
  }
  immutable(same_parameters, "parameters", "");
  return errs;
}

FieldErrors ValidatePodDisruptionBudget(const policy::v1::PodDisruptionBudget& pdb) {
  FieldErrors errs =
      ValidateObjectMeta(pdb.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  FieldPath spec("spec");
  const auto& s = pdb.spec();
  if (s.has_min_available() && s.has_max_unavailable()) {
    errs.push_back(Invalid(spec, "", "minAvailable and maxUnavailable cannot be both set"));
  }
  for (const auto& [field, value] : {std::make_pair("minAvailable", &s.min_available()),
                                     std::make_pair("maxUnavailable", &s.max_unavailable())}) {
    bool set =
        field == std::string("minAvailable") ? s.has_min_available() : s.has_max_unavailable();
    if (!set) continue;
    Append(errs, ValidateIntOrPercent(*value, spec.Child(field)));
    if (value->has_string_value()) {
      int pct = std::atoi(value->string_value().c_str());
      if (pct > 100) {
        errs.push_back(Invalid(spec.Child(field), Quote(value->string_value()),
                               "must not be greater than 100%"));
      }
    }
  }
  if (s.has_selector()) Append(errs, ValidateLabelSelector(s.selector(), spec.Child("selector")));
  Append(errs, ValidateOneOf(s.unhealthy_pod_eviction_policy(), {"IfHealthyBudget", "AlwaysAllow"},
                             spec.Child("unhealthyPodEvictionPolicy"), true));
  return errs;
}

FieldErrors ValidateLease(const coordination::v1::Lease& lease) {
  FieldErrors errs = ValidateObjectMeta(lease.metadata(), true, NameRule::kDns1123Subdomain,
                                        FieldPath("metadata"));
  FieldPath spec("spec");
  if (lease.spec().has_lease_duration_seconds() && lease.spec().lease_duration_seconds() <= 0) {
    errs.push_back(Invalid(spec.Child("leaseDurationSeconds"),
                           absl::StrCat(lease.spec().lease_duration_seconds()),
                           "must be greater than 0"));
  }
  if (lease.spec().has_lease_transitions()) {
    Append(errs,
           ValidateNonNegative(lease.spec().lease_transitions(), spec.Child("leaseTransitions")));
  }
  return errs;
}

}  // namespace ordo::apiserver
