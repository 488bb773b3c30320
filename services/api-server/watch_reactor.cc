#include "services/api-server/watch_reactor.h"

#include "common/status/grpc_status.h"

namespace ordo::apiserver {
namespace {

// A slice over shared event bytes: no copy, and the bytes live until gRPC is done.
grpc::Slice SharedSlice(std::shared_ptr<const std::string> bytes) {
  auto* holder = new std::shared_ptr<const std::string>(std::move(bytes));
  return grpc::Slice(
      const_cast<char*>((*holder)->data()), (*holder)->size(),
      [](void* p) { delete static_cast<std::shared_ptr<const std::string>*>(p); }, holder);
}

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchReactor::Start(
    grpc::CallbackServerContext* ctx, Registry& registry, store::Store& store,
    server::Executor& executor, const meta::v1::ListOptions& options) {
  std::shared_ptr<WatchReactor> reactor(new WatchReactor(ctx));
  reactor->self_ = reactor;
  std::weak_ptr<WatchReactor> weak = reactor;
  auto source = WatchSource::Open(registry, options, store, [weak, &executor] {
    executor.Submit([weak] {
      if (auto r = weak.lock()) r->Pump();
    });
  });
  if (!source.ok()) {
    reactor->FinishOnce(status::ToGrpcStatus(source.status()));
    return reactor.get();
  }
  {
    absl::MutexLock lock(&reactor->mu_);
    reactor->source_ = *std::move(source);
  }
  reactor->Pump();
  return reactor.get();
}

void WatchReactor::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    ok = ok && !cancelled_;
  }
  if (!ok) {
    FinishOnce(grpc::Status::CANCELLED);
    return;
  }
  Pump();
}

void WatchReactor::OnCancel() {
  bool idle;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    idle = !writing_;
  }
  if (idle) FinishOnce(grpc::Status::CANCELLED);
}

void WatchReactor::OnDone() {
  std::unique_ptr<WatchSource> source;
  {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    source = std::move(source_);
  }
  source.reset();  // stops store notifications
  self_.reset();   // may destroy this
}

void WatchReactor::Pump() {
  grpc::Status error;
  std::shared_ptr<const std::string> next;
  bool cut_off = false;
  {
    absl::MutexLock lock(&mu_);
    if (finished_ || cancelled_ || cut_off_ || source_ == nullptr) return;
    if (writing_) {
      // The store moved on while a write waits for the client. One that has
      // stopped reading costs nothing here until the window passes it; then
      // it could never catch up, and its call is cancelled.
      if (!source_->FellBehind()) return;
      cut_off = cut_off_ = true;
    } else if (pending_.empty()) {
      auto events = source_->Next(kMaxPending);
      if (!events.ok()) {
        error = status::ToGrpcStatus(events.status());
      } else {
        for (auto& e : *events) pending_.push_back(std::move(e));
      }
    }
    if (!cut_off && error.ok()) {
      if (pending_.empty()) return;
      next = std::move(pending_.front());
      pending_.pop_front();
      writing_ = true;
    }
  }
  if (cut_off) {
    CutOff();
    return;
  }
  if (!error.ok()) {
    FinishOnce(error);
    return;
  }
  grpc::Slice slice = SharedSlice(std::move(next));
  current_ = grpc::ByteBuffer(&slice, 1);
  StartWrite(&current_);
}

void WatchReactor::CutOff() {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    cancelling_ = true;
  }
  ctx_->TryCancel();  // the write in flight completes, not ok
  std::optional<grpc::Status> deferred;
  {
    absl::MutexLock lock(&mu_);
    cancelling_ = false;
    deferred = std::move(deferred_finish_);
  }
  if (deferred.has_value()) FinishOnce(*deferred);
}

void WatchReactor::FinishOnce(const grpc::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    if (cancelling_) {  // CutOff finishes once TryCancel is done with ctx_
      if (!deferred_finish_.has_value()) deferred_finish_ = status;
      return;
    }
    finished_ = true;
  }
  Finish(status);
}

}  // namespace ordo::apiserver
