#include "services/api-server/typed_services.h"

#include <set>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/api/kinds.h"
#include "common/security/authenticator.h"
#include "common/status/grpc_status.h"
#include "ordo/authorization/v1/authorization.grpc.pb.h"
#include "services/api-server/authorization/node_authorizer.h"
#include "services/api-server/watch_reactor.h"

namespace ordo::apiserver {
namespace {

using authorization::Authorizer;
using authorization::RequestAttributes;
using meta::v1::DeleteRequest;
using meta::v1::GetRequest;
using meta::v1::ListOptions;

bool IsWrite(const std::string& verb) {
  return verb == "create" || verb == "update" || verb == "delete" || verb == "patch";
}

// The caller's address without the transport and port ("ipv4:1.2.3.4:5").
std::string PeerIp(const grpc::CallbackServerContext& ctx) {
  absl::string_view peer = ctx.peer();
  size_t colon = peer.find(':');
  if (colon != absl::string_view::npos) peer.remove_prefix(colon + 1);
  size_t port = peer.rfind(':');
  if (port != absl::string_view::npos) peer = peer.substr(0, port);
  absl::ConsumePrefix(&peer, "[");
  absl::ConsumeSuffix(&peer, "]");
  return std::string(peer);
}

// A random version-4 UUID, Kubernetes' auditID.
std::string NewAuditId() {
  static thread_local absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen), lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~0xf000ULL) | 0x4000ULL;
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);
  std::string h = absl::StrFormat("%016x%016x", hi, lo);
  return absl::StrCat(h.substr(0, 8), "-", h.substr(8, 4), "-", h.substr(12, 4), "-",
                      h.substr(16, 4), "-", h.substr(20));
}

// Records a write's outcome in the audit log (a no-op without one).
using AuditRecorder = std::function<void(const absl::Status&)>;

// `done`, after recording the result with `audit`.
Registry::Callback Recording(AuditRecorder audit, Registry::Callback done) {
  return [audit = std::move(audit), done = std::move(done)](absl::StatusOr<MessagePtr> result) {
    audit(result.status());
    done(std::move(result));
  };
}

// Authorization and audit for every call, shared by every service.
class Gate {
 public:
  explicit Gate(AccessControl access) : access_(access) {}

  // OK when the caller may do `request`; else Kubernetes' Forbidden text as
  // PERMISSION_DENIED, and a refused write is audited. Without an authorizer
  // (a plaintext server, which authenticates nobody) everything is allowed.
  grpc::Status Admit(const grpc::CallbackServerContext& ctx, const RequestAttributes& request,
                     const std::string& api_version) const {
    grpc::Status status = Decide(ctx, request);
    if (!status.ok() && IsWrite(request.verb)) {
      Audit(ctx, request, api_version)(status::FromGrpcStatus(status));
    }
    return status;
  }

  // A recorder for write `request`, stamped with the caller and now.
  AuditRecorder Audit(const grpc::CallbackServerContext& ctx, RequestAttributes request,
                      std::string api_version) const {
    if (access_.audit == nullptr) return [](const absl::Status&) {};
    AuditEvent event{
        .audit_id = NewAuditId(),
        .user = Authenticated(ctx).value_or(security::UserInfo{.name = "system:anonymous"}),
        .source_ip = PeerIp(ctx),
        .request = std::move(request),
        .api_version = std::move(api_version),
        .received = absl::Now()};
    if (auto acting = Acting(ctx);
        acting.ok() && acting->has_value() && (*acting)->name != event.user.name) {
      event.impersonated = **acting;
    }
    AuditSink* sink = access_.audit;
    return [sink, event = std::move(event)](const absl::Status& s) mutable {
      event.code = HttpCode(static_cast<int>(s.code()), event.request.verb);
      event.completed = absl::Now();
      sink->Record(event);
    };
  }

  const Authorizer* authorizer() const { return access_.authorizer; }

  // The user the TLS handshake or a bearer token proved (nullopt on a
  // plaintext server).
  std::optional<security::UserInfo> Authenticated(const grpc::CallbackServerContext& ctx) const {
    if (access_.authenticator == nullptr) return std::nullopt;
    return access_.authenticator->UserOf(ctx);
  }

