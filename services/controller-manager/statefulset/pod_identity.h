// What makes a StatefulSet pod itself (reference §1.5, §2.5, §2.14): its name
// `<set>-<ordinal>`, labels, hostname and subdomain, its claims
// `<template>-<set>-<ordinal>`, and the predicates the controller uses to judge
// a pod (created, terminating, running and ready, available, healthy).
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::statefulset {

inline constexpr char kPodNameLabel[] = "statefulset.kubernetes.io/pod-name";
inline constexpr char kPodIndexLabel[] = "apps.kubernetes.io/pod-index";
inline constexpr char kRevisionLabel[] = "controller-revision-hash";

using apps::v1::StatefulSet;
using core::v1::PersistentVolumeClaim;
using core::v1::Pod;

// The parent name and ordinal of `<parent>-<ordinal>`; nullopt when the name
// does not end in `-<digits>` or the ordinal does not fit an int32.
struct ParsedName {
  std::string parent;
  int ordinal;
};
std::optional<ParsedName> ParsePodName(const std::string& name);

std::string PodName(const StatefulSet& set, int ordinal);
std::string ClaimName(const StatefulSet& set, const PersistentVolumeClaim& tmpl, int ordinal);
int StartOrdinal(const StatefulSet& set);
int Replicas(const StatefulSet& set);

// The pod's name parses to this set.
bool IsMemberOf(const StatefulSet& set, const Pod& pod);
// The pod's controller-revision-hash label ("" when absent).
std::string RevisionOf(const Pod& pod);

bool IsCreated(const Pod& pod);
bool IsFailed(const Pod& pod);
bool IsSucceeded(const Pod& pod);
bool IsPending(const Pod& pod);
bool IsTerminating(const Pod& pod);
bool IsRunningAndReady(const Pod& pod);
// Ready for at least min_ready_seconds at `now`.
bool IsRunningAndAvailable(const Pod& pod, int min_ready_seconds, absl::Time now);
bool IsHealthy(const Pod& pod);
bool IsUnavailable(const Pod& pod, int min_ready_seconds, absl::Time now);
// When the pod became Ready; nullopt when it is not Ready.
std::optional<absl::Time> ReadySince(const Pod& pod);

// The controllerRef every pod, claim and revision of `set` carries.
meta::v1::OwnerReference ControllerRefOf(const StatefulSet& set);
// The uid of the controller owner of `meta`; "" when there is none.
std::string ControllerUid(const meta::v1::ObjectMeta& meta);

// A new pod of `set` at `ordinal` from `tmpl`, the template of revision
// `revision` (reference §2.14): identity, storage, ownerRef, revision label.
Pod NewStatefulSetPod(const StatefulSet& set, const core::v1::PodTemplateSpec& tmpl,
                      const std::string& revision, int ordinal);

// The pod's name, namespace and identity labels are those of its ordinal.
bool IdentityMatches(const StatefulSet& set, const Pod& pod);
// Every claim template has a volume of its name naming the ordinal's claim.
bool StorageMatches(const StatefulSet& set, const Pod& pod);
// Restores identity labels and claim volumes in place.
void RestoreIdentity(const StatefulSet& set, Pod& pod);
void RestoreStorage(const StatefulSet& set, Pod& pod);

// The claims the pod at `ordinal` needs, by name, as new objects.
std::vector<PersistentVolumeClaim> ClaimsFor(const StatefulSet& set, int ordinal);

}  // namespace ordo::statefulset
