#include "common/store/fake_journal.h"

namespace ordo::store {

absl::StatusOr<JournalState> FakeJournal::Load(size_t max_events) {
  absl::MutexLock lock(&mu_);
  JournalState loaded = state_;
  if (loaded.recent_events.size() > max_events) {
    loaded.recent_events.erase(loaded.recent_events.begin(),
                               loaded.recent_events.end() - static_cast<ptrdiff_t>(max_events));
  }
  return loaded;
}

absl::Status FakeJournal::Append(const std::vector<EventPtr>& events) {
  absl::MutexLock lock(&mu_);
  ++appends_;
  ++waiting_;
  auto released = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !held_; };
  mu_.Await(absl::Condition(&released));
  --waiting_;
  if (!error_.ok()) return error_;
  for (const EventPtr& e : events) state_.recent_events.push_back(e);
  state_.revision = events.back()->revision();
  return absl::OkStatus();
}

void FakeJournal::FailWith(absl::Status error) {
  absl::MutexLock lock(&mu_);
  error_ = std::move(error);
}

void FakeJournal::Hold() {
  absl::MutexLock lock(&mu_);
  held_ = true;
}

void FakeJournal::Release() {
  absl::MutexLock lock(&mu_);
  held_ = false;
}

bool FakeJournal::AwaitHeldAppend(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto waiting = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return held_ && waiting_ > 0; };
  return mu_.AwaitWithTimeout(absl::Condition(&waiting), timeout);
}

int64_t FakeJournal::revision() {
  absl::MutexLock lock(&mu_);
  return state_.revision;
}

int FakeJournal::appends() {
  absl::MutexLock lock(&mu_);
  return appends_;
}

}  // namespace ordo::store
