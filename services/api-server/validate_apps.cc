// Validation of apps/v1: StatefulSet (reference §1.3–§1.4) and ControllerRevision.
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/api/statefulset.h"
#include "common/labels/selector.h"
#include "common/naming/naming.h"
#include "services/api-server/object_access.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using apps::v1::StatefulSet;
using status::Forbidden;
using status::Invalid;
using status::NotSupported;
using status::Quote;
using status::Required;

namespace {

// Go's %#v of a map[string]string, as Kubernetes prints label maps in errors.
std::string GoMap(const google::protobuf::Map<std::string, std::string>& m) {
  std::map<std::string, std::string> sorted(m.begin(), m.end());
  std::vector<std::string> parts;
  for (const auto& [k, v] : sorted) parts.push_back(absl::StrCat(Quote(k), ":", Quote(v)));
  return absl::StrCat("map[string]string{", absl::StrJoin(parts, ", "), "}");
}

FieldErrors ValidateMaxUnavailable(const google::protobuf::Value& v, const FieldPath& path) {
  FieldErrors errs = ValidateIntOrPercent(v, path);
  if (!errs.empty()) return errs;
  if (v.has_number_value()) {
    if (v.number_value() == 0) errs.push_back(Invalid(path, "0", "cannot be 0"));
  } else {
    absl::string_view s = v.string_value();
    absl::ConsumeSuffix(&s, "%");
    int pct = 0;
    (void)absl::SimpleAtoi(s, &pct);
    if (pct == 0) errs.push_back(Invalid(path, Quote(v.string_value()), "cannot be 0"));
    if (pct > 100) {
      errs.push_back(Invalid(path, Quote(v.string_value()), "must not be greater than 100%"));
    }
  }
  return errs;
}

}  // namespace

