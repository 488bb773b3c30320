// MemoryStore implements Store in memory: a sorted map of live keys, a bounded
// window of recent events for watches, and a single committer thread that
// group-commits concurrent transactions (validate, assign revisions, hand the
// whole group to the Journal in one durable write, then publish). Without a
// Journal it is the in-memory Store used by tests; with a RocksDbJournal it is
// the durable store (see rocksdb_store.h).
//
// Watchers never stall the write path: they read the shared EventWindow by
// revision and a watcher the window has moved past gets OUT_OF_RANGE.
// All public methods are safe to call concurrently.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/synchronization/mutex.h"
#include "common/store/event_window.h"
#include "common/store/journal.h"
#include "common/store/store.h"
#include "common/store/store_observer.h"

namespace ordo::store {

struct MemoryStoreOptions {
  // How many recent events stay watchable.
  size_t event_window = 10'000;
  // Upper bound on transactions group-committed together.
  size_t max_group = 2'000;
  // Told of each group commit and each watcher cut off; may be null.
  std::shared_ptr<StoreObserver> observer;
};

class MemoryStore final : public Store {
 public:
  // A store with no durability.
  explicit MemoryStore(MemoryStoreOptions options = {});
  // A store that restores from, and appends to, `journal`.
  static absl::StatusOr<std::unique_ptr<MemoryStore>> Open(std::unique_ptr<Journal> journal,
                                                           MemoryStoreOptions options = {});
  ~MemoryStore() override;

  absl::StatusOr<KeyValuePtr> Get(absl::string_view key) override;
  absl::StatusOr<ListResult> List(absl::string_view prefix) override;
  absl::StatusOr<ListResult> ListAt(absl::string_view prefix, absl::string_view start, size_t limit,
                                    int64_t revision, RestCount rest) override;
  void CommitAsync(std::vector<Op> ops, CommitCallback done) override;
  absl::StatusOr<std::unique_ptr<Watcher>> Watch(absl::string_view prefix, int64_t after_revision,
                                                 ReadyCallback on_ready) override;
  int64_t CurrentRevision() override;
  int64_t OldestWatchableRevision() override;

 private:
  struct Pending {
    std::vector<Op> ops;
    CommitCallback done;
    absl::StatusOr<TxnResult> result;
  };

  MemoryStore(MemoryStoreOptions options, std::unique_ptr<Journal> journal);
  void CommitLoop();
  // Validates and applies one group; fills each Pending's result.
  void CommitGroup(std::vector<Pending>& group);

  const MemoryStoreOptions options_;
  const std::unique_ptr<Journal> journal_;  // may be null

  // State below is protected by mu_. Only the committer thread mutates it.
  // mu_ is held while appending to window_, so a reader holding mu_ sees the
  // two agree (lock order: mu_, then the window's own).
  absl::Mutex mu_;
  // Live keys, ordered by key. A set of the shared KeyValues (looked up by
  // key) rather than a map, so each key's bytes are held once.
  struct KeyOrder {
    using is_transparent = void;
    bool operator()(const KeyValuePtr& a, const KeyValuePtr& b) const { return a->key < b->key; }
    bool operator()(const KeyValuePtr& a, absl::string_view b) const { return a->key < b; }
    bool operator()(absl::string_view a, const KeyValuePtr& b) const { return a < b->key; }
  };
  absl::btree_set<KeyValuePtr, KeyOrder> data_ ABSL_GUARDED_BY(mu_);
  int64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
  EventWindow window_;

  // The commit queue.
  absl::Mutex queue_mu_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;

  std::thread committer_;
};

}  // namespace ordo::store
