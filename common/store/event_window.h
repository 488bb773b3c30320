// EventWindow is a store's recent history for its watchers: the newest events,
// oldest first, up to a capacity, and the head revision through which that
// history is complete. Revisions never decrease along the window but need not
// be consecutive, and the events of one transaction may share a revision (as
// etcd's do); a watcher is always handed whole revisions.
//
// The store appends what it has published and then wakes the watchers; a
// watcher reads by revision from the shared window, and one the window has
// moved past gets OUT_OF_RANGE (it must relist). Watchers never hold up the
// appender. Used by MemoryStore (its own commits) and EtcdStore (its watch
// cache of etcd's events). All methods are safe to call concurrently.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/store/store.h"
#include "common/store/store_observer.h"

namespace ordo::store {

class EventWindow {
 public:
  // `observer` (may be null) hears of each watcher cut off.
  EventWindow(size_t capacity, std::shared_ptr<StoreObserver> observer);
  ~EventWindow();
  EventWindow(const EventWindow&) = delete;
  EventWindow& operator=(const EventWindow&) = delete;

  // Replaces the history: `events` (oldest first; only the newest `capacity`
  // are kept), complete through `head`. For a store that loads its past.
  void Reset(std::vector<EventPtr> events, int64_t head);
  // Adds `events` (revisions above the head, non-decreasing) and moves the
  // head to `head` (at least the last event's revision). Watchers learn of it
  // at the next WakeWatchers, which the caller makes once its own state is
  // published. Returns how many events the window holds after.
  size_t Append(const std::vector<EventPtr>& events, int64_t head);
  // Tells every watcher that events may be ready (runs their callbacks): after
  // a Reset.
  void WakeWatchers();
  // After an Append of `appended`: tells the watchers whose prefix one of them
  // is under, and any more than half the window behind (so one that wants
  // none of the traffic still keeps up with it). The others sleep: a commit
  // costs a wake-up only where it matters.
  void WakeWatchersOf(const std::vector<EventPtr>& appended);

  // A watcher of events after `after_revision` under `prefix`; OUT_OF_RANGE
  // when that is older than the window.
  absl::StatusOr<std::unique_ptr<Watcher>> Watch(absl::string_view prefix, int64_t after_revision,
                                                 Store::ReadyCallback on_ready);

  // The revision the history is complete through.
  int64_t Head();
  // The oldest revision a watch may start after.
  int64_t Oldest();
  size_t capacity() const { return capacity_; }

  // Calls `visit` on each event after `revision` (oldest first) while holding
  // the window still; OUT_OF_RANGE when the window no longer reaches back to
  // `revision`. `visit` must not call into the window.
  absl::Status ForEachAfter(int64_t revision, absl::FunctionRef<void(const Event&)> visit);

 private:
  class WatcherImpl;

  // Events after `cursor` under `prefix`, at least `max` unless fewer exist
  // (more only to finish the last revision); moves `cursor` past what it read.
  absl::StatusOr<std::vector<EventPtr>> EventsAfter(absl::string_view prefix, int64_t& cursor,
                                                    size_t max);
  absl::StatusOr<std::vector<EventPtr>> EventsAfterLocked(absl::string_view prefix, int64_t& cursor,
                                                          size_t max)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The index of the first event after `revision`.
  size_t FirstAfterLocked(int64_t revision) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void CutOff();
  void Unregister(WatcherImpl* watcher);

  const size_t capacity_;
  const std::shared_ptr<StoreObserver> observer_;

  absl::Mutex mu_;
  std::deque<EventPtr> events_ ABSL_GUARDED_BY(mu_);
  int64_t head_ ABSL_GUARDED_BY(mu_) = 0;
  // The revision before the oldest event held: history after it is complete.
  int64_t floor_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex watchers_mu_;
  absl::flat_hash_set<WatcherImpl*> watchers_ ABSL_GUARDED_BY(watchers_mu_);
};

}  // namespace ordo::store
