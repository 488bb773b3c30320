// FakeEventRecorder keeps recorded events as "Type Reason message" strings,
// for tests to compare. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/events/event_recorder.h"

namespace ordo::testing {

class FakeEventRecorder final : public events::EventRecorder {
 public:
  void Record(const core::v1::ObjectReference& object, const std::string& type,
              const std::string& reason, const std::string& message) override {
    absl::MutexLock lock(&mu_);
    events_.push_back(type + " " + reason + " " + message);
  }
  std::vector<std::string> Take() {
    absl::MutexLock lock(&mu_);
    return std::exchange(events_, {});
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> events_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::testing
