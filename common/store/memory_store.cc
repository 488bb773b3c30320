#include "common/store/memory_store.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ordo::store {

MemoryStore::MemoryStore(MemoryStoreOptions options) : MemoryStore(options, nullptr) {}

MemoryStore::MemoryStore(MemoryStoreOptions options, std::unique_ptr<Journal> journal)
    : options_(options),
      journal_(std::move(journal)),
      window_(options.event_window, options.observer) {
  committer_ = std::thread([this] { CommitLoop(); });
}

absl::StatusOr<std::unique_ptr<MemoryStore>> MemoryStore::Open(std::unique_ptr<Journal> journal,
                                                               MemoryStoreOptions options) {
  auto state = journal->Load(options.event_window);
  if (!state.ok()) return state.status();
  std::unique_ptr<MemoryStore> store(new MemoryStore(options, std::move(journal)));
  absl::MutexLock lock(&store->mu_);
  for (auto& kv : state->kvs) store->data_.insert(kv);
  store->revision_ = state->revision;
  store->window_.Reset(std::move(state->recent_events), state->revision);
  return store;
}

MemoryStore::~MemoryStore() {
  {
    absl::MutexLock lock(&queue_mu_);
    stopping_ = true;
  }
  committer_.join();
}

absl::StatusOr<KeyValuePtr> MemoryStore::Get(absl::string_view key) {
  absl::ReaderMutexLock lock(&mu_);
  auto it = data_.find(key);
  if (it == data_.end()) return absl::NotFoundError(absl::StrCat("key ", key, " not found"));
  return *it;
}

absl::StatusOr<ListResult> MemoryStore::List(absl::string_view prefix) {
  ListResult result;
  absl::ReaderMutexLock lock(&mu_);
  for (auto it = data_.lower_bound(prefix);
       it != data_.end() && absl::StartsWith((*it)->key, prefix); ++it) {
    result.kvs.push_back(*it);
  }
  result.revision = revision_;
  return result;
}

absl::StatusOr<ListResult> MemoryStore::ListAt(absl::string_view prefix, absl::string_view start,
                                               size_t limit, int64_t revision, RestCount rest) {
  absl::string_view from = std::max(prefix, start);
  ListResult result;
  absl::ReaderMutexLock lock(&mu_);
  if (revision == 0) revision = revision_;
  if (revision > revision_) {
    return absl::OutOfRangeError(
        absl::StrCat("revision ", revision, " is newer than the store's (", revision_, ")"));
  }
  result.revision = revision;
  // The keys changed after `revision`, each with its value then (null: it
  // did not exist): the first event after `revision` holds the value the key
  // had at it. The views stay valid after the visit: window_ changes only
  // under mu_, held here.
  absl::btree_map<absl::string_view, KeyValuePtr> then;
  absl::Status in_history = window_.ForEachAfter(revision, [&](const Event& e) {
    absl::string_view key = e.kv->key;
    if (key >= from && absl::StartsWith(key, prefix)) then.try_emplace(key, e.prev);
  });
  if (!in_history.ok()) return in_history;
  // Merge the live keys with those, in key order.
  auto live = data_.lower_bound(from);
  auto changed = then.begin();
  auto live_in_range = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return live != data_.end() && absl::StartsWith((*live)->key, prefix);
  };
  // The keys after both cursors as they were at `revision`: the live ones,
  // counted by walking the tree without comparing keys or copying values,
  // less each changed key that is live now, plus each that existed then.
  auto count_rest = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    const std::string end = PrefixEnd(prefix);
    int64_t n = std::distance(live, end.empty() ? data_.end() : data_.lower_bound(end));
    for (; changed != then.end(); ++changed) {
      n += (changed->second != nullptr ? 1 : 0) - (data_.contains(changed->first) ? 1 : 0);
    }
    return n;
  };
  while (live_in_range() || changed != then.end()) {
    KeyValuePtr value;
    if (changed == then.end() || (live_in_range() && (*live)->key < changed->first)) {
      value = *live++;
    } else {
      if (live_in_range() && (*live)->key == changed->first) ++live;
      value = (changed++)->second;  // the value at `revision`, whatever is live now
    }
    if (value == nullptr) continue;
    if (limit > 0 && result.kvs.size() == limit) {
      result.more = true;
      if (rest == RestCount::kCount) result.remaining = 1 + count_rest();  // 1: `value`
      break;
    }
    result.kvs.push_back(std::move(value));
  }
  if (rest == RestCount::kCount && !result.remaining.has_value()) result.remaining = 0;
  return result;
}

int64_t MemoryStore::CurrentRevision() {
  absl::ReaderMutexLock lock(&mu_);
  return revision_;
}

int64_t MemoryStore::OldestWatchableRevision() { return window_.Oldest(); }

void MemoryStore::CommitAsync(std::vector<Op> ops, CommitCallback done) {
  if (ops.empty()) {
    done(absl::InvalidArgumentError("a transaction needs at least one operation"));
    return;
  }
  absl::MutexLock lock(&queue_mu_);
  queue_.push_back(Pending{std::move(ops), std::move(done), TxnResult{}});
}

