#include "services/controller-manager/statefulset/pod_identity.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "common/api/statefulset.h"
#include "common/clock/timestamp.h"

namespace ordo::statefulset {

std::optional<ParsedName> ParsePodName(const std::string& name) {
  size_t dash = name.rfind('-');
  if (dash == std::string::npos || dash + 1 == name.size()) return std::nullopt;
  const char* first = name.data() + dash + 1;
  const char* last = name.data() + name.size();
  for (const char* p = first; p != last; ++p) {
    if (*p < '0' || *p > '9') return std::nullopt;
  }
  int ordinal = 0;
  auto [end, ec] = std::from_chars(first, last, ordinal);
  if (ec != std::errc() || end != last) return std::nullopt;
  return ParsedName{name.substr(0, dash), ordinal};
}

std::string PodName(const StatefulSet& set, int ordinal) {
  return absl::StrCat(set.metadata().name(), "-", ordinal);
}

std::string ClaimName(const StatefulSet& set, const PersistentVolumeClaim& tmpl, int ordinal) {
  return absl::StrCat(tmpl.metadata().name(), "-", PodName(set, ordinal));
}

int StartOrdinal(const StatefulSet& set) { return set.spec().ordinals().start(); }

int Replicas(const StatefulSet& set) { return api::DesiredReplicas(set.spec()); }

bool IsMemberOf(const StatefulSet& set, const Pod& pod) {
  auto parsed = ParsePodName(pod.metadata().name());
  return parsed.has_value() && parsed->parent == set.metadata().name();
}

std::string RevisionOf(const Pod& pod) {
  auto it = pod.metadata().labels().find(kRevisionLabel);
  return it == pod.metadata().labels().end() ? "" : it->second;
}

bool IsCreated(const Pod& pod) { return !pod.status().phase().empty(); }
bool IsFailed(const Pod& pod) { return pod.status().phase() == "Failed"; }
bool IsSucceeded(const Pod& pod) { return pod.status().phase() == "Succeeded"; }
bool IsPending(const Pod& pod) { return pod.status().phase() == "Pending"; }
bool IsTerminating(const Pod& pod) { return pod.metadata().has_deletion_timestamp(); }

namespace {
const core::v1::PodCondition* ReadyCondition(const Pod& pod) {
  for (const auto& c : pod.status().conditions()) {
    if (c.type() == "Ready") return &c;
  }
  return nullptr;
}
}  // namespace

std::optional<absl::Time> ReadySince(const Pod& pod) {
  const auto* ready = ReadyCondition(pod);
  if (ready == nullptr || ready->status() != "True") return std::nullopt;
  return FromTimestamp(ready->last_transition_time());
}

bool IsRunningAndReady(const Pod& pod) {
  return pod.status().phase() == "Running" && ReadySince(pod).has_value();
}

bool IsRunningAndAvailable(const Pod& pod, int min_ready_seconds, absl::Time now) {
  if (!IsRunningAndReady(pod)) return false;
  if (min_ready_seconds <= 0) return true;
  return *ReadySince(pod) + absl::Seconds(min_ready_seconds) <= now;
}

bool IsHealthy(const Pod& pod) { return IsRunningAndReady(pod) && !IsTerminating(pod); }

bool IsUnavailable(const Pod& pod, int min_ready_seconds, absl::Time now) {
  return !IsHealthy(pod) || !IsRunningAndAvailable(pod, min_ready_seconds, now);
}

meta::v1::OwnerReference ControllerRefOf(const StatefulSet& set) {
  meta::v1::OwnerReference ref;
  ref.set_api_version("apps/v1");
  ref.set_kind("StatefulSet");
  ref.set_name(set.metadata().name());
  ref.set_uid(set.metadata().uid());
  ref.set_controller(true);
  ref.set_block_owner_deletion(true);
  return ref;
}

std::string ControllerUid(const meta::v1::ObjectMeta& meta) {
  for (const auto& ref : meta.owner_references()) {
    if (ref.controller()) return ref.uid();
  }
  return "";
}

Pod NewStatefulSetPod(const StatefulSet& set, const core::v1::PodTemplateSpec& tmpl,
                      const std::string& revision, int ordinal) {
  Pod pod;
  pod.set_api_version("v1");
  pod.set_kind("Pod");
  auto* meta = pod.mutable_metadata();
  *meta->mutable_labels() = tmpl.metadata().labels();
  *meta->mutable_annotations() = tmpl.metadata().annotations();
  *meta->mutable_finalizers() = tmpl.metadata().finalizers();
  meta->set_namespace_(set.metadata().namespace_());
  *meta->add_owner_references() = ControllerRefOf(set);
  *pod.mutable_spec() = tmpl.spec();
  meta->set_name(PodName(set, ordinal));
  RestoreIdentity(set, pod);
  pod.mutable_spec()->set_hostname(meta->name());
  pod.mutable_spec()->set_subdomain(set.spec().service_name());
  RestoreStorage(set, pod);
  (*meta->mutable_labels())[kRevisionLabel] = revision;
  return pod;
}

bool IdentityMatches(const StatefulSet& set, const Pod& pod) {
  auto parsed = ParsePodName(pod.metadata().name());
  if (!parsed.has_value() || parsed->parent != set.metadata().name()) return false;
  if (pod.metadata().namespace_() != set.metadata().namespace_()) return false;
  const auto& labels = pod.metadata().labels();
  auto name = labels.find(kPodNameLabel);
  auto index = labels.find(kPodIndexLabel);
  return name != labels.end() && name->second == pod.metadata().name() && index != labels.end() &&
         index->second == absl::StrCat(parsed->ordinal);
}

bool StorageMatches(const StatefulSet& set, const Pod& pod) {
  auto parsed = ParsePodName(pod.metadata().name());
  if (!parsed.has_value()) return false;
  for (const auto& tmpl : set.spec().volume_claim_templates()) {
    bool found = false;
    for (const auto& v : pod.spec().volumes()) {
      if (v.name() != tmpl.metadata().name()) continue;
      found = v.has_persistent_volume_claim() &&
              v.persistent_volume_claim().claim_name() == ClaimName(set, tmpl, parsed->ordinal);
      break;
    }
    if (!found) return false;
  }
  return true;
}

void RestoreIdentity(const StatefulSet& set, Pod& pod) {
  auto parsed = ParsePodName(pod.metadata().name());
  if (!parsed.has_value()) return;
  auto& labels = *pod.mutable_metadata()->mutable_labels();
  labels[kPodNameLabel] = pod.metadata().name();
  labels[kPodIndexLabel] = absl::StrCat(parsed->ordinal);
  pod.mutable_metadata()->set_namespace_(set.metadata().namespace_());
}

void RestoreStorage(const StatefulSet& set, Pod& pod) {
  auto parsed = ParsePodName(pod.metadata().name());
  if (!parsed.has_value()) return;
  auto* volumes = pod.mutable_spec()->mutable_volumes();
  for (const auto& tmpl : set.spec().volume_claim_templates()) {
    core::v1::Volume volume;
    volume.set_name(tmpl.metadata().name());
    volume.mutable_persistent_volume_claim()->set_claim_name(ClaimName(set, tmpl, parsed->ordinal));
    bool replaced = false;
    for (auto& v : *volumes) {
      if (v.name() == volume.name()) {
        v = volume;  // a claim template replaces a template volume of its name
        replaced = true;
      }
    }
    if (!replaced) *volumes->Add() = std::move(volume);
  }
}

std::vector<PersistentVolumeClaim> ClaimsFor(const StatefulSet& set, int ordinal) {
  std::vector<PersistentVolumeClaim> out;
  for (const auto& tmpl : set.spec().volume_claim_templates()) {
    PersistentVolumeClaim claim = tmpl;
    claim.set_api_version("v1");
    claim.set_kind("PersistentVolumeClaim");
    auto* meta = claim.mutable_metadata();
    meta->set_name(ClaimName(set, tmpl, ordinal));
    meta->set_namespace_(set.metadata().namespace_());
    meta->clear_uid();
    meta->clear_resource_version();
    meta->clear_creation_timestamp();
    // The selector's matchLabels win over the template's labels.
    for (const auto& [k, v] : set.spec().selector().match_labels()) {
      (*meta->mutable_labels())[k] = v;
    }
    claim.clear_status();
    out.push_back(std::move(claim));
  }
  return out;
}

}  // namespace ordo::statefulset
