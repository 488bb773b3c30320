// Latency samples from many threads, merged for percentiles. Each thread owns
// one Recorder; Merge after the threads are joined. Not synchronised.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace ordo::bench {

class Recorder {
 public:
  void Add(absl::Duration d) { nanos_.push_back(absl::ToInt64Nanoseconds(d)); }
  void Merge(const Recorder& other) {
    nanos_.insert(nanos_.end(), other.nanos_.begin(), other.nanos_.end());
  }
  size_t count() const { return nanos_.size(); }
  // The q-quantile (0..1) in milliseconds; sorts in place.
  double QuantileMs(double q) {
    if (nanos_.empty()) return 0;
    std::sort(nanos_.begin(), nanos_.end());
    size_t i = std::min(nanos_.size() - 1, static_cast<size_t>(q * nanos_.size()));
    return nanos_[i] / 1e6;
  }

 private:
  std::vector<int64_t> nanos_;
};

}  // namespace ordo::bench
