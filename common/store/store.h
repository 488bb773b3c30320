// Store is ordo's state: a revisioned key-value map with compare-and-swap and
// watches, in etcd's model. Every committed operation gets the next value of one
// global 64-bit revision; a key's mod_revision is the revision of its last write
// (the api-server's resourceVersion). Each write is also an Event, and a watch
// follows events in revision order from any revision still in the event window;
// older revisions fail with OUT_OF_RANGE and the caller relists.
//
// Implementations: MemoryStore (in memory; durable when given a Journal) and the
// RocksDB-backed store from OpenRocksDbStore(). All methods are safe to call
// concurrently; KeyValue and Event objects are immutable and shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ordo::store {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  // For a deletion event's kv: the revision of the deletion.
  int64_t mod_revision = 0;
};
using KeyValuePtr = std::shared_ptr<const KeyValue>;

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  // The key's state after the event; for kDelete, the last value with
  // mod_revision set to the deletion's revision.
  KeyValuePtr kv;
  // The key's state before the event, or null for a creation.
  KeyValuePtr prev;
  int64_t revision() const { return kv->mod_revision; }
  bool created() const { return type == Type::kPut && prev == nullptr; }
};
using EventPtr = std::shared_ptr<const Event>;

// One operation of a transaction.
struct Op {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  std::string key;
  std::string value;  // kPut only
  // Unset: unconditional. 0: the key must not exist (a create). N > 0: the
  // key's mod_revision must be N.
  std::optional<int64_t> expected_mod_revision;

  static Op Create(std::string key, std::string value);
  static Op Put(std::string key, std::string value, std::optional<int64_t> expected = {});
  static Op Delete(std::string key, std::optional<int64_t> expected = {});
};

// Results of a committed transaction, one per op, in op order.
struct TxnResult {
  std::vector<KeyValuePtr> kvs;
  int64_t revision = 0;  // the revision of the last op
};

struct ListResult {
  std::vector<KeyValuePtr> kvs;  // in key order
  int64_t revision = 0;          // the store revision the list was read at
  bool more = false;             // ListAt: keys remain after these
  // ListAt with RestCount::kCount: how many keys remain after these, at the
  // list's revision (0 when none remain).
  std::optional<int64_t> remaining;
};

// The first key after every key that starts with `prefix`; empty when there
// is none (the prefix is all 0xFF bytes, or empty).
std::string PrefixEnd(absl::string_view prefix);

// Whether ListAt also counts the keys after its page (a walk of the rest of
// the range, so asked for only where the count is shown).
enum class RestCount { kSkip, kCount };

// A stream of events after a revision, for keys under a prefix. Obtain one from
// Store::Watch; destroy it to stop. Methods may be called from any thread but
// not concurrently with each other.
class Watcher {
 public:
  virtual ~Watcher() = default;
  Watcher() = default;
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Up to `max` events after the last one returned, without blocking.
  // OUT_OF_RANGE when the event window moved past this watcher (it fell too far
  // behind): the stream is over and the caller must relist.
  virtual absl::StatusOr<std::vector<EventPtr>> Poll(size_t max) = 0;
  // Blocks until Poll has something to return (or an error) or `timeout` passes.
  virtual bool AwaitReady(absl::Duration timeout) = 0;
  // The revision of the last event delivered (or the starting revision).
  virtual int64_t cursor() const = 0;
  // Whether the event window has moved past this watcher, so its next Poll
  // is OUT_OF_RANGE. Cheap, and does not move the cursor: for a consumer that
  // is not polling (its client stopped reading) to learn it can never resume.
  // A true answer counts as a cut-off, as an OUT_OF_RANGE Poll does.
  virtual bool FellBehind() = 0;
};

class Store {
 public:
  using CommitCallback = std::function<void(absl::StatusOr<TxnResult>)>;
  // Called, without locks held, each time events may be ready for watchers. It
  // must return quickly and must not destroy a Watcher.
  using ReadyCallback = std::function<void()>;

  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // NOT_FOUND if the key does not exist.
  virtual absl::StatusOr<KeyValuePtr> Get(absl::string_view key) = 0;
  // Every key under `prefix`, at one consistent revision.
  virtual absl::StatusOr<ListResult> List(absl::string_view prefix) = 0;
  // One page of a list, as etcd's range with a limit at a revision: up to
  // `limit` keys (0: no limit) under `prefix`, from `start` on (inclusive;
  // empty: the first), as they were at `revision` (0: now). So every page of
  // one list can be read at the revision of the first. OUT_OF_RANGE when
  // `revision` is older than the event window (that state cannot be rebuilt
  // any more) or newer than the store. With RestCount::kCount the result
  // also says how many keys follow the page at that revision.
  virtual absl::StatusOr<ListResult> ListAt(absl::string_view prefix, absl::string_view start,
                                            size_t limit, int64_t revision, RestCount rest) = 0;
  // Applies every op or none. Failures: ALREADY_EXISTS (create of an existing
  // key), NOT_FOUND (conditional write of a missing key, or delete of one),
  // ABORTED (mod_revision mismatch), INTERNAL/UNAVAILABLE (the disk failed).
  // `done` runs once the transaction is durable, on a store thread.
  virtual void CommitAsync(std::vector<Op> ops, CommitCallback done) = 0;
  // A watcher for events after `after_revision` on keys under `prefix`.
  // OUT_OF_RANGE if that revision is older than the event window.
  virtual absl::StatusOr<std::unique_ptr<Watcher>> Watch(absl::string_view prefix,
                                                         int64_t after_revision,
                                                         ReadyCallback on_ready) = 0;
  virtual int64_t CurrentRevision() = 0;
  // The oldest revision a watch may start after.
  virtual int64_t OldestWatchableRevision() = 0;
  // Whether Get, List and ListAt wait on the network (EtcdStore): a caller on
  // a thread that must not block (gRPC's callback threads) hands them to an
  // executor. In-memory reads answer at once.
  virtual bool ReadsBlock() const { return false; }

  // Blocking forms.
  absl::StatusOr<TxnResult> Commit(std::vector<Op> ops);
  absl::StatusOr<KeyValuePtr> Put(std::string key, std::string value,
                                  std::optional<int64_t> expected = {});
  absl::StatusOr<KeyValuePtr> Create(std::string key, std::string value);
  absl::StatusOr<KeyValuePtr> Delete(std::string key, std::optional<int64_t> expected = {});
};

}  // namespace ordo::store
