// FakeListerWatcher<T> scripts an api-server for informer tests: the test sets
// what List returns, queues watch events, and ends the current watch with a
// status (OUT_OF_RANGE, UNAVAILABLE, ...). It records every List and the
// resourceVersion of every Watch so tests can check what the reflector asked.
// Safe to use from the test thread and one reflector thread.
#pragma once

#include <deque>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/informer/lister_watcher.h"

namespace ordo::testing {

template <typename T>
class FakeListerWatcher final : public informer::ListerWatcher<T> {
 public:
  struct State {
    absl::Mutex mu;
    informer::ListResult<T> list ABSL_GUARDED_BY(mu);
    std::deque<informer::WatchEvent<T>> events ABSL_GUARDED_BY(mu);
    std::optional<absl::Status> end ABSL_GUARDED_BY(mu);  // ends the current watch
    int lists ABSL_GUARDED_BY(mu) = 0;
    std::vector<std::string> watch_versions ABSL_GUARDED_BY(mu);
  };

  // The fake is handed to an informer; the test keeps the shared state.
  explicit FakeListerWatcher(std::shared_ptr<State> state) : state_(std::move(state)) {}

  absl::StatusOr<informer::ListResult<T>> List(const meta::v1::ListOptions&) override {
    absl::MutexLock lock(&state_->mu);
    state_->lists++;
    return state_->list;
  }

  absl::StatusOr<std::unique_ptr<informer::WatchStream<T>>> Watch(
      const meta::v1::ListOptions& options) override {
    absl::MutexLock lock(&state_->mu);
    state_->watch_versions.push_back(options.resource_version());
    return std::unique_ptr<informer::WatchStream<T>>(new Stream(state_));
  }

 private:
  class Stream final : public informer::WatchStream<T> {
   public:
    explicit Stream(std::shared_ptr<State> state) : state_(std::move(state)) {}
    bool Next(informer::WatchEvent<T>* event) override {
      absl::MutexLock lock(&state_->mu);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_->mu) {
        return !state_->events.empty() || state_->end.has_value() || cancelled_;
      };
      state_->mu.Await(absl::Condition(&ready));
      if (!state_->events.empty()) {
        *event = state_->events.front();
        state_->events.pop_front();
        return true;
      }
      if (cancelled_) {
        status_ = absl::CancelledError("cancelled");
      } else {
        status_ = *state_->end;
        state_->end.reset();  // the next watch starts fresh
      }
      return false;
    }
    absl::Status Finish() override { return status_; }
    void Cancel() override {
      absl::MutexLock lock(&state_->mu);
      cancelled_ = true;
    }

   private:
    std::shared_ptr<State> state_;
    bool cancelled_ = false;  // guarded by state_->mu
    absl::Status status_;
  };

  std::shared_ptr<State> state_;
};

}  // namespace ordo::testing