void MemoryStore::CommitLoop() {
  while (true) {
    std::vector<Pending> group;
    {
      absl::MutexLock lock(&queue_mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
        return stopping_ || !queue_.empty();
      };
      queue_mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and nothing left to commit
      if (queue_.size() <= options_.max_group) {
        group.swap(queue_);
      } else {
        group.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + options_.max_group));
        queue_.erase(queue_.begin(), queue_.begin() + options_.max_group);
      }
    }
    CommitGroup(group);
    for (auto& pending : group) pending.done(std::move(pending.result));
  }
}

void MemoryStore::CommitGroup(std::vector<Pending>& group) {
  // Keys written earlier in this group, over data_ (nullptr: deleted).
  absl::flat_hash_map<std::string, KeyValuePtr> overlay;
  std::vector<EventPtr> events;
  int64_t next_revision;
  {
    absl::ReaderMutexLock lock(&mu_);
    next_revision = revision_ + 1;
    auto current = [&](const std::string& key) ABSL_SHARED_LOCKS_REQUIRED(mu_) -> KeyValuePtr {
      if (auto it = overlay.find(key); it != overlay.end()) return it->second;
      auto it = data_.find(key);
      return it == data_.end() ? nullptr : *it;
    };
    for (auto& pending : group) {
      // Check every op first, against the state as this transaction sees it.
      absl::Status failed;
      absl::flat_hash_map<std::string, KeyValuePtr> txn_view;
      auto view = [&](const std::string& key) ABSL_SHARED_LOCKS_REQUIRED(mu_) -> KeyValuePtr {
        if (auto it = txn_view.find(key); it != txn_view.end()) return it->second;
        return current(key);
      };
      std::vector<EventPtr> txn_events;
      int64_t rev = next_revision;
      for (Op& op : pending.ops) {
        KeyValuePtr prev = view(op.key);
        if (op.expected_mod_revision.has_value()) {
          int64_t expected = *op.expected_mod_revision;
          if (expected == 0 && prev != nullptr) {
            failed = absl::AlreadyExistsError(absl::StrCat("key ", op.key, " already exists"));
          } else if (expected > 0 && prev == nullptr) {
            failed = absl::NotFoundError(absl::StrCat("key ", op.key, " not found"));
          } else if (expected > 0 && prev->mod_revision != expected) {
            failed = absl::AbortedError(absl::StrCat("key ", op.key, " is at revision ",
                                                     prev->mod_revision, ", not ", expected));
          }
        }
        if (failed.ok() && op.type == Op::Type::kDelete && prev == nullptr) {
          failed = absl::NotFoundError(absl::StrCat("key ", op.key, " not found"));
        }
        if (!failed.ok()) break;
        auto event = std::make_shared<Event>();
        auto kv = std::make_shared<KeyValue>();
        kv->key = op.key;
        kv->mod_revision = rev++;
        if (op.type == Op::Type::kPut) {
          event->type = Event::Type::kPut;
          kv->value = std::move(op.value);
          kv->create_revision = prev ? prev->create_revision : kv->mod_revision;
          txn_view[op.key] = kv;
        } else {
          event->type = Event::Type::kDelete;
          kv->value = prev->value;
          kv->create_revision = prev->create_revision;
          txn_view[op.key] = nullptr;
        }
        event->kv = std::move(kv);
        event->prev = std::move(prev);
        txn_events.push_back(std::move(event));
      }
      if (!failed.ok()) {
        pending.result = failed;
        continue;
      }
      TxnResult result;
      for (auto& e : txn_events) result.kvs.push_back(e->kv);
      result.revision = rev - 1;
      pending.result = std::move(result);
      next_revision = rev;
      for (auto& [k, v] : txn_view) overlay[k] = v;
      for (auto& e : txn_events) events.push_back(std::move(e));
    }
  }
  if (events.empty()) return;
  GroupCommit commit{.transactions = group.size(), .events = events.size()};
  if (journal_ != nullptr) {
    // Timed only for an observer: nothing else reads it.
    const absl::Time started = options_.observer != nullptr ? absl::Now() : absl::InfinitePast();
    absl::Status written = journal_->Append(events);
    if (options_.observer != nullptr) commit.durable_write = absl::Now() - started;
    if (!written.ok()) {
      // Nothing was published: memory still equals the disk. Fail the group.
      absl::Status error =
          absl::UnavailableError(absl::StrCat("store: write to disk failed: ", written.message()));
      for (auto& pending : group) {
        if (pending.result.ok()) pending.result = error;
      }
      return;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    for (const auto& e : events) {
      if (e->type == Event::Type::kPut) {
        // Set elements are immutable: replace the old KeyValue with the new.
        auto it = data_.find(e->kv->key);
        if (it != data_.end()) it = data_.erase(it);
        data_.insert(it, e->kv);
      } else {
        data_.erase(e->kv->key);
      }
    }
    revision_ = events.back()->revision();
    commit.window_events = window_.Append(events, revision_);
  }
  if (options_.observer != nullptr) {
    commit.window_capacity = options_.event_window;
    options_.observer->GroupCommitted(commit);
  }
  window_.WakeWatchersOf(events);
}

absl::StatusOr<std::unique_ptr<Watcher>> MemoryStore::Watch(absl::string_view prefix,
                                                            int64_t after_revision,
                                                            ReadyCallback on_ready) {
  return window_.Watch(prefix, after_revision, std::move(on_ready));
}

}  // namespace ordo::store
