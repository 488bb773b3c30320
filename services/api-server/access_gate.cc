#include "services/api-server/access_gate.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"

namespace ordo::apiserver {
namespace {

using authorization::RequestAttributes;

bool IsWrite(const std::string& verb) {
  return verb == "create" || verb == "update" || verb == "delete" || verb == "patch";
}

// The caller's address without the transport and port ("ipv4:1.2.3.4:5").
std::string PeerIp(const grpc::ServerContextBase& ctx) {
  const std::string full = ctx.peer();  // by value: a view of the call's result would dangle
  absl::string_view peer = full;
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

}  // namespace

grpc::Status AccessGate::Admit(const grpc::ServerContextBase& ctx, const RequestAttributes& request,
                               const std::string& api_version) const {
  grpc::Status status = Decide(ctx, request);
  if (!status.ok() && IsWrite(request.verb)) {
    Audit(ctx, request, api_version)(status::FromGrpcStatus(status));
  }
  return status;
}

AuditRecorder AccessGate::Audit(const grpc::ServerContextBase& ctx, RequestAttributes request,
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

std::optional<security::UserInfo> AccessGate::Authenticated(
    const grpc::ServerContextBase& ctx) const {
  if (access_.authenticator == nullptr) return std::nullopt;
  return access_.authenticator->UserOf(ctx);
}

absl::StatusOr<std::optional<security::UserInfo>> AccessGate::Acting(
    const grpc::ServerContextBase& ctx) const {
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
  target.groups.emplace_back(security::kAuthenticatedGroup);
  return std::optional<security::UserInfo>(std::move(target));
}

grpc::Status AccessGate::Decide(const grpc::ServerContextBase& ctx,
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

}  // namespace ordo::apiserver
