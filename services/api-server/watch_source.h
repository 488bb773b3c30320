// WatchSource turns the store's events for one kind into Kubernetes watch
// events for one client: it applies the namespace, label and field selectors
// (an object that stops matching is DELETED for this watcher, one that starts
// matching is ADDED), and for a watch without a resourceVersion it first yields
// the current objects as ADDED. Revision order is the store's, so no event is
// skipped or repeated. With allow_watch_bookmarks, every kBookmarkEvery changes
// passed over in a row produce a BOOKMARK carrying the revision reached. Not thread-safe: one owner
// (the watch stream) at a time.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store/store.h"
#include "ordo/meta/v1/meta.pb.h"
#include "services/api-server/registry.h"

namespace ordo::apiserver {

class WatchSource {
 public:
  static constexpr int64_t kBookmarkEvery = 100;

  // INVALID_ARGUMENT for bad selectors or resourceVersion; OUT_OF_RANGE (with
  // Kubernetes' "too old resource version") when the revision is gone.
  static absl::StatusOr<std::unique_ptr<WatchSource>> Open(Registry& registry,
                                                           const meta::v1::ListOptions& options,
                                                           store::Store& store,
                                                           store::Store::ReadyCallback on_ready);

  // Up to `max` serialized <Kind>WatchEvents without blocking; empty when
  // nothing is ready. An error ends the watch. Events are encoded from the
  // stored bytes; objects are parsed only when a selector must look at them.
  absl::StatusOr<std::vector<std::shared_ptr<const std::string>>> Next(size_t max);
  // Whether the store's event window has passed what this watcher has taken
  // (the stream can never catch up), without taking anything.
  bool FellBehind() const { return watcher_->FellBehind(); }

  ~WatchSource() { registry_.CountWatch(-1); }
  WatchSource(const WatchSource&) = delete;
  WatchSource& operator=(const WatchSource&) = delete;

 private:
  WatchSource(Registry& registry, Filter filter, bool bookmarks)
      : registry_(registry), filter_(std::move(filter)), bookmarks_(bookmarks) {
    registry_.CountWatch(1);
  }
  // Whether objects must be parsed to decide: a label or field selector.
  bool Selective() const {
    return !filter_.label_selector.Empty() || !filter_.field_selector.Empty();
  }
  absl::StatusOr<bool> Matches(const store::KeyValue& kv) const;

  Registry& registry_;
  const Filter filter_;
  const bool bookmarks_;
  // Events passed over since the last one sent (for bookmarks).
  int64_t skipped_ = 0;
  std::deque<std::shared_ptr<const std::string>> initial_;
  std::unique_ptr<store::Watcher> watcher_;
};

}  // namespace ordo::apiserver
