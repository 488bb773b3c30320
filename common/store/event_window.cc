#include "common/store/event_window.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace ordo::store {

class EventWindow::WatcherImpl final : public Watcher {
 public:
  WatcherImpl(EventWindow* window, std::string prefix, int64_t after, Store::ReadyCallback on_ready)
      : window_(window),
        prefix_(std::move(prefix)),
        cursor_(after),
        on_ready_(std::move(on_ready)) {}
  ~WatcherImpl() override { window_->Unregister(this); }

  absl::StatusOr<std::vector<EventPtr>> Poll(size_t max) override {
    int64_t cursor = cursor_.load(std::memory_order_relaxed);
    auto events = window_->EventsAfter(prefix_, cursor, max);
    cursor_.store(cursor, std::memory_order_relaxed);
    if (absl::IsOutOfRange(events.status())) window_->CutOff();
    return events;
  }

  bool AwaitReady(absl::Duration timeout) override {
    absl::Time deadline = absl::Now() + timeout;
    while (true) {
      int64_t seen;
      {
        absl::MutexLock lock(&mu_);
        seen = signals_;
      }
      {
        absl::ReaderMutexLock lock(&window_->mu_);
        int64_t probe = cursor();
        if (window_->head_ > probe) {
          // Something newer exists; it may not match the prefix, so look.
          auto events = window_->EventsAfterLocked(prefix_, probe, 1);
          if (!events.ok() || !events->empty()) return true;
        }
      }
      absl::MutexLock lock(&mu_);
      auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return signals_ != seen; };
      if (!mu_.AwaitWithDeadline(absl::Condition(&changed), deadline)) return false;
    }
  }

  int64_t cursor() const override { return cursor_.load(std::memory_order_relaxed); }

  bool FellBehind() override {
    int64_t probe = cursor();
    bool behind = absl::IsOutOfRange(window_->EventsAfter(prefix_, probe, 0).status());
    if (behind) window_->CutOff();
    return behind;
  }

  // Whether any of `events` is under this watcher's prefix.
  bool Wants(const std::vector<EventPtr>& events) const {
    return std::any_of(events.begin(), events.end(),
                       [this](const EventPtr& e) { return absl::StartsWith(e->kv->key, prefix_); });
  }

  // Called after new events are appended.
  void Signal() {
    {
      absl::MutexLock lock(&mu_);
      ++signals_;
    }
    if (on_ready_) on_ready_();
  }

 private:
  EventWindow* const window_;
  const std::string prefix_;
  // Written by Poll only; read by WakeWatchersOf on the appender's thread.
  std::atomic<int64_t> cursor_;
  const Store::ReadyCallback on_ready_;
  absl::Mutex mu_;
  int64_t signals_ ABSL_GUARDED_BY(mu_) = 0;
};

EventWindow::EventWindow(size_t capacity, std::shared_ptr<StoreObserver> observer)
    : capacity_(std::max<size_t>(capacity, 1)), observer_(std::move(observer)) {}

EventWindow::~EventWindow() = default;

