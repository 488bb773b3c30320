// Registry serves one kind over the Store, the way Kubernetes' generic registry
// does: create (server-owned fields, defaults, validation), get, list with label
// and field selectors at one revision, update and status update with optimistic
// concurrency on resourceVersion, and delete with preconditions, graceful
// deletion (a pod waits for its kubelet) and finalizers. Objects are stored
// without resourceVersion; it is filled from the store's mod_revision on read.
// Errors are Kubernetes-shaped: `pods "web-0" not found`, ABORTED on conflict.
// All methods are safe to call concurrently.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/labels/selector.h"
#include "common/store/store.h"
#include "ordo/meta/v1/meta.pb.h"
#include "services/api-server/kind_strategy.h"

namespace ordo::apiserver {

using MessagePtr = std::unique_ptr<Message>;

// The largest object the registry stores, encoded: etcd's default request
// limit (--max-request-bytes, 1.5 MiB), so what ordo stores etcd could hold.
inline constexpr size_t kMaxObjectBytes = 1536 << 10;

// Which objects a list or watch wants.
struct Filter {
  std::string ns;  // empty: every namespace
  labels::LabelSelector label_selector;
  labels::FieldSelector field_selector;
  bool Matches(const Message& obj) const;
};

struct ListResult {
  std::vector<MessagePtr> items;
  int64_t revision = 0;
};

// Store keys a kind keeps beside its objects, written in the same
// transactions as they are (a Service's cluster IP: service_ip_allocator.h).
// Implementations are thread-safe.
class CompanionKeys {
 public:
  virtual ~CompanionKeys() = default;
  // Before a create commits: may fill server-chosen fields of `obj`; returns
  // the ops to commit with it, or the error that refuses it.
  virtual absl::StatusOr<std::vector<store::Op>> OnCreate(Message& obj) = 0;
  // The ops to commit with the removal of `obj`.
  virtual std::vector<store::Op> OnRemove(const Message& obj) = 0;
};

class Registry {
 public:
  // Returns OK when objects may be created in `ns` (it exists and is not terminating).
  using NamespaceCheck = std::function<absl::Status(const std::string& ns)>;
  // Receives the outcome of an asynchronous write, once it is durable (or
  // failed). Runs on the store's commit thread: it must be quick.
  using Callback = std::function<void(absl::StatusOr<MessagePtr>)>;

  Registry(const KindStrategy& strategy, store::Store& store, Clock& clock,
           NamespaceCheck namespace_check);

  // Keys to write with this kind's creates and removals; set before serving.
  void set_companions(CompanionKeys* companions) { companions_ = companions; }

  const KindStrategy& strategy() const { return strategy_; }
  const ResourceInfo& info() const { return *strategy_.info; }

  // Reads never block on the disk.
  absl::StatusOr<MessagePtr> Get(const std::string& ns, const std::string& name);
  absl::StatusOr<ListResult> List(const meta::v1::ListOptions& options);
  // The same list as the serialized <Kind>List, built from the stored bytes:
  // objects are parsed only when a label or field selector must look at them.
  absl::StatusOr<std::string> ListBytes(const meta::v1::ListOptions& options);

  // Writes: the checks run on the calling thread, then the write joins the
  // store's next group commit and `done` runs once it is on disk. A write
  // without a resourceVersion precondition is retried after losing a race.
  void CreateAsync(const Message& obj, Callback done);
  void UpdateAsync(const Message& obj, Callback done);
  void UpdateStatusAsync(const Message& obj, Callback done);
  void DeleteAsync(const meta::v1::DeleteRequest& request, Callback done);
  // Read-modify-write of the stored object for a subresource: `mutate` edits a
  // fresh copy, and is re-run on a conflicting write. If `resource_version` is
  // set the object must be at it (ABORTED otherwise). The result is defaulted
  // and validated as on create; update immutability rules do not apply (the
  // subresource decides what may change, as spec.nodeName for a binding).
  void GuaranteedUpdateAsync(const std::string& ns, const std::string& name,
                             const std::string& resource_version,
                             std::function<absl::Status(Message&)> mutate, Callback done);

