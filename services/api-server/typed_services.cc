#include "services/api-server/typed_services.h"

#include "absl/strings/strip.h"
#include "common/api/kinds.h"
#include "common/security/authenticator.h"
#include "common/status/grpc_status.h"
#include "services/api-server/access_reviews.h"
#include "services/api-server/authorization/node_authorizer.h"
#include "services/api-server/authorization/node_restriction.h"
#include "services/api-server/watch_reactor.h"

namespace ordo::apiserver {
namespace {

using authorization::Authorizer;
using authorization::RequestAttributes;
using meta::v1::DeleteRequest;
using meta::v1::GetRequest;
using meta::v1::ListOptions;

// `done`, after recording the result with `audit`.
Registry::Callback Recording(AuditRecorder audit, Registry::Callback done) {
  return [audit = std::move(audit), done = std::move(done)](absl::StatusOr<MessagePtr> result) {
    audit(result.status());
    done(std::move(result));
  };
}

// Finishes a unary call at once with `status` (a refusal, or OK once the
// response is filled in).
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* ctx, const grpc::Status& status) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

// A watch refused before it starts.
class RefusedWatch : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedWatch(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

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
// group commit. Over a store whose reads wait on the network (etcd) the
// checks' reads would hold one of gRPC's few callback threads, so they start
// on `offload` instead (null: inline).
template <typename T, typename Start>
grpc::ServerUnaryReactor* RunAsync(grpc::CallbackServerContext* ctx, T* response,
                                   server::Executor* offload, Start start) {
  auto* reactor = ctx->DefaultReactor();
  if (offload == nullptr) {
    start(Finisher(reactor, response));
  } else {
    offload->Submit([start = std::move(start), done = Finisher(reactor, response)]() mutable {
      start(std::move(done));
    });
  }
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
                  server::Executor& watch, const AccessGate& gate)
      : api_(api),
        registry_(api.registry(kind)),
        unary_(unary),
        watch_(watch),
        gate_(gate),
        offload_(api.store().ReadsBlock() ? &unary : nullptr) {}

  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* ctx, const T* req,
                                   T* resp) override {
    std::string ns = registry_.NamespaceOf(*req);
    if (auto s = Check(*ctx, "create", ns, req->metadata().name()); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "create", ns, req->metadata().name());
    return RunAsync(ctx, resp, offload_,
                    [this, req, audit = std::move(audit)](Registry::Callback done) mutable {
                      registry_.CreateAsync(*req, Recording(std::move(audit), std::move(done)));
                    });
  }

  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx, const GetRequest* req,
                                T* resp) override {
    if (auto s = Check(*ctx, "get", req->namespace_(), req->name()); !s.ok()) {
      return FinishNow(ctx, s);
    }
    if (offload_ != nullptr) {
      return RunBlocking(ctx, *offload_, resp,
                         [this, req] { return registry_.Get(req->namespace_(), req->name()); });
    }
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
    if (auto s = Check(*ctx, "list", options.namespace_(), ""); !s.ok()) {
      reactor->Finish(s);
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
    std::string ns = registry_.NamespaceOf(*req);
    if (auto s = Check(*ctx, "update", ns, req->metadata().name()); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "update", ns, req->metadata().name());
    return RunAsync(ctx, resp, offload_,
                    [this, req, audit = std::move(audit)](Registry::Callback done) mutable {
                      registry_.UpdateAsync(*req, Recording(std::move(audit), std::move(done)));
                    });
  }

  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* ctx, const DeleteRequest* req,
                                   T* resp) override {
    if (auto s = Check(*ctx, "delete", req->namespace_(), req->name()); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "delete", req->namespace_(), req->name());
    return RunAsync(ctx, resp, offload_,
                    [this, req, audit = std::move(audit)](Registry::Callback done) mutable {
                      DoDelete(*req, Recording(std::move(audit), std::move(done)));
                    });
  }

  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(grpc::CallbackServerContext* ctx,
                                                    const grpc::ByteBuffer* req) override {
    ListOptions options;
    if (!ParseRequest(*req, &options)) options.set_resource_version("malformed");
    if (auto s = Check(*ctx, "watch", options.namespace_(), ""); !s.ok()) {
      return new RefusedWatch(s);
    }
    return WatchReactor::Start(ctx, registry_, api_.store(), watch_, options);
  }

 protected:
  // Whether the caller may `verb` this kind (its `subresource`, if given)
  // in `ns` (ignored for cluster-scoped kinds), named `name` if known.
  grpc::Status Check(const grpc::CallbackServerContext& ctx, const char* verb,
                     const std::string& ns, const std::string& name,
                     const char* subresource = "") const {
    return gate_.Admit(ctx, Attributes(verb, ns, name, subresource), registry_.info().ApiVersion());
  }
  // The audit recorder of such a write.
  AuditRecorder Audit(const grpc::CallbackServerContext& ctx, const char* verb,
                      const std::string& ns, const std::string& name,
                      const char* subresource = "") const {
    return gate_.Audit(ctx, Attributes(verb, ns, name, subresource), registry_.info().ApiVersion());
  }
  static RequestAttributes Attributes(const char* verb, const std::string& ns,
                                      const std::string& name, const char* subresource) {
    using Traits = api::KindTraits<T>;
    return {.verb = verb,
            .api_group = Traits::kGroup,
            .resource = Traits::kPlural,
            .subresource = subresource,
            .ns = Traits::kNamespaced ? ns : "",
            .name = name};
  }

  virtual void DoDelete(const DeleteRequest& req, Registry::Callback done) {
    registry_.DeleteAsync(req, std::move(done));
  }

  ApiServer& api_;
  Registry& registry_;
  server::Executor& unary_;
  server::Executor& watch_;
  const AccessGate& gate_;
  // Where handlers that read the store run when its reads block; null: inline.
  server::Executor* const offload_;
};