void EventWindow::Reset(std::vector<EventPtr> events, int64_t head) {
  absl::MutexLock lock(&mu_);
  events_.assign(std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  head_ = head;
  floor_ = events_.empty() ? head : events_.front()->revision() - 1;
  while (events_.size() > capacity_) {
    floor_ = events_.front()->revision();
    events_.pop_front();
  }
  // A revision is held whole or not at all.
  while (!events_.empty() && events_.front()->revision() == floor_) events_.pop_front();
}

size_t EventWindow::Append(const std::vector<EventPtr>& events, int64_t head) {
  absl::MutexLock lock(&mu_);
  events_.insert(events_.end(), events.begin(), events.end());
  head_ = std::max(head_, head);
  if (!events.empty()) head_ = std::max(head_, events.back()->revision());
  while (events_.size() > capacity_) {
    floor_ = events_.front()->revision();
    events_.pop_front();
  }
  while (!events_.empty() && events_.front()->revision() == floor_) events_.pop_front();
  return events_.size();
}

void EventWindow::WakeWatchers() {
  absl::MutexLock lock(&watchers_mu_);
  for (WatcherImpl* w : watchers_) w->Signal();
}

void EventWindow::WakeWatchersOf(const std::vector<EventPtr>& appended) {
  // A watcher more than half a window behind is woken whatever it watches, so
  // its Poll moves its cursor past the events it does not want before the
  // window's trimming could reach it (an OUT_OF_RANGE that lost nothing
  // would still make its client relist).
  int64_t drifted_below = std::numeric_limits<int64_t>::min();
  {
    absl::ReaderMutexLock lock(&mu_);
    const size_t half = capacity_ / 2;
    if (events_.size() > half) drifted_below = events_[events_.size() - half - 1]->revision();
  }
  absl::MutexLock lock(&watchers_mu_);
  for (WatcherImpl* w : watchers_) {
    if (w->cursor() < drifted_below || w->Wants(appended)) w->Signal();
  }
}

int64_t EventWindow::Head() {
  absl::ReaderMutexLock lock(&mu_);
  return head_;
}

int64_t EventWindow::Oldest() {
  absl::ReaderMutexLock lock(&mu_);
  return floor_;
}

size_t EventWindow::FirstAfterLocked(int64_t revision) const {
  auto it = std::upper_bound(events_.begin(), events_.end(), revision,
                             [](int64_t r, const EventPtr& e) { return r < e->revision(); });
  return static_cast<size_t>(it - events_.begin());
}

absl::Status EventWindow::ForEachAfter(int64_t revision,
                                       absl::FunctionRef<void(const Event&)> visit) {
  absl::ReaderMutexLock lock(&mu_);
  if (revision < floor_) {
    return absl::OutOfRangeError(absl::StrCat("revision ", revision,
                                              " is no longer in the store's history (it holds ",
                                              floor_, " to ", head_, ")"));
  }
  for (size_t i = FirstAfterLocked(revision); i < events_.size(); ++i) visit(*events_[i]);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EventPtr>> EventWindow::EventsAfter(absl::string_view prefix,
                                                               int64_t& cursor, size_t max) {
  absl::ReaderMutexLock lock(&mu_);
  return EventsAfterLocked(prefix, cursor, max);
}

absl::StatusOr<std::vector<EventPtr>> EventWindow::EventsAfterLocked(absl::string_view prefix,
                                                                     int64_t& cursor, size_t max) {
  std::vector<EventPtr> out;
  if (cursor >= head_) return out;
  if (cursor < floor_) {
    return absl::OutOfRangeError(absl::StrCat("watch from revision ", cursor,
                                              " is too old: the oldest watchable revision is ",
                                              floor_, "; relist"));
  }
  size_t index = FirstAfterLocked(cursor);
  int64_t last = cursor;
  for (; index < events_.size(); ++index) {
    const EventPtr& e = events_[index];
    // Stop at `max`, but never inside a revision: its events go together.
    if (out.size() >= max && e->revision() != last) break;
    last = e->revision();
    if (absl::StartsWith(e->kv->key, prefix)) out.push_back(e);
  }
  // Having read to the end, the watcher has seen everything through the head.
  cursor = index == events_.size() ? head_ : last;
  return out;
}

absl::StatusOr<std::unique_ptr<Watcher>> EventWindow::Watch(absl::string_view prefix,
                                                            int64_t after_revision,
                                                            Store::ReadyCallback on_ready) {
  auto watcher =
      std::make_unique<WatcherImpl>(this, std::string(prefix), after_revision, std::move(on_ready));
  {
    // Registered before the range check so no event can fall between the two.
    absl::MutexLock lock(&watchers_mu_);
    watchers_.insert(watcher.get());
  }
  int64_t oldest = Oldest();
  if (after_revision < oldest) {
    return absl::OutOfRangeError(absl::StrCat("watch from revision ", after_revision,
                                              " is too old: the oldest watchable revision is ",
                                              oldest, "; relist"));
  }
  return watcher;
}

void EventWindow::CutOff() {
  if (observer_ != nullptr) observer_->WatcherCutOff();
}

void EventWindow::Unregister(WatcherImpl* watcher) {
  absl::MutexLock lock(&watchers_mu_);
  watchers_.erase(watcher);
}

}  // namespace ordo::store
