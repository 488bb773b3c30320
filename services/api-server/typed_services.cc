#include "services/api-server/typed_services.h"

#include "common/api/kinds.h"
#include "common/status/grpc_status.h"
#include "services/api-server/watch_reactor.h"

namespace ordo::apiserver {
namespace {

using meta::v1::DeleteRequest;
using meta::v1::GetRequest;
using meta::v1::ListOptions;

// Runs blocking `work` (returning StatusOr<MessagePtr>) on the executor and
// finishes the call with its result swapped into `response`.
template <typename T, typename Work>
grpc::ServerUnaryReactor* RunBlocking(grpc::CallbackServerContext* ctx, server::Executor& executor,
                                      T* response, Work work) {
  auto* reactor = ctx->DefaultReactor();
  executor.Submit([reactor, response, work = std::move(work)]() mutable {
    absl::StatusOr<MessagePtr> result = work();
    if (result.ok()) response->Swap(static_cast<T*>(result->get()));
    reactor->Finish(status::ToGrpcStatus(result.status()));
  });
  return reactor;
}

// The callback that finishes a unary call with a registry result.
template <typename T>
Registry::Callback Finisher(grpc::ServerUnaryReactor* reactor, T* response) {
  return [reactor, response](absl::StatusOr<MessagePtr> result) {
    if (result.ok()) response->Swap(static_cast<T*>(result->get()));
    reactor->Finish(status::ToGrpcStatus(result.status()));
  };
}

// Writes check on the gRPC thread and finish when the store has the write on
// disk: no thread waits for an fsync, and every concurrent write joins one
// group commit.
template <typename T, typename Start>
grpc::ServerUnaryReactor* RunAsync(grpc::CallbackServerContext* ctx, T* response, Start start) {
  auto* reactor = ctx->DefaultReactor();
  start(Finisher(reactor, response));
  return reactor;
}

// Parses a raw request.
template <typename M>
bool ParseRequest(const grpc::ByteBuffer& buffer, M* out) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out->ParseFromString(bytes);
}

// List and Watch answer with bytes built from the store (see wire.h), so they
// are raw methods of the generated service.
template <typename Svc>
using RawReadsService = typename Svc::template WithRawCallbackMethod_List<
    typename Svc::template WithRawCallbackMethod_Watch<typename Svc::CallbackService>>;

template <typename T>
using ServiceOf = typename api::KindTraits<T>::Service;

// Create, Get, List, Update, Delete and Watch for kind T.
template <typename T>
class ResourceService : public RawReadsService<ServiceOf<T>> {
 public:
  ResourceService(ApiServer& api, absl::string_view kind, server::Executor& unary,
                  server::Executor& watch)
      : api_(api), registry_(api.registry(kind)), unary_(unary), watch_(watch) {}

  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* ctx, const T* req,
                                   T* resp) override {
    return RunAsync(ctx, resp, [&](Registry::Callback done) { registry_.CreateAsync(*req, done); });
  }

  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx, const GetRequest* req,
                                T* resp) override {
    auto* reactor = ctx->DefaultReactor();
    Finisher(reactor, resp)(registry_.Get(req->namespace_(), req->name()));
    return reactor;
  }

  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                 grpc::ByteBuffer* resp) override {
    auto* reactor = ctx->DefaultReactor();
    ListOptions options;
    if (!ParseRequest(*req, &options)) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed ListOptions"));
      return reactor;
    }
    unary_.Submit([this, reactor, options, resp] {
      auto listed = registry_.ListBytes(options);
      if (listed.ok()) {
        grpc::Slice slice(*listed);
        *resp = grpc::ByteBuffer(&slice, 1);
      }
      reactor->Finish(status::ToGrpcStatus(listed.status()));
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* Update(grpc::CallbackServerContext* ctx, const T* req,
                                   T* resp) override {
    return RunAsync(ctx, resp, [&](Registry::Callback done) { registry_.UpdateAsync(*req, done); });
  }

  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* ctx, const DeleteRequest* req,
                                   T* resp) override {
    return RunAsync(ctx, resp, [&](Registry::Callback done) { DoDelete(*req, std::move(done)); });
  }

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(grpc::CallbackServerContext* ctx,
                                                    const grpc::ByteBuffer* req) override {
    ListOptions options;
    if (!ParseRequest(*req, &options)) options.set_resource_version("malformed");
    return WatchReactor::Start(registry_, api_.store(), watch_, options);
  }

 protected:
  virtual void DoDelete(const DeleteRequest& req, Registry::Callback done) {
    registry_.DeleteAsync(req, std::move(done));
  }

  ApiServer& api_;
  Registry& registry_;
  server::Executor& unary_;
  server::Executor& watch_;
};

