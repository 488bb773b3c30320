#include "services/api-server/typed_services.h"

#include "common/status/grpc_status.h"
#include "ordo/apps/v1/services.grpc.pb.h"
#include "ordo/coordination/v1/services.grpc.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"
#include "ordo/policy/v1/services.grpc.pb.h"
#include "ordo/storage/v1/services.grpc.pb.h"
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

// Create, Get, List, Update, Delete and Watch for kind T of service Svc.
template <typename Svc, typename T, typename TList, typename TEvent>
class ResourceService : public Svc::CallbackService {
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

  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx, const ListOptions* req,
                                 TList* resp) override {
    auto* reactor = ctx->DefaultReactor();
    unary_.Submit([this, reactor, req, resp] {
      auto listed = registry_.List(*req);
      if (listed.ok()) {
        resp->set_api_version(registry_.info().ApiVersion());
        resp->set_kind(registry_.info().kind + "List");
        resp->mutable_metadata()->set_resource_version(std::to_string(listed->revision));
        resp->mutable_items()->Reserve(static_cast<int>(listed->items.size()));
        for (auto& item : listed->items) resp->add_items()->Swap(static_cast<T*>(item.get()));
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

  grpc::ServerWriteReactor<TEvent>* Watch(grpc::CallbackServerContext* ctx,
                                          const ListOptions* req) override {
    return WatchReactor<T, TEvent>::Start(registry_, api_.store(), watch_, *req);
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
template <typename Svc, typename T, typename TList, typename TEvent>
class StatusResourceService : public ResourceService<Svc, T, TList, TEvent> {
 public:
  using ResourceService<Svc, T, TList, TEvent>::ResourceService;

  grpc::ServerUnaryReactor* UpdateStatus(grpc::CallbackServerContext* ctx, const T* req,
                                         T* resp) override {
    return RunAsync(
        ctx, resp, [&](Registry::Callback done) { this->registry_.UpdateStatusAsync(*req, done); });
  }
};

class NamespaceService
    : public StatusResourceService<core::v1::Namespaces, core::v1::Namespace,
                                   core::v1::NamespaceList, core::v1::NamespaceWatchEvent> {
 public:
  using StatusResourceService::StatusResourceService;

 protected:
  // Namespace deletion looks across every kind; it runs on the executor.
  void DoDelete(const DeleteRequest& req, Registry::Callback done) override {
    unary_.Submit([this, req, done = std::move(done)] { done(api_.DeleteNamespace(req)); });
  }
};

class PodService : public StatusResourceService<core::v1::Pods, core::v1::Pod, core::v1::PodList,
                                                core::v1::PodWatchEvent> {
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

class StatefulSetService
    : public StatusResourceService<apps::v1::StatefulSets, apps::v1::StatefulSet,
                                   apps::v1::StatefulSetList, apps::v1::StatefulSetWatchEvent> {
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

class AllServices final : public ApiServices {
 public:
  AllServices(ApiServer& api, server::Executor& unary, server::Executor& watch) {
    using namespace core::v1;  // NOLINT: the table below names every core kind
    Add<NamespaceService>(api, "Namespace", unary, watch);
    Add<PodService>(api, "Pod", unary, watch);
    Add<StatusResourceService<Nodes, Node, NodeList, NodeWatchEvent>>(api, "Node", unary, watch);
    Add<StatusResourceService<Services, Service, ServiceList, ServiceWatchEvent>>(api, "Service",
                                                                                  unary, watch);
    Add<ResourceService<EndpointsService, Endpoints, EndpointsList, EndpointsWatchEvent>>(
        api, "Endpoints", unary, watch);
    Add<StatusResourceService<PersistentVolumes, PersistentVolume, PersistentVolumeList,
                              PersistentVolumeWatchEvent>>(api, "PersistentVolume", unary, watch);
    Add<StatusResourceService<PersistentVolumeClaims, PersistentVolumeClaim,
                              PersistentVolumeClaimList, PersistentVolumeClaimWatchEvent>>(
        api, "PersistentVolumeClaim", unary, watch);
    Add<ResourceService<Events, Event, EventList, EventWatchEvent>>(api, "Event", unary, watch);
    Add<StatefulSetService>(api, "StatefulSet", unary, watch);
    Add<ResourceService<apps::v1::ControllerRevisions, apps::v1::ControllerRevision,
                        apps::v1::ControllerRevisionList, apps::v1::ControllerRevisionWatchEvent>>(
        api, "ControllerRevision", unary, watch);
    Add<ResourceService<storage::v1::StorageClasses, storage::v1::StorageClass,
                        storage::v1::StorageClassList, storage::v1::StorageClassWatchEvent>>(
        api, "StorageClass", unary, watch);
    Add<StatusResourceService<policy::v1::PodDisruptionBudgets, policy::v1::PodDisruptionBudget,
                              policy::v1::PodDisruptionBudgetList,
                              policy::v1::PodDisruptionBudgetWatchEvent>>(
        api, "PodDisruptionBudget", unary, watch);
    Add<ResourceService<coordination::v1::Leases, coordination::v1::Lease,
                        coordination::v1::LeaseList, coordination::v1::LeaseWatchEvent>>(
        api, "Lease", unary, watch);
  }

  std::vector<grpc::Service*> services() override {
    std::vector<grpc::Service*> out;
    for (auto& s : services_) out.push_back(s.get());
    return out;
  }

 private:
  template <typename S>
  void Add(ApiServer& api, absl::string_view kind, server::Executor& unary,
           server::Executor& watch) {
    services_.push_back(std::make_unique<S>(api, kind, unary, watch));
  }

  std::vector<std::unique_ptr<grpc::Service>> services_;
};

}  // namespace

std::unique_ptr<ApiServices> MakeServices(ApiServer& api, server::Executor& unary,
                                          server::Executor& watch) {
  return std::make_unique<AllServices>(api, unary, watch);
}

}  // namespace ordo::apiserver
