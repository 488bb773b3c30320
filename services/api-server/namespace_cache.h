// NamespaceCache holds whether each stored Namespace is active or
// terminating, kept current by one store watch, so that the api-server admits
// a create without reading its namespace from the store: Kubernetes'
// NamespaceLifecycle admission answers from its informer in the same way. On
// etcd that read was a linearizable Range per create, holding a handler
// thread for its round trip.
//
// Lookup answers only for namespaces it has seen; the caller reads the store
// for the rest (a namespace created a moment ago, perhaps on another
// api-server, may not have arrived yet). A namespace this api-server deletes
// is forgotten at once (Forget), so its own deletions are never answered
// late. What remains is the watch's delivery delay, milliseconds, for a
// deletion made through another api-server: the same kind of window as the
// read-then-write this replaces had, and as Kubernetes has. An object created
// in a terminating namespace in that window is removed by the namespace
// controller's sweep, which lists again before it lets the namespace go.
// Thread-safe; a thread of its own follows the watch.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/store/store.h"
#include "ordo/core/v1/core.pb.h"
#include "services/api-server/registry.h"

namespace ordo::apiserver {

class NamespaceCache {
 public:
  enum class State { kUnknown, kActive, kTerminating };

  // Lists the Namespaces of `namespaces` (their registry) and follows them.
  static absl::StatusOr<std::unique_ptr<NamespaceCache>> Start(store::Store& store,
                                                               Registry& namespaces);
  ~NamespaceCache();

  // What a stored Namespace allows: kTerminating once its phase says so or
  // its deletion has begun, kActive otherwise.
  static State StateOf(const core::v1::Namespace& ns);

  State Lookup(const std::string& name) const;
  // Answers kUnknown for `name` until the watch brings a change to it newer
  // than the store's revision now: for a namespace whose deletion has just
  // committed (or begun) here.
  void Forget(const std::string& name);

 private:
  struct Entry {
    State state = State::kUnknown;  // kUnknown: forgotten
    int64_t revision = 0;           // of the change it reflects
  };

  NamespaceCache(store::Store& store, Registry& namespaces)
      : store_(store), namespaces_(namespaces) {}
  // Opens the watch, then lists (so no change between the two is missed).
  absl::Status Reload();
  // Applies a change to `name` at `revision` unless a newer one is known.
  void Apply(const std::string& name, State state, int64_t revision)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run(std::stop_token stop);

  store::Store& store_;
  Registry& namespaces_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Only the Run thread (and Start, before it) touches the watcher.
  std::unique_ptr<store::Watcher> watcher_;
  absl::Mutex signal_mu_;
  bool signalled_ ABSL_GUARDED_BY(signal_mu_) = false;
  std::jthread thread_;
};

}  // namespace ordo::apiserver