// Adds UpdateStatus for kinds with a status subresource.
template <typename T>
class StatusResourceService : public ResourceService<T> {
 public:
  using ResourceService<T>::ResourceService;

  grpc::ServerUnaryReactor* UpdateStatus(grpc::CallbackServerContext* ctx, const T* req,
                                         T* resp) override {
    return RunAsync(
        ctx, resp, [&](Registry::Callback done) { this->registry_.UpdateStatusAsync(*req, done); });
  }
};

class NamespaceService : public StatusResourceService<core::v1::Namespace> {
 public:
  using StatusResourceService::StatusResourceService;

 protected:
  // Namespace deletion looks across every kind; it runs on the executor.
  void DoDelete(const DeleteRequest& req, Registry::Callback done) override {
    unary_.Submit([this, req, done = std::move(done)] { done(api_.DeleteNamespace(req)); });
  }
};

class PodService : public StatusResourceService<core::v1::Pod> {
 public:
  using StatusResourceService::StatusResourceService;

  grpc::ServerUnaryReactor* Bind(grpc::CallbackServerContext* ctx, const core::v1::Binding* req,
                                 core::v1::Pod* resp) override {
    return RunBlocking(ctx, unary_, resp, [this, req] { return api_.Bind(*req); });
  }

  grpc::ServerUnaryReactor* Evict(grpc::CallbackServerContext* ctx, const policy::v1::Eviction* req,
                                  core::v1::Pod* resp) override {
    return RunBlocking(ctx, unary_, resp, [this, req] { return api_.Evict(*req); });
  }
};

class StatefulSetService : public StatusResourceService<apps::v1::StatefulSet> {
 public:
  using StatusResourceService::StatusResourceService;

  grpc::ServerUnaryReactor* GetScale(grpc::CallbackServerContext* ctx, const GetRequest* req,
                                     apps::v1::Scale* resp) override {
    auto* reactor = ctx->DefaultReactor();
    unary_.Submit([this, reactor, req, resp] {
      auto scale = api_.GetScale(req->namespace_(), req->name());
      if (scale.ok()) resp->Swap(&*scale);
      reactor->Finish(status::ToGrpcStatus(scale.status()));
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* UpdateScale(grpc::CallbackServerContext* ctx,
                                        const apps::v1::Scale* req,
                                        apps::v1::Scale* resp) override {
    auto* reactor = ctx->DefaultReactor();
    unary_.Submit([this, reactor, req, resp] {
      auto scale = api_.UpdateScale(*req);
      if (scale.ok()) resp->Swap(&*scale);
      reactor->Finish(status::ToGrpcStatus(scale.status()));
    });
    return reactor;
  }
};

// The service of kind T: CRUD and watch, UpdateStatus when the kind has a
// status subresource, and the subresources of the kinds that have more.
template <typename T>
struct ServiceFor {
  using type = std::conditional_t<api::KindTraits<T>::kHasStatus, StatusResourceService<T>,
                                  ResourceService<T>>;
};
template <>
struct ServiceFor<core::v1::Namespace> {
  using type = NamespaceService;
};
template <>
struct ServiceFor<core::v1::Pod> {
  using type = PodService;
};
template <>
struct ServiceFor<apps::v1::StatefulSet> {
  using type = StatefulSetService;
};

// The proto's service has UpdateStatus.
template <typename T>
concept ProtoHasUpdateStatus = requires {
  &ServiceOf<T>::Service::UpdateStatus;
};

class AllServices final : public ApiServices {
 public:
  AllServices(ApiServer& api, server::Executor& unary, server::Executor& watch) {
    api::ForEachKind([&]<typename T>() {
      static_assert(ProtoHasUpdateStatus<T> == api::KindTraits<T>::kHasStatus,
                    "kinds.h says the kind has a status subresource exactly when its service "
                    "has UpdateStatus");
      services_.push_back(std::make_unique<typename ServiceFor<T>::type>(
          api, api::KindTraits<T>::kKind, unary, watch));
    });
  }

  std::vector<grpc::Service*> services() override {
    std::vector<grpc::Service*> out;
    for (auto& s : services_) out.push_back(s.get());
    return out;
  }

 private:
  std::vector<std::unique_ptr<grpc::Service>> services_;
};

}  // namespace

std::unique_ptr<ApiServices> MakeServices(ApiServer& api, server::Executor& unary,
                                          server::Executor& watch) {
  return std::make_unique<AllServices>(api, unary, watch);
}

}  // namespace ordo::apiserver