// Adds UpdateStatus for kinds with a status subresource.
template <typename T>
class StatusResourceService : public ResourceService<T> {
 public:
  using ResourceService<T>::ResourceService;

  grpc::ServerUnaryReactor* UpdateStatus(grpc::CallbackServerContext* ctx, const T* req,
                                         T* resp) override {
    std::string ns = this->registry_.NamespaceOf(*req);
    if (auto s = this->Check(*ctx, "update", ns, req->metadata().name(), "status"); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = this->Audit(*ctx, "update", ns, req->metadata().name(), "status");
    return RunAsync(ctx, resp, this->offload_,
                    [this, req, audit = std::move(audit)](Registry::Callback done) mutable {
                      this->registry_.UpdateStatusAsync(
                          *req, Recording(std::move(audit), std::move(done)));
                    });
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

class NodeService : public StatusResourceService<core::v1::Node> {
 public:
  using StatusResourceService::StatusResourceService;

  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* ctx, const core::v1::Node* req,
                                   core::v1::Node* resp) override {
    if (auto s = Restrict(gate_, *ctx, *req, nullptr); !s.ok()) return FinishNow(ctx, s);
    return StatusResourceService::Create(ctx, req, resp);
  }

  grpc::ServerUnaryReactor* Update(grpc::CallbackServerContext* ctx, const core::v1::Node* req,
                                   core::v1::Node* resp) override {
    auto stored = registry_.Get("", req->metadata().name());
    const auto* old = stored.ok() ? static_cast<const core::v1::Node*>(stored->get()) : nullptr;
    if (auto s = Restrict(gate_, *ctx, *req, old); !s.ok()) return FinishNow(ctx, s);
    return StatusResourceService::Update(ctx, req, resp);
  }

 private:
  // OK unless a node agent sets or changes labels it may not (`old`: the
  // stored Node, null on create).
  static grpc::Status Restrict(const AccessGate& gate, const grpc::CallbackServerContext& ctx,
                               const core::v1::Node& node, const core::v1::Node* old) {
    auto acting = gate.Acting(ctx);
    if (!acting.ok() || !acting->has_value() || !authorization::NodeNameOf(**acting).has_value()) {
      return grpc::Status::OK;  // not a node (a refused impersonation is refused later)
    }
    return status::ToGrpcStatus(authorization::RestrictNodeLabels(node, old));
  }
};

class PodService : public StatusResourceService<core::v1::Pod> {
 public:
  using StatusResourceService::StatusResourceService;

  grpc::ServerUnaryReactor* Bind(grpc::CallbackServerContext* ctx, const core::v1::Binding* req,
                                 core::v1::Pod* resp) override {
    const auto& m = req->metadata();
    if (auto s = Check(*ctx, "create", m.namespace_(), m.name(), "binding"); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "create", m.namespace_(), m.name(), "binding");
    return RunBlocking(ctx, unary_, resp, [this, req, audit = std::move(audit)] {
      auto result = api_.Bind(*req);
      audit(result.status());
      return result;
    });
  }

  grpc::ServerUnaryReactor* Evict(grpc::CallbackServerContext* ctx, const policy::v1::Eviction* req,
                                  core::v1::Pod* resp) override {
    const auto& m = req->metadata();
    if (auto s = Check(*ctx, "create", m.namespace_(), m.name(), "eviction"); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "create", m.namespace_(), m.name(), "eviction");
    return RunBlocking(ctx, unary_, resp, [this, req, audit = std::move(audit)] {
      auto result = api_.Evict(*req);
      audit(result.status());
      return result;
    });
  }
};

class StatefulSetService : public StatusResourceService<apps::v1::StatefulSet> {
 public:
  using StatusResourceService::StatusResourceService;

  grpc::ServerUnaryReactor* GetScale(grpc::CallbackServerContext* ctx, const GetRequest* req,
                                     apps::v1::Scale* resp) override {
    if (auto s = Check(*ctx, "get", req->namespace_(), req->name(), "scale"); !s.ok()) {
      return FinishNow(ctx, s);
    }
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
    const auto& m = req->metadata();
    if (auto s = Check(*ctx, "update", m.namespace_(), m.name(), "scale"); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "update", m.namespace_(), m.name(), "scale");
    auto* reactor = ctx->DefaultReactor();
    unary_.Submit([this, reactor, req, resp, audit = std::move(audit)] {
      auto scale = api_.UpdateScale(*req);
      audit(scale.status());
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
struct ServiceFor<core::v1::Node> {
  using type = NodeService;
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
  AllServices(ApiServer& api, server::Executor& unary, server::Executor& watch,
              AccessControl access)
      : gate_(access) {
    api::ForEachKind([&]<typename T>() {
      static_assert(ProtoHasUpdateStatus<T> == api::KindTraits<T>::kHasStatus,
                    "kinds.h says the kind has a status subresource exactly when its service "
                    "has UpdateStatus");
      services_.push_back(std::make_unique<typename ServiceFor<T>::type>(
          api, api::KindTraits<T>::kKind, unary, watch, gate_));
    });
    services_.push_back(NewAccessReviewService(gate_));
  }

  std::vector<grpc::Service*> services() override {
    std::vector<grpc::Service*> out;
    for (auto& s : services_) out.push_back(s.get());
    return out;
  }

 private:
  const AccessGate gate_;  // before the services that hold it
  std::vector<std::unique_ptr<grpc::Service>> services_;
};

}  // namespace

std::unique_ptr<ApiServices> MakeServices(ApiServer& api, server::Executor& unary,
                                          server::Executor& watch, AccessControl access) {
  return std::make_unique<AllServices>(api, unary, watch, access);
}

}  // namespace ordo::apiserver
