// The one way the agent writes a metav1 timestamp: whole seconds, as
// Kubernetes serialises them. Stateless.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"

namespace ordo::kubelet {

inline void SetTimestamp(google::protobuf::Timestamp* ts, absl::Time t) {
  ts->set_seconds(absl::ToUnixSeconds(t));
  ts->set_nanos(0);
}

}  // namespace ordo::kubelet