  // Who the call acts as: its authenticated user (nullopt on a plaintext
  // server), or the user of its impersonate-user / impersonate-group
  // metadata (Kubernetes' Impersonate-User / Impersonate-Group headers),
  // which the authenticated user must be allowed to `impersonate`.
  absl::StatusOr<std::optional<security::UserInfo>> Acting(
      const grpc::CallbackServerContext& ctx) const {
    std::optional<security::UserInfo> user = Authenticated(ctx);
    const auto& metadata = ctx.client_metadata();
    auto as_user = metadata.find(security::kImpersonateUserHeader);
    if (as_user == metadata.end()) return user;
    if (!user.has_value()) return absl::UnauthenticatedError("Unauthorized");
    security::UserInfo target{.name = std::string(as_user->second.data(), as_user->second.size())};
    auto groups = metadata.equal_range(security::kImpersonateGroupHeader);
    for (auto it = groups.first; it != groups.second; ++it) {
      target.groups.emplace_back(it->second.data(), it->second.size());
    }
    std::vector<RequestAttributes> needed = {
        {.verb = "impersonate", .resource = "users", .name = target.name}};
    for (const std::string& g : target.groups) {
      needed.push_back({.verb = "impersonate", .resource = "groups", .name = g});
    }
    for (const RequestAttributes& r : needed) {
      if (access_.authorizer != nullptr && !access_.authorizer->Allows(*user, r)) {
        return absl::PermissionDeniedError(authorization::ForbiddenMessage(*user, r));
      }
    }
    target.groups.push_back(security::kAuthenticatedGroup);
    return std::optional<security::UserInfo>(std::move(target));
  }

