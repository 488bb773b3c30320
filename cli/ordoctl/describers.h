// kubectl describe's kind-specific bodies for pods and StatefulSets: the
// sections a kubectl user looks for (a pod's Node, Status, IP, Controlled By,
// Containers with State/Ready/Restart Count, Conditions, Volumes,
// Tolerations; a set's Replicas, Update Strategy, Pods Status, Pod Template
// and Volume Claims), keys aligned per block as kubectl's tab writer aligns
// them. The caller prints the Events after. Pure functions; safe from any
// thread.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::ctl {

// Label or annotation pairs as describe shows them: "k=v", sorted, joined by
// `separator`, without kubectl's last-applied annotation; "<none>" when empty.
std::string DescribePairs(const google::protobuf::Map<std::string, std::string>& pairs,
                          absl::string_view separator);

std::string DescribePod(const core::v1::Pod& pod);

// How many of a set's pods are in each phase: kubectl's "Pods Status".
struct PodPhaseCounts {
  int running = 0, waiting = 0, succeeded = 0, failed = 0;
};

std::string DescribeStatefulSet(const apps::v1::StatefulSet& set, const PodPhaseCounts& pods);

}  // namespace ordo::ctl
