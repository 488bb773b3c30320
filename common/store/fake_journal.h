// FakeJournal is the Journal of tests: it keeps what is appended in memory and
// can be told to fail or to hold every Append, as a sick disk would.
// Thread-safe.
#pragma once

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/store/journal.h"

namespace ordo::store {

class FakeJournal final : public Journal {
 public:
  // Loads as `state` (empty by default).
  explicit FakeJournal(JournalState state = {}) : state_(std::move(state)) {}

  absl::StatusOr<JournalState> Load(size_t max_events) override;
  // Waits while held, then fails with the set error, or keeps the events.
  absl::Status Append(const std::vector<EventPtr>& events) override;

  // Every Append from now on returns `error`; OK makes them succeed again.
  void FailWith(absl::Status error);
  // Appends wait from now on, until Release.
  void Hold();
  void Release();
  // Whether an Append came to wait within `timeout`.
  bool AwaitHeldAppend(absl::Duration timeout);

  // The revision of the last event kept (0: none).
  int64_t revision();
  // How many Appends were made, kept or failed.
  int appends();

 private:
  absl::Mutex mu_;
  JournalState state_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int appends_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ordo::store
