// What a MemoryStore tells whoever watches its health (the api-server's
// store metrics): each group commit as it is published, and each watcher cut
// off for falling behind the event window. The store calls it from its commit
// thread and from watchers' threads, so an implementation must be
// thread-safe and quick (it runs on the write path).
#pragma once

#include <cstddef>

#include "absl/time/time.h"

namespace ordo::store {

struct GroupCommit {
  size_t transactions = 0;       // in the group, including those that failed a check
  size_t events = 0;             // changes written
  absl::Duration durable_write;  // the journal's write and fsync (zero without a journal)
  size_t window_events = 0;      // watchable events held after it
  size_t window_capacity = 0;
};

class StoreObserver {
 public:
  virtual ~StoreObserver() = default;
  virtual void GroupCommitted(const GroupCommit& commit) = 0;
  // A watcher asked for events the window no longer holds: it must relist.
  virtual void WatcherCutOff() = 0;
};

}  // namespace ordo::store
