// WatchReactor<T, E> streams one client's watch: E is the kind's watch event
// message ({type, object: T}). It pulls from a WatchSource whenever the store
// signals new events (on the watch Executor, never on the store's commit
// thread) or a write completes, and writes one event at a time.
// Lifetime: owned by a shared_ptr to itself until gRPC calls OnDone; pending
// pump jobs hold weak references. Internally synchronised.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "common/server/executor.h"
#include "common/status/grpc_status.h"
#include "services/api-server/watch_source.h"

namespace ordo::apiserver {

template <typename T, typename E>
class WatchReactor final : public grpc::ServerWriteReactor<E>,
                           public std::enable_shared_from_this<WatchReactor<T, E>> {
 public:
  static grpc::ServerWriteReactor<E>* Start(Registry& registry, store::Store& store,
                                            server::Executor& executor,
                                            const meta::v1::ListOptions& options) {
    auto reactor = std::shared_ptr<WatchReactor>(new WatchReactor(executor));
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

  void OnWriteDone(bool ok) override {
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

  void OnCancel() override {
    bool idle;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      idle = !writing_;
    }
    if (idle) FinishOnce(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    std::unique_ptr<WatchSource> source;
    {
      absl::MutexLock lock(&mu_);
      finished_ = true;
      source = std::move(source_);
    }
    source.reset();  // stops store notifications
    self_.reset();   // may destroy this
  }

 private:
  explicit WatchReactor(server::Executor& executor) : executor_(executor) {}

  // Writes the next event if none is in flight. gRPC calls (StartWrite,
  // Finish) are made without mu_ held.
  void Pump() {
    grpc::Status error;
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || finished_ || cancelled_ || source_ == nullptr) return;
      if (pending_.empty()) {
        auto items = source_->Next(256);
        if (!items.ok()) {
          error = status::ToGrpcStatus(items.status());
        } else {
          for (auto& item : *items) {
            E event;
            event.set_type(item.type);
            event.mutable_object()->Swap(static_cast<T*>(item.object.get()));
            pending_.push_back(std::move(event));
          }
        }
      }
      if (error.ok()) {
        if (pending_.empty()) return;
        current_ = std::move(pending_.front());
        pending_.pop_front();
        writing_ = true;
      }
    }
    if (!error.ok()) {
      FinishOnce(error);
      return;
    }
    this->StartWrite(&current_);
  }

  void FinishOnce(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    this->Finish(status);
  }

  server::Executor& executor_;
  std::shared_ptr<WatchReactor> self_;

  absl::Mutex mu_;
  std::unique_ptr<WatchSource> source_ ABSL_GUARDED_BY(mu_);
  std::deque<E> pending_ ABSL_GUARDED_BY(mu_);
  E current_;  // touched only by the one write in flight (writing_)
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ordo::apiserver
