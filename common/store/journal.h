// A Journal makes a MemoryStore durable: the store hands it each group of
// committed events, in revision order, and acknowledges none of them until
// Append returns OK (the events are on disk). Load() returns what a previous
// process appended. Called by one store thread at a time; not shared.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store/store.h"

namespace ordo::store {

struct JournalState {
  std::vector<KeyValuePtr> kvs;         // every live key
  std::vector<EventPtr> recent_events;  // the newest events, oldest first
  int64_t revision = 0;
};

class Journal {
 public:
  virtual ~Journal() = default;
  Journal() = default;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Everything appended before, with up to `max_events` of the newest events.
  virtual absl::StatusOr<JournalState> Load(size_t max_events) = 0;
  // Writes `events` (consecutive revisions) atomically and durably.
  virtual absl::Status Append(const std::vector<EventPtr>& events) = 0;
};

}  // namespace ordo::store
