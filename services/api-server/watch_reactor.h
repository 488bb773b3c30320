// WatchReactor streams one client's watch as serialized <Kind>WatchEvents
// (a raw gRPC method: the bytes come from the store, never re-encoded). It
// pulls from a WatchSource whenever the store signals new events (on the watch
// Executor, never on the store's commit thread) or a write completes, and
// writes one event at a time. A client that stops reading is cut off (its call
// cancelled) once the store's event window passes it, as it could never catch
// up: until then it holds one write and at most kMaxPending shared events.
// Lifetime: owned by a shared_ptr to itself until gRPC calls OnDone; pending
// pump jobs hold weak references. Internally synchronised.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "common/server/executor.h"
#include "services/api-server/watch_source.h"

namespace ordo::apiserver {

class WatchReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                           public std::enable_shared_from_this<WatchReactor> {
 public:
  static constexpr size_t kMaxPending = 256;

  static grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(grpc::CallbackServerContext* ctx,
                                                           Registry& registry, store::Store& store,
                                                           server::Executor& executor,
                                                           const meta::v1::ListOptions& options);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  explicit WatchReactor(grpc::CallbackServerContext* ctx) : ctx_(ctx) {}
  // Writes the next event if none is in flight; with one in flight, cuts the
  // call off if the watcher fell behind. gRPC calls (StartWrite, Finish,
  // TryCancel) are made without mu_ held.
  void Pump();
  // Cancels the call. Finish waits until TryCancel has returned: the context
  // lives until OnDone, which cannot come before Finish.
  void CutOff();
  void FinishOnce(const grpc::Status& status);

  grpc::CallbackServerContext* const ctx_;
  std::shared_ptr<WatchReactor> self_;

  absl::Mutex mu_;
  std::unique_ptr<WatchSource> source_ ABSL_GUARDED_BY(mu_);
  std::deque<std::shared_ptr<const std::string>> pending_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool cut_off_ ABSL_GUARDED_BY(mu_) = false;     // CutOff has begun
  bool cancelling_ ABSL_GUARDED_BY(mu_) = false;  // TryCancel is running
  std::optional<grpc::Status> deferred_finish_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer current_;  // touched only by the one write in flight (writing_)
};

}  // namespace ordo::apiserver