 private:
  grpc::Status Decide(const grpc::CallbackServerContext& ctx,
                      const RequestAttributes& request) const {
    if (access_.authorizer == nullptr) return grpc::Status::OK;
    auto acting = Acting(ctx);
    if (!acting.ok()) return status::ToGrpcStatus(acting.status());
    const std::optional<security::UserInfo>& user = *acting;
    if (!user.has_value()) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "Unauthorized");
    if (access_.authorizer->Allows(*user, request)) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        authorization::ForbiddenMessage(*user, request));
  }

  AccessControl access_;
};

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
                  server::Executor& watch, const Gate& gate)
      : api_(api), registry_(api.registry(kind)), unary_(unary), watch_(watch), gate_(gate) {}

  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* ctx, const T* req,
                                   T* resp) override {
    std::string ns = registry_.NamespaceOf(*req);
    if (auto s = Check(*ctx, "create", ns, req->metadata().name()); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "create", ns, req->metadata().name());
    return RunAsync(ctx, resp, [&](Registry::Callback done) {
      registry_.CreateAsync(*req, Recording(std::move(audit), std::move(done)));
    });
  }

  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx, const GetRequest* req,
                                T* resp) override {
    if (auto s = Check(*ctx, "get", req->namespace_(), req->name()); !s.ok()) {
      return FinishNow(ctx, s);
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
    return RunAsync(ctx, resp, [&](Registry::Callback done) {
      registry_.UpdateAsync(*req, Recording(std::move(audit), std::move(done)));
    });
  }

  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* ctx, const DeleteRequest* req,
                                   T* resp) override {
    if (auto s = Check(*ctx, "delete", req->namespace_(), req->name()); !s.ok()) {
      return FinishNow(ctx, s);
    }
    AuditRecorder audit = Audit(*ctx, "delete", req->namespace_(), req->name());
    return RunAsync(ctx, resp, [&](Registry::Callback done) {
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
    return WatchReactor::Start(registry_, api_.store(), watch_, options);
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
  const Gate& gate_;
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
    return RunAsync(ctx, resp, [&](Registry::Callback done) {
      this->registry_.UpdateStatusAsync(*req, Recording(std::move(audit), std::move(done)));
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

// Kubernetes' NodeRestriction admission for the labels of a Node written by
// a node agent: labels under node-restriction.kubernetes.io (the ones
// administrators pin workloads with), and other kubernetes.io / k8s.io labels
// but the few kubelets set, may not be set or changed by the node itself.
bool NodeMayLabel(absl::string_view key) {
  size_t slash = key.find('/');
  if (slash == absl::string_view::npos) return true;
  absl::string_view domain = key.substr(0, slash);
  auto under = [&](absl::string_view d) {
    return domain == d || absl::EndsWith(domain, absl::StrCat(".", d));
  };
  if (under("node-restriction.kubernetes.io")) return false;
  if (!under("kubernetes.io") && !under("k8s.io")) return true;
  if (under("kubelet.kubernetes.io") || under("node.kubernetes.io")) return true;
  static constexpr absl::string_view kAllowed[] = {"kubernetes.io/hostname",
                                                   "kubernetes.io/arch",
                                                   "kubernetes.io/os",
                                                   "beta.kubernetes.io/arch",
                                                   "beta.kubernetes.io/os",
                                                   "topology.kubernetes.io/region",
                                                   "topology.kubernetes.io/zone",
                                                   "beta.kubernetes.io/instance-type"};
  return std::find(std::begin(kAllowed), std::end(kAllowed), key) != std::end(kAllowed);
}

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
  static grpc::Status Restrict(const Gate& gate, const grpc::CallbackServerContext& ctx,
                               const core::v1::Node& node, const core::v1::Node* old) {
    auto acting = gate.Acting(ctx);
    if (!acting.ok() || !acting->has_value() || !authorization::NodeNameOf(**acting).has_value()) {
      return grpc::Status::OK;  // not a node (a refused impersonation is refused later)
    }
    std::set<std::string> changed;
    const auto& labels = node.metadata().labels();
    for (const auto& [k, v] : labels) {
      if (old == nullptr || !old->metadata().labels().contains(k) ||
          old->metadata().labels().at(k) != v) {
        changed.insert(k);
      }
    }
    if (old != nullptr) {
      for (const auto& [k, v] : old->metadata().labels()) {
        if (!labels.contains(k)) changed.insert(k);
      }
    }
    std::vector<std::string> refused;
    for (const std::string& k : changed) {
      if (!NodeMayLabel(k)) refused.push_back(k);
    }
    if (refused.empty()) return grpc::Status::OK;
    std::string head = absl::StrCat("nodes \"", node.metadata().name(), "\" is forbidden: ");
    return grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        old == nullptr
            ? absl::StrCat(
                  head, "node \"", node.metadata().name(),
                  "\" is not allowed to set the following labels: ", absl::StrJoin(refused, ", "))
            : absl::StrCat(head,
                           "is not allowed to modify labels: ", absl::StrJoin(refused, ", ")));
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

// authorization.k8s.io: SelfSubjectAccessReview (may I?) for every
// authenticated user, SubjectAccessReview (may they?) for those allowed to
// create subjectaccessreviews. Answered from the authorizer; nothing stored.
class AccessReviewService final : public authorization::v1::AccessReviews::CallbackService {
 public:
  explicit AccessReviewService(const Gate& gate) : gate_(gate) {}

  grpc::ServerUnaryReactor* CreateSelfSubjectAccessReview(
      grpc::CallbackServerContext* ctx, const authorization::v1::SelfSubjectAccessReview* req,
      authorization::v1::SelfSubjectAccessReview* resp) override {
    *resp = *req;
    auto acting = gate_.Acting(*ctx);
    if (!acting.ok()) return FinishNow(ctx, status::ToGrpcStatus(acting.status()));
    security::UserInfo user = acting->value_or(security::UserInfo{.name = "system:anonymous"});
    return Answer(ctx, user, req->spec().resource_attributes(), resp->mutable_status());
  }

  grpc::ServerUnaryReactor* CreateSubjectAccessReview(
      grpc::CallbackServerContext* ctx, const authorization::v1::SubjectAccessReview* req,
      authorization::v1::SubjectAccessReview* resp) override {
    if (auto s = gate_.Admit(*ctx,
                             {.verb = "create",
                              .api_group = "authorization.k8s.io",
                              .resource = "subjectaccessreviews"},
                             "authorization.k8s.io/v1");
        !s.ok()) {
      return FinishNow(ctx, s);
    }
    if (req->spec().user().empty() && req->spec().groups().empty()) {
      return FinishNow(ctx, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                         "SubjectAccessReview.authorization.k8s.io is invalid: "
                                         "spec.user: Invalid value: \"\": at least one of user or "
                                         "group must be specified"));
    }
    *resp = *req;
    security::UserInfo user{.name = req->spec().user(), .uid = req->spec().uid()};
    user.groups.assign(req->spec().groups().begin(), req->spec().groups().end());
    return Answer(ctx, user, req->spec().resource_attributes(), resp->mutable_status());
  }

 private:
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* ctx, const security::UserInfo& user,
                                   const authorization::v1::ResourceAttributes& a,
                                   authorization::v1::SubjectAccessReviewStatus* status) {
    if (a.verb().empty() || a.resource().empty()) {
      return FinishNow(ctx,
                       grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                    "spec.resourceAttributes: verb and resource are required"));
    }
    RequestAttributes request{.verb = a.verb(),
                              .api_group = a.group(),
                              .resource = a.resource(),
                              .subresource = a.subresource(),
                              .ns = a.namespace_(),
                              .name = a.name()};
    const Authorizer* authorizer = gate_.authorizer();
    bool allowed = authorizer == nullptr || authorizer->Allows(user, request);
    status->set_allowed(allowed);
    if (!allowed) status->set_reason(authorization::ForbiddenMessage(user, request));
    return FinishNow(ctx, grpc::Status::OK);
  }

  const Gate& gate_;
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
    services_.push_back(std::make_unique<AccessReviewService>(gate_));
  }

  std::vector<grpc::Service*> services() override {
    std::vector<grpc::Service*> out;
    for (auto& s : services_) out.push_back(s.get());
    return out;
  }

 private:
  const Gate gate_;  // before the services that hold it
  std::vector<std::unique_ptr<grpc::Service>> services_;
};

}  // namespace

std::unique_ptr<ApiServices> MakeServices(ApiServer& api, server::Executor& unary,
                                          server::Executor& watch, AccessControl access) {
  return std::make_unique<AllServices>(api, unary, watch, access);
}

}  // namespace ordo::apiserver