  // Blocking forms of the writes above.
  absl::StatusOr<MessagePtr> Create(const Message& obj);
  absl::StatusOr<MessagePtr> Update(const Message& obj);
  absl::StatusOr<MessagePtr> UpdateStatus(const Message& obj);
  absl::StatusOr<MessagePtr> Delete(const meta::v1::DeleteRequest& request);
  absl::StatusOr<MessagePtr> GuaranteedUpdate(const std::string& ns, const std::string& name,
                                              const std::string& resource_version,
                                              std::function<absl::Status(Message&)> mutate);

  // A serialized <Kind>WatchEvent of `type` for store event `e`, shared by
  // every watcher that sends it: each event is encoded once, however many
  // watch it. Safe to call concurrently.
  std::shared_ptr<const std::string> EncodedWatchEvent(const store::Event& e, const char* type);

  absl::StatusOr<Filter> ParseFilter(const meta::v1::ListOptions& options) const;
  // Parses a stored value and stamps its resourceVersion.
  absl::StatusOr<MessagePtr> Decode(const store::KeyValue& kv) const;
  // The namespace an object goes to: its own, or "default" for namespaced kinds.
  std::string NamespaceOf(const Message& obj) const;

  // How many watches of this kind are open (apiserver_registered_watchers);
  // each WatchSource counts itself in and out.
  int64_t open_watches() const { return open_watches_.load(std::memory_order_relaxed); }
  void CountWatch(int delta) { open_watches_.fetch_add(delta, std::memory_order_relaxed); }

  // Kubernetes' error texts, with google.rpc details naming the object
  // (ResourceInfo; PreconditionFailure for a conflict). `ns` is empty for a
  // cluster-scoped kind.
  absl::Status NotFound(const std::string& ns, const std::string& name) const;
  absl::Status AlreadyExists(const std::string& ns, const std::string& name) const;
  absl::Status Conflict(const std::string& ns, const std::string& name,
                        absl::string_view why) const;

 private:
  enum class Mode { kUpdate, kStatus, kSubresource };
  // Given the stored object, what to write: an object, nullptr for "nothing
  // changes", or an error.
  using Plan = std::function<absl::StatusOr<MessagePtr>(const Message& current)>;
  struct ReadModifyWrite;

  absl::StatusOr<MessagePtr> PrepareCreate(const Message& obj);
  // The shared update checks: server-owned metadata, defaults, validation,
  // generation, no-op detection.
  absl::StatusOr<MessagePtr> PlanUpdate(const Message& current, const std::string& resource_version,
                                        const std::function<absl::Status(Message&)>& edit,
                                        Mode mode);
  absl::StatusOr<MessagePtr> PlanDelete(const Message& current,
                                        const meta::v1::DeleteRequest& request);
  void Run(std::shared_ptr<ReadModifyWrite> rmw);
  // Commits the create of `prepared` with its companion keys; a create that
  // lost a race for a companion key (a cluster IP another Service just took)
  // is tried again, `attempts` times at most.
  void CommitCreate(std::shared_ptr<const Message> prepared, int attempts, Callback done);
  // Writes `updated` at `revision`, or removes the object when its deletion
  // is complete.
  void WriteAsync(MessagePtr updated, int64_t revision, Callback done);
  std::string Encode(const Message& obj) const;
  // INVALID_ARGUMENT when `encoded` (obj's encoding) is over kMaxObjectBytes.
  absl::Status CheckSize(const Message& obj, const std::string& encoded) const;
  std::string NewUid();

  const KindStrategy& strategy_;
  store::Store& store_;
  Clock& clock_;
  const NamespaceCheck namespace_check_;
  CompanionKeys* companions_ = nullptr;
  std::atomic<int64_t> open_watches_{0};

  // Recently encoded watch events, by revision and type.
  absl::Mutex encoded_mu_;
  absl::flat_hash_map<std::pair<int64_t, const char*>, std::shared_ptr<const std::string>> encoded_
      ABSL_GUARDED_BY(encoded_mu_);
  std::deque<std::pair<int64_t, const char*>> encoded_order_ ABSL_GUARDED_BY(encoded_mu_);
};

}  // namespace ordo::apiserver