FieldErrors ValidateStatefulSet(const StatefulSet& set) {
  FieldErrors errs =
      ValidateObjectMeta(set.metadata(), true, NameRule::kDns1123Label, FieldPath("metadata"));
  const std::string& name = set.metadata().name();
  if (static_cast<int>(name.size()) > kMaxStatefulSetNameLength) {
    errs.push_back(Invalid(FieldPath("metadata").Child("name"), Quote(name),
                           absl::StrCat("must be no more than ", kMaxStatefulSetNameLength,
                                        " characters, so that the label controller-revision-hash "
                                        "(<name>-<hash>) of its pods fits in 63")));
  }
  FieldPath spec("spec");
  const auto& s = set.spec();
  Append(errs, ValidateNonNegative(s.replicas(), spec.Child("replicas")));
  Append(errs, ValidateNonNegative(s.min_ready_seconds(), spec.Child("minReadySeconds")));
  if (s.has_ordinals()) {
    Append(errs, ValidateNonNegative(s.ordinals().start(), spec.Child("ordinals").Child("start")));
  }
  if (!s.service_name().empty()) {
    for (const auto& p : naming::IsDns1123Label(s.service_name())) {
      errs.push_back(Invalid(spec.Child("serviceName"), Quote(s.service_name()), p));
    }
  }
  if (s.pod_management_policy() != api::kOrderedReadyPodManagement &&
      s.pod_management_policy() != api::kParallelPodManagement) {
    errs.push_back(Invalid(spec.Child("podManagementPolicy"), Quote(s.pod_management_policy()),
                           "must be 'OrderedReady' or 'Parallel'"));
  }
  const auto& strategy = s.update_strategy();
  FieldPath strategy_path = spec.Child("updateStrategy");
  if (strategy.type() != api::kRollingUpdateStrategy && strategy.type() != api::kOnDeleteStrategy) {
    errs.push_back(
        Invalid(strategy_path, Quote(strategy.type()), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  if (strategy.has_rolling_update()) {
    FieldPath ru = strategy_path.Child("rollingUpdate");
    if (strategy.type() != api::kRollingUpdateStrategy) {
      errs.push_back(Invalid(ru, "", "only allowed for updateStrategy 'RollingUpdate'"));
    }
    if (strategy.rolling_update().has_partition()) {
      Append(errs,
             ValidateNonNegative(strategy.rolling_update().partition(), ru.Child("partition")));
    }
    if (strategy.rolling_update().has_max_unavailable()) {
      Append(errs, ValidateMaxUnavailable(strategy.rolling_update().max_unavailable(),
                                          ru.Child("maxUnavailable")));
    }
  }
  const auto& policy = s.persistent_volume_claim_retention_policy();
  FieldPath policy_path = spec.Child("persistentVolumeClaimRetentionPolicy");
  Append(errs, ValidateOneOf(policy.when_deleted(), {"Retain", "Delete"},
                             policy_path.Child("whenDeleted")));
  Append(errs, ValidateOneOf(policy.when_scaled(), {"Retain", "Delete"},
                             policy_path.Child("whenScaled")));

  FieldPath selector_path = spec.Child("selector");
  if (!s.has_selector()) {
    errs.push_back(Required(selector_path));
  } else if (s.selector().match_labels().empty() && s.selector().match_expressions().empty()) {
    errs.push_back(Invalid(selector_path, "", "empty selector is invalid for statefulset"));
  } else {
    FieldErrors selector_errs = ValidateLabelSelector(s.selector(), selector_path);
    if (selector_errs.empty()) {
      auto selector = labels::LabelSelector::FromProto(s.selector());
      if (selector.ok() && !selector->Matches(s.template_().metadata().labels())) {
        errs.push_back(Invalid(spec.Child("template").Child("metadata").Child("labels"),
                               GoMap(s.template_().metadata().labels()),
                               "`selector` does not match template `labels`"));
      }
    }
    Append(errs, std::move(selector_errs));
  }
  FieldPath tmpl = spec.Child("template");
  // Unlike Kubernetes, which skips the template's pod spec (a TODO in its
  // validation), check it whole, counting claim templates as volumes.
  std::vector<std::string> claim_volumes;
  for (const auto& claim : s.volume_claim_templates())
    claim_volumes.push_back(claim.metadata().name());
  Append(errs, ValidatePodTemplateSpec(s.template_(), tmpl, claim_volumes));
  if (s.template_().spec().restart_policy() != "Always") {
    // Replace the generic restartPolicy error, if any, with the StatefulSet one.
    std::erase_if(errs, [](const status::FieldError& e) {
      return e.field == "spec.template.spec.restartPolicy";
    });
    errs.push_back(NotSupported(tmpl.Child("spec").Child("restartPolicy"),
                                s.template_().spec().restart_policy(), {"Always"}));
  }
  if (s.template_().spec().has_active_deadline_seconds()) {
    errs.push_back(Forbidden(tmpl.Child("spec").Child("activeDeadlineSeconds"),
                             "activeDeadlineSeconds in StatefulSet is not Supported"));
  }
  absl::flat_hash_set<std::string> claim_names;
  for (int i = 0; i < s.volume_claim_templates_size(); ++i) {
    const auto& claim = s.volume_claim_templates(i);
    FieldPath p = spec.Child("volumeClaimTemplates").Index(i);
    const std::string& claim_name = claim.metadata().name();
    if (claim_name.empty()) {
      errs.push_back(Required(p.Child("metadata").Child("name")));
    } else {
      for (const auto& prob : naming::IsDns1123Subdomain(claim_name)) {
        errs.push_back(Invalid(p.Child("metadata").Child("name"), Quote(claim_name), prob));
      }
      if (!claim_names.insert(claim_name).second) {
        errs.push_back(status::Duplicate(p.Child("metadata").Child("name"), Quote(claim_name)));
      }
    }
    Append(errs, ValidateLabels(claim.metadata().labels(), p.Child("metadata").Child("labels")));
    Append(errs, ValidatePersistentVolumeClaimSpec(claim.spec(), p.Child("spec")));
  }
  return errs;
}

FieldErrors ValidateStatefulSetUpdate(const StatefulSet& updated, const StatefulSet& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  // Everything but the mutable fields must stay. Beyond Kubernetes (reference §5
  // row 4), revisionHistoryLimit and podManagementPolicy are mutable too.
  apps::v1::StatefulSetSpec masked = updated.spec();
  const auto& o = old.spec();
  if (o.has_replicas())
    masked.set_replicas(o.replicas());
  else
    masked.clear_replicas();
  *masked.mutable_template_() = o.template_();
  *masked.mutable_update_strategy() = o.update_strategy();
  masked.set_min_ready_seconds(o.min_ready_seconds());
  if (o.has_ordinals())
    *masked.mutable_ordinals() = o.ordinals();
  else
    masked.clear_ordinals();
  *masked.mutable_persistent_volume_claim_retention_policy() =
      o.persistent_volume_claim_retention_policy();
  if (o.has_revision_history_limit()) {
    masked.set_revision_history_limit(o.revision_history_limit());
  } else {
    masked.clear_revision_history_limit();
  }
  masked.set_pod_management_policy(o.pod_management_policy());
  if (DeterministicBytes(masked) != DeterministicBytes(o)) {
    errs.push_back(Forbidden(
        FieldPath("spec"),
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
        "'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', "
        "'revisionHistoryLimit' and 'podManagementPolicy' are forbidden"));
  }
  return errs;
}

FieldErrors ValidateStatefulSetStatus(const StatefulSet& updated, const StatefulSet& old) {
  FieldErrors errs;
  FieldPath p("status");
  const auto& s = updated.status();
  Append(errs, ValidateNonNegative(s.replicas(), p.Child("replicas")));
  Append(errs, ValidateNonNegative(s.ready_replicas(), p.Child("readyReplicas")));
  Append(errs, ValidateNonNegative(s.current_replicas(), p.Child("currentReplicas")));
  Append(errs, ValidateNonNegative(s.updated_replicas(), p.Child("updatedReplicas")));
  Append(errs, ValidateNonNegative(s.available_replicas(), p.Child("availableReplicas")));
  Append(errs, ValidateNonNegative(s.terminating_replicas(), p.Child("terminatingReplicas")));
  Append(errs, ValidateNonNegative(s.observed_generation(), p.Child("observedGeneration")));
  auto at_most_replicas = [&](int32_t v, absl::string_view field) {
    if (v > s.replicas()) {
      errs.push_back(
          Invalid(p.Child(field), absl::StrCat(v), "cannot be greater than status.replicas"));
    }
  };
  at_most_replicas(s.ready_replicas(), "readyReplicas");
  at_most_replicas(s.current_replicas(), "currentReplicas");
  at_most_replicas(s.updated_replicas(), "updatedReplicas");
  at_most_replicas(s.available_replicas(), "availableReplicas");
  if (s.available_replicas() > s.ready_replicas()) {
    errs.push_back(Invalid(p.Child("availableReplicas"), absl::StrCat(s.available_replicas()),
                           "cannot be greater than status.readyReplicas"));
  }
  if (s.has_collision_count()) {
    Append(errs, ValidateNonNegative(s.collision_count(), p.Child("collisionCount")));
    if (old.status().has_collision_count() &&
        s.collision_count() < old.status().collision_count()) {
      errs.push_back(Invalid(p.Child("collisionCount"), absl::StrCat(s.collision_count()),
                             "cannot be decremented"));
    }
  } else if (old.status().has_collision_count()) {
    errs.push_back(Invalid(p.Child("collisionCount"), "nil", "cannot be decremented"));
  }
  return errs;
}

FieldErrors ValidateControllerRevision(const apps::v1::ControllerRevision& rev) {
  FieldErrors errs =
      ValidateObjectMeta(rev.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  Append(errs, ValidateNonNegative(rev.revision(), FieldPath("revision")));
  return errs;
}

FieldErrors ValidateControllerRevisionUpdate(const apps::v1::ControllerRevision& updated,
                                             const apps::v1::ControllerRevision& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  if (DeterministicBytes(updated.data()) != DeterministicBytes(old.data())) {
    errs.push_back(Invalid(FieldPath("data"), "", "field is immutable"));
  }
  return errs;
}

}  // namespace ordo::apiserver
