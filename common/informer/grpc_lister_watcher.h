// GrpcListerWatcher<T> is the ListerWatcher of kind T (any kind of
// common/api/kinds.h) over its generated gRPC stub. Watch streams run on a ClientContext
// that Cancel() cancels. Safe to use from one thread, Cancel from any.
#pragma once

#include <grpcpp/grpcpp.h>

#include "common/api/kinds.h"
#include "common/informer/lister_watcher.h"
#include "common/status/grpc_status.h"

namespace ordo::informer {

// Objects per List page (client-go's reflector uses 500).
inline constexpr int64_t kListPageSize = 500;

template <api::Kind T>
class GrpcListerWatcher final : public ListerWatcher<T> {
  using Svc = typename api::KindTraits<T>::Service;
  using TList = typename api::KindTraits<T>::List;
  using TEvent = typename api::KindTraits<T>::WatchEvent;

 public:
  explicit GrpcListerWatcher(std::shared_ptr<grpc::Channel> channel)
      : stub_(Svc::NewStub(std::move(channel))) {}

  // Lists in pages of kListPageSize, as client-go's reflector does, so no
  // answer grows with the cluster; every page is read at the first page's
  // revision. An expired continue token is OUT_OF_RANGE: the reflector lists
  // again from the start.
  absl::StatusOr<ListResult<T>> List(const meta::v1::ListOptions& options) override {
    ListResult<T> out;
    meta::v1::ListOptions page_options = options;
    page_options.set_limit(kListPageSize);
    for (;;) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      TList list;
      grpc::Status s = stub_->List(&ctx, page_options, &list);
      if (!s.ok()) return status::FromGrpcStatus(s);
      if (out.resource_version.empty()) out.resource_version = list.metadata().resource_version();
      for (auto& item : *list.mutable_items()) {
        auto obj = std::make_shared<T>();
        obj->Swap(&item);
        out.items.push_back(std::move(obj));
      }
      if (list.metadata().continue_().empty()) return out;
      page_options.set_continue_(list.metadata().continue_());
    }
  }

  absl::StatusOr<std::unique_ptr<WatchStream<T>>> Watch(
      const meta::v1::ListOptions& options) override {
    return std::unique_ptr<WatchStream<T>>(new Stream(*stub_, options));
  }

 private:
  class Stream final : public WatchStream<T> {
   public:
    Stream(typename Svc::Stub& stub, const meta::v1::ListOptions& options)
        : reader_(stub.Watch(&ctx_, options)) {}
    bool Next(WatchEvent<T>* event) override {
      TEvent e;
      if (!reader_->Read(&e)) return false;
      event->type = ParseEventType(e.type());
      auto obj = std::make_shared<T>();
      obj->Swap(e.mutable_object());
      event->object = std::move(obj);
      return true;
    }
    absl::Status Finish() override { return status::FromGrpcStatus(reader_->Finish()); }
    void Cancel() override { ctx_.TryCancel(); }

   private:
    grpc::ClientContext ctx_;
    std::unique_ptr<grpc::ClientReader<TEvent>> reader_;
  };

  std::unique_ptr<typename Svc::Stub> stub_;
};

}  // namespace ordo::informer
