// The api-server's door for every call: who the caller is (the
// Authenticator's user, or the user it impersonates when it may), whether
// they may do what they ask (the Authorizer, with kube-apiserver's Forbidden
// text as PERMISSION_DENIED), and the audit record of writes. Shared by every
// service; immutable after construction and safe from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/security/authenticator.h"
#include "services/api-server/audit_log.h"
#include "services/api-server/authorization/authorizer.h"

namespace ordo::apiserver {

// Who may call, and the record of what they did. Each may be null: a
// plaintext server authenticates and authorizes no one and may keep no log.
struct AccessControl {
  security::Authenticator* authenticator = nullptr;
  const authorization::Authorizer* authorizer = nullptr;
  AuditSink* audit = nullptr;
};

// Records the outcome of one write in the audit log (a no-op without one).
using AuditRecorder = std::function<void(const absl::Status&)>;

class AccessGate {
 public:
  explicit AccessGate(AccessControl access) : access_(access) {}

  // OK when the caller may do `request` (everything, without an authorizer);
  // else the refusal, and a refused write is audited. `api_version` is the
  // resource's ("apps/v1"), for the audit record.
  grpc::Status Admit(const grpc::ServerContextBase& ctx,
                     const authorization::RequestAttributes& request,
                     const std::string& api_version) const;

  // A recorder for write `request`, stamped with the caller and now.
  AuditRecorder Audit(const grpc::ServerContextBase& ctx, authorization::RequestAttributes request,
                      std::string api_version) const;

  // The user the TLS handshake or a bearer token proved (nullopt on a
  // plaintext server).
  std::optional<security::UserInfo> Authenticated(const grpc::ServerContextBase& ctx) const;

  // Who the call acts as: its authenticated user, or the user of its
  // impersonate-user / impersonate-group metadata (Kubernetes'
  // Impersonate-User / Impersonate-Group headers), which the authenticated
  // user must be allowed to `impersonate` (PERMISSION_DENIED otherwise).
  absl::StatusOr<std::optional<security::UserInfo>> Acting(
      const grpc::ServerContextBase& ctx) const;

  const authorization::Authorizer* authorizer() const { return access_.authorizer; }

 private:
  grpc::Status Decide(const grpc::ServerContextBase& ctx,
                      const authorization::RequestAttributes& request) const;

  AccessControl access_;
};

}  // namespace ordo::apiserver
