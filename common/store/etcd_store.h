// EtcdStore implements Store over an etcd cluster's v3 gRPC API, so ordo's
// state lives in a replicated store and several api-servers can share it
// (kube-apiserver's design). The contract is MemoryStore's, with etcd's
// revision as the store revision:
//   - Get, List and ListAt are etcd Ranges (linearizable); ListAt reads at a
//     revision, and one etcd has compacted away (or has not reached) is
//     OUT_OF_RANGE.
//   - CommitAsync is one etcd Txn. Each op's precondition is a Compare on the
//     key's mod_revision (0: the key is absent); a delete without one
//     compares mod_revision > 0, as the key must exist. When a compare fails,
//     the Txn's failure branch has read the keys, which says which error to
//     give (ALREADY_EXISTS, NOT_FOUND, ABORTED) without a second round trip.
//     Unlike MemoryStore, a transaction's ops share one revision (etcd's),
//     and one transaction may not write a key twice (etcd refuses it).
//   - Watches are served by a watch cache: one etcd watch (with previous
//     values) over the store's keys feeds an EventWindow, so any number of
//     ordo watchers cost etcd one watch. A broken etcd watch resumes from the
//     cache's head; if etcd has compacted past it, the cache starts again at
//     etcd's current revision and every watcher is cut off (it relists).
// Keys live in etcd under `key_prefix`, so clusters (or tests) can share one
// etcd. Every etcd error becomes UNAVAILABLE (etcd unreachable or too slow),
// OUT_OF_RANGE (a revision out of its history) or INTERNAL, each naming etcd.
// All methods are safe to call concurrently; commit callbacks run on the
// store's own threads, which may block.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/server/executor.h"
#include "common/store/event_window.h"
#include "common/store/store.h"
#include "etcd/kv.grpc.pb.h"

namespace ordo::store {

struct EtcdStoreOptions {
  // etcd's client addresses, host:port (an http:// or https:// prefix is
  // accepted); at least one.
  std::vector<std::string> endpoints;
  // TLS toward etcd (security::NewChannelCredentials); null dials plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Where ordo's keys live in etcd; "" for the whole keyspace.
  std::string key_prefix;
  // How many recent events the watch cache holds.
  size_t event_window = 10'000;
  // Told of each watcher cut off; may be null.
  std::shared_ptr<StoreObserver> observer;
  // Each request's deadline, waiting for a reachable member included.
  absl::Duration request_timeout = absl::Seconds(10);
  // Every interval, etcd forgets revisions older than the one seen at the
  // previous interval (kube-apiserver's --etcd-compaction-interval); zero:
  // never.
  absl::Duration compaction_interval = absl::ZeroDuration();
};

class EtcdStore final : public Store {
 public:
  // Connects, reads etcd's revision and starts the watch cache there (so a
  // watch from an older revision is OUT_OF_RANGE until the cache has
  // history). UNAVAILABLE when no endpoint answers within request_timeout.
  static absl::StatusOr<std::unique_ptr<EtcdStore>> Open(EtcdStoreOptions options);
  ~EtcdStore() override;

  absl::StatusOr<KeyValuePtr> Get(absl::string_view key) override;
  absl::StatusOr<ListResult> List(absl::string_view prefix) override;
  absl::StatusOr<ListResult> ListAt(absl::string_view prefix, absl::string_view start, size_t limit,
                                    int64_t revision, RestCount rest) override;
  void CommitAsync(std::vector<Op> ops, CommitCallback done) override;
  absl::StatusOr<std::unique_ptr<Watcher>> Watch(absl::string_view prefix, int64_t after_revision,
                                                 ReadyCallback on_ready) override;
  // etcd's revision now (the watch cache's head when etcd does not answer).
  int64_t CurrentRevision() override;
  int64_t OldestWatchableRevision() override;
  bool ReadsBlock() const override { return true; }

  // Asks etcd to forget the history before `revision` (etcd's Compact).
  absl::Status Compact(int64_t revision);

 private:
  struct TxnCall;

  explicit EtcdStore(EtcdStoreOptions options, std::shared_ptr<grpc::Channel> channel);
  void SetDeadline(grpc::ClientContext& ctx) const;
  // The Range of `prefix` from `start`, as etcd answers it.
  absl::StatusOr<etcdserverpb::RangeResponse> Range(absl::string_view prefix,
                                                    absl::string_view start, size_t limit,
                                                    int64_t revision, bool count_only);
  KeyValuePtr FromEtcd(const etcdserverpb::KeyValue& kv) const;
  // etcd's revision now, as a read answers it.
  absl::StatusOr<int64_t> EtcdRevision();
  // Waits up to `timeout` for the store to start closing; true once it has.
  bool AwaitClose(absl::Duration timeout);
  // Runs the cache's etcd watch until the store closes, resuming it when it breaks.
  void WatchLoop(int64_t start_revision);
  // One etcd watch from `start_revision`, until it ends; returns where to
  // resume (0: start over at etcd's current revision).
  int64_t WatchOnce(int64_t start_revision);
  void CompactionLoop();
  void FinishTxn(TxnCall* call, const grpc::Status& status);

  const EtcdStoreOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch_;
  EventWindow window_;

  absl::Mutex mu_;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* watch_call_ ABSL_GUARDED_BY(mu_) = nullptr;  // to cancel on close
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;                          // Txns not yet answered

  // Declared after what they use: destroyed first.
  server::Executor callbacks_{4};
  std::thread watcher_;
  std::thread compactor_;
};

}  // namespace ordo::store
