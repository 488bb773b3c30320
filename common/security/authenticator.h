// Who is calling: the api-server's authentication, as Kubernetes does it.
// A call is authenticated by the client certificate the TLS handshake
// verified (its CN is the user, each O a group) or else by its bearer token
// (`authorization: Bearer T`, looked up in a --token-auth-file). Every
// authenticated user is also in `system:authenticated`. A call with neither,
// or with an unknown token, is refused UNAUTHENTICATED ("Unauthorized",
// Kubernetes' 401) before any handler runs: Process() is gRPC's per-call
// AuthMetadataProcessor, run inline. Handlers then ask UserOf(). Neither
// writes to the call's AuthContext: gRPC shares it between the calls of one
// connection. An optional `admit` narrows who may call at all (a kubelet-agent
// answers only the api-server and the cluster's admins). Certificates are
// parsed once and cached. Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/security/token_file.h"

namespace ordo::security {

inline constexpr char kAuthenticatedGroup[] = "system:authenticated";
// Kubernetes' impersonation headers, as gRPC metadata (lower case).
inline constexpr char kImpersonateUserHeader[] = "impersonate-user";
inline constexpr char kImpersonateGroupHeader[] = "impersonate-group";

struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
};

// Whether an authenticated user may call this server at all: OK, or the
// refusal the caller sees (PERMISSION_DENIED, say).
using AdmitPolicy = std::function<grpc::Status(const UserInfo&)>;

class Authenticator : public grpc::AuthMetadataProcessor {
 public:
  explicit Authenticator(TokenFile tokens = {}, AdmitPolicy admit = nullptr)
      : tokens_(std::move(tokens)), admit_(std::move(admit)) {}

  bool IsBlocking() const override { return false; }
  // Refuses a call that UserOf would not know, or whose user `admit` refuses.
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

  // The authenticated user of a call (one that passed Process), or nullopt.
  std::optional<UserInfo> UserOf(const grpc::ServerContextBase& context);

 private:
  std::optional<UserInfo> FromCertificate(const grpc::AuthContext& context);
  std::optional<UserInfo> FromToken(absl::string_view authorization) const;

  const TokenFile tokens_;
  const AdmitPolicy admit_;
  absl::Mutex mu_;
  // Parsed subjects by PEM: a connection's calls all present one certificate.
  absl::flat_hash_map<std::string, UserInfo> by_certificate_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::security
