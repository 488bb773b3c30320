// The one way ordo converts between absl::Time and metav1 timestamps
// (google.protobuf.Timestamp). Kubernetes' metav1.Time is whole seconds;
// MicroTime (leases, events' eventTime) keeps microseconds. Stateless.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"

namespace ordo {

// metav1.Time: truncated to the second, as Kubernetes serialises it.
inline void SetTimestamp(google::protobuf::Timestamp* ts, absl::Time t) {
  ts->set_seconds(absl::ToUnixSeconds(t));
  ts->set_nanos(0);
}

// metav1.MicroTime: truncated to the microsecond.
inline void SetMicroTimestamp(google::protobuf::Timestamp* ts, absl::Time t) {
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(rest * 1000));
}

inline absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace ordo
